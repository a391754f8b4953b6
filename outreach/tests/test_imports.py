"""The `employer_reports` import kind and the employers' `paid_until` column."""

import datetime as dt

import pytest

from imports.services import job_apply, job_check, job_create
from outreach.models import EmployerReport
from participants.models import Employer
from participants.tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db

NEUTRAL = "ID perusahaan sudah terdaftar di luar cakupan wilayah Anda; perpindahan wilayah diproses oleh Kanwil."
HEADER = "company_id,name,city_code,reported_workers,npp,sector,reported_wage_total,source,report_date"


def import_as(user, kind, text, write_file):
    path = write_file(text)
    with path.open("rb") as binary:
        job = job_create(kind=kind, fileobj=binary, filename=path.name, user=user)
    job_check(job=job)
    job_apply(job=job)
    job.refresh_from_db()
    messages = {issue.row: issue.messages for issue in job.issues.filter(rejected=True)}
    return job, messages


@pytest.fixture
def employer(users):
    return EmployerFactory(npp="61720001", city_code="61.72", name="PT Singkawang")


def test_reports_are_created_matched_by_npp_then_unchanged_then_updated(employer, users, write_file):
    text = (
        f"{HEADER}\n"
        "W-1,PT Singkawang,61.72,120,61720001,Perdagangan,Rp 360.000.000,WLKP,31/03/2025\n"
        "P-1,CV Belum Daftar,61.72,30,,,,WLKP,2025-03-31\n"
        "P-1,CV Belum Daftar,61.72,35,,,,survey,2025-04-30\n"
    )
    job, messages = import_as(users["branch"], "employer_reports", text, write_file)
    assert job.counts_line() == "rows=3 created=3 updated=0 unchanged=0 rejected=0", messages
    registered = EmployerReport.objects.get(company_id="W-1")
    assert (registered.employer, registered.npp, registered.reported_wage_total) == (employer, "61720001", 360_000_000)
    assert registered.report_date == dt.date(2025, 3, 31)
    assert EmployerReport.objects.filter(company_id="P-1", employer__isnull=True).count() == 2

    again, _messages = import_as(users["branch"], "employer_reports", text, write_file)
    assert again.counts_line() == "rows=3 created=0 updated=0 unchanged=3 rejected=0"

    changed, _messages = import_as(
        users["branch"],
        "employer_reports",
        "company_id,name,city_code,reported_workers\nW-1,PT Singkawang,61.72,130\n",
        write_file,
    )
    assert changed.counts_line() == "rows=1 created=1 updated=0 unchanged=0 rejected=0"  # no source: a key of its own
    changed, _messages = import_as(
        users["branch"],
        "employer_reports",
        "id_perusahaan,nama,kode_kota,jumlah_pekerja,sumber\nW-1,PT Singkawang,61.72,130,WLKP\n",
        write_file,
    )
    assert changed.counts_line() == "rows=1 created=0 updated=1 unchanged=0 rejected=0"
    registered.refresh_from_db()
    assert (registered.reported_workers, registered.employer) == (130, employer)  # columns left out keep their values


def test_an_unknown_npp_is_rejected(users, write_file):
    job, messages = import_as(users["branch"], "employer_reports", f"{HEADER}\nW-9,PT X,61.72,10,99999999,,,WLKP,\n", write_file)
    assert job.counts_line() == "rows=1 created=0 updated=0 unchanged=0 rejected=1"
    assert messages[2] == [["npp", "NPP 99999999 tidak terdaftar sebagai pemberi kerja; kosongkan bila belum terdaftar."]]


def test_a_negative_headcount_is_rejected(users, write_file):
    job, messages = import_as(users["branch"], "employer_reports", f"{HEADER}\nW-9,PT X,61.72,-3,,,,WLKP,\n", write_file)
    assert job.rejected == 1
    assert messages[2] == [["reported_workers", "Jumlah pekerja tidak boleh negatif."]]


def test_a_company_stored_outside_the_scope_is_refused_neutrally(users, write_file):
    EmployerReport.objects.create(company_id="B-1", source="WLKP", name="PT Balikpapan", city_id="64.71", reported_workers=9)
    job, messages = import_as(users["branch"], "employer_reports", f"{HEADER}\nB-1,PT Diambil,61.72,10,,,,WLKP,\n", write_file)
    assert job.counts_line() == "rows=1 created=0 updated=0 unchanged=0 rejected=1"
    assert messages[2] == [["company_id", NEUTRAL]]
    assert EmployerReport.objects.get(company_id="B-1").city_id == "64.71"


def test_a_city_or_employer_outside_the_scope_is_refused(employer, users, write_file):
    text = f"{HEADER}\nX-1,PT X,64.71,10,,,,WLKP,\nX-2,PT Y,61.71,10,61720001,,,WLKP,\n"
    job, messages = import_as(users["other_branch"], "employer_reports", text, write_file)
    assert job.rejected == 2
    assert messages[2] == [["city_code", "Kabupaten/kota 64.71 di luar cakupan wilayah Anda."]]
    assert messages[3] == [["npp", "Pemberi kerja NPP 61720001 di luar cakupan wilayah Anda."]]


def test_officials_may_not_import_reports(users):
    assert not users["official"].has_perm("outreach.add_employerreport")
    assert users["branch"].has_perm("outreach.add_employerreport")
    assert users["regional"].has_perm("outreach.add_employerreport")


def test_employers_import_paid_until_as_a_month(employer, users, write_file):
    text = (
        "npp,name,city_code,iuran_sampai\n"
        "61720001,PT Singkawang,61.72,2025-03\n"
        "61720002,PT Dua,61.72,15/02/2025\n"
        "61720003,PT Tiga,61.72,2025-13\n"
    )
    job, messages = import_as(users["branch"], "employers", text, write_file)
    assert job.counts_line() == "rows=3 created=1 updated=1 unchanged=0 rejected=1"
    assert messages[4] == [["paid_until", "Bulan tidak valid: 2025-13 (pakai YYYY-MM)."]]
    assert Employer.objects.get(npp="61720001").paid_until == dt.date(2025, 3, 1)
    assert Employer.objects.get(npp="61720002").paid_until == dt.date(2025, 2, 1)
    again, _messages = import_as(users["branch"], "employers", text, write_file)
    assert (again.unchanged, again.rejected) == (2, 1)


def test_the_admin_lists_reports_of_the_scope_with_an_import_button(employer, users, login):
    EmployerReport.objects.create(company_id="S-1", source="WLKP", name="PT Dalam", city_id="61.72", reported_workers=9)
    EmployerReport.objects.create(company_id="B-1", source="WLKP", name="PT Luar", city_id="64.71", reported_workers=9)
    page = login(users["branch"]).get("/admin/outreach/employerreport/").content.decode()
    assert "PT Dalam" in page
    assert "PT Luar" not in page
    assert "employer_reports" in page
    employers_page = login(users["branch"]).get("/admin/participants/employer/").content.decode()
    assert "iuran sampai" in employers_page.lower()
