"""Imports never take over another scope's records: the red-team sweep's takeover file, the neutral
message, moves between cities, before-images in the history and reverting a whole job."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

from imports.models import ImportJob, RowChange
from imports.revert import job_revert
from imports.services import job_apply, job_check, job_create
from participants.models import Employer, Worker
from participants.tests.factories import EmployerFactory, WorkerFactory
from subsidies.models import BankAccount
from subsidies.services import bsu_screen

pytestmark = pytest.mark.django_db

NEUTRAL = "NIK sudah terdaftar di luar cakupan wilayah Anda; perpindahan wilayah diproses oleh Kanwil."
SKW_NIK = "6172014107730003"  # a Singkawang worker (the sweep's example)


@pytest.fixture
def singkawang(users):
    employer = EmployerFactory(npp="61720001", city_code="61.72", name="PT Singkawang")
    worker = WorkerFactory(nik=SKW_NIK, name="Siti Asli", city_code="61.72", employer=employer, wage=2_900_000)
    EmployerFactory(npp="61710001", city_code="61.71", name="PT Pontianak")
    return worker


def import_as(user, kind, text, write_file, *, apply=True):
    path = write_file(text)
    with path.open("rb") as binary:
        job = job_create(kind=kind, fileobj=binary, filename=path.name, user=user)
    job_check(job=job)
    messages = [m for issue in job.issues.filter(rejected=True).order_by("row") for m in issue.messages]
    if apply:
        job_apply(job=job)
        job.refresh_from_db()
    return job, messages


def business_hash(model, fields):
    rows = model.objects.order_by("pk").values_list(*fields)
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


WORKER_FIELDS = ["nik", "name", "segment", "city_id", "employer_id", "wage", "member_since", "member_until", "import_job_id"]


def test_the_sweeps_takeover_file_is_refused_for_workers(singkawang, users, write_file):
    before = business_hash(Worker, WORKER_FIELDS)
    text = f"nik,name,segment,city_code,member_since,npp\n{SKW_NIK},Diambil Alih,PU,61.71,2023-07-26,61710001\n"
    job, messages = import_as(users["other_branch"], "workers", text, write_file, apply=False)
    assert job.counts_line() == "rows=1 created=0 updated=0 unchanged=0 rejected=1"
    assert messages == [["nik", NEUTRAL]]
    job_apply(job=job)
    job.refresh_from_db()
    assert job.counts_line() == "rows=1 created=0 updated=0 unchanged=0 rejected=1"
    assert business_hash(Worker, WORKER_FIELDS) == before
    assert not RowChange.objects.exists()


def test_the_takeover_is_refused_for_employers(singkawang, users, write_file):
    before = business_hash(Employer, ["npp", "name", "city_id", "branch_id"])
    text = "npp,name,city_code\n61720001,Diambil Alih,61.71\n"
    job, messages = import_as(users["other_branch"], "employers", text, write_file)
    assert job.counts_line() == "rows=1 created=0 updated=0 unchanged=0 rejected=1"
    assert messages == [["npp", NEUTRAL.replace("NIK", "NPP")]]
    assert business_hash(Employer, ["npp", "name", "city_id", "branch_id"]) == before


def test_an_out_of_scope_nik_reads_the_same_for_every_kind(singkawang, users, write_file, bsu):
    bsu_screen(programme=bsu)
    unscreened = WorkerFactory(nik="6172015508950009", city_code="61.72", segment="BPU", employer=None)
    user = users["other_branch"]
    for nik in (SKW_NIK, unscreened.nik):
        _job, workers = import_as(
            user, "workers", f"nik,name,segment,city_code,member_since\n{nik},X,BPU,61.71,2023-07-26\n", write_file
        )
        _job, accounts = import_as(user, "bank_accounts", f"nik,bank,account_number\n{nik},BRI,123456789012\n", write_file)
        _job, results = import_as(user, "bsu_results", f"programme,nik,status\nBSU-2025,{nik},VERIFIED\n", write_file)
        assert workers == accounts == results == [["nik", NEUTRAL]], nik
    assert not BankAccount.objects.exists()


def test_a_workers_employer_must_be_in_the_uploaders_scope(singkawang, users, write_file):
    text = "nik,name,segment,city_code,member_since,npp\n6171015508950001,Baru,PU,61.71,2023-07-26,61720001\n"
    job, messages = import_as(users["other_branch"], "workers", text, write_file)
    assert job.rejected == 1
    assert messages == [["npp", "Pemberi kerja NPP 61720001 di luar cakupan wilayah Anda."]]
    assert not Worker.objects.filter(nik="6171015508950001").exists()


def test_a_regional_user_moves_a_worker_between_two_cities_of_its_kanwil(singkawang, users, write_file, login):
    text = f"nik,name,segment,city_code,member_since,npp\n{SKW_NIK},Siti Asli,PU,61.71,2023-07-26,61710001\n"
    job, messages = import_as(users["regional"], "workers", text, write_file)
    assert messages == []
    assert job.counts_line() == "rows=1 created=0 updated=1 unchanged=0 rejected=0"
    assert job.issues.get(rejected=False).messages == [["city_code", "Pindah kabupaten/kota dari 61.72 ke 61.71."]]
    worker = Worker.objects.get(nik=SKW_NIK)
    assert worker.city_id == "61.71"
    change = RowChange.objects.get(job=job)
    assert change.changes["city_id"] == ["61.72", "61.71"]
    # the move is in the record's history: from, to, who and which job
    page = login(users["regional"]).get(f"/admin/participants/worker/{worker.pk}/history/").content.decode()
    assert f"#{job.pk}" in page
    assert "61.72" in page
    assert "61.71" in page
    assert "regional" in page
    # the branch that lost it no longer sees it; the one that gained it does
    assert login(users["branch"]).get(f"/admin/participants/worker/{worker.pk}/history/").status_code == 404


def test_revert_restores_the_exact_previous_values_and_deletes_created_rows(singkawang, users, write_file, login):
    other = WorkerFactory(nik="6172015508950002", city_code="61.72", segment="BPU", employer=None, name="Budi", wage=None)
    before = business_hash(Worker, WORKER_FIELDS)
    text = (
        "nik,name,segment,city_code,member_since,npp,wage\n"
        f"{SKW_NIK},Siti Baru,PU,61.01,2021-01-01,61720001,3.400.000\n"
        f"{other.nik},Budi,BPU,61.72,2024-01-01,,\n"  # unchanged
        "6172015508950003,Orang Baru,BPU,61.72,2024-02-01,,\n"
    )
    job, _messages = import_as(users["branch"], "workers", text, write_file)
    assert job.counts_line() == "rows=3 created=1 updated=1 unchanged=1 rejected=0"
    assert business_hash(Worker, WORKER_FIELDS) != before
    page = login(users["branch"]).get(f"/admin/participants/worker/{singkawang.pk}/history/").content.decode()
    assert "Siti Asli" in page
    assert "Siti Baru" in page
    message = job_revert(job=job, actor=users["admin"])
    assert message.startswith("Dikembalikan: 1 baris diubah, 1 baris baru dihapus.")
    assert business_hash(Worker, WORKER_FIELDS) == before
    job.refresh_from_db()
    assert job.reverted_by == users["admin"]
    with pytest.raises(Exception, match="sudah dibatalkan"):
        job_revert(job=job, actor=users["admin"])


def test_revert_leaves_rows_changed_since_and_rows_in_use(singkawang, users, write_file, login):
    text = (
        "nik,name,segment,city_code,member_since,npp\n"
        f"{SKW_NIK},Siti Baru,PU,61.72,2021-01-01,61720001\n"
        "6172015508950003,Orang Baru,BPU,61.72,2024-02-01,\n"
        "6172015508950004,Punya Rekening,BPU,61.72,2024-02-01,\n"
    )
    first, _ = import_as(users["branch"], "workers", text, write_file)
    # an admin edit of the updated worker after the import: it is no longer the import's to revert
    client = login(users["branch"])
    worker = Worker.objects.get(nik=SKW_NIK)
    form = {
        "nik": SKW_NIK, "kpj": "", "name": "Siti Diedit", "segment": "PU", "city": "61.72", "employer": worker.employer_id,
        "wage": "2900000", "member_since": "2021-01-01", "member_until": "", "programs": "",
    }  # fmt: skip
    assert client.post(f"/admin/participants/worker/{worker.pk}/change/", form).status_code == 302
    BankAccount.objects.create(worker=Worker.objects.get(nik="6172015508950004"), bank="BRI", account_number="123456789012")
    message = job_revert(job=first, actor=users["admin"])
    assert message.startswith("Dikembalikan: 0 baris diubah, 1 baris baru dihapus.")
    assert "1 baris sudah diubah lagi" in message
    assert "1 baris baru sudah dipakai data lain" in message
    assert Worker.objects.get(nik=SKW_NIK).name == "Siti Diedit"
    assert Worker.objects.filter(nik="6172015508950004").exists()
    assert not Worker.objects.filter(nik="6172015508950003").exists()


def test_two_jobs_revert_last_first(singkawang, users, write_file):
    before = business_hash(Worker, WORKER_FIELDS)
    header = "nik,name,segment,city_code,member_since,npp\n"
    first, _ = import_as(users["branch"], "workers", f"{header}{SKW_NIK},Satu,PU,61.72,2021-01-01,61720001\n", write_file)
    second, _ = import_as(users["branch"], "workers", f"{header}{SKW_NIK},Dua,PU,61.72,2021-01-01,61720001\n", write_file)
    assert "1 baris sudah diubah lagi" in job_revert(job=first, actor=users["admin"])
    assert Worker.objects.get(nik=SKW_NIK).name == "Dua"
    ImportJob.objects.filter(pk=first.pk).update(reverted_at=None)
    job_revert(job=second, actor=users["admin"])
    assert Worker.objects.get(nik=SKW_NIK).name == "Satu"
    job_revert(job=first, actor=users["admin"])
    assert business_hash(Worker, WORKER_FIELDS) == before


def test_the_revert_command(singkawang, users, write_file):
    header = "nik,name,segment,city_code,member_since,npp\n"
    job, _ = import_as(users["branch"], "workers", f"{header}{SKW_NIK},Satu,PU,61.72,2021-01-01,61720001\n", write_file)
    out = io.StringIO()
    call_command("import_revert", str(job.pk), stdout=out)
    assert out.getvalue().startswith("Dikembalikan: 1 baris diubah, 0 baris baru dihapus.")
    assert Worker.objects.get(nik=SKW_NIK).name == "Siti Asli"
    with pytest.raises(CommandError, match="sudah dibatalkan"):
        call_command("import_revert", str(job.pk))


def test_an_admin_reverts_a_job_from_its_page(singkawang, users, write_file, login):
    header = "nik,name,segment,city_code,member_since,npp\n"
    job, _ = import_as(users["branch"], "workers", f"{header}{SKW_NIK},Satu,PU,61.72,2021-01-01,61720001\n", write_file)
    url = f"/admin/imports/importjob/{job.pk}/"
    assert 'id="revert-import"' not in login(users["branch"]).get(url).content.decode()  # the uploader cannot
    assert login(users["branch"]).post(f"{url}revert/").status_code == 403
    assert Worker.objects.get(nik=SKW_NIK).name == "Satu"
    client = login(users["admin"])
    assert 'id="revert-import"' in client.get(url).content.decode()
    assert client.post(f"{url}revert/").status_code == 302
    assert Worker.objects.get(nik=SKW_NIK).name == "Siti Asli"
    page = client.get(url).content.decode()
    assert 'id="revert-report"' in page
    assert "Dikembalikan: 1 baris diubah" in page
    assert 'id="revert-import"' not in page  # once only


def test_a_finished_import_links_to_the_records_it_wrote(singkawang, users, write_file, login):
    header = "nik,name,segment,city_code,member_since,npp\n"
    job, _ = import_as(users["branch"], "workers", f"{header}6172015508950007,Baru,BPU,61.72,2024-01-01,\n", write_file)
    client = login(users["branch"])
    page = client.get(f"/admin/imports/importjob/{job.pk}/").content.decode()
    assert f'href="/admin/participants/worker/?import_job={job.pk}"' in page
    listing = client.get(f"/admin/participants/worker/?import_job={job.pk}").content.decode()
    assert "6172015508950007" in listing
    assert SKW_NIK not in listing


def test_the_history_links_only_to_job_pages_the_reader_may_open(singkawang, users, write_file, login):
    header = "nik,name,segment,city_code,member_since,npp\n"
    job, _ = import_as(users["regional"], "workers", f"{header}{SKW_NIK},Siti Kanwil,PU,61.72,2021-01-01,61720001\n", write_file)
    url = f"/admin/participants/worker/{singkawang.pk}/history/"
    page = login(users["branch"]).get(url).content.decode()
    assert f"#{job.pk}" in page
    assert f'href="/admin/imports/importjob/{job.pk}/"' not in page  # the branch cannot open the regional's job
    assert f'href="/admin/imports/importjob/{job.pk}/"' in login(users["regional"]).get(url).content.decode()
