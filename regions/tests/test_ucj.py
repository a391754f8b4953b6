"""UCJ figures and pages: derived percentages, exports, edge cases, scope, bounded queries."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import PAGE_CACHE_MISS, footer_cells
from participants.figures import figures_refresh
from participants.tests.factories import WorkerFactory
from regions.models import WorkforceEstimate
from regions.tables import UCJ_CSV_HEADER
from regions.ucj import months_before, percent

pytestmark = pytest.mark.django_db


def export(client, query=""):
    response = client.get(f"/ucj/?_export=csv&{query}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_percent_is_half_up_and_never_divides_by_zero():
    assert percent(16684, 73236) == Decimal("22.78")
    assert percent(1, 8) == Decimal("12.50")
    assert percent(1, 800) == Decimal("0.13")  # 0.125 rounds up
    assert percent(5, 0) is None
    assert percent(5, None) is None


def test_singkawang_demo_figures(users, login):
    from django.core.management import call_command

    call_command("load_demo", "--no-accounts", "--small")
    official = login(users["official"])
    page = official.get("/cities/61.72/?as_of=2025-06-12").content.decode()  # the audiensi day
    assert "22,78 %" in page
    assert "56.552" in page
    staff = login(users["admin"])
    rows = {row["city_code"]: row for row in export(staff, "province=61&as_of=2025-06-12")}
    singkawang = rows["61.72"]
    assert singkawang["ucj_percent"] == "22.78"
    assert singkawang["gap"] == "56552"
    assert singkawang["active_total"] == "16684"
    assert singkawang["potential_total"] == "73236"


@pytest.fixture
def singkawang(reference_regions):
    today = timezone.localdate()
    WorkforceEstimate.objects.create(city_id="61.72", year=today.year - 1, potential_pu=60, potential_bpu=40, target_percent=50)
    WorkerFactory.create_batch(6, city_code="61.72", member_since=months_before(today, 6))
    WorkerFactory.create_batch(4, city_code="61.72", segment="BPU", employer=None, member_since=months_before(today, 30))
    WorkerFactory(
        city_code="61.72",
        segment="BPU",
        employer=None,
        member_since=dt.date(2020, 1, 1),
        member_until=today - dt.timedelta(days=1),
    )
    WorkerFactory(city_code="61.71", segment="BPU", employer=None, member_since=dt.date(2020, 1, 1))
    figures_refresh()


def test_csv_export_header_and_values(users, login, singkawang):
    response = login(users["admin"]).get("/ucj/?_export=csv&province=61")
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines()[0] == ",".join(UCJ_CSV_HEADER)
    rows = {row["city_code"]: row for row in csv.DictReader(io.StringIO(text))}
    row = rows["61.72"]
    assert (row["active_pu"], row["active_bpu"], row["active_total"]) == ("6", "4", "10")
    assert (row["potential_total"], row["ucj_percent"], row["ucj_pu_percent"], row["ucj_bpu_percent"]) == (
        "100",
        "10.00",
        "10.00",
        "10.00",
    )
    assert (row["gap"], row["target_percent"]) == ("90", "50.00")
    # Pontianak has a participant but no workforce estimate: empty cells, never 0 %
    assert rows["61.71"]["active_total"] == "1"
    assert rows["61.71"]["ucj_percent"] == ""
    assert rows["61.71"]["potential_total"] == ""


def test_as_of_counts_members_active_that_day(users, login, singkawang):
    client = login(users["admin"])
    year_ago = months_before(timezone.localdate(), 12)
    rows = {row["city_code"]: row for row in export(client, f"province=61&as_of={year_ago}")}
    assert rows["61.72"]["active_total"] == "5"  # 4 BPU since 30 months + the one that ended yesterday


def test_city_page_edge_cases(users, login, singkawang):
    client = login(users["admin"])
    page = client.get("/cities/61.71/").content.decode()
    assert "belum ada data potensi" in page
    assert 'class="chart"' not in page  # no UCJ point to draw: no empty chart
    assert 'class="chart"' in client.get("/cities/61.72/").content.decode()
    WorkforceEstimate.objects.create(city_id="61.71", year=2020, potential_pu=0, potential_bpu=0)
    assert "belum ada data potensi" in client.get("/cities/61.71/").content.decode()
    WorkforceEstimate.objects.filter(city_id="61.72").update(potential_pu=3, potential_bpu=2)
    page = client.get("/cities/61.72/").content.decode()
    assert "200,00 %" in page
    assert "melebihi potensi" in page


def test_pace_toward_the_target(users, login, singkawang):
    page = login(users["admin"]).get("/cities/61.72/").content.decode()
    assert "Perubahan 12 bulan" in page
    assert "+5" in page  # 6 joined, 1 left
    assert "tercapai sekitar" in page


def test_official_sees_only_own_city_and_no_names(users, login, singkawang):
    client = login(users["official"])
    page = client.get("/cities/61.72/").content.decode()
    assert "Pekerja" not in page  # factory names
    assert "PT Contoh" not in page
    assert client.get("/cities/61.71/").status_code == 404
    assert [row["city_code"] for row in export(client)] == ["61.72"]


def test_branch_export_is_scoped(users, login, singkawang):
    assert [row["city_code"] for row in export(login(users["branch"]))] == ["61.01", "61.72"]


def test_filters_and_xlsx(users, login, singkawang):
    client = login(users["regional"])
    assert [r["city_code"] for r in export(client, "office=PNK")] == ["61.71"]
    assert [r["city_code"] for r in export(client, "kind=KOTA")] == ["61.71", "61.72"]
    response = client.get("/ucj/?_export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_dashboards_issue_a_bounded_number_of_queries(users, login, singkawang, django_assert_max_num_queries):
    client = login(users["admin"])
    # a constant count whatever the data size; the map adds at most two (its neighbours, the grey cities' names);
    # the page cache adds its versions' read, a miss's read and its write (PAGE_CACHE_MISS)
    with django_assert_max_num_queries(17 + PAGE_CACHE_MISS):
        assert client.get("/ucj/").status_code == 200
    with django_assert_max_num_queries(22 + PAGE_CACHE_MISS):  # "what it takes", snapshot, commitments, surrounding cities
        assert client.get("/cities/61.72/").status_code == 200
    with django_assert_max_num_queries(10):  # again: the content from the cache, the rest of the page for this user
        assert client.get("/cities/61.72/").status_code == 200
    WorkerFactory.create_batch(30, city_code="61.72", segment="BPU", employer=None)
    figures_refresh()
    with django_assert_max_num_queries(17 + PAGE_CACHE_MISS):
        assert client.get("/ucj/?province=61").status_code == 200


def test_bands_css_comes_from_data(client, db):
    css = client.get("/ucj/bands.css").content.decode()
    assert "#b3261e" in css


def test_grouping_by_province_and_office_sums_counts(users, login, singkawang):
    client = login(users["regional"])
    by_province = export(client, "group=province")
    assert [(row["city_code"], row["active_total"], row["potential_total"]) for row in by_province] == [("61", "10", "100")]
    by_office = {row["city_code"]: row for row in export(client, "group=office")}
    assert set(by_office) == {"SKW", "PNK"}
    assert by_office["SKW"]["ucj_percent"] == "10.00"
    assert by_office["PNK"]["ucj_percent"] == ""  # its only city has no workforce estimate
    page = client.get("/ucj/?group=office").content.decode()
    assert "?office=SKW" in page


def test_table_sorts_by_raw_values(users, login, singkawang):
    client = login(users["regional"])

    def table(query):  # the rows of the table (the map above it names the cities too)
        page = client.get(f"/ucj/?{query}").content.decode()
        return page[page.index("<tbody") :]

    page = table("sort=-active_total")
    assert page.index("Kota Singkawang") < page.index("Kota Pontianak")
    page = table("sort=active_total")
    assert page.index("Kota Pontianak") < page.index("Kota Singkawang")
    page = table("sort=-ucj_percent")
    assert page.index("Kota Singkawang") < page.index("Kota Pontianak")  # unknown UCJ sorts last


def test_totals_row_sits_under_its_columns(users, login, singkawang):
    page = login(users["regional"]).get("/ucj/?province=61").content.decode()
    # Kota Pontianak's participant has no workforce estimate: left out of the totals, like the ratio
    assert footer_cells(page) == [
        "Total (kab/kota dengan data potensi)",
        "6",
        "4",
        "10",
        "100",
        "10,00 %",
        "10,00 %",
        "10,00 %",
        "90",
        "+5",
    ]


def test_national_table_pages_by_fifty_and_totals_cover_every_page(users, login, singkawang):
    client = login(users["admin"])
    first = client.get("/ucj/").content.decode()
    assert "halaman 1 dari 11 (514 baris)" in first
    assert "berikutnya \u203a" in first
    last = client.get("/ucj/?page=11").content.decode()
    assert "halaman 11 dari 11 (514 baris)" in last
    assert "\u2039 sebelumnya" in last
    assert footer_cells(first) == footer_cells(last)
    assert footer_cells(first)[3] == "10"  # Singkawang's 10, counted on every page
