"""Real processes: an import through a db_worker process, and two imports running at the same time."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

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
