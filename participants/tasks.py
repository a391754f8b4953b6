"""Background tasks: refresh the figures of what imports and edits touched; rebuild them all every night."""

import datetime as dt

from django.utils import timezone
from django_tasks import task

from config.scheduling import schedule_once
from participants.figures import figures_refresh
from published.tasks import close_schedule

NIGHTLY = dt.time(0, 30)  # the full rebuild: after midnight, so the kept figures count the new day


@task()
def refresh_figures(cities=None, employers=None):
    """Rebuilds the figures of `cities` and `employers` (None: all of them)."""
    figures_refresh(cities=cities, employers=employers)
    close_schedule()  # the month-end close waits in the queue of any system that refreshes figures
    nightly_schedule()


def refresh_enqueue(touched):
    """Queues the refresh of what an import or an edit touched: {"city_id": [...], "employer_id": [...]}, a
    field's None standing for all of them and a missing employer_id for none."""
    refresh_figures.enqueue(cities=touched.get("city_id"), employers=touched.get("employer_id", []))


def nightly_schedule(now=None):
    """Makes sure tonight's full rebuild is waiting (database backend only)."""
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    schedule_once(refresh_nightly, timezone.make_aware(dt.datetime.combine(tomorrow, NIGHTLY)))


@task()
def refresh_nightly():
    """The safety net: every figure rebuilt, each city it had to correct logged (it should find none)."""
    nightly_schedule()
    figures_refresh()
    close_schedule()
