"""Background tasks: rebuild the BSU figures after result imports and status changes; screen a programme;
look for account risks; return money not collected at Pos to the treasury after the pickup deadline.

The Pos expiry schedules itself like the month-end close (published/tasks.py): django-tasks has no
scheduler, so each run queues the next one for the day after the nearest pickup deadline still ahead
(or the next day, while a deadline has passed and recipients still wait at Pos). The chain is started by
every BSU figures refresh.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from subsidies.figures import bsu_figures_refresh
from subsidies.models import Programme
from subsidies.money import pos_pickup_expire, uncollected_at_pos
from subsidies.risk import risk_scan
from subsidies.services import bsu_screen

EXPIRY_PATH = "subsidies.tasks.expire_pos_pickups"
EXPIRY_HOUR = 2  # 02:00 the day after a deadline: the last day counts whole


@task()
def refresh_bsu_figures():
    bsu_figures_refresh()
    expiry_schedule()


@task()
def scan_account_risk():
    """New account risk signals of every programme (after bank account and result imports)."""
    for programme in Programme.objects.all():
        risk_scan(programme=programme)


def next_expiry(today=None):
    """When the next Pos expiry should run, or None when no programme has a deadline to act on."""
    today = today or timezone.localdate()
    days = []
    for programme in Programme.objects.exclude(pos_pickup_deadline=None):
        deadline = programme.pos_pickup_deadline
        if deadline >= today:
            days.append(deadline + dt.timedelta(days=1))
        elif uncollected_at_pos(programme).exists():
            days.append(today)
    if not days:
        return None
    return timezone.make_aware(dt.datetime.combine(min(days), dt.time(EXPIRY_HOUR)))


def expiry_schedule():
    """Makes sure one Pos expiry is waiting when a deadline is ahead or has passed (database backend only)."""
    if not isinstance(expire_pos_pickups.get_backend(), DatabaseBackend):
        return
    if DBTaskResult.objects.filter(task_path=EXPIRY_PATH, status=TaskResultStatus.READY).exists():
        return
    if (run_after := next_expiry()) is not None:
        expire_pos_pickups.using(run_after=run_after).enqueue()


@task()
def expire_pos_pickups():
    """Every programme past its pickup deadline: recipients still waiting at Pos go to RETURNED_TO_TREASURY
    (each with its status change, by the system). The figures are rebuilt, which queues the next run."""
    moved = {programme.code: pos_pickup_expire(programme=programme) for programme in Programme.objects.all()}
    bsu_figures_refresh()
    expiry_schedule()
    return moved


@task()
def screen_programme(programme_id, actor_id=None):
    """`bsu_screen` in the background, started from the admin."""
    actor = get_user_model().objects.filter(pk=actor_id).first()
    return bsu_screen(programme=Programme.objects.get(pk=programme_id), actor=actor)
