"""Background tasks of the import pipeline (django.tasks API; the database backend by default).

Workers that die are noticed by `sweep_stale_imports`, a task that schedules its own successor: django-tasks
has no scheduler and db_worker no start-up hook, but any db_worker runs a task whose `run_after` has come.
The chain starts when a worker takes an import task (`sweep_schedule` in `_run`) and goes on, one sweep
every quarter of the stale threshold, while any job is queued or running. Each sweep enqueues its successor
before doing anything else, so a worker killed during a sweep leaves the next one queued. A worker started
after a crash therefore runs the pending (or overdue) sweep first, its priority being higher than the
imports', and a worker still alive runs it between its tasks; either way the dead worker's job is resumed
without a manual step, with no extra process to start.
"""

import datetime as dt
import logging

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from imports.models import ImportJob
from imports.revert import job_revert
from imports.services import WORKER_LOST, job_apply, job_check, job_fail, stale_after, stuck_jobs_resume

logger = logging.getLogger(__name__)
S = ImportJob.Status
SWEEP_PRIORITY = 10  # above the imports' default 0: a worker started after a crash sweeps first
SWEEP_PATH = "imports.tasks.sweep_stale_imports"
KEEP_FINISHED_SWEEPS = dt.timedelta(hours=1)


def _run(job_id, service, *, waiting, working):
    sweep_schedule()
    # The job must still wait for this task: a duplicate or late task (the job was resumed, finished or
    # taken by another worker meanwhile) does nothing.
    if not ImportJob.objects.filter(pk=job_id, status=waiting).update(status=working, heartbeat_at=timezone.now()):
        logger.warning("import job %s is not %s any more: task skipped", job_id, waiting)
        return
    job = ImportJob.objects.get(pk=job_id)
    try:
        service(job=job)
    except Exception as error:
        job_fail(job=job, error=error)
        raise


@task()
def check_import(job_id):
    _run(job_id, job_check, waiting=S.QUEUED, working=S.VALIDATING)


@task()
def revert_import(job_id, user_id):
    """Reverts an applied job (imports/revert.py) in the background: a large job touches many rows."""
    job_revert(job=ImportJob.objects.get(pk=job_id), actor=get_user_model().objects.filter(pk=user_id).first())


@task()
def apply_import(job_id):
    _run(job_id, job_apply, waiting=S.APPLY_QUEUED, working=S.APPLYING)


def sweep_interval():
    return max(stale_after() / 4, dt.timedelta(seconds=1))


def sweep_schedule():
    """Makes sure one sweep is waiting (database backend only: the others have no worker to lose)."""
    if not isinstance(sweep_stale_imports.get_backend(), DatabaseBackend):
        return
    if DBTaskResult.objects.filter(task_path=SWEEP_PATH, status=TaskResultStatus.READY).exists():
        return  # two workers may both get here; the next sweep of each chain then sees the other and stops
    sweep_stale_imports.using(run_after=timezone.now() + sweep_interval()).enqueue()


@task(priority=SWEEP_PRIORITY)
def sweep_stale_imports():
    """Resumes the jobs whose worker died, then leaves the next sweep queued while jobs are in flight."""
    if ImportJob.objects.filter(status__in=ImportJob.RUNNING_STATUSES).exists():
        sweep_schedule()
    now = timezone.now()
    # A sweep takes milliseconds: one still running after the stale threshold lost its worker.
    DBTaskResult.objects.filter(task_path=SWEEP_PATH, status=TaskResultStatus.RUNNING, started_at__lt=now - stale_after()).update(
        status=TaskResultStatus.FAILED, finished_at=now, exception_class_path=WORKER_LOST
    )
    DBTaskResult.objects.filter(
        task_path=SWEEP_PATH, status=TaskResultStatus.SUCCESSFUL, finished_at__lt=now - KEEP_FINISHED_SWEEPS
    ).delete()
    resumed = stuck_jobs_resume()
    if resumed:
        logger.warning("import jobs resumed after their worker died: %s", resumed)
    return resumed
