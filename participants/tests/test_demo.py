"""The demo data set tells the story the README tells (at the small scale tests use)."""

import datetime as dt
import io
from statistics import median

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Max, Min, Value
from django.db.models.functions import Replace, Substr
from django.utils import timezone

from participants.demo import (
    AUDIENSI,
    FALLING,
    FALLING_EMPLOYER,
    MEMBERSHIP_CUTOFF,
    PPU,
    SINGKAWANG,
    demo_cities,
    demo_load,
    fall_day,
)
from participants.models import Employer, Segment, Worker
from participants.selectors import active_on
from participants.validators import birth_facts, check_nik
from regions.models import Access, City, Office, WorkforceEstimate
from regions.ucj import coverage_rows, months_before
from subsidies.models import Bank, BankAccount, Programme, Recipient, RecipientStatus, StatusChange

pytestmark = pytest.mark.django_db
S = RecipientStatus
KALIMANTAN = ("61", "62", "63", "64", "65")


def load(*args):
    out = io.StringIO()
    call_command("load_demo", "--small", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def state():
    return [
        model.objects.count()
        for model in (Office, Employer, Worker, WorkforceEstimate, Recipient, StatusChange, BankAccount, Access)
    ]


def coverage(as_of):
    cities = City.objects.filter(province__in=KALIMANTAN).order_by("code").values_list("code", "name", "province")
    return {row.code: row for row in coverage_rows(cities, as_of=as_of)}


def test_the_demo_tells_its_story_and_loads_once():
    """One load at the small scale (each check below is one part of the story), then loads that must
    change nothing: the same again, again on a later day, and the full data set on top of the small one."""
    output = load()
    check_every_kalimantan_city_is_served_and_estimated_every_year()
    check_singkawang_keeps_the_audiensi_figures_and_has_grown_since()
    check_coverage_is_plausible_and_spread_over_the_colour_bands()
    check_one_regency_falls_after_its_employer_stopped_paying_and_others_climb()
    check_workers_have_valid_niks_of_their_city_and_employers_a_long_tail()
    check_bsu_recipients_are_paid_by_their_own_bank_or_through_pos()
    assert "pemkot.singkawang" in output

    loaded = state()
    again = load()
    assert state() == loaded
    assert "created=0" in again
    assert again.splitlines()[1:4] == output.splitlines()[1:4]  # the same BSU counts, printed the same way
    later = demo_load(small=True, today=timezone.localdate() + dt.timedelta(days=45))  # `make run` next month
    assert later["created"] == 0
    assert state() == loaded

    errors = io.StringIO()
    call_command("load_demo", "--no-accounts", stdout=io.StringIO(), stderr=errors)
    assert "another demo data set" in errors.getvalue()
    assert state() == loaded


def check_every_kalimantan_city_is_served_and_estimated_every_year():
    kanwil = Office.objects.get(code="KALIMANTAN")
    served = set(kanwil.branches.values_list("cities__code", flat=True))
    assert len(served) == 56
    assert {code[:2] for code in served} == set(KALIMANTAN)
    for year in (2024, 2025, 2026):
        estimates = WorkforceEstimate.objects.filter(year=year, city__in=served)
        assert estimates.count() == 56
        assert not estimates.filter(target_percent__isnull=True).exists()
        assert set(estimates.values_list("source", flat=True)) == {f"BPS Sakernas Agustus {year - 1} (data demo)"}
    assert set(Worker.objects.values_list("city", flat=True).distinct()) == served


def check_singkawang_keeps_the_audiensi_figures_and_has_grown_since():
    estimate = WorkforceEstimate.objects.get(city=SINGKAWANG, year=2025)
    assert (estimate.potential_pu, estimate.potential_bpu, estimate.target_percent) == (38_912, 34_324, 30)
    workers = Worker.objects.filter(city=SINGKAWANG)
    assert workers.filter(active_on(AUDIENSI)).count() == 16_684
    audiensi = coverage(AUDIENSI)[SINGKAWANG]
    assert (audiensi.active_total, audiensi.potential_total, audiensi.gap) == (16_684, 73_236, 56_552)
    assert str(audiensi.ucj_percent) == "22.78"
    today = timezone.localdate()
    now = coverage(today)[SINGKAWANG]
    assert now.active_total == workers.filter(active_on(today)).count() > 16_684
    assert now.ucj_percent > audiensi.ucj_percent


def check_coverage_is_plausible_and_spread_over_the_colour_bands():
    rows = coverage(timezone.localdate())
    assert len(rows) == 56
    for row in rows.values():
        assert 10 < row.ucj_percent < 60, row.code
        assert row.ucj_pu_percent > row.ucj_bpu_percent > 0, row.code  # wage earners are easier to enrol
    assert len({row.band.label for row in rows.values()}) >= 4
    # the coal regencies cover their wage earners far better than the rural interior
    assert min(rows[code].ucj_pu_percent for code in ("64.02", "64.03", "64.08")) > rows["61.08"].ucj_pu_percent + 15
    assert rows["64.71"].potential_total > 10 * rows["61.11"].potential_total  # Balikpapan, Kayong Utara


def check_one_regency_falls_after_its_employer_stopped_paying_and_others_climb():
    today = timezone.localdate()
    now, year_ago = coverage(today), coverage(months_before(today, 12))
    assert now[FALLING].active_total < year_ago[FALLING].active_total
    employer = Employer.objects.get(city=FALLING, name=FALLING_EMPLOYER)
    assert set(employer.workers.values_list("member_until", flat=True)) == {fall_day(today)}
    assert today - dt.timedelta(days=160) < fall_day(today) < today - dt.timedelta(days=90)
    for code in (SINGKAWANG, PPU, "61.12", "63.72"):
        assert now[code].active_total > year_ago[code].active_total, code


def check_workers_have_valid_niks_of_their_city_and_employers_a_long_tail():
    city_digits = Replace(F("city_id"), Value("."), Value(""))
    assert not Worker.objects.annotate(prefix=Substr("nik", 1, 4)).exclude(prefix=city_digits).exists()
    for nik, birth_date, sex in Worker.objects.values_list("nik", "birth_date", "sex").iterator():
        assert check_nik(nik).error is None, nik
        assert birth_facts(nik) == (birth_date, sex), nik
    assert set(Worker.objects.values_list("segment", flat=True).distinct()) == set(Segment.values)
    assert not Worker.objects.filter(segment=Segment.PU, employer__isnull=True).exists()
    assert not Worker.objects.filter(segment=Segment.BPU, employer__isnull=False).exists()
    sizes = sorted(Employer.objects.annotate(n=Count("workers")).values_list("n", flat=True))
    assert median(sizes) <= 10 < 500 <= sizes[-1]  # many small employers, a few large ones
    sectors = set(Employer.objects.values_list("sector", flat=True))
    expected = {"Perkebunan sawit", "Pertambangan batu bara", "Perdagangan", "Konstruksi", "Jasa", "Perikanan"}
    assert expected | {"Pemerintahan/BUMD"} <= sectors


def check_bsu_recipients_are_paid_by_their_own_bank_or_through_pos():
    recipients = Recipient.objects.all()
    assert set(recipients.values_list("status", flat=True).distinct()) == set(S.values)
    assert set(recipients.exclude(batch=None).values_list("batch", flat=True).distinct()) == {1, 2, 3, 4}
    shared = BankAccount.objects.values("account_number").annotate(n=Count("id")).filter(n__gt=1).values("account_number")
    assert shared.exists()
    # the paying bank is the worker's account bank, and that account is the worker's alone
    by_bank = recipients.filter(channel__in=[bank.value for bank in Bank])
    assert by_bank.exists()
    assert not by_bank.exclude(worker__bank_account__bank=F("channel")).exists()
    assert not by_bank.filter(worker__bank_account__account_number__in=shared).exists()
    # Pos pays those whose account was refused or bounced: everyone without an account or with a shared one
    pos = recipients.filter(channel="POS")
    assert pos.exists()
    assert not pos.exclude(changes__to_status__in=[S.ACCOUNT_INVALID, S.RETURNED]).exists()
    validated = recipients.filter(status__in=[S.ACCOUNT_INVALID, S.DETERMINED, S.DISBURSED, S.RETURNED])
    assert not validated.filter(worker__bank_account__isnull=True).exclude(channel="POS").exists()
    assert not validated.filter(worker__bank_account__account_number__in=shared).exclude(channel="POS").exists()
    # every step happened between screening (May 2025) and the return of uncollected money (August 2025)
    span = StatusChange.objects.aggregate(first=Min("at"), last=Max("at"))
    assert dt.date(2025, 5, 1) <= timezone.localtime(span["first"]).date()
    assert timezone.localtime(span["last"]).date() <= dt.date(2025, 8, 31)


def test_who_counts_for_bsu_does_not_depend_on_the_load_date():
    """Memberships run up to the load date, but those that started or ended by BSU-2025's cutoff have
    fixed dates: a load prints the same BSU counts (README) whatever day it runs."""

    def by_cutoff(today):
        views = []
        for city in demo_cities(today=today):
            for cohort in city.cohorts:
                since = cohort.since if cohort.since[0] <= MEMBERSHIP_CUTOFF else "later"
                until = cohort.until and (cohort.until if cohort.until[0] < MEMBERSHIP_CUTOFF else "later")
                views.append((city.code, cohort.segment, cohort.count, since, until, cohort.pool, cohort.recent))
        return views

    assert Programme.objects.get(code="BSU-2025").membership_cutoff == MEMBERSHIP_CUTOFF
    today = timezone.localdate()
    assert by_cutoff(today) == by_cutoff(today + dt.timedelta(days=300))
