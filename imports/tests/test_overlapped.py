"""The overlapped apply on PostgreSQL (imports.pipeline.ChunkWriter): chunk N is committed by a writer thread on
its own connection while chunk N+1 is read. Outside a test transaction, as `import_file` and the workers run it."""

import datetime as dt
import time

import pytest
from django.db import connection

from imports import pipeline
from imports.models import ImportJob, RowChange
from imports.services import job_apply, job_create
from participants.models import Worker
from participants.tests.factories import WorkerFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the overlapped apply runs on PostgreSQL only"),
]

HEADER = "nik,name,segment,city_code,member_since,npp,wage,member_until\n"


def nik(i):
    return f"617201{1 + i % 28:02d}0895{i + 1:04d}"


def body():
    """10 rows in chunks of 3: 7 new, 1 update of a stored worker, a bad NIK, and a NIK repeated in a later chunk."""
    rows = [f"{nik(i)},Pekerja {i},BPU,61.72,2020-01-01,,,\n" for i in range(8)]
    rows[2] = f"{nik(100)},Nama Baru,BPU,61.72,2019-05-01,,,\n"  # stored below: an update
    rows.append("bukan-nik,X,BPU,61.72,2020-01-01,,,\n")
    rows.append(f"{nik(0)},Pekerja 0 lagi,BPU,61.72,2020-01-01,,,\n")  # row 2's NIK again, chunk 4
    return HEADER + "".join(rows)


@pytest.fixture
def job(reference_regions, employer, settings, tmp_path):
    settings.JANGKAU_IMPORT_CHUNK_ROWS = 3
    WorkerFactory(nik=nik(100), name="Nama Lama", segment="BPU", city_code="61.72")
    path = tmp_path / "w.csv"
    path.write_text(body())
    with path.open("rb") as binary:
        return job_create(kind="workers", fileobj=binary, filename="w.csv")


def final_state():
    return sorted(Worker.objects.values_list("nik", "name", "member_since"))


def advisory_locks():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
        return cursor.fetchone()[0]


def test_chunks_are_written_by_the_writer_thread_with_exact_counts(job, monkeypatch):
    submitted = []
    original = pipeline.ChunkWriter.submit
    monkeypatch.setattr(pipeline.ChunkWriter, "submit", lambda self, write: submitted.append(1) or original(self, write))
    job_apply(job=job)
    job.refresh_from_db()
    assert len(submitted) == 4
    assert job.status == ImportJob.Status.DONE
    assert job.counts_line() == "rows=10 created=7 updated=1 unchanged=0 rejected=2"
    assert job.applied_rows == 11
    assert Worker.objects.count() == 8
    assert Worker.objects.get(nik=nik(100)).name == "Nama Baru"
    assert Worker.objects.get(nik=nik(0)).name == "Pekerja 0"  # the repeat is rejected, not applied
    assert sorted(job.issues.values_list("row", flat=True)) == [10, 11]
    assert RowChange.objects.get(job=job).key == nik(100)
    assert advisory_locks() == 0  # the pass's lock is released


def test_a_failed_chunk_write_keeps_the_chunks_before_it_and_the_resume_ends_in_the_same_state(job, monkeypatch):
    original, calls = pipeline.Pass._write, []

    def fails_on_the_second(self, *args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(self, *args)

    monkeypatch.setattr(pipeline.Pass, "_write", fails_on_the_second)
    with pytest.raises(RuntimeError, match="disk full"):
        job_apply(job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLYING
    assert job.applied_rows == 4  # header + the first chunk of 3 rows
    assert Worker.objects.count() == 3  # the stored one, updated, and the 2 new of the first chunk
    assert advisory_locks() == 0

    monkeypatch.setattr(pipeline.Pass, "_write", original)
    job_apply(job=job)
    job.refresh_from_db()
    assert job.counts_line() == "rows=10 created=7 updated=1 unchanged=0 rejected=2"
    expected = [(nik(i), f"Pekerja {i}", dt.date(2020, 1, 1)) for i in (0, 1, 3, 4, 5, 6, 7)]
    assert final_state() == sorted([*expected, (nik(100), "Nama Baru", dt.date(2019, 5, 1))])
    assert sorted(job.issues.values_list("row", flat=True)) == [10, 11]


def test_the_lock_is_held_until_the_last_chunk_is_written_even_when_reading_fails(job, monkeypatch):
    held, read, write = [], pipeline.Pass._process, pipeline.Pass._write

    def fails_on_the_third(self, chunk):
        if chunk[0][0] > 7:
            raise RuntimeError("berkas rusak")
        return read(self, chunk)

    def writes(self, *args):
        with connection.cursor() as cursor:  # the writer thread's own connection
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")
            held.append(cursor.fetchone()[0])
        return write(self, *args)

    monkeypatch.setattr(pipeline.Pass, "_process", fails_on_the_third)
    monkeypatch.setattr(pipeline.Pass, "_write", writes)
    with pytest.raises(RuntimeError, match="berkas rusak"):
        job_apply(job=job)
    assert held == [1, 1]  # both chunks read before the failure were written under the pass's lock
    assert advisory_locks() == 0
    job.refresh_from_db()
    assert job.applied_rows == 7


def test_a_job_waiting_for_another_pass_of_its_kind_keeps_its_heartbeat(job, monkeypatch):
    import threading

    import psycopg

    monkeypatch.setattr(pipeline, "LOCK_POLL_SECONDS", 0.1)
    dsn = {k: v for k, v in connection.get_connection_params().items() if k in ("dbname", "user", "host", "port")}
    with psycopg.connect(**dsn, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(hashtext('jangkau-import-workers'))")  # another job's pass
        ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=None)
        done = threading.Thread(target=lambda: job_apply(job=ImportJob.objects.get(pk=job.pk)))
        done.start()
        deadline = time.monotonic() + 10
        while ImportJob.objects.get(pk=job.pk).heartbeat_at is None and time.monotonic() < deadline:
            time.sleep(0.05)
        first = ImportJob.objects.get(pk=job.pk).heartbeat_at
        time.sleep(0.5)
        waiting = ImportJob.objects.get(pk=job.pk)
        assert waiting.heartbeat_at > first  # it beats while it waits: the sweep of silent jobs leaves it alone
        assert waiting.applied_rows == 0  # and nothing is written before the other pass ends
        other.execute("SELECT pg_advisory_unlock(hashtext('jangkau-import-workers'))")
    done.join(timeout=30)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.counts_line() == "rows=10 created=7 updated=1 unchanged=0 rejected=2"


def test_the_no_second_lookup_shortcut_is_for_text_keys_only():
    from imports.kinds import registry

    assert registry["workers"]._text_keys
    assert not registry["visits"]._text_keys  # a date's text depends on the database's DateStyle
