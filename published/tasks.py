"""The month-end close as a background task: it closes the month just ended and schedules the next one.

django-tasks has no scheduler; like the import sweep (imports/tasks.py), the task queues its own successor for
the first day of the next month. The chain is started by every figures refresh (`close_schedule`), so a system
that takes imports always has one close waiting.
"""

import datetime as dt

from django.utils import timezone
from django_tasks import task

from config.scheduling import schedule_once
from published.services import period_close, period_of
from rapor.tasks import rapor_close_enqueue

CLOSE_PATH = "published.tasks.close_month"
CLOSE_HOUR = 1  # 01:00 local time on the 1st: the month's last imports of the evening are in


def next_close(now=None):
    """01:00 on the first day of the next month, local time, and the month that will have ended by then."""
    today = timezone.localdate(now)
    first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return timezone.make_aware(dt.datetime.combine(first, dt.time(CLOSE_HOUR))), today.replace(day=1)


def close_schedule():
    """Makes sure one month-end close is waiting (database backend only)."""
    run_after, period = next_close()
    schedule_once(close_month, run_after, f"{period:%Y-%m}")


@task()
def close_month(period):
    """Closes `period` (YYYY-MM, the month that ended before the task's date, however late it runs); the next
    close is queued first, so a close that fails or a worker that dies leaves the chain going."""
    close_schedule()
    period_close(period_of(period))
    rapor_close_enqueue(period_of(period))  # the month's rapor files, kept in the background
