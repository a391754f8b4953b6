"""Real processes: an import through a db_worker process, two imports running at the same time, and a worker
killed in the middle of an apply."""

import hashlib
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from conftest import process_env
from imports.models import ImportJob
from participants.models import Worker

pytestmark = pytest.mark.django_db(transaction=True)
BASE_DIR = Path(__file__).resolve().parents[2]


def manage(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, **kwargs
    )


def test_upload_runs_through_a_real_worker_process(users, login, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    env = process_env(settings)
    client = login(users["branch"])
    body = "nik,name,segment,city_code,member_since\n6172015508950001,Siti,BPU,61.72,2020-08-15\n"
    client.post("/admin/imports/importjob/upload/", {"kind": "workers", "file": SimpleUploadedFile("w.csv", body.encode())})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.QUEUED  # waiting for the worker

    worker = manage(env, "db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert worker.returncode == 0, worker.stderr
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED
    assert not Worker.objects.exists()

    client.post(f"/admin/imports/importjob/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLY_QUEUED
    worker = manage(env, "db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert worker.returncode == 0, worker.stderr
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.counts_line() == "rows=1 created=1 updated=0 unchanged=0 rejected=0"
    assert Worker.objects.get().import_job == job


def test_two_overlapping_files_at_the_same_time(reference_regions, settings, tmp_path):
    env = process_env(settings)
    header = "nik,name,segment,city_code,member_since\n"

    def rows(start, stop):
        return "".join(f"617201{1 + i % 28:02d}0895{i:04d},W{i},BPU,61.72,2020-01-01\n" for i in range(start, stop))

    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(header + rows(1, 3001))
    second.write_text(header + rows(2001, 5001))  # 1,000 workers in both files
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "import_file", "workers", str(path)],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in (first, second)
    ]
    results = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], results
    lines = [dict(part.split("=") for part in out.strip().splitlines()[-1].split()) for out, _err in results]
    assert [line["rows"] for line in lines] == ["3000", "3000"]
    assert [line["rejected"] for line in lines] == ["0", "0"]
    assert Worker.objects.count() == 5000
    assert Worker.objects.values("nik").distinct().count() == 5000
    assert sum(int(line["created"]) for line in lines) == 5000


def _until(condition, what, timeout=60):
    """Polls the database until `condition()` holds; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _db_worker(env, log):
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2", "-v", "2"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def test_a_worker_killed_mid_apply_is_replaced_and_the_import_resumes(users, login, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    env = {**process_env(settings), "JANGKAU_IMPORT_STALE_SECONDS": "3"}
    # 60,000 distinct valid NIKs: day x month x serial
    expected = [(f"617201{1 + i % 28:02d}{1 + (i // 28) % 12:02d}95{1 + i // 336:04d}", f"Pekerja {i}") for i in range(60_000)]
    body = "nik,name,segment,city_code,member_since\n" + "".join(f"{nik},{name},BPU,61.72,2020-01-01\n" for nik, name in expected)
    client = login(users["branch"])
    client.post("/admin/imports/importjob/upload/", {"kind": "workers", "file": SimpleUploadedFile("w.csv", body.encode())})
    job = ImportJob.objects.get()
    last_row = 60_001  # the header is row 1
    log = (tmp_path / "workers.log").open("w")
    workers = [_db_worker(env, log)]
    try:
        _until(lambda: ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.VALIDATED, "the check pass")
        client.post(f"/admin/imports/importjob/{job.pk}/confirm/")
        _until(lambda: ImportJob.objects.get(pk=job.pk).applied_rows > 0, "the first applied chunk")
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(timeout=10)
        job.refresh_from_db()
        assert job.status == ImportJob.Status.APPLYING, "the worker finished before it could be killed"
        assert 0 < job.applied_rows < last_row
        running = DBTaskResult.objects.get(task_path="imports.tasks.apply_import")
        assert running.status == TaskResultStatus.RUNNING  # what the dead worker leaves behind

        workers.append(_db_worker(env, log))  # no other step: the new worker notices the silent job
        _until(lambda: ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE, "the resumed apply")
        resumed = DBTaskResult.objects.filter(task_path="imports.tasks.apply_import").exclude(pk=running.pk)
        _until(lambda: resumed.exclude(status=TaskResultStatus.RUNNING).exists(), "the end of the resumed task")
    finally:
        for process in workers:
            process.kill()
            process.wait(timeout=10)
        log.close()
    job.refresh_from_db()
    assert job.counts_line() == "rows=60000 created=60000 updated=0 unchanged=0 rejected=0"
    assert job.applied_rows == last_row
    assert not job.issues.exists()
    stored = sorted(Worker.objects.filter(import_job=job).values_list("nik", "name"))
    assert len(stored) == 60_000
    assert hashlib.sha256(repr(stored).encode()).hexdigest() == hashlib.sha256(repr(sorted(expected)).encode()).hexdigest()
    running.refresh_from_db()
    assert running.status == TaskResultStatus.FAILED
    assert running.exception_class_path == "imports.services.WorkerLost"
    assert [task.status for task in resumed] == [TaskResultStatus.SUCCESSFUL]
