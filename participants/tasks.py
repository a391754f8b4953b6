"""Background task: rebuild the coverage figures after imports and edits."""

from django_tasks import task

from participants.figures import figures_refresh
from published.tasks import close_schedule


@task()
def refresh_figures():
    figures_refresh()
    close_schedule()  # the month-end close waits in the queue of any system that refreshes figures
