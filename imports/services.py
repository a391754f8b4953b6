"""Writes of the import pipeline: create a job from a file, check it, apply it."""

import hashlib
import logging
import os
import traceback

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.spreadsheets import FileRefused, open_rows
from imports.kinds import registry
from imports.models import ImportJob, RowIssue
from imports.pipeline import AllOrNothingRefused, Pass
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


def earlier_applications(job):
    """Jobs that already applied the same file (same SHA-256) for the same kind."""
    return ImportJob.objects.filter(sha256=job.sha256, kind=job.kind, status=S.DONE).exclude(pk=job.pk)


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
        _set(job, header=[str(h) for h in source.header])
        counts = current.run()
    for name, value in counts.items():
        setattr(job, name, value)
    return counts


def job_check(*, job):
    """The preview pass: every row checked and classified against the database, nothing written."""
    _set(job, status=S.VALIDATING, message="", progress=0, applied_rows=0)
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
    _set(job, status=S.APPLYING, message="", started_at=job.started_at or timezone.now())
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
    registry[job.kind].after_apply(job)
    logger.info("import job %s applied: %s", job.pk, job.counts_line())
    return job


def job_fail(*, job, error):
    # Exception messages can quote row values (a NIK in a constraint error): the log gets the type and
    # the code path only, never the data.
    frames = "".join(traceback.format_tb(error.__traceback__))
    logger.error("import job %s failed: %s\n%s", job.pk, type(error).__name__, frames)
    _set(job, status=S.FAILED, message=_("Terjadi kesalahan sistem; hubungi administrator (job %(id)s).") % {"id": job.pk})
