from django.urls import path

from subsidies import money_views, screening_views, views

urlpatterns = [
    path("bsu/", views.disbursement_table, name="bsu"),
    path("bsu/nik/", views.nik_lookup, name="bsu-lookup"),
    path("bsu/screenings/", screening_views.screening_runs, name="bsu-screenings"),
    path("bsu/screenings/<int:pk>/", screening_views.screening_run, name="bsu-screening"),
    path("bsu/batches/", money_views.batch_reconciliation, name="bsu-batches"),
    path("bsu/tinjauan/", money_views.risk_review_queue, name="bsu-review"),
]
