"""The coverage plan's demo data (outreach.demo) fills the gap page and every worklist tab, once."""

import datetime as dt
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from outreach.demo import OFFICER, PREFIX, DemoEmployer, OutreachCity, month_start, outreach_demo_load
from outreach.models import EmployerReport, Visit
from outreach.selectors import (
    arrears_list,
    arrears_threshold,
    gap_rows,
    open_visits,
    prospect_list,
    unregistered_list,
    visits_due,
    wage_gap_list,
    week_end,
)
from participants.demo import FALLING, FALLING_EMPLOYER, SINGKAWANG
from participants.models import Employer, EmployerFigure
from regions.models import City

pytestmark = pytest.mark.django_db
KALIMANTAN = ("61", "62", "63", "64", "65")


def state():
    return [
        EmployerReport.objects.count(),
        Visit.objects.count(),
        Visit.history.count(),
        EmployerFigure.objects.count(),
        list(Employer.objects.order_by("pk").values_list("paid_until", flat=True)),
    ]


def test_the_outreach_demo_fills_the_gap_page_and_the_worklists_once(client):
    out = io.StringIO()
    call_command("load_demo", "--small", stdout=out, stderr=io.StringIO())
    today = timezone.localdate()
    cities = City.objects.filter(province__in=KALIMANTAN).order_by("code").values_list("code", "name", "province")
    codes = [code for code, _name, _province in cities]
    officer = get_user_model().objects.get(username=OFFICER)

    loaded = state()
    counts = outreach_demo_load(today=today)  # load_demo loaded it: this load creates nothing
    assert state() == loaded
    assert f"outreach: reports={counts['reports']} prospects={counts['prospects']} " in out.getvalue()
    assert counts["visits"] == Visit.objects.count()
    assert min(counts.values()) > 0

    check_reports_are_wlkp_like_and_some_pds(codes, today)
    check_singkawang_gap_is_partly_explained(cities, today)
    check_a_few_employers_are_in_arrears_and_the_rest_paid_last_month(codes, today)
    check_singkawang_has_an_outreach_history_with_steps_due_this_week(officer, today)
    check_the_officer_finds_the_steps_due_on_the_worklist(client, officer, today)
    check_a_city_draws_the_same_data_from_its_seed(today)

    # loaded without the demo accounts first: the visits become the demo officer's once the account exists
    Visit.objects.update(officer=None)
    assert outreach_demo_load(today=today) == counts
    assert not Visit.objects.filter(officer__isnull=True).exists()


def check_reports_are_wlkp_like_and_some_pds(codes, today):
    demo = EmployerReport.objects.filter(company_id__startswith=PREFIX)
    assert demo.count() == EmployerReport.objects.count()
    assert all(re.fullmatch(r"WLKP-\d\d\.\d\d-\d{6}", company) for company in demo.values_list("company_id", flat=True))
    assert set(demo.values_list("source", flat=True)) == {"WLKP"}
    first = today - dt.timedelta(days=365)
    assert not demo.exclude(report_date__gt=first, report_date__lte=today).exists()
    registered = demo.filter(employer__isnull=False)
    assert not registered.exclude(sector=F("employer__sector")).exists()
    assert not registered.exclude(name=F("employer__name")).exists()
    # about a fifth of the employers with active workers report, a third of them more workers than registered
    with_workers = EmployerFigure.objects.filter(active_workers__gt=0, employer__city__in=codes).count()
    assert 0.15 < registered.count() / with_workers < 0.25
    pds = unregistered_list(codes, as_of=today).count()
    assert 0.2 < pds / registered.count() < 0.5
    assert registered.filter(reported_workers__lt=F("employer__figure__active_workers")).exists()
    assert registered.filter(reported_workers=F("employer__figure__active_workers")).exists()
    assert 0.4 < registered.filter(reported_wage_total__isnull=False).count() / registered.count() < 0.6
    assert wage_gap_list(codes, as_of=today).exists()
    # prospects in every city, mostly small companies, a few of 100 workers or more
    prospects = prospect_list(codes, as_of=today)
    assert set(prospects.values_list("city", flat=True)) == set(codes)
    sizes = list(prospects.filter(city=SINGKAWANG).values_list("reported_workers", flat=True))
    assert sum(5 <= size <= 30 for size in sizes) > len(sizes) / 2
    assert 0 < sum(size >= 100 for size in sizes) < len(sizes) / 10


def check_singkawang_gap_is_partly_explained(cities, today):
    rows = {row.code: row for row in gap_rows(cities, as_of=today)}
    assert not [code for code, row in rows.items() if row.explained_exceeds_gap]
    singkawang = rows[SINGKAWANG]
    assert singkawang.pds_workers > 0
    assert singkawang.pwbd_workers > 0
    assert singkawang.pu_unexplained > 0
    # well below the uncovered PU: most of the gap stays to be found
    assert singkawang.pds_workers + singkawang.pwbd_workers < singkawang.uncovered_pu / 3
    assert singkawang.employers_in_arrears > 0
    assert singkawang.workers_at_stake > 0


def check_a_few_employers_are_in_arrears_and_the_rest_paid_last_month(codes, today):
    threshold = arrears_threshold(today)
    employers = Employer.objects.filter(city__in=codes)
    late = employers.filter(paid_until__lt=threshold)
    assert set(late.values_list("city", flat=True)) == set(codes)
    singkawang = employers.filter(city=SINGKAWANG)
    assert 0.02 < late.filter(city=SINGKAWANG).count() / singkawang.count() < 0.04
    assert not late.filter(paid_until__lt=month_start(today, 9)).exists()  # 4-9 months unpaid
    assert set(employers.exclude(pk__in=late.values("pk")).values_list("paid_until", flat=True)) == {month_start(today, 1)}
    assert late.filter(city=FALLING, name=FALLING_EMPLOYER).exists()  # the story: its workers dropped out
    assert arrears_list([SINGKAWANG], as_of=today).filter(at_stake__gt=0).exists()


def check_singkawang_has_an_outreach_history_with_steps_due_this_week(officer, today):
    visits = Visit.objects.filter(city=SINGKAWANG)
    assert 60 <= visits.count() <= 100
    assert set(visits.values_list("channel", flat=True)) == set(Visit.Channel.values)
    assert set(visits.values_list("outcome", flat=True)) == set(Visit.Outcome.values)
    assert not visits.exclude(date__gte=today - dt.timedelta(days=183), date__lt=today).exists()
    assert not visits.exclude(officer=officer).exists()
    assert not visits.filter(next_step="").exists()
    companies = set(visits.values_list("company", flat=True))
    assert any(company.startswith(PREFIX) for company in companies)  # prospects
    assert Employer.objects.filter(npp__in=companies, paid_until__lt=arrears_threshold(today)).exists()
    assert visits.count() > len(companies)  # a history: several contacts with some companies
    due = list(visits_due(officer, today=today))
    this_week = [visit for visit in due if today <= visit.due_date <= week_end(today)]
    overdue = [visit for visit in due if visit.due_date < today]
    assert 3 <= len(this_week) <= 6
    assert 1 <= len(overdue) <= 2
    assert len(due) == len(this_week) + len(overdue)
    assert open_visits(visits).count() == len(companies)  # each company's last contact leaves its step open


def check_the_officer_finds_the_steps_due_on_the_worklist(client, officer, today):
    client.force_login(officer)
    due = list(visits_due(officer, today=today))
    page = client.get("/worklist/?list=due").content.decode()
    assert f"Tenggat saya minggu ini ({len(due)})" in page
    assert due[0].next_step in page
    for name in ("unregistered", "wages", "arrears", "prospects"):
        page = client.get(f"/worklist/?list={name}").content.decode()
        assert "Tidak ada perusahaan pada daftar ini" not in page, name


def check_a_city_draws_the_same_data_from_its_seed(today):
    employers = [
        DemoEmployer(e.pk, e.npp, e.name, e.sector, None, e.figure.active_workers, e.figure.active_wage_total)
        for e in Employer.objects.filter(city=SINGKAWANG, figure__isnull=False).select_related("figure").order_by("npp")
    ]

    def draw():
        city = OutreachCity(SINGKAWANG, employers, 20_000, today)
        visits = city.visits(None)
        return (
            [
                (r.company_id, r.name, r.employer_id, r.reported_workers, r.reported_wage_total, r.report_date)
                for r in city.reports
            ],
            [(e.pk, paid_until) for e, paid_until in city.arrears],
            [(v.company, v.date, v.channel, v.outcome, v.next_step, v.due_date) for v in visits],
        )

    assert draw() == draw()
