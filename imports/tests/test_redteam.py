"""The red-team findings of the security issue's second sweep, each reproduced first, then held."""

import pytest

from imports.models import ImportJob, RowChange
from imports.revert import job_revert
from imports.services import job_apply, job_check, job_create
from participants.models import Employer, Worker
from participants.tests.factories import EmployerFactory, WorkerFactory
from subsidies.models import BankAccount, Recipient, RecipientStatus
from subsidies.services import bsu_screen

pytestmark = pytest.mark.django_db

SKW_NIK = "6172014107730003"
NUMBER = "123456789012"


@pytest.fixture
def singkawang(users):
    employer = EmployerFactory(npp="61720001", city_code="61.72", name="PT Singkawang")
    return WorkerFactory(nik=SKW_NIK, name="Siti Asli", city_code="61.72", employer=employer, wage=2_900_000)


def run(user, kind, text, write_file, *, check=False):
    path = write_file(text)
    with path.open("rb") as binary:
        job = job_create(kind=kind, fileobj=binary, filename=path.name, user=user)
    if check:
        job_check(job=job)
    job_apply(job=job)
    job.refresh_from_db()
    return job


def test_an_admin_sees_account_numbers_of_a_branch_job_masked(singkawang, users, write_file, login):
    text = f"nik,bank,account_number\n{SKW_NIK},BRI,{NUMBER}\n6172015508950001,BRI,987654321098\n"
    job = run(users["branch"], "bank_accounts", text, write_file, check=True)
    client = login(users["admin"])
    page = client.get(f"/admin/imports/importjob/{job.pk}/").content.decode()
    rejected = b"".join(client.get(f"/admin/imports/importjob/{job.pk}/rejected.csv").streaming_content).decode()
    for number in (NUMBER, "987654321098"):
        assert number not in page
        assert number not in rejected
    assert "••••••••9012" in page
    own = b"".join(login(users["branch"]).get(f"/admin/imports/importjob/{job.pk}/rejected.csv").streaming_content)
    assert b"987654321098" in own  # the uploader may fix their own file


def test_a_past_version_cannot_be_saved_back_through_the_history_page(singkawang, users, login):
    account = BankAccount.objects.create(worker=singkawang, bank="BRI", account_number=NUMBER)
    form = {"worker": singkawang.pk, "bank": "BNI", "account_number": "222222222222", "account_name": ""}
    assert login(users["branch"]).post(f"/admin/subsidies/bankaccount/{account.pk}/change/", form).status_code == 302
    version = account.history.earliest("history_id").history_id
    url = f"/admin/subsidies/bankaccount/{account.pk}/history/{version}/"
    for role in ("regional", "admin", "branch"):
        assert login(users[role]).post(url, {}).status_code == 403
    assert login(users["regional"]).get(url).status_code == 200
    assert login(users["regional"]).get(f"/admin/subsidies/bankaccount/{account.pk}/history/abc/").status_code == 404
    account.refresh_from_db()
    assert account.account_number == "222222222222"


def test_only_branch_staff_import_account_numbers(singkawang, users, login, write_file):
    page = login(users["regional"]).get("/admin/imports/importjob/upload/").content.decode()
    assert 'value="bank_accounts"' not in page
    assert 'value="bank_accounts"' in login(users["branch"]).get("/admin/imports/importjob/upload/").content.decode()
    path = write_file(f"nik,bank,account_number\n{SKW_NIK},BRI,999999999999\n")
    with path.open("rb") as upload:
        response = login(users["regional"]).post("/admin/imports/importjob/upload/", {"kind": "bank_accounts", "file": upload})
    assert response.status_code == 200  # the form refuses the kind
    assert not ImportJob.objects.exists()


def test_revert_leaves_a_row_whose_old_value_names_a_deleted_record(singkawang, users, write_file):
    created = run(users["admin"], "employers", "npp,name,city_code\n61720099,PT Baru,61.72\n", write_file)
    new_employer = Employer.objects.get(npp="61720099")
    Worker.objects.filter(nik=SKW_NIK).update(employer=new_employer)
    header = "nik,name,segment,city_code,member_since,npp\n"
    moved = run(users["admin"], "workers", f"{header}{SKW_NIK},Siti Asli,PU,61.72,2024-01-01,61720001\n", write_file)
    assert "1 baris baru dihapus" in job_revert(job=created, actor=users["admin"])  # PT Baru no longer in use
    message = job_revert(job=moved, actor=users["admin"])
    assert "1 baris tidak dikembalikan karena nilai lamanya merujuk data yang sudah dihapus." in message
    worker = Worker.objects.get(nik=SKW_NIK)
    assert Employer.objects.filter(pk=worker.employer_id).exists()  # never a dangling employer


def test_a_row_breaking_a_rule_with_its_stored_values_is_rejected_in_the_preview(singkawang, users, write_file):
    Worker.objects.filter(nik=SKW_NIK).update(member_until="2022-01-01", member_since="2020-01-01")
    text = f"nik,name,segment,city_code,member_since,npp\n{SKW_NIK},Siti Asli,PU,61.72,2023-01-01,61720001\n"
    job = run(users["branch"], "workers", text, write_file, check=True)
    assert job.status == ImportJob.Status.DONE
    assert job.counts_line() == "rows=1 created=0 updated=0 unchanged=0 rejected=1"
    assert job.issues.get().messages == [["member_since", "Tanggal akhir kepesertaan tidak boleh sebelum tanggal mulai."]]
    huge = run(
        users["branch"],
        "workers",
        f"nik,name,segment,city_code,member_since,wage\n{SKW_NIK},S,BPU,61.72,2023-01-01,{'9' * 20}\n",
        write_file,
    )
    assert huge.status == ImportJob.Status.DONE
    assert huge.rejected == 1


def test_a_job_that_failed_during_its_apply_can_be_reverted(singkawang, users, write_file):
    header = "nik,name,segment,city_code,member_since,npp\n"
    job = run(users["branch"], "workers", f"{header}{SKW_NIK},Satu,PU,61.72,2021-01-01,61720001\n", write_file)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED)
    job.refresh_from_db()
    assert job_revert(job=job, actor=users["admin"]).startswith("Dikembalikan: 1 baris diubah")


def test_a_nik_created_again_elsewhere_does_not_inherit_the_old_history(users, write_file, login):
    header = "nik,name,segment,city_code,member_since\n"
    first = run(users["branch"], "workers", f"{header}6172015508950007,Awal,BPU,61.72,2024-01-01\n", write_file)
    second = run(users["branch"], "workers", f"{header}6172015508950007,Rahasia Singkawang,BPU,61.72,2024-01-01\n", write_file)
    job_revert(job=second, actor=users["admin"])
    job_revert(job=first, actor=users["admin"])
    assert not RowChange.objects.exists()
    run(users["other_branch"], "workers", f"{header}6172015508950007,Orang Pontianak,BPU,61.71,2024-01-01\n", write_file)
    worker = Worker.objects.get(nik="6172015508950007")
    page = login(users["other_branch"]).get(f"/admin/participants/worker/{worker.pk}/history/").content.decode()
    assert "Rahasia Singkawang" not in page


def test_the_same_file_notice_names_only_the_users_own_jobs(users, write_file, login):
    text = "nik,name,segment,city_code,member_since\n6172015508950007,Awal,BPU,61.72,2024-01-01\n"
    run(users["admin"], "workers", text, write_file)
    mine = run(users["branch"], "workers", text, write_file)
    page = login(users["branch"]).get(f"/admin/imports/importjob/{mine.pk}/").content.decode()
    assert "oleh admin" not in page


def test_the_employer_form_lists_no_import_jobs(singkawang, users, write_file, login):
    run(
        users["other_branch"],
        "workers",
        "nik,name,segment,city_code,member_since\n6171015508950007,A,BPU,61.71,2024-01-01\n",
        write_file,
    )
    employer = Employer.objects.get(npp="61720001")
    page = login(users["branch"]).get(f"/admin/participants/employer/{employer.pk}/change/").content.decode()
    assert 'name="import_job"' not in page


def test_filter_parameters_are_taken_as_offered_only(singkawang, users, write_file, login):
    other = run(
        users["regional"],
        "workers",
        "nik,name,segment,city_code,member_since\n6172015508950007,A,BPU,61.72,2024-01-01\n",
        write_file,
    )
    client = login(users["branch"])
    assert client.get(f"/admin/participants/worker/?import_job__in={other.pk}").status_code == 400
    assert "6172015508950007" not in client.get(f"/admin/participants/worker/?import_job={other.pk}").content.decode()
    assert client.get("/admin/participants/worker/?import_job=²").status_code in (200, 302)
    assert client.get("/admin/subsidies/recipient/?stuck=²").status_code in (200, 302)
    for query in ("province=%00", "segment__exact=%00", "city=a%00b"):
        assert client.get(f"/admin/participants/worker/?{query}").status_code == 400
    assert client.get("/ucj/?province=%00").status_code == 400


def test_revert_keeps_an_account_a_subsidy_was_determined_on(singkawang, users, write_file, bsu):
    job = run(users["branch"], "bank_accounts", f"nik,bank,account_number\n{SKW_NIK},BRI,{NUMBER}\n", write_file)
    bsu_screen(programme=bsu)
    Recipient.objects.filter(worker=singkawang).update(status=RecipientStatus.DETERMINED, batch=1)
    message = job_revert(job=job, actor=users["admin"])
    assert "1 baris baru sudah dipakai data lain" in message
    assert BankAccount.objects.filter(worker=singkawang, account_number=NUMBER).exists()
