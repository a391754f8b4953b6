"""Writes of the import pipeline: create a job from a file, check it, apply it, resume it after its
worker died."""

import datetime as dt
import hashlib
import logging
import os
import traceback

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from config.pagecache import figures_changed
from config.spreadsheets import FileRefused, open_rows
from imports.kinds import registry
from imports.models import ImportJob, RowChange, RowIssue
from imports.pipeline import AllOrNothingRefused, Pass, key_text
from regions.models import Access
from regions.selectors import cities_for, role_of

logger = logging.getLogger(__name__)
S = ImportJob.Status


def _sha256(fileobj):
    digest = hashlib.sha256()
    fileobj.seek(0)
    for block in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(block)
    fileobj.seek(0)
    return digest.hexdigest()


def job_create(*, kind, fileobj, filename, user=None, all_or_nothing=False):
    """Stores the file through the storage API and records the job (nothing is read yet)."""
    if kind not in registry:
        raise ValueError(f"unknown import kind {kind}")
    sha256 = _sha256(fileobj)
    fileobj.seek(0, os.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(0)
    job = ImportJob(
        kind=kind,
        filename=os.path.basename(filename)[:255],
        sha256=sha256,
        size=size,
        all_or_nothing=all_or_nothing,
        created_by=user,
    )
    job.file.save(job.filename, File(fileobj), save=False)
    job.save()
    return job


def import_history_forget(*, kind, records):
    """Drops the import history (RowChange) of records being deleted, so that a record created later with the
    same key (a NIK re-registered in another city) does not show theirs."""
    keys = [key_text(tuple(getattr(record, name) for name in kind.key_fields)) for record in records]
    RowChange.objects.filter(job__kind=kind.name, key__in=keys).delete()


def earlier_applications(job, jobs=None):
    """Jobs (of `jobs`, by default all) that already applied the same file (same SHA-256) for the same kind."""
    jobs = ImportJob.objects.all() if jobs is None else jobs
    return jobs.filter(sha256=job.sha256, kind=job.kind, status=S.DONE).exclude(pk=job.pk)


def _allowed_cities(job):
    user = job.created_by
    if user is None or role_of(user) == Access.Role.ADMIN:
        return None
    return set(cities_for(user).values_list("code", flat=True))


def _set(job, **fields):
    for name, value in fields.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def _run_pass(job, *, apply):
    kind = registry[job.kind]
    with job.file.open("rb") as binary:
        source = open_rows(binary, job.filename)
        current = Pass(job, kind, source, apply=apply, allowed_cities=_allowed_cities(job))
        # How the file was read (a Windows-1252 fallback) is the job's message while it is not refused.
        _set(job, header=[str(h) for h in source.header], message=" ".join(source.notices))
        counts = current.run()
    for name, value in counts.items():
        setattr(job, name, value)
    return counts


def job_check(*, job):
    """The preview pass: every row checked and classified against the database, nothing written."""
    _set(job, status=S.VALIDATING, message="", progress=0, applied_rows=0, heartbeat_at=timezone.now())
    RowIssue.objects.filter(job=job).delete()
    try:
        _run_pass(job, apply=False)
    except FileRefused as refusal:
        _set(job, status=S.REFUSED, message=str(refusal), finished_at=timezone.now())
        return job
    if job.all_or_nothing and job.rejected:
        _set(job, status=S.REFUSED, message=_all_or_nothing_message(job), finished_at=timezone.now(), progress=1)
    else:
        _set(job, status=S.VALIDATED, progress=1)
    return job


def _all_or_nothing_message(job):
    return _("%(count)d baris ditolak dan pilihan 'semua atau tidak sama sekali' aktif: tidak ada data yang diubah.") % {
        "count": job.rejected
    }


def job_apply(*, job):
    """Applies the file; resumes after an interruption. Returns the job with its final figures."""
    if job.applied_rows == 0:
        RowIssue.objects.filter(job=job).delete()
    else:
        RowIssue.objects.filter(job=job, row__gt=job.applied_rows).delete()
    _set(job, status=S.APPLYING, message="", started_at=job.started_at or timezone.now(), heartbeat_at=timezone.now())
    try:
        if job.all_or_nothing:
            with transaction.atomic():
                _run_pass(job, apply=True)
        else:
            _run_pass(job, apply=True)
    except FileRefused as refusal:
        _set(job, status=S.REFUSED, message=str(refusal), finished_at=timezone.now())
        return job
    except AllOrNothingRefused:
        # Rolled back: record the rejected rows with a checking pass, then refuse.
        job_check(job=job)
        _set(job, status=S.REFUSED, message=_all_or_nothing_message(job), finished_at=timezone.now(), applied_rows=0)
        return job
    _set(job, status=S.DONE, finished_at=timezone.now(), progress=1)
    job.refresh_from_db(fields=["touched"])  # written by the pass, chunk by chunk
    registry[job.kind].after_apply(job)
    figures_changed()  # written past the models' signals: the cached pages are rendered again
    logger.info("import job %s applied: %s", job.pk, job.counts_line())
    return job


def job_fail(*, job, error):
    # Exception messages can quote row values (a NIK in a constraint error): the log gets the type and
    # the code path only, never the data.
    frames = "".join(traceback.format_tb(error.__traceback__))
    logger.error("import job %s failed: %s\n%s", job.pk, type(error).__name__, frames)
    _set(job, status=S.FAILED, message=_("Terjadi kesalahan sistem; hubungi administrator (job %(id)s).") % {"id": job.pk})


# Workers that die. A worker killed mid-pass (kill -9, a crash, a lost machine) leaves its job VALIDATING or
# APPLYING and its task result RUNNING forever. Every committed chunk sets the job's heartbeat, so a running
# job silent for longer than `stale_after()` has lost its worker: `job_resume` puts it back in the queue,
# where the apply goes on after its last committed chunk (`applied_rows`) and a check simply starts over.
# `imports.tasks.sweep_stale_imports` finds such jobs without anyone asking; the admin's "Lanjutkan"
# button does the same for one job.

CHECK_TASK_PATH = "imports.tasks.check_import"
APPLY_TASK_PATH = "imports.tasks.apply_import"
APPLY_STATUSES = (S.APPLY_QUEUED, S.APPLYING)


class WorkerLost(Exception):
    """Recorded as the error of a task result whose worker died while running it."""


WORKER_LOST = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
MAX_AUTOMATIC_RESUMES = 3


def stale_after():
    """How long a running job may stay silent before its worker counts as dead (JANGKAU_IMPORT_STALE_SECONDS).
    A chunk takes seconds, so only a dead worker stays silent that long."""
    return dt.timedelta(seconds=settings.JANGKAU_IMPORT_STALE_SECONDS)


def _silent_since(cutoff):
    return Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)


def _import_task_results(job_ids, statuses, **filters):
    """{job id: [task result, ...]}: the check/apply task results of these jobs in these statuses (few rows:
    waiting, running or lost tasks)."""
    found = {}
    if not job_ids:
        return found
    results = DBTaskResult.objects.filter(task_path__in=(CHECK_TASK_PATH, APPLY_TASK_PATH), status__in=statuses, **filters)
    for result in results.only("id", "status", "started_at", "args_kwargs"):
        args = (result.args_kwargs or {}).get("args") or [None]
        if args[0] in job_ids:
            found.setdefault(args[0], []).append(result)
    return found


def _stuck(jobs, *, now):
    """The jobs of `jobs` (running statuses, any number) whose worker died: VALIDATING/APPLYING and silent
    for too long; QUEUED/APPLY_QUEUED, silent for too long and no task waiting for a worker or started
    recently (the worker died between taking the task and starting the pass, or the task was lost)."""
    cutoff = now - stale_after()
    candidates = list(jobs.filter(status__in=ImportJob.RUNNING_STATUSES).filter(_silent_since(cutoff)))
    queued = {job.pk for job in candidates if job.status in (S.QUEUED, S.APPLY_QUEUED)}
    tasks = _import_task_results(queued, [TaskResultStatus.READY, TaskResultStatus.RUNNING])
    alive = {
        job_id
        for job_id, results in tasks.items()
        if any(r.status == TaskResultStatus.READY or (r.started_at and r.started_at >= cutoff) for r in results)
    }
    return [job for job in candidates if job.pk not in alive]


def stuck_jobs(*, now=None):
    """Running jobs whose worker died (see `_stuck`); what the sweep resumes."""
    return _stuck(ImportJob.objects.all(), now=now or timezone.now())


def job_is_stuck(job, *, now=None):
    """True for a job whose worker died, and for a job that failed while being applied (its committed chunks
    stay; resuming goes on after them). A failed check is not offered: uploading the file again is clearer."""
    if job.status == S.FAILED:
        return job.started_at is not None
    if job.status not in ImportJob.RUNNING_STATUSES:
        return False
    return bool(_stuck(ImportJob.objects.filter(pk=job.pk), now=now or timezone.now()))


def job_resume(*, job, user=None):
    """Puts a stuck job back in the queue and enqueues its task once that commits. Returns False when the
    job is not stuck (any more), or when the sweep (no user) gives up on it.

    The claim: the job row is locked (PostgreSQL skips a row that a live transaction holds, e.g. an
    all-or-nothing apply in progress), checked again and moved to its waiting status with a fresh heartbeat
    in one transaction, so two sweeps, or a sweep and a click, never resume the same job twice. The dead
    worker's task results for the job are marked failed, or they would count as running forever.

    A job that has already lost its worker MAX_AUTOMATIC_RESUMES times probably kills it (memory, a
    crash): the sweep then marks it failed instead of feeding it another worker, and a person decides.
    """
    from imports.tasks import apply_import, check_import  # the tasks module imports this one

    now = timezone.now()
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update(skip_locked=True).filter(pk=job.pk).first()
        if locked is None or not job_is_stuck(locked, now=now):
            return False
        orphans = [r.pk for r in _import_task_results({locked.pk}, [TaskResultStatus.RUNNING]).get(locked.pk, [])]
        DBTaskResult.objects.filter(pk__in=orphans, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=WORKER_LOST,
            traceback=f"WorkerLost: import job {locked.pk} gave no sign of life for {stale_after()}.\n",
        )
        lost = _import_task_results({locked.pk}, [TaskResultStatus.FAILED], exception_class_path=WORKER_LOST).get(locked.pk, [])
        if user is None and len(lost) > MAX_AUTOMATIC_RESUMES:
            message = _("Proses latar belakang berhenti %(count)d kali saat mengerjakan impor ini; impor dihentikan.")
            _set(job, status=S.FAILED, message=message % {"count": len(lost)}, heartbeat_at=now)
            logger.error("import job %s lost its worker %s times: marked failed", job.pk, len(lost))
            return False
        applying = locked.status in (*APPLY_STATUSES, S.FAILED)
        _set(job, status=S.APPLY_QUEUED if applying else S.QUEUED, message="", heartbeat_at=now)
        task = apply_import if applying else check_import
        transaction.on_commit(lambda: task.enqueue(job.pk))
    logger.warning(
        "import job %s resumed from %s after row %s (%s)",
        job.pk,
        locked.status,
        locked.applied_rows,
        f"user {user.pk}" if user else "no heartbeat",
    )
    return True


def stuck_jobs_resume():
    """Resumes every job whose worker died; returns their ids."""
    return [job.pk for job in stuck_jobs() if job_resume(job=job)]
