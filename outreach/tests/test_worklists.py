"""The worklists (/worklist/): rankings, the last contact on each row, visits (admin, import), the steps due
this week, and who sees which companies."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from outreach.models import EmployerReport, Visit
from outreach.selectors import visits_due, week_end
from outreach.tests.test_imports import import_as
from participants.figures import figures_refresh
from participants.tests.factories import EmployerFactory, WorkerFactory
from regions.models import City

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def workers(employer, count, wage=3_000_000):
    WorkerFactory.create_batch(count, employer=employer, city=employer.city, wage=wage)


def report(company_id, reported, *, city="61.72", employer=None, wage_total=None, sector="Perdagangan"):
    return EmployerReport.objects.create(
        company_id=company_id,
        source="WLKP",
        name=f"PT {company_id}",
        city_id=city,
        employer=employer,
        reported_workers=reported,
        reported_wage_total=wage_total,
        sector=sector,
        report_date=dt.date(2025, 3, 31),
    )


@pytest.fixture
def plan(users):
    """Singkawang: A reports 120 at Rp5 M (80 registered at Rp3 M), B reports 50 (60 registered), C in
    arrears with 5 active, prospect P-1 (30 workers); Sambas: prospect P-2 (8); Balikpapan: prospect P-9 (70)."""
    a = EmployerFactory(npp="SKW1", city_code="61.72", sector="Perdagangan")
    b = EmployerFactory(npp="SKW2", city_code="61.72", sector="Perdagangan")
    c = EmployerFactory(npp="SKW3", city_code="61.72", sector="Industri", paid_until=dt.date(2020, 1, 1))
    workers(a, 80)
    workers(b, 60)
    workers(c, 5)
    report("W-A", 120, employer=a, wage_total=120 * 5_000_000)
    report("W-B", 50, employer=b)
    report("P-1", 30)
    report("P-2", 8, city="61.01", sector="Pertanian")
    report("P-9", 70, city="64.71")
    figures_refresh()
    return {"a": a, "b": b, "c": c}


def rows(client, query):
    response = client.get(f"/worklist/?{query}&_export=csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_unregistered_workers_rank_employers_and_are_never_negative(plan, users, login):
    listed = rows(login(users["branch"]), "list=unregistered")
    assert [(r["npp"], r["reported_workers"], r["registered_active"], r["unregistered"]) for r in listed] == [
        ("SKW1", "120", "80", "40")  # SKW2 reports 50 with 60 registered: not listed, never -10
    ]


def test_the_wage_gap_is_the_average_difference_times_the_registered(plan, users, login):
    (row,) = rows(login(users["branch"]), "list=wages")
    assert row["npp"] == "SKW1"
    assert (row["reported_wage_total"], row["bpjs_wage_total"]) == ("600000000", str(80 * 3_000_000))
    assert row["wage_shortfall"] == str((5_000_000 - 3_000_000) * 80)


def test_arrears_list_the_active_workers_at_stake(plan, users, login):
    (row,) = rows(login(users["branch"]), "list=arrears")
    assert (row["npp"], row["paid_until"], row["workers_at_stake"]) == ("SKW3", "2020-01", "5")


def test_prospects_by_size_within_the_scope(plan, users, login):
    listed = rows(login(users["branch"]), "list=prospects")
    assert [(r["company_id"], r["reported_workers"]) for r in listed] == [("P-1", "30"), ("P-2", "8")]  # not P-9
    assert [r["company_id"] for r in rows(login(users["admin"]), "list=prospects")] == ["P-9", "P-1", "P-2"]


def test_filters_by_city_sector_size_and_last_contact(plan, users, login):
    client = login(users["branch"])
    refused = client.get("/worklist/?list=prospects&size=huge")
    assert refused.status_code == 400
    assert "Ukuran: " in refused.content.decode()
    assert [r["company_id"] for r in rows(client, "list=prospects&city=61.01")] == ["P-2"]
    assert [r["company_id"] for r in rows(client, "list=prospects&sector=Pertanian")] == ["P-2"]
    assert [r["company_id"] for r in rows(client, "list=prospects&size=medium")] == ["P-1"]  # 20-99
    assert [r["company_id"] for r in rows(client, "list=prospects&size=small")] == ["P-2"]  # 5-19
    Visit.objects.create(company="P-1", city_id="61.72", date=dt.date(2025, 6, 2), channel="visit", outcome="refused")
    assert [r["company_id"] for r in rows(client, "list=prospects&status=refused")] == ["P-1"]
    assert [r["company_id"] for r in rows(client, "list=prospects&status=none")] == ["P-2"]
    assert client.get("/worklist/?list=prospects&city=64.71").status_code == 404  # another branch's city


def test_a_prospect_that_registers_leaves_pwbd_and_keeps_its_visits(plan, users, login):
    Visit.objects.create(
        company="P-1", city_id="61.72", date=dt.date(2025, 6, 2), channel="joint", outcome="follow_up", next_step="Daftar"
    )
    client = login(users["branch"])
    (prospect,) = [r for r in rows(client, "list=prospects") if r["company_id"] == "P-1"]
    assert (prospect["last_contact_date"], prospect["last_outcome"]) == ("2025-06-02", "follow_up")

    registered = EmployerFactory(npp="SKW9", city_code="61.72")
    workers(registered, 10)
    EmployerReport.objects.filter(company_id="P-1").update(employer=registered)  # the next WLKP report has its NPP
    figures_refresh()
    assert "P-1" not in [r["company_id"] for r in rows(client, "list=prospects")]
    (row,) = [r for r in rows(client, "list=unregistered") if r["company_id"] == "P-1"]
    assert (row["npp"], row["unregistered"], row["last_contact_date"], row["next_step"]) == ("SKW9", "20", "2025-06-02", "Daftar")


def test_officials_see_no_company_unless_their_city_is_opted_in(plan, users, login):
    client = login(users["official"])
    assert client.get("/worklist/").status_code == 404
    City.objects.filter(code="61.72").update(officials_see_employers=True)
    assert [r["company_id"] for r in rows(client, "list=prospects")] == ["P-1"]  # not Sambas' P-2
    Visit.objects.create(company="P-1", city_id="61.72", date=dt.date(2025, 6, 2), channel="visit", outcome="refused")
    page = client.get("/worklist/?list=prospects").content.decode()
    assert "PT P-1" in page
    assert "Catat kontak" not in page
    assert "Menolak" not in page  # nor the branch's contacts
    (row,) = rows(client, "list=prospects")
    assert "last_outcome" not in row
    assert 'name="status"' not in page  # no filter by visits either


def test_a_visit_recorded_from_the_worklist_is_due_this_week(plan, users, login):
    client = login(users["branch"])
    page = client.get("/worklist/?list=unregistered").content.decode()
    assert "/admin/outreach/visit/add/?company=SKW1&amp;_return=worklist" in page
    due = week_end(TODAY())
    response = client.post(
        "/admin/outreach/visit/add/?company=SKW1&_return=worklist",
        {
            "company": "SKW1",
            "date": TODAY().strftime("%d/%m/%Y"),
            "channel": "visit",
            "outcome": "follow_up",
            "officer": users["branch"].pk,
            "next_step": "Kirim daftar pekerja",
            "due_date": due.strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302
    assert response.url == "/worklist/?list=due"
    visit = Visit.objects.get(company="SKW1")
    assert (visit.city_id, visit.officer, visit.due_date) == ("61.72", users["branch"], due)
    assert list(visits_due(users["branch"], today=TODAY())) == [visit]
    assert list(visits_due(users["regional"], today=TODAY())) == []  # another officer's step
    due_page = client.get("/worklist/?list=due").content.decode()
    assert "Kirim daftar pekerja" in due_page
    assert "Tenggat saya minggu ini (1)" in due_page
    assert visit.history.count() == 1


def test_the_visit_form_refuses_a_company_out_of_scope_in_the_same_words(plan, users, login):
    client = login(users["branch"])
    other = EmployerFactory(npp="BPN1", city_code="64.71")
    for company in (other.npp, "P-9", "TIDAK-ADA"):
        response = client.post(
            "/admin/outreach/visit/add/",
            {"company": company, "date": "02/06/2025", "channel": "visit", "outcome": "refused"},
        )
        assert response.status_code == 200
        assert "NPP atau ID perusahaan tidak dikenal di wilayah Anda." in response.content.decode()
    assert not Visit.objects.exists()


def test_a_later_contact_closes_the_step_and_overdue_steps_stay_due(plan, users):
    today = dt.date(2025, 6, 11)  # a Wednesday: the week ends on Sunday 15 June
    assert week_end(today) == dt.date(2025, 6, 15)
    officer = users["branch"]

    def visit(company, date, due):
        return Visit.objects.create(
            company=company, city_id="61.72", date=date, channel="visit", outcome="follow_up", officer=officer, due_date=due
        )

    overdue = visit("SKW1", dt.date(2025, 5, 2), dt.date(2025, 5, 30))
    sunday = visit("P-1", dt.date(2025, 6, 2), dt.date(2025, 6, 15))
    visit("SKW2", dt.date(2025, 6, 2), dt.date(2025, 6, 16))  # next week
    closed = visit("SKW3", dt.date(2025, 5, 2), dt.date(2025, 6, 12))
    Visit.objects.create(company="SKW3", city_id="61.72", date=dt.date(2025, 6, 10), channel="call", outcome="registered")
    assert list(visits_due(officer, today=today)) == [overdue, sunday]
    assert closed not in visits_due(officer, today=today)


VISITS = "company,date,channel,outcome,officer,next_step,due_date,notes"


def test_visits_import_creates_updates_and_rejects_with_reasons(plan, users, write_file):
    text = (
        f"{VISITS}\n"
        "SKW1,02/06/2025,Kunjungan,follow_up,,Kirim surat,2025-06-20,\n"
        "P-1,2025-06-03,joint,Menolak,branch,,,Bersama Disnaker\n"
        "P-9,2025-06-03,visit,refused,,,,\n"
        "TIDAK-ADA,2025-06-03,visit,refused,,,,\n"
        "SKW2,2025-06-03,fax,refused,,,,\n"
        "SKW2,2025-06-03,visit,refused,siapa,,,\n"
        "SKW3,2025-06-03,visit,follow_up,,,2025-06-01,\n"
        "SKW3,2025-06-04,visit,follow_up,official,,,\n"
    )
    job, messages = import_as(users["regional"], "visits", text, write_file)
    assert job.counts_line() == "rows=8 created=2 updated=0 unchanged=0 rejected=6", messages
    unknown = "NPP atau ID perusahaan tidak dikenal di wilayah Anda."
    assert unknown in str(messages[4])  # Balikpapan's prospect: the same words as a company that does not exist
    assert unknown in str(messages[5])
    assert "tidak dikenal" in str(messages[6])
    assert "Petugas siapa tidak dikenal di kantor Anda." in str(messages[7])
    assert "Tenggat tidak boleh sebelum tanggal kunjungan." in str(messages[8])
    assert "Petugas official tidak dikenal di kantor Anda." in str(messages[9])  # an official is no officer
    first = Visit.objects.get(company="SKW1")
    assert (first.channel, first.officer, first.city_id) == ("visit", users["regional"], "61.72")  # the uploader
    assert first.due_date == dt.date(2025, 6, 20)
    joint = Visit.objects.get(company="P-1")
    assert (joint.outcome, joint.officer, joint.notes) == ("refused", users["branch"], "Bersama Disnaker")

    again, _messages = import_as(users["regional"], "visits", text, write_file)
    assert again.counts_line() == "rows=8 created=0 updated=0 unchanged=2 rejected=6"
    update = f"{VISITS}\nSKW1,2025-06-02,visit,registered,,,,\n"
    changed, _messages = import_as(users["branch"], "visits", update, write_file)
    assert changed.counts_line() == "rows=1 created=0 updated=1 unchanged=0 rejected=0"
    assert Visit.objects.get(company="SKW1").outcome == "registered"


def test_the_worklist_page_reads_a_bounded_number_of_queries(plan, users, login, django_assert_max_num_queries):
    client = login(users["branch"])
    for number in range(30):
        report(f"P-X{number}", 10 + number)
        Visit.objects.create(
            company=f"P-X{number}", city_id="61.72", date=dt.date(2025, 6, 2), channel="visit", outcome="refused"
        )
    figures_refresh()  # as an import's queued refresh does: the lists read each company's current report
    with django_assert_max_num_queries(20):
        page = client.get("/worklist/?list=prospects")
    assert page.status_code == 200
    assert page.content.decode().count("<small>Menolak") == 30
