from django.urls import path

from commitments import views

urlpatterns = [
    path("cities/<str:code>/simulasi/", views.simulator, name="simulator"),
    path("cities/<str:code>/skor/", views.scorecard, name="scorecard"),
    path("provinces/<str:code>/peringkat/", views.ranking, name="province-ranking"),
    path("komitmen/<int:pk>/bukti/", views.evidence, name="commitment-evidence"),
]
