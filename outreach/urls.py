from django.urls import path

from outreach import views

urlpatterns = [
    path("gap/", views.gap_table, name="gap"),
    path("worklist/", views.worklist, name="worklist"),
]
