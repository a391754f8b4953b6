"""The totals row of the figures tables (/ucj/, /bsu/, /gap/): summed over distinct regencies/cities, so the
same whatever the grouping; and grouped tables show the cities no office serves in a row of their own."""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from participants.figures import figures_refresh
from participants.tests.factories import WorkerFactory
from regions.models import WorkforceEstimate
from regions.ucj import months_before
from subsidies.figures import bsu_figures_refresh
from subsidies.models import Recipient, RecipientStatus

pytestmark = pytest.mark.django_db
S = RecipientStatus


@dataclass
class CityData:
    pu: int  # active PU workers (each with its own employer)
    bpu: int
    potential: tuple | None  # (PU, BPU) estimate; None: no estimate
    bsu: dict = field(default_factory=dict)  # status -> recipients (taken from the PU workers)
    arrears: int = 0  # employers (of one active worker each) in arrears


# Sambas is served by two branches of K1 (SKW, PNK) and by BPN of K2; Mempawah and Kubu Raya by no office.
CITIES = {
    "61.72": CityData(6, 4, (100, 50), {S.DISBURSED: 3, S.CANDIDATE: 1}),  # SKW
    "61.01": CityData(3, 2, (200, 100), {S.DISBURSED: 2, S.SCREENED_OUT: 1}, arrears=1),  # SKW, PNK, BPN
    "61.71": CityData(5, 1, (80, 20), {S.CANDIDATE: 1, S.VERIFIED: 1}),  # PNK
    "61.02": CityData(2, 1, (40, 10), {S.DISBURSED: 2}, arrears=1),  # no office
    "61.03": CityData(2, 0, None, {S.DISBURSED: 1}, arrears=1),  # no office, no estimate
    "64.71": CityData(7, 0, (300, 100), {S.DISBURSED: 1}),  # BPN
}
K1 = {"61.72", "61.01", "61.71"}
SCOPES = {"admin": set(CITIES), "regional": K1, "branch": {"61.72", "61.01"}, "other_branch": {"61.71", "61.01"}}
FILTERS = {"": set(CITIES), "province=61": {code for code in CITIES if code.startswith("61.")}, "office=K1": K1}
GROUPINGS = ("", "province", "kanwil", "office")


@pytest.fixture
def served(users, offices, bsu):
    """CITIES as workers, estimates, employers in arrears and BSU recipients (figures refreshed)."""
    offices["PNK"].cities.add("61.01")
    offices["BPN"].cities.add("61.01")
    today = timezone.localdate()
    for code, data in CITIES.items():
        if data.potential:
            WorkforceEstimate.objects.create(
                city_id=code, year=today.year - 1, potential_pu=data.potential[0], potential_bpu=data.potential[1]
            )
        pu = WorkerFactory.create_batch(data.pu, city_code=code, member_since=months_before(today, 6))
        WorkerFactory.create_batch(data.bpu, city_code=code, segment="BPU", employer=None, member_since=months_before(today, 6))
        for worker in pu[: data.arrears]:
            worker.employer.paid_until = dt.date(2020, 1, 1)
            worker.employer.save()
        statuses = [status for status, number in data.bsu.items() for _ in range(number)]
        for worker, status in zip(pu, statuses, strict=False):
            Recipient.objects.create(programme=bsu, worker=worker, city_id=code, status=status, status_since=timezone.now())
    figures_refresh()
    bsu_figures_refresh(bsu)


def seen(role, query):
    return [CITIES[code] for code in sorted(SCOPES[role] & FILTERS[query])]


def expected_ucj(cities):
    known = [c for c in cities if c.potential]
    return {
        "active_pu": sum(c.pu for c in known),
        "active_bpu": sum(c.bpu for c in known),
        "active_total": sum(c.pu + c.bpu for c in known),
        "potential_total": sum(sum(c.potential) for c in known),
    }


def expected_bsu(cities, amount_each):
    disbursed = sum(c.bsu.get(S.DISBURSED, 0) for c in cities)
    return {
        "recipients": sum(n for c in cities for status, n in c.bsu.items() if status != S.SCREENED_OUT),
        "screened_out": sum(c.bsu.get(S.SCREENED_OUT, 0) for c in cities),
        "disbursed": disbursed,
        "amount_disbursed": disbursed * amount_each,
    }


def expected_gap(cities):
    known = [c for c in cities if c.potential]
    return {
        "uncovered_pu": sum(max(0, c.potential[0] - c.pu) for c in known),
        "uncovered_bpu": sum(max(0, c.potential[1] - c.bpu) for c in known),
        "pu_unexplained": sum(max(0, c.potential[0] - c.pu) for c in known),  # no reports: nothing explained
        "employers_in_arrears": sum(c.arrears for c in cities),
        "workers_at_stake": sum(c.arrears for c in cities),
    }


def total_of(client, path, query, names):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200, (path, query)
    total = response.context["total"]
    return {name: getattr(total, name) for name in names}


PAGES = {"/ucj/": expected_ucj, "/gap/": expected_gap}


@pytest.mark.parametrize("role", list(SCOPES))
@pytest.mark.parametrize("grouping", GROUPINGS)
def test_the_totals_row_is_the_sum_over_distinct_cities_whatever_the_grouping(served, bsu, users, login, role, grouping):
    client = login(users[role])
    queries = [query for query in FILTERS if query != "office=K1" or role in ("admin", "regional")]
    for query in queries:
        cities = seen(role, query)
        grouped_query = f"{query}&group={grouping}"
        for path, expected in PAGES.items():
            want = expected(cities)
            assert total_of(client, path, grouped_query, want) == want, (path, query)
            assert total_of(client, path, query, want) == want, (path, query)  # the ungrouped page agrees
        want = expected_bsu(cities, bsu.amount_total)
        assert total_of(client, "/bsu/", grouped_query, want) == want, ("/bsu/", query)
        assert total_of(client, "/bsu/", query, want) == want, ("/bsu/", query)


def test_a_city_of_two_branches_counts_once_in_the_total_and_under_each_branch(served, users, login):
    client = login(users["regional"])
    page = client.get("/ucj/?group=office")
    assert page.context["total"].active_total == 6 + 4 + 3 + 2 + 5 + 1  # Singkawang, Sambas, Pontianak
    rows = export(client, "/ucj/", "group=office")
    assert set(rows) == {"SKW", "PNK"}
    assert rows["SKW"]["active_total"] == str(6 + 4 + 3 + 2)  # Singkawang + Sambas
    assert rows["PNK"]["active_total"] == str(5 + 1 + 3 + 2)  # Pontianak + Sambas


def export(client, path, query):
    response = client.get(f"{path}?_export=csv&{query}")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return {row["city_code"]: row for row in csv.DictReader(io.StringIO(text))}


def test_cities_no_office_serves_have_a_row_of_their_own(served, users, login):
    client = login(users["admin"])
    by_office = export(client, "/bsu/", "province=61&group=office")
    assert set(by_office) == {"SKW", "PNK", "BPN", "TANPA"}
    unserved = by_office["TANPA"]
    assert unserved["city_name"] == "Tanpa kantor cabang"
    assert unserved["recipients"] == str(2 + 1)  # Mempawah + Kubu Raya
    assert by_office["BPN"]["recipients"] == "2"  # only Sambas is in province 61
    by_kanwil = export(client, "/ucj/", "group=kanwil")
    assert set(by_kanwil) == {"K1", "K2", "TANPA"}
    assert by_kanwil["TANPA"]["city_name"] == "Tanpa kantor wilayah"
    assert by_kanwil["TANPA"]["active_total"] == "3"  # Mempawah; Kubu Raya has no estimate
    assert by_kanwil["K2"]["active_total"] == str(7 + 3 + 2)  # Balikpapan + Sambas
    page = client.get("/gap/?group=office").content.decode()
    assert "Tanpa kantor cabang" in page
    assert 'href="?"' in page  # the row links to the ungrouped table of the same filter
    assert "Tanpa kantor cabang" not in login(users["regional"]).get("/ucj/?group=office").content.decode()


def test_cities_served_by_an_office_outside_the_scope_are_not_called_unserved(served, users, login):
    # a branch cannot see its kanwil as a group: its cities are served, by an office outside its scope
    rows = export(login(users["branch"]), "/ucj/", "group=kanwil")
    assert [(code, row["city_name"], row["active_total"]) for code, row in rows.items()] == [
        ("LUAR", "Kantor wilayah di luar cakupan Anda", str(6 + 4 + 3 + 2))
    ]
