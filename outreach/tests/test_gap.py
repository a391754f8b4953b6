"""The gap breakdown: its formulas, arrears, the page, its exports and who sees which rows."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outreach.models import EmployerReport
from outreach.selectors import arrears_threshold, gap_rows, gap_total
from participants.figures import employer_figures_refresh, figures_refresh
from participants.tests.factories import EmployerFactory, WorkerFactory
from regions.models import City, WorkforceEstimate

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 6, 12)
HEADER = (
    "city_code,city_name,uncovered_pu,uncovered_bpu,pds_workers,pwbd_workers,pu_unexplained,employers_in_arrears,workers_at_stake"
)


def workers(employer, count):
    WorkerFactory.create_batch(count, employer=employer, city=employer.city)


def report(company_id, workers_reported, *, city="61.72", employer=None, source="WLKP", date=dt.date(2025, 3, 31)):
    return EmployerReport.objects.create(
        company_id=company_id,
        source=source,
        name=f"PT {company_id}",
        city_id=city,
        employer=employer,
        reported_workers=workers_reported,
        report_date=date,
    )


@pytest.fixture
def plan(users):
    """Singkawang: potential PU 1000; Sambas: potential PU 10 (reports exceed its gap)."""
    WorkforceEstimate.objects.create(city_id="61.72", year=2025, potential_pu=1000, potential_bpu=500)
    WorkforceEstimate.objects.create(city_id="61.01", year=2025, potential_pu=10, potential_bpu=5)
    under = EmployerFactory(npp="SKW00001", city_code="61.72")  # reports 120, registers 80
    over = EmployerFactory(npp="SKW00002", city_code="61.72")  # reports 50, registers 60
    late = EmployerFactory(npp="SKW00003", city_code="61.72", paid_until=dt.date(2025, 2, 1))  # Mar-May unpaid
    recent = EmployerFactory(npp="SKW00004", city_code="61.72", paid_until=dt.date(2025, 3, 1))  # Apr-May unpaid
    workers(under, 80)
    workers(over, 60)
    workers(late, 5)
    workers(recent, 2)
    WorkerFactory(employer=under, city=under.city, member_until=dt.date(2025, 1, 31))  # left: not registered now
    report("W-1", 120, employer=under)
    report("W-1-OLD", 500, employer=under, source="OSS", date=dt.date(2024, 1, 31))  # same employer, older
    report("W-1-NEXT", 999, employer=under, date=dt.date(2025, 7, 1))  # made after as_of
    report("W-2", 50, employer=over)
    report("P-1", 30)  # a prospect without NPP
    report("P-1", 100, source="survey", date=dt.date(2024, 12, 1))  # the same company, an older report
    report("P-2", 50, city="61.01")
    report("P-3", 70, city="64.71")  # Balikpapan: out of the branch's scope
    figures_refresh()
    return {"under": under, "late": late}


def rows_by_code(codes):
    cities = City.objects.filter(code__in=codes).order_by("code").values_list("code", "name", "province_id")
    return {row.code: row for row in gap_rows(cities, as_of=AS_OF)}


def test_the_acceptance_formulas(plan):
    row = rows_by_code(["61.72"])["61.72"]
    assert row.uncovered_pu == 1000 - 147
    assert row.uncovered_bpu == 500
    assert row.pds_workers == 40  # 120 - 80; the employer reporting 50 with 60 registered adds 0
    assert row.pwbd_workers == 30  # the prospect's latest report, not its older 100
    assert row.pu_unexplained == 853 - 40 - 30
    assert row.employers_in_arrears == 1
    assert row.workers_at_stake == 5
    assert not row.explained_exceeds_gap


def test_reports_beyond_the_gap_leave_no_negative_remainder(plan):
    row = rows_by_code(["61.01"])["61.01"]
    assert (row.uncovered_pu, row.pwbd_workers, row.pds_workers) == (10, 50, 0)
    assert row.pu_unexplained == 0
    assert row.explained_exceeds_gap


def test_a_city_without_potential_has_no_gap_but_its_parts(plan):
    row = rows_by_code(["64.71"])["64.71"]
    assert (row.uncovered_pu, row.pu_unexplained, row.pwbd_workers) == (None, None, 70)


def test_totals_sum_the_cities_remainders(plan):
    rows = list(rows_by_code(["61.72", "61.01"]).values())
    total = gap_total(rows)
    assert (total.uncovered_pu, total.pds_workers, total.pwbd_workers) == (863, 40, 80)
    assert total.pu_unexplained == 783 + 0  # not 863 - 40 - 80


def test_the_arrears_threshold(plan, settings):
    assert arrears_threshold(AS_OF) == dt.date(2025, 3, 1)
    assert arrears_threshold(dt.date(2025, 2, 28)) == dt.date(2024, 11, 1)
    settings.JANGKAU_ARREARS_MONTHS = 2  # paid through March: April and May unpaid
    row = rows_by_code(["61.72"])["61.72"]
    assert (row.employers_in_arrears, row.workers_at_stake) == (2, 7)


def test_a_newer_report_with_an_npp_ends_a_prospect(plan):
    report("P-1", 30, source="OSS", employer=plan["late"], date=dt.date(2025, 5, 1))
    row = rows_by_code(["61.72"])["61.72"]
    assert row.pwbd_workers == 0
    assert row.pds_workers == 40 + 25  # 30 reported, 5 registered


def test_the_query_count_does_not_grow_with_the_cities(plan):
    counts = []
    for size in (2, 20):
        cities = list(City.objects.order_by("code").values_list("code", "name", "province_id")[:size])
        with CaptureQueriesContext(connection) as queries:
            gap_rows(cities, as_of=AS_OF)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8


def test_the_page_query_count_is_bounded(plan, users, login, django_assert_max_num_queries):
    client = login(users["admin"])
    with django_assert_max_num_queries(25):
        assert client.get("/gap/?province=61&as_of=2025-06-12").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get("/gap/?as_of=2025-06-12").status_code == 200  # all 514 cities


def csv_rows(response):
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines()[0] == HEADER
    return {row["city_code"]: row for row in csv.DictReader(io.StringIO(text))}


def test_the_csv_export(plan, users, login):
    response = login(users["branch"]).get("/gap/?as_of=2025-06-12&_export=csv")
    rows = csv_rows(response)
    assert set(rows) == {"61.72", "61.01"}  # the branch's cities only
    assert list(rows["61.72"].values()) == ["61.72", "Kota Singkawang", "853", "500", "40", "30", "783", "1", "5"]
    assert rows["61.01"]["pu_unexplained"] == "0"


def test_the_xlsx_export(plan, users, login):
    response = login(users["regional"]).get("/gap/?as_of=2025-06-12&_export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_page_shows_the_breakdown_and_the_excess_note(plan, users, login):
    page = login(users["branch"]).get("/gap/?as_of=2025-06-12").content.decode()
    assert "Rincian kesenjangan cakupan" in page
    assert "Kota Singkawang" in page
    assert "Kabupaten Sambas" in page
    assert "Kota Balikpapan" not in page
    assert "PDS + PWBD melebihi kesenjangan" in page  # Sambas
    assert 'href="/gap/"' in page  # the menu link


def test_grouped_per_province(plan, users, login):
    page = login(users["regional"]).get("/gap/?as_of=2025-06-12&group=province")
    assert page.status_code == 200


def test_out_of_scope_filters_answer_404(plan, users, login):
    for role in ("branch", "regional", "official"):
        client = login(users[role])
        for url in ("/gap/?province=64", "/gap/?province=64&_export=csv", "/gap/?office=BPN"):
            assert client.get(url).status_code == 404, (role, url)


def test_an_official_sees_only_their_city_and_no_names(plan, users, login):
    client = login(users["official"])
    rows = csv_rows(client.get("/gap/?as_of=2025-06-12&_export=csv"))
    assert set(rows) == {"61.72"}
    page = client.get("/gap/?as_of=2025-06-12").content.decode()
    assert plan["under"].name not in page
    assert "SKW00001" not in page
    assert 'href="/gap/"' in page
    assert client.get("/admin/outreach/employerreport/").status_code == 302  # the back office is for staff


def test_anonymous_users_go_to_the_login(client):
    assert client.get("/gap/").status_code == 302


def test_on_the_refresh_day_the_kept_figures_give_the_same_breakdown(plan):
    """/gap/ reads what the figures refresh kept on its day (current reports, employers' active workers):
    the same breakdown as comparing reports and counting workers on any other day."""
    codes = ["61.01", "61.72", "64.71"]
    counted = rows_by_code(codes)  # plan's refresh ran today: at AS_OF the reports are compared now
    employer_figures_refresh(AS_OF)  # a refresh on AS_OF
    assert EmployerReport.objects.filter(current=True).count() == 5  # W-1, W-2, P-1 (survey older), P-2, P-3
    kept = rows_by_code(codes)
    assert kept == counted
    assert (kept["61.72"].pds_workers, kept["61.72"].pwbd_workers, kept["61.72"].workers_at_stake) == (40, 30, 5)
