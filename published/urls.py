from django.urls import path

from published import views

urlpatterns = [
    path("figures/", views.snapshot_list, name="snapshots"),
    path("figures/<int:pk>/", views.snapshot_detail, name="snapshot"),
]
