"""What it takes to reach the target: regions.ucj.needs and the city page's section, against calculations by hand."""

import datetime as dt
from decimal import Decimal

import pytest

from outreach.models import EmployerReport
from participants.figures import figures_refresh
from participants.models import Segment
from participants.tests.factories import EmployerFactory, WorkerFactory
from regions.models import WorkforceEstimate
from regions.ucj import Coverage, needs

pytestmark = pytest.mark.django_db


def coverage(active_pu, active_bpu, potential_pu, potential_bpu, target, year=2025, active_12m_ago=None):
    return Coverage(
        code="61.72",
        name="Kota Singkawang",
        active_pu=active_pu,
        active_bpu=active_bpu,
        potential_pu=potential_pu,
        potential_bpu=potential_bpu,
        target_percent=None if target is None else Decimal(target),
        year=year,
        active_12m_ago=active_12m_ago,
    )


def test_singkawang_below_its_target():
    # 16,684 of 73,236 (22.78 %) on 30 June 2025, target 30 % by 31 December 2025:
    # ceil(0.30 x 73,236) = ceil(21,970.8) = 21,971 -> 5,287 lacking over the 6 month ends July..December,
    # ceil(5,287 / 6) = 882 a month; uncovered PU 28,000 and BPU 28,552 -> PU 882 x 28,000 / 56,552 = 436.7 -> 437.
    row = coverage(12_000, 4_684, 40_000, 33_236, "30", active_12m_ago=15_000)
    result = needs(row, as_of=dt.date(2025, 6, 30), plan_workers=1_000)
    assert (result.state, result.needed, result.months, result.deadline) == ("needs", 5_287, 6, dt.date(2025, 12, 31))
    assert (result.per_month, result.per_month_pu, result.per_month_bpu) == (882, 437, 445)
    assert result.pace_per_month == Decimal("140.3")  # (16,684 - 15,000) / 12
    assert result.plan_share == Decimal("18.91")  # 1,000 / 5,287


def test_mid_month_counts_the_month_end_ahead_and_a_passed_deadline_moves_to_this_year():
    row = coverage(12_000, 4_684, 40_000, 33_236, "30")
    assert needs(row, as_of=dt.date(2025, 6, 12)).months == 7  # 30 June .. 31 December
    assert needs(row, as_of=dt.date(2025, 12, 31)).months == 1  # the deadline day itself: all of it now
    carried = needs(coverage(12_000, 4_684, 40_000, 33_236, "30", year=2024), as_of=dt.date(2025, 3, 31))
    assert (carried.deadline, carried.months) == (dt.date(2025, 12, 31), 9)


def test_a_city_above_target_and_one_without():
    above = needs(coverage(40, 20, 100, 50, "35"), as_of=dt.date(2025, 6, 30))  # 60 of 150 = 40 %
    assert (above.state, above.needed, above.per_month, above.plan_share) == ("reached", 0, 0, None)
    assert needs(coverage(40, 20, 100, 50, None), as_of=dt.date(2025, 6, 30)).state == "unknown"
    assert needs(coverage(40, 20, None, None, "35"), as_of=dt.date(2025, 6, 30)).state == "unknown"


@pytest.fixture
def three_cities(users):
    """Singkawang below target, Sambas above it, Bengkayang without one."""
    employer = EmployerFactory(npp="SKW1", city_code="61.72")
    WorkerFactory.create_batch(20, employer=employer, city=employer.city)
    WorkerFactory.create_batch(10, city_code="61.72", segment=Segment.BPU, employer=None)
    WorkerFactory.create_batch(30, city_code="61.01")
    WorkerFactory.create_batch(5, city_code="61.07")
    WorkforceEstimate.objects.create(city_id="61.72", year=2025, potential_pu=100, potential_bpu=50, target_percent=40)
    WorkforceEstimate.objects.create(city_id="61.01", year=2025, potential_pu=50, potential_bpu=50, target_percent=25)
    WorkforceEstimate.objects.create(city_id="61.07", year=2025, potential_pu=50, potential_bpu=50)
    EmployerReport.objects.create(company_id="W-1", name="PT W", city_id="61.72", employer=employer, reported_workers=26)
    EmployerReport.objects.create(company_id="P-1", name="CV P", city_id="61.72", reported_workers=4)
    figures_refresh()


def page(client, code):
    return client.get(f"/cities/{code}/?as_of=2025-06-12").content.decode()


def test_the_city_pages_say_what_it_takes(three_cities, users, login):
    singkawang = page(login(users["official"]), "61.72")
    # ceil(0.40 x 150) - 30 = 30 over 7 month ends -> ceil(30 / 7) = 5; PU 5 x 80 / 120 = 3.3 -> 3, BPU 2
    needs_line = "Butuh <strong>5</strong> peserta baru bersih per bulan (PU 3, BPU 2) untuk mencapai target 40,00 %"
    assert f"{needs_line} pada 31 Desember 2025." in singkawang
    assert "10 pekerja tercatat (PDS 6, PWBD 4); mendaftarkan semuanya menutup 33,33 % dari kekurangan." in singkawang
    assert "Target 25,00 % (sampai 31 Desember 2025) sudah tercapai." in page(login(users["branch"]), "61.01")
    # Bengkayang is not one of the test branch's cities
    assert "Target atau potensi tenaga kerja kota ini belum ditetapkan" in page(login(users["admin"]), "61.07")
