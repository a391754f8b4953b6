"""The budget simulator: the acceptance figures of issue 14, the reverse question against an independent
calculation, scope, and saving a simulation as a planned commitment."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import timezone

from commitments.models import Commitment, ContributionRate
from commitments.simulator import months_left, simulate, workers_to_fund
from config.formatting import format_percent, format_rupiah
from participants.models import CoverageFigure
from regions.models import WorkforceEstimate
from regions.ucj import Coverage, months_before

pytestmark = pytest.mark.django_db

AUDIENSI = dt.date(2025, 6, 12)
# Kota Singkawang on the audiensi day: 16,684 active of a potential 73,236 (the PU/BPU split is ours).
ACTIVE_PU, ACTIVE_BPU = 12_210, 4_474
POTENTIAL_PU, POTENTIAL_BPU = 38_912, 34_324


def audiensi_row(**changes):
    row = Coverage(
        code="61.72",
        name="Kota Singkawang",
        active_pu=ACTIVE_PU,
        active_bpu=ACTIVE_BPU,
        potential_pu=POTENTIAL_PU,
        potential_bpu=POTENTIAL_BPU,
        target_percent=Decimal("30.00"),
        year=2025,
        active_12m_ago=15_000,
    )
    for name, value in changes.items():
        setattr(row, name, value)
    return row


@pytest.fixture
def audiensi(users):
    """Today's figures of Singkawang are the audiensi's: the only figure rows are of that day."""
    WorkforceEstimate.objects.create(
        city_id="61.72", year=2025, potential_pu=POTENTIAL_PU, potential_bpu=POTENTIAL_BPU, target_percent=Decimal("30")
    )
    for group, active in (("PU", ACTIVE_PU), ("BPU", ACTIVE_BPU)):
        CoverageFigure.objects.create(city_id="61.72", group=group, day=AUDIENSI, joined_total=active, left_total=0)


def test_funding_5000_bpu_workers_in_singkawang_for_12_months():
    result = simulate(audiensi_row(), workers=5_000, months=12, contribution=16_800, as_of=AUDIENSI)
    assert format_rupiah(result.budget) == "Rp1.008.000.000"
    assert format_percent(result.before.ucj_percent) == "22,78 %"
    assert format_percent(result.after.ucj_percent) == "29,61 %"
    assert result.after.active_total == 21_684
    assert format_percent(result.after.ucj_bpu_percent) == "27,60 %"  # 9,474 / 34,324
    # the step is one-off: the pace of the last 12 months is unchanged, the target comes earlier
    assert result.after.change_12m == result.before.change_12m
    (before, before_state), (after, after_state) = result.reach_before, result.reach_after
    assert (before_state, after_state) == ("on_pace", "on_pace")
    assert after < before


def test_the_simulator_page_at_the_audiensi_figures(audiensi, users, login):
    client = login(users["official"])  # an official simulates their own city
    response = client.get("/cities/61.72/simulasi/?workers=5000&months=12")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="budget">Rp1.008.000.000<' in page
    assert 'id="ucj-after">29,61 %<' in page
    assert "hari ini 22,78 %" in page
    assert 'id="ucj-bpu-after">27,60 %<' in page
    assert 'id="save-plan"' not in page  # officials simulate, staff save
    # numbers typed the Indonesian way, and the default contribution is the configured BPU rate
    page = client.get("/cities/61.72/simulasi/?workers=5.000&months=12&contribution=Rp16.800").content.decode()
    assert 'id="budget">Rp1.008.000.000<' in page


def test_ppu_like_funding_costs_three_billion_and_change(users, login):
    WorkforceEstimate.objects.create(city_id="64.09", year=2025, potential_pu=32_000, potential_bpu=20_000)
    response = login(users["admin"]).get("/cities/64.09/simulasi/?workers=15000&months=12&contribution=16800")
    assert 'id="budget">Rp3.024.000.000<' in response.content.decode()


def test_the_default_contribution_is_data(audiensi, users, login):
    client = login(users["branch"])
    assert 'id="budget">Rp201.600<' in client.get("/cities/61.72/simulasi/?workers=1&months=12").content.decode()
    ContributionRate.objects.create(
        valid_from=timezone.localdate() - dt.timedelta(days=1), declared_income=1_000_000, jkk_percent=Decimal("1"), jkm=8_000
    )
    assert 'id="budget">Rp216.000<' in client.get("/cities/61.72/simulasi/?workers=1&months=12").content.decode()


def minimal_workers(active, potential, target, per_month, months):
    """Independent of the simulator: count up from 0 until the target is reached by the deadline."""
    workers = 0
    while (active + workers + Fraction(per_month) * months) * 100 < Fraction(target) * potential:
        workers += 1
    return workers


@pytest.mark.parametrize(
    ("active_12m_ago", "target", "deadline"),
    [
        (15_000, "30.00", dt.date(2025, 12, 31)),  # growing: the pace does part of the work
        (16_684, "30.00", dt.date(2025, 12, 31)),  # flat
        (18_000, "30.00", dt.date(2026, 12, 31)),  # falling: fund the decline too
        (15_000, "22.50", dt.date(2025, 12, 31)),  # already above the target: nothing to fund
        (15_000, "33.33", dt.date(2027, 6, 30)),
    ],
)
def test_the_reverse_question_returns_the_minimal_number(active_12m_ago, target, deadline):
    row = audiensi_row(active_12m_ago=active_12m_ago, target_percent=Decimal(target))
    answer = workers_to_fund(row, deadline=deadline, as_of=AUDIENSI, months=12, contribution=16_800)
    left = months_left(AUDIENSI, deadline)
    per_month = Fraction(row.active_total - active_12m_ago, 12)
    assert answer.workers == minimal_workers(16_684, 73_236, Decimal(target), per_month, left)
    assert answer.cost == answer.workers * 12 * 16_800
    assert answer.state == ("needs" if answer.workers else "reached")
    if answer.workers:  # one fewer is not enough
        short = 16_684 + answer.workers - 1 + per_month * left
        assert short * 100 < Fraction(Decimal(target)) * 73_236


def test_months_left_counts_month_ends_like_the_city_page():
    assert months_left(dt.date(2025, 6, 12), dt.date(2025, 12, 31)) == 7
    assert months_left(dt.date(2025, 6, 30), dt.date(2025, 12, 31)) == 6
    assert months_left(dt.date(2025, 6, 12), dt.date(2025, 6, 20)) == 1
    assert months_left(dt.date(2025, 6, 12), dt.date(2025, 6, 1)) == 0


def test_the_page_answers_the_reverse_question(audiensi, users, login):
    """No figures since the audiensi: no growth over the last 12 months, so the whole gap is to be funded."""
    today = timezone.localdate()
    assert months_before(today, 12) >= AUDIENSI  # the test's premise: a year after the audiensi
    page = login(users["official"]).get("/cities/61.72/simulasi/?months=12").content.decode()
    expected = minimal_workers(16_684, 73_236, Decimal(30), 0, 0)  # 21,971 - 16,684
    assert expected == 5_287
    assert 'id="reverse-workers">5.287<' in page
    assert f'id="reverse-cost">{format_rupiah(5_287 * 12 * 16_800)}<' in page
    assert f"pada 31 Desember {today.year}" in page


def test_officials_simulate_only_their_city(audiensi, users, login):
    official = login(users["official"])
    assert official.get("/cities/61.72/simulasi/").status_code == 200
    assert official.get("/cities/61.71/simulasi/").status_code == 404
    assert official.get("/cities/64.71/simulasi/?workers=10").status_code == 404
    assert official.post("/cities/61.72/simulasi/", {"workers": "10", "months": "12"}).status_code == 403
    assert not Commitment.objects.exists()


def test_staff_save_a_simulation_as_a_planned_commitment(audiensi, users, login):
    client = login(users["branch"])
    page = client.get("/cities/61.72/simulasi/?workers=5000&months=12&group=vulnerable").content.decode()
    assert 'id="save-plan"' in page
    response = client.post("/cities/61.72/simulasi/", {"workers": "5000", "months": "12", "group": "vulnerable", "year": "2027"})
    assert response.status_code == 302
    saved = Commitment.objects.get()
    assert (saved.code, saved.city_id, saved.status, saved.year) == ("RENCANA-6172-2027-01", "61.72", "planned", 2027)
    figures = (saved.promised_workers, saved.months, saved.contribution_per_month, saved.budget)
    assert figures == (5_000, 12, 16_800, 1_008_000_000)
    assert (saved.kind.code, saved.target_group.code) == ("apbd", "vulnerable")
    assert "RENCANA-6172-2027-01" in client.get(response["Location"]).content.decode()
    client.post("/cities/61.72/simulasi/", {"workers": "10", "months": "6", "year": "2027"})
    assert Commitment.objects.filter(code="RENCANA-6172-2027-02").exists()
    refused = client.post("/cities/61.72/simulasi/", {"workers": "10", "months": "6", "year": "1999"}, follow=True)
    assert "Tidak disimpan. Tahun anggaran: Harus antara 2000 dan 2100." in refused.content.decode()
    refused = client.post("/cities/61.72/simulasi/", {"months": "6"}, follow=True)
    assert "Tidak disimpan. Isi jumlah pekerja." in refused.content.decode()
    # another branch's city: not found, saved nothing
    assert login(users["other_branch"]).post("/cities/61.72/simulasi/", {"workers": "10"}).status_code == 404
    assert Commitment.objects.count() == 2


def test_wrong_input_is_explained(audiensi, users, login):
    response = login(users["official"]).get("/cities/61.72/simulasi/?workers=-5&months=13")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Harus antara 1 dan 10.000.000." in page
    assert "Harus antara 1 dan 12." in page
