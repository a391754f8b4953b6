from django.urls import path

from rapor import views

urlpatterns = [
    path("cities/<str:code>/rapor/", views.rapor_page, name="rapor"),
    path("cities/<str:code>/rapor/arsip/", views.kept_list, name="rapor-kept"),
    path("rapor/<int:pk>/unduh/", views.kept_download, name="rapor-download"),
]
