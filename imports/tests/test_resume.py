"""Jobs whose worker died: what counts as stuck, the sweep that resumes them, and the admin's "Lanjutkan"."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from imports import pipeline
from imports.models import ImportJob
from imports.services import WORKER_LOST, job_apply, job_check, job_create, job_is_stuck, job_resume
from imports.tasks import apply_import, sweep_stale_imports
from participants.models import Worker

pytestmark = pytest.mark.django_db
S = ImportJob.Status
BODY = "nik,name,segment,city_code,member_since\n" + "".join(
    f"617201{day:02d}08950001,Pekerja {day},BPU,61.72,2020-01-01\n" for day in range(1, 6)
)
LONG_AGO = dt.timedelta(hours=1)


class WorkerKilled(BaseException):
    """Stands for kill -9: nothing in the task catches it, the job keeps its running status."""


@pytest.fixture
def half_applied(users, monkeypatch, settings):
    """A 5-row file whose apply died after its first chunk of 2 rows, an hour ago."""
    settings.JANGKAU_IMPORT_STALE_SECONDS = 120
    settings.JANGKAU_IMPORT_CHUNK_ROWS = 2
    job = job_create(kind="workers", fileobj=io.BytesIO(BODY.encode()), filename="w.csv", user=users["branch"])
    job_check(job=job)
    process, chunks = pipeline.Pass._process, []

    def dies_on_second_chunk(self, chunk):
        chunks.append(chunk)
        if len(chunks) == 2:
            raise WorkerKilled
        return process(self, chunk)

    monkeypatch.setattr(pipeline.Pass, "_process", dies_on_second_chunk)
    with pytest.raises(WorkerKilled):
        job_apply(job=job)
    monkeypatch.setattr(pipeline.Pass, "_process", process)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - LONG_AGO)
    job.refresh_from_db()
    assert (job.status, job.applied_rows, Worker.objects.count()) == (S.APPLYING, 3, 2)
    return job


def running_task(job, *, path="imports.tasks.apply_import", started=LONG_AGO, status=TaskResultStatus.RUNNING):
    return DBTaskResult.objects.create(
        args_kwargs={"args": [job.pk], "kwargs": {}},
        task_path=path,
        backend_name="default",
        status=status,
        started_at=timezone.now() - started if status == TaskResultStatus.RUNNING else None,
    )


def test_uploader_resumes_a_stuck_apply_from_its_last_chunk(half_applied, users, login, django_capture_on_commit_callbacks):
    client = login(users["branch"])
    page = client.get(f"/admin/imports/importjob/{half_applied.pk}/").content.decode()
    assert 'id="resume-import"' in page
    assert "tidak ada tanda hidup" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/imports/importjob/{half_applied.pk}/resume/", follow=True)
    assert "Impor diantrekan lagi" in response.content.decode()
    half_applied.refresh_from_db()
    assert half_applied.status == S.DONE
    # created=5, not 3 created + 2 unchanged: the apply went on after row 3 with the committed counters
    assert half_applied.counts_line() == "rows=5 created=5 updated=0 unchanged=0 rejected=0"
    assert Worker.objects.filter(import_job=half_applied).count() == 5
    page = client.get(f"/admin/imports/importjob/{half_applied.pk}/").content.decode()
    assert 'id="resume-import"' not in page
    assert client.post(f"/admin/imports/importjob/{half_applied.pk}/resume/").status_code == 403


def test_a_job_with_a_live_worker_offers_no_resume(half_applied, users, login):
    ImportJob.objects.filter(pk=half_applied.pk).update(heartbeat_at=timezone.now())
    client = login(users["branch"])
    assert 'id="resume-import"' not in client.get(f"/admin/imports/importjob/{half_applied.pk}/").content.decode()
    assert client.post(f"/admin/imports/importjob/{half_applied.pk}/resume/").status_code == 403
    half_applied.refresh_from_db()
    assert half_applied.status == S.APPLYING


def test_only_the_uploader_and_admins_may_resume(half_applied, users, login, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    other = login(users["other_branch"])
    assert other.get(f"/admin/imports/importjob/{half_applied.pk}/").status_code == 404
    assert other.post(f"/admin/imports/importjob/{half_applied.pk}/resume/").status_code == 404
    half_applied.refresh_from_db()
    assert half_applied.status == S.APPLYING

    admin = login(users["admin"])
    assert 'id="resume-import"' in admin.get(f"/admin/imports/importjob/{half_applied.pk}/").content.decode()
    assert admin.post(f"/admin/imports/importjob/{half_applied.pk}/resume/").status_code == 302
    half_applied.refresh_from_db()
    assert half_applied.status == S.APPLY_QUEUED


def test_failed_apply_is_resumable_failed_check_is_not(half_applied, users):
    ImportJob.objects.filter(pk=half_applied.pk).update(status=S.FAILED, heartbeat_at=timezone.now())
    half_applied.refresh_from_db()
    assert job_is_stuck(half_applied)
    ImportJob.objects.filter(pk=half_applied.pk).update(started_at=None)  # failed before any apply
    half_applied.refresh_from_db()
    assert not job_is_stuck(half_applied)


def test_sweep_requeues_a_silent_job_once_and_fails_the_dead_task(half_applied, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    dead = running_task(half_applied)
    assert sweep_stale_imports.call() == [half_applied.pk]
    half_applied.refresh_from_db()
    assert half_applied.status == S.APPLY_QUEUED
    dead.refresh_from_db()
    assert (dead.status, dead.exception_class_path) == (TaskResultStatus.FAILED, "imports.services.WorkerLost")
    # A second sweep, or a click, finds nothing left to resume: the claim refreshed the heartbeat.
    assert sweep_stale_imports.call() == []
    assert not job_resume(job=half_applied)

    with django_capture_on_commit_callbacks(execute=True):  # the re-queued task, run by a worker
        apply_import.call(half_applied.pk)
    half_applied.refresh_from_db()
    assert half_applied.counts_line() == "rows=5 created=5 updated=0 unchanged=0 rejected=0"


def test_queued_job_is_stuck_only_when_its_task_died(half_applied, settings):
    ImportJob.objects.filter(pk=half_applied.pk).update(status=S.APPLY_QUEUED)
    half_applied.refresh_from_db()
    assert job_is_stuck(half_applied)  # no task at all: lost between the claim and the enqueue
    waiting = running_task(half_applied, status=TaskResultStatus.READY)
    assert not job_is_stuck(half_applied)  # waiting for a free worker
    waiting.delete()
    running_task(half_applied, started=dt.timedelta(seconds=5))
    assert not job_is_stuck(half_applied)  # just taken by a worker
    settings.JANGKAU_IMPORT_STALE_SECONDS = 1
    assert job_is_stuck(half_applied)  # taken, and its worker never started the pass


def test_a_late_duplicate_task_does_nothing(half_applied, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert job_resume(job=half_applied)
    half_applied.refresh_from_db()
    assert half_applied.status == S.DONE
    finished_at = half_applied.finished_at
    apply_import.call(half_applied.pk)  # e.g. the dead worker's task, run again
    half_applied.refresh_from_db()
    assert (half_applied.status, half_applied.finished_at) == (S.DONE, finished_at)


def test_a_job_that_keeps_killing_its_worker_is_given_up(half_applied, users, login, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    for _death in range(3):  # three resumes already
        lost = running_task(half_applied)
        lost.status, lost.exception_class_path = TaskResultStatus.FAILED, WORKER_LOST
        lost.save()
    running_task(half_applied)  # the fourth death
    assert sweep_stale_imports.call() == []
    half_applied.refresh_from_db()
    assert half_applied.status == S.FAILED
    assert half_applied.message == "Proses latar belakang berhenti 4 kali saat mengerjakan impor ini; impor dihentikan."
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists()
    # A person may still decide to go on.
    client = login(users["branch"])
    assert 'id="resume-import"' in client.get(f"/admin/imports/importjob/{half_applied.pk}/").content.decode()
    client.post(f"/admin/imports/importjob/{half_applied.pk}/resume/")
    half_applied.refresh_from_db()
    assert (half_applied.status, half_applied.message) == (S.APPLY_QUEUED, "")
