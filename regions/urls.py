from django.urls import path

from regions import attention, views

urlpatterns = [
    path("", views.home, name="home"),
    path("ucj/", views.ucj_table, name="ucj"),
    path("ucj/bands.css", views.bands_css, name="ucj-bands-css"),
    path("cities/<str:code>/", views.city_detail, name="city"),
    path("perhatian/", attention.attention_page, name="attention"),
]
