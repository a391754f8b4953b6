"""Reads of the coverage plan: employer reports in scope, arrears, and the gap breakdown per regency/city.

The breakdown explains a city's uncovered wage earners (potential PU - active PU, from the UCJ figures) by
what the branch can act on: workers that registered employers report but did not register (PDS), workers
of companies not registered at all (PWBD), and what remains unexplained; beside it, employers in arrears
and their workers still active, whose coverage is at stake.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from outreach.models import CitySector, EmployerReport, Visit
from participants.models import Employer, EmployerFigure, Worker
from participants.selectors import active_on
from regions.selectors import cities_for, may_see_personal_data
from regions.ucj import coverage_rows

UNDATED = dt.date(1900, 1, 1)  # a report without a date is older than every dated one


def employer_reports_for(user):
    """Reports of the user's cities; staff only (a report names a company)."""
    if not may_see_personal_data(user):
        return EmployerReport.objects.none()
    return EmployerReport.objects.filter(city__in=cities_for(user).values("code"))


def latest_reports(*, city_codes, as_of):
    """Each company's latest report made by as_of (undated reports count as made).

    A report is superseded by a later one (report date, then the later import as tie-break) of the same
    company: the same company_id from any source, or, for registered companies, the same employer (WLKP
    and OSS number a company differently; its NPP joins them). So a prospect that registered since stops
    counting as PWBD once a report with its NPP arrives.
    """
    made = Q(report_date__isnull=True) | Q(report_date__lte=as_of)
    dated = Coalesce("report_date", Value(UNDATED))
    later = (
        EmployerReport.objects.filter(made)
        .annotate(dated=dated)
        .filter(Q(company_id=OuterRef("company_id")) | Q(employer_id=OuterRef("employer_id")))
        .filter(Q(dated__gt=OuterRef("dated")) | Q(dated=OuterRef("dated"), pk__gt=OuterRef("pk")))
    )
    return EmployerReport.objects.filter(made, city__in=city_codes).annotate(dated=dated).filter(~Exists(later))


def current_reports(city_codes):
    """Each company's latest report on the day of the last figures refresh (marked by it), of these cities."""
    return EmployerReport.objects.filter(current=True, city__in=city_codes)


def arrears_threshold(as_of, months=None):
    """The first day of the month `months` (default JANGKAU_ARREARS_MONTHS) before as_of's month.

    An employer is in arrears at as_of when its paid_until (a month, stored as its first day) is before
    this date: at least `months` whole months between its last paid month and as_of's month are unpaid.
    With 3 and as_of 2025-06-12 the threshold is 2025-03-01: paid through February (March, April, May
    unpaid) is in arrears, paid through March is not. An employer without paid_until is never flagged.
    """
    months = settings.JANGKAU_ARREARS_MONTHS if months is None else months
    index = as_of.year * 12 + as_of.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def employers_in_arrears(employers, *, as_of):
    """Of an employer queryset (from a scoping selector), those in arrears at as_of."""
    return employers.filter(paid_until__lt=arrears_threshold(as_of))


@dataclass
class Gap:
    """The gap breakdown of one city (or the total of several); None where a figure is unknown."""

    code: str
    name: str
    uncovered_pu: int | None = None
    uncovered_bpu: int | None = None
    pds_workers: int = 0
    pwbd_workers: int = 0
    employers_in_arrears: int = 0
    workers_at_stake: int = 0
    url: str = ""
    summed_unexplained: int | None = None  # a total's remainder: the sum of its cities' remainders
    is_total: bool = False

    @property
    def pu_unexplained(self):
        if self.is_total:
            return self.summed_unexplained
        if self.uncovered_pu is None:
            return None
        return max(0, self.uncovered_pu - self.pds_workers - self.pwbd_workers)

    @property
    def explained_exceeds_gap(self):
        """PDS + PWBD workers exceed the PU gap: the potential estimate or the reports need checking."""
        return not self.is_total and self.uncovered_pu is not None and self.pds_workers + self.pwbd_workers > self.uncovered_pu


def _uncovered(potential, active):
    return None if potential is None else max(0, potential - active)


def gap_rows(cities, *, as_of):
    """One Gap per city at as_of; `cities` yields (code, name, province code) tuples of the user's scope.

    A fixed number of queries whatever the number of cities: the UCJ figures (regions.ucj.coverage_rows),
    then PDS, PWBD, arrears and workers at stake, each aggregated per city in SQL (from what the figures
    refresh keeps, on its day). Reports and employers count in their own city; a registered employer's
    active workers are counted wherever they work.
    """
    cities = list(cities)
    codes = [code for code, _name, _province in cities]
    coverage = {row.code: row for row in coverage_rows(cities, as_of=as_of)}
    pds, pwbd = reported_gaps(codes, as_of=as_of)
    threshold = arrears_threshold(as_of)
    arrears = dict(
        Employer.objects.filter(city__in=codes, paid_until__lt=threshold)
        .order_by()
        .values("city_id")
        .annotate(n=Count("id"))
        .values_list("city_id", "n")
    )
    at_stake = workers_at_stake(codes, as_of=as_of)
    rows = []
    for code, name, _province in cities:
        ucj = coverage[code]
        rows.append(
            Gap(
                code=code,
                name=name,
                uncovered_pu=_uncovered(ucj.potential_pu, ucj.active_pu),
                uncovered_bpu=_uncovered(ucj.potential_bpu, ucj.active_bpu),
                pds_workers=pds.get(code) or 0,
                pwbd_workers=pwbd.get(code) or 0,
                employers_in_arrears=arrears.get(code, 0),
                workers_at_stake=at_stake.get(code, 0),
            )
        )
    return rows


def reported_gaps(codes, *, as_of):
    """({city: PDS workers}, {city: PWBD workers}) at as_of from each company's latest report (one query).

    On the day of the last figures refresh it reads what the refresh kept (the current reports and the
    employers' active workers); on another day it compares reports and counts workers now.
    """
    if as_of == figures_day():
        latest, short = current_reports(codes), F("unregistered")
    else:
        latest = latest_reports(city_codes=codes, as_of=as_of)
        counted = (
            Worker.objects.filter(active_on(as_of), employer_id=OuterRef("employer_id"))
            .order_by()
            .values("employer_id")
            .annotate(n=Count("id"))
            .values("n")
        )
        short = Greatest(F("reported_workers") - Coalesce(Subquery(counted, output_field=IntegerField()), 0), 0)
    sums = (
        latest.order_by()
        .values("city_id")
        .annotate(
            pds=Sum(short, filter=Q(employer__isnull=False), default=0),
            pwbd=Sum("reported_workers", filter=Q(employer__isnull=True), default=0),
        )
        .values_list("city_id", "pds", "pwbd")
    )
    rows = list(sums)
    return {city: pds for city, pds, _pwbd in rows}, {city: pwbd for city, _pds, pwbd in rows}


def workers_at_stake(codes, *, as_of):
    """{city: active workers of its employers in arrears at as_of} (the refresh's counts on its day)."""
    threshold = arrears_threshold(as_of)
    if as_of == figures_day():
        figures = EmployerFigure.objects.filter(employer__city__in=codes, employer__paid_until__lt=threshold)
        return dict(
            figures.order_by().values("employer__city_id").annotate(n=Sum("active_workers")).values_list("employer__city_id", "n")
        )
    return dict(
        Worker.objects.filter(active_on(as_of), employer__city__in=codes, employer__paid_until__lt=threshold)
        .order_by()
        .values("employer__city_id")
        .annotate(n=Count("id"))
        .values_list("employer__city_id", "n")
    )


def gap_total(rows, *, code="", name=""):
    """The sums over distinct cities' rows (each city's parts already clamped at 0); unknown gaps stay out."""

    def known_sum(attribute):
        values = [getattr(row, attribute) for row in rows if getattr(row, attribute) is not None]
        return sum(values) if values else None

    remainders = [row.pu_unexplained for row in rows if row.pu_unexplained is not None]
    # The total's remainder sums the cities' remainders, not recomputed from the summed parts (one city's
    # excess must not hide another city's unexplained gap).
    return Gap(
        code=code,
        name=name,
        uncovered_pu=known_sum("uncovered_pu"),
        uncovered_bpu=known_sum("uncovered_bpu"),
        pds_workers=sum(row.pds_workers for row in rows),
        pwbd_workers=sum(row.pwbd_workers for row in rows),
        employers_in_arrears=sum(row.employers_in_arrears for row in rows),
        workers_at_stake=sum(row.workers_at_stake for row in rows),
        summed_unexplained=sum(remainders) if remainders else None,
        is_total=True,
    )


def worklist_cities(user):
    """Cities whose employer lists the user may see: staff their scope; an official its city if an admin
    opted it in (City.officials_see_employers). Names of companies only, never of workers."""
    cities = cities_for(user)
    return cities if may_see_personal_data(user) else cities.filter(officials_see_employers=True)


def visits_for(user):
    """Visits of the user's cities (staff only, like the reports they act on)."""
    if not may_see_personal_data(user):
        return Visit.objects.none()
    return Visit.objects.filter(city__in=cities_for(user).values("code"))


def company_city(company):
    """The city of an NPP (a registered employer) or else of a reported company id; None when neither."""
    employer_city = Employer.objects.filter(npp=company).values_list("city_id", flat=True).first()
    if employer_city:
        return employer_city
    return EmployerReport.objects.filter(company_id=company).order_by("-pk").values_list("city_id", flat=True).first()


def latest_visits(user, companies):
    """{company key: its latest Visit the user may see} for the NPPs and company ids given (one query)."""
    latest = {}
    visits = visits_for(user).filter(company__in=set(companies)).select_related("officer")
    for visit in visits.order_by("company", "-date", "-pk"):
        latest.setdefault(visit.company, visit)
    return latest


def open_visits(visits):
    """Visits whose next step is still open: no later visit of the same company was recorded since."""
    later = Visit.objects.filter(company=OuterRef("company"), date__gt=OuterRef("date"))
    return visits.exclude(due_date__isnull=True).filter(~Exists(later))


def week_end(today):
    """The Sunday closing today's week."""
    return today + dt.timedelta(days=6 - today.weekday())


def visits_due(user, *, today):
    """The logged-in officer's open next steps due by the end of this week (overdue ones included), oldest first."""
    due = open_visits(visits_for(user).filter(officer=user, due_date__lte=week_end(today)))
    return due.annotate(company_name=company_name()).order_by("due_date", "company")


def company_name():
    """A visit's company name: its employer's (NPP) or else its latest report's (company id)."""
    employer = Employer.objects.filter(npp=OuterRef("company")).values("name")[:1]
    report = EmployerReport.objects.filter(company_id=OuterRef("company")).order_by("-pk").values("name")[:1]
    return Coalesce(Subquery(employer), Subquery(report))


# Worklists: what an account representative works through, each ranked by what is at stake. They read the
# state of the last refresh_figures (each company's current report, the employers' active workers in
# EmployerFigure), so a Kanwil's 50,000 employers rank without comparing reports or counting workers per
# request.
SIZE_BANDS = {  # BPS's enterprise sizes by workers
    "micro": (1, 4),
    "small": (5, 19),
    "medium": (20, 99),
    "large": (100, None),
}


def unregistered_list(cities, *, as_of):
    """PDS tenaga kerja: registered employers' current reports with more workers than BPJS has active,
    most unregistered first (as_of: the lists' common signature; the counts are the last refresh's)."""
    current = current_reports(cities).filter(unregistered__gt=0).annotate(registered=F("registered_active"))
    return current.order_by("-unregistered", "company_id")


def wage_gap_list(cities, *, as_of):
    """PDS upah: registered employers whose report's average wage is above the average wage of their active
    workers at BPJS (both known), ranked by the monthly wages not reported for those workers:
    (reported total / reported workers - BPJS total / BPJS workers) x BPJS workers, in whole rupiah."""
    current = current_reports(cities).filter(wage_shortfall__gt=0)
    current = current.annotate(registered=F("registered_active"), bpjs_wage_total=F("employer__figure__active_wage_total"))
    return current.order_by("-wage_shortfall", "company_id")


def arrears_list(cities, *, as_of):
    """Employers in arrears at as_of, most active workers at stake first."""
    return (
        Employer.objects.filter(city__in=cities, paid_until__lt=arrears_threshold(as_of))
        .select_related("city")
        .annotate(at_stake=Coalesce(F("figure__active_workers"), 0))
        .order_by("-at_stake", "paid_until", "npp")
    )


def prospect_list(cities, *, as_of):
    """PWBD: companies reported but not registered with BPJS, largest first."""
    prospects = current_reports(cities).filter(employer__isnull=True)
    return prospects.order_by("-reported_workers", "company_id")


def last_outcome(user, *keys):
    """The outcome of the latest visit (of those the user may see) under any of the row's company keys (field
    paths), for filtering."""
    condition = Q()
    for key in keys:
        condition |= Q(company=OuterRef(key))
    return Subquery(visits_for(user).filter(condition).order_by("-date", "-pk").values("outcome")[:1])


def sectors_of(city_codes):
    """The sectors on record (reports and employers) in these cities at the last figures refresh, sorted,
    for the worklists' filter."""
    return list(CitySector.objects.filter(city__in=city_codes).order_by("sector").values_list("sector", flat=True).distinct())


def figures_day():
    """The day the employers' active workers (EmployerFigure) were counted, or None before any refresh."""
    return EmployerFigure.objects.values_list("day", flat=True).first()
