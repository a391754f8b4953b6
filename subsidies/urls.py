from django.urls import path

from subsidies import views

urlpatterns = [
    path("bsu/", views.disbursement_table, name="bsu"),
    path("bsu/nik/", views.nik_lookup, name="bsu-lookup"),
]
