from django.urls import path

from regions import views

urlpatterns = [
    path("", views.home, name="home"),
    path("ucj/", views.ucj_table, name="ucj"),
    path("cities/<str:code>/", views.city_detail, name="city"),
]
