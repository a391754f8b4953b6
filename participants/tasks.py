"""Background task: rebuild the coverage figures after imports and edits."""

from django_tasks import task

from participants.figures import figures_refresh


@task()
def refresh_figures():
    figures_refresh()
