"""Three real db_worker processes on PostgreSQL: two overlapping imports of different kinds, a BSU screening and
several figures refreshes at the same time, one worker killed in the middle of a chunk. Every task runs once,
the counts are exact, nothing is lost and the figures end as a full rebuild would leave them."""

import datetime as dt
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from conftest import process_env
from imports.models import ImportJob
from imports.services import WORKER_LOST
from outreach.models import CitySector
from participants.figures import figures_refresh
from participants.models import CoverageFigure, Employer, EmployerFigure, Segment, Worker
from participants.tasks import refresh_figures
from subsidies.models import Recipient, RecipientStatus, StatusChange
from subsidies.tasks import screen_programme

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: SQLite serialises every writing transaction, so workers never run side by side",
    ),
]
BASE_DIR = Path(__file__).resolve().parents[2]
STALE_SECONDS = 8  # a chunk commits well within it; the dead worker's job is resumed after it
DONE = ImportJob.Status.DONE

# Hand-counted outcome of the two files written below.
SEEDED_EMPLOYERS, SEEDED_WORKERS = 12, 2000
WORKER_ROWS, WORKER_REJECTED = 40_000, 76  # new rows 2,000..39,999 with an unknown city every 500th: 2,000..39,500
EMPLOYER_ROWS, EMPLOYER_REJECTED = 30_000, 29  # new rows 12..29,999 with an unknown city every 1,000th: 1,000..29,000
ELIGIBLE = 1000  # seeded workers with a wage under the cap; every imported worker joins after the cutoff


def nik(i, city, year):
    """A valid NIK: the city's prefix, district 01, day x month x serial from i, a birth year."""
    return f"{city.replace('.', '')}01{1 + i % 28:02d}{1 + (i // 28) % 12:02d}{year}{1 + i // 336:04d}"


def seed():
    """12 employers and 2,000 PU workers in Singkawang and Pontianak, half of them eligible for BSU."""
    employers = Employer.objects.bulk_create(
        Employer(npp=f"AA{k:06d}", name=f"PT Lama {k}", city_id=("61.72", "61.71")[k // 6]) for k in range(SEEDED_EMPLOYERS)
    )
    workers = Worker.objects.bulk_create(
        Worker(
            nik=nik(i, ("61.72", "61.71")[i % 2], "90"),
            name=f"Pekerja Lama {i}",
            segment=Segment.PU,
            city_id=("61.72", "61.71")[i % 2],
            employer=employers[(i % 2) * 6 + (i // 2) % 6],
            wage=3_000_000 if (i // 2) % 2 == 0 else 9_000_000,
            member_since=dt.date(2020, 1, 1),
        )
        for i in range(SEEDED_WORKERS)
    )
    figures_refresh(cities=["61.72", "61.71"])  # bulk_create left them out, as a test's setup may
    return employers, workers


def workers_file(workers):
    """Renames every seeded worker (a quarter also leave at the end of 2025, after the BSU cutoff), then
    38,000 new BPU workers in four cities who joined after the cutoff."""
    lines = ["nik,name,segment,city_code,member_since,npp,wage,member_until"]
    expected = {}
    for i, w in enumerate(workers):
        until = "2025-12-31" if i % 4 == 1 else ""
        lines.append(f"{w.nik},Pekerja Baru {i},PU,{w.city_id},2020-01-01,{w.employer.npp},{w.wage},{until}")
        expected[w.nik] = (f"Pekerja Baru {i}", w.city_id, dt.date(2025, 12, 31) if until else None)
    for j in range(SEEDED_WORKERS, WORKER_ROWS):
        city = ("61.72", "61.71", "61.01", "64.71")[j % 4]
        since = dt.date(2025, 5 + j % 6, 1)
        lines.append(f"{nik(j, city, '95')},Pekerja {j},BPU,{'99.99' if j % 500 == 0 else city},{since},,,")
        if j % 500:
            expected[nik(j, city, "95")] = (f"Pekerja {j}", city, None)
    return "\n".join(lines) + "\n", expected


def employers_file(employers):
    """Renames the 12 seeded employers and gives them a sector, then 29,988 new employers in three cities."""
    lines = ["npp,name,city_code,sector"]
    expected = {}
    for k, e in enumerate(employers):
        lines.append(f"{e.npp},PT Lama {k} Tbk,{e.city_id},Perdagangan")
        expected[e.npp] = (f"PT Lama {k} Tbk", e.city_id, "Perdagangan")
    for j in range(SEEDED_EMPLOYERS, EMPLOYER_ROWS):
        city, sector = ("61.72", "61.01", "64.71")[j % 3], ("Perdagangan", "Perikanan", "Konstruksi", "Jasa")[j % 4]
        lines.append(f"BB{j:06d},PT Baru {j},{'99.99' if j % 1000 == 0 else city},{sector}")
        if j % 1000:
            expected[f"BB{j:06d}"] = (f"PT Baru {j}", city, sector)
    return "\n".join(lines) + "\n", expected


def db_worker(worker_id, env, log):
    options = ["--no-reload", "--no-startup-delay", "--interval", "0.2", "--worker-id", worker_id, "-v", "2"]
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", *options],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def until(condition, what, log_path, timeout=90):
    """Polls the database until `condition()` holds; fails after `timeout` seconds with the workers' log."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; workers' log:\n{log_path.read_text()[-5000:]}")
        time.sleep(0.05)


def in_a_chunk(kind):
    """True while a worker holds the apply lock of `kind` (imports.pipeline.lock_writes): inside a chunk's
    transaction, between its first write and its commit."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH k AS (SELECT hashtext(%s)::bigint AS key)
            SELECT EXISTS (
                SELECT 1 FROM pg_locks, k WHERE locktype = 'advisory' AND granted AND objsubid = 1
                    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                    AND classid::bigint = (k.key >> 32) & 4294967295 AND objid::bigint = k.key & 4294967295
            )
            """,
            [f"jangkau-import-{kind}"],
        )
        return cursor.fetchone()[0]


def tasks(path, **filters):
    return list(DBTaskResult.objects.filter(task_path=path, **filters).order_by("enqueued_at"))


def figure_rows():
    return (
        sorted(CoverageFigure.objects.values_list("city_id", "group", "day", "joined_total", "left_total")),
        sorted(EmployerFigure.objects.values_list("employer_id", "day", "active_workers", "active_wage_total")),
        sorted(CitySector.objects.values_list("city_id", "sector")),
    )


def test_three_workers_run_every_job_once_and_a_killed_one_loses_nothing(users, login, bsu, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    employers, workers = seed()
    worker_body, expected_workers = workers_file(workers)
    employer_body, expected_employers = employers_file(employers)
    client = login(users["admin"])
    for name, kind, body in (("w.csv", "workers", worker_body), ("e.csv", "employers", employer_body)):
        response = client.post(
            "/admin/imports/importjob/upload/", {"kind": kind, "file": SimpleUploadedFile(name, body.encode())}
        )
        assert response.status_code == 302
    worker_job, employer_job = (ImportJob.objects.get(kind=kind) for kind in ("workers", "employers"))
    refresh_figures.enqueue(cities=["61.72"], employers=[])
    refresh_figures.enqueue()  # a full rebuild while both files are being checked

    env = {**process_env(settings), "JANGKAU_IMPORT_STALE_SECONDS": str(STALE_SECONDS)}
    log_path = tmp_path / "workers.log"
    log = log_path.open("w")
    processes = {f"w{n}": db_worker(f"w{n}", env, log) for n in (1, 2, 3)}
    try:
        for job in (worker_job, employer_job):
            until(lambda job=job: ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.VALIDATED, "the checks", log_path)
            client.post(f"/admin/imports/importjob/{job.pk}/confirm/")
        # While both files are applied: the screening and refreshes of overlapping cities and employers.
        screen_programme.enqueue(bsu.pk)
        refresh_figures.enqueue(cities=["61.71", "64.71"], employers=[e.pk for e in employers[:6]])
        refresh_figures.enqueue(cities=["61.72", "61.71"], employers=[e.pk for e in employers])

        until(
            lambda: ImportJob.objects.get(pk=worker_job.pk).applied_rows > 0 and in_a_chunk("workers"),
            "a chunk of the workers file after the first",
            log_path,
        )
        (lost,) = tasks("imports.tasks.apply_import", args_kwargs__args=[worker_job.pk], status=TaskResultStatus.RUNNING)
        (killed,) = lost.worker_ids
        processes[killed].send_signal(signal.SIGKILL)
        processes[killed].wait(timeout=10)
        worker_job.refresh_from_db()
        assert worker_job.status == ImportJob.Status.APPLYING, "the apply finished before its worker could be killed"
        assert 0 < worker_job.applied_rows < WORKER_ROWS + 1

        # The two other workers notice the silent job (imports.tasks.sweep_stale_imports) and finish it.
        until(lambda: ImportJob.objects.filter(status=DONE).count() == 2, "both imports", log_path)
        waiting = ("participants.tasks.refresh_nightly", "published.tasks.close_month")  # scheduled for later
        until(
            lambda: (
                not DBTaskResult.objects.exclude(task_path__in=waiting).filter(
                    status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING)
                )
            ),
            "every task to finish",
            log_path,
        )
    finally:
        for process in processes.values():
            process.kill()
            process.wait(timeout=10)
        log.close()

    # Every task ran once, on one worker; the only failure is the task of the worker killed.
    assert all(len(result.worker_ids) == 1 for result in DBTaskResult.objects.exclude(task_path__in=waiting))
    assert not DBTaskResult.objects.filter(task_path__in=waiting).exclude(worker_ids=[]).exists()
    assert [r.task_path for r in DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)] == ["imports.tasks.apply_import"]
    lost.refresh_from_db()
    assert (lost.status, lost.exception_class_path) == (TaskResultStatus.FAILED, WORKER_LOST)
    successful = TaskResultStatus.SUCCESSFUL
    for job in (worker_job, employer_job):
        assert len(tasks("imports.tasks.check_import", args_kwargs__args=[job.pk], status=successful)) == 1
        (applied,) = tasks("imports.tasks.apply_import", args_kwargs__args=[job.pk], status=successful)
        assert applied.worker_ids != [killed]
    assert len(tasks("participants.tasks.refresh_figures", status=successful)) == 6  # 4 above, 1 after each import
    (screening,) = tasks("subsidies.tasks.screen_programme")
    assert screening.status == successful
    assert [len(tasks(path, status=TaskResultStatus.READY)) for path in waiting] == [1, 1]

    # Exact counts, and the tables hold exactly the rows of the files.
    worker_job.refresh_from_db()
    employer_job.refresh_from_db()
    created = WORKER_ROWS - SEEDED_WORKERS - WORKER_REJECTED
    assert worker_job.counts_line() == f"rows={WORKER_ROWS} created={created} updated=2000 unchanged=0 rejected=76"
    assert worker_job.applied_rows == WORKER_ROWS + 1  # the header is row 1
    assert worker_job.issues.count() == WORKER_REJECTED
    created = EMPLOYER_ROWS - SEEDED_EMPLOYERS - EMPLOYER_REJECTED
    assert employer_job.counts_line() == f"rows={EMPLOYER_ROWS} created={created} updated=12 unchanged=0 rejected=29"
    assert employer_job.issues.count() == EMPLOYER_REJECTED
    stored = {
        nik: (name, city, until)
        for nik, name, city, until in Worker.objects.values_list("nik", "name", "city_id", "member_until")
    }
    assert Worker.objects.count() == len(stored) == SEEDED_WORKERS + 37_924
    assert stored == expected_workers
    stored = {
        npp: (name, city, sector) for npp, name, city, sector in Employer.objects.values_list("npp", "name", "city_id", "sector")
    }
    assert Employer.objects.count() == len(stored) == SEEDED_EMPLOYERS + 29_959
    assert stored == expected_employers

    # The screening ran once: one recipient and one first status change per worker it saw, and exactly the
    # seeded workers with a wage under the cap are candidates (the imported ones joined after the cutoff).
    counts = screening.return_value
    assert counts["candidates"] == ELIGIBLE
    assert counts["screened"] == counts["candidates"] + counts["screened_out"] == Recipient.objects.count()
    assert StatusChange.objects.count() == Recipient.objects.count()
    candidates = Recipient.objects.filter(status=RecipientStatus.CANDIDATE).values_list("worker_id", flat=True)
    assert set(candidates) == {w.pk for i, w in enumerate(workers) if (i // 2) % 2 == 0}

    # The incremental refreshes, in whatever order they ran, left what a full rebuild computes.
    kept = figure_rows()
    figures_refresh()
    assert figure_rows() == kept
    coverage = CoverageFigure.objects.filter(city_id="64.71", group="BPU").order_by("-day").first()
    assert (coverage.joined_total, coverage.left_total) == (9500, 0)  # 64.71 gets the rows j % 4 == 3: 38,000 / 4, none rejected
