from django.urls import path

from commitments import views

urlpatterns = [
    path("cities/<str:code>/simulasi/", views.simulator, name="simulator"),
    path("komitmen/<int:pk>/bukti/", views.evidence, name="commitment-evidence"),
]
