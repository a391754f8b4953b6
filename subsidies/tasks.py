"""Background tasks: rebuild the BSU figures after result imports and status changes; screen a programme."""

from django.contrib.auth import get_user_model
from django_tasks import task

from subsidies.figures import bsu_figures_refresh
from subsidies.models import Programme
from subsidies.services import bsu_screen


@task()
def refresh_bsu_figures():
    bsu_figures_refresh()


@task()
def screen_programme(programme_id, actor_id=None):
    """`bsu_screen` in the background, started from the admin."""
    actor = get_user_model().objects.filter(pk=actor_id).first()
    return bsu_screen(programme=Programme.objects.get(pk=programme_id), actor=actor)
