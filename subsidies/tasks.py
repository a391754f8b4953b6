"""Background task: rebuild the BSU figures after result imports and status changes."""

from django_tasks import task

from subsidies.figures import bsu_figures_refresh


@task()
def refresh_bsu_figures():
    bsu_figures_refresh()
