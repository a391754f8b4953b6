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

from outreach.models import EmployerReport
from participants.models import Employer, Worker
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
    then PDS, PWBD, arrears and workers at stake, each aggregated per city in SQL. Reports and employers
    count in their own city; a registered employer's active workers are counted wherever they work.
    """
    cities = list(cities)
    codes = [code for code, _name, _province in cities]
    coverage = {row.code: row for row in coverage_rows(cities, as_of=as_of)}
    latest = latest_reports(city_codes=codes, as_of=as_of)
    registered_active = (
        Worker.objects.filter(active_on(as_of), employer_id=OuterRef("employer_id"))
        .order_by()
        .values("employer_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    short = Greatest(F("reported_workers") - Coalesce(Subquery(registered_active, output_field=IntegerField()), 0), 0)
    pds = dict(
        latest.filter(employer__isnull=False).order_by().values("city_id").annotate(n=Sum(short)).values_list("city_id", "n")
    )
    pwbd = dict(
        latest.filter(employer__isnull=True)
        .order_by()
        .values("city_id")
        .annotate(n=Sum("reported_workers"))
        .values_list("city_id", "n")
    )
    threshold = arrears_threshold(as_of)
    arrears = dict(
        Employer.objects.filter(city__in=codes, paid_until__lt=threshold)
        .order_by()
        .values("city_id")
        .annotate(n=Count("id"))
        .values_list("city_id", "n")
    )
    at_stake = dict(
        Worker.objects.filter(active_on(as_of), employer__city__in=codes, employer__paid_until__lt=threshold)
        .order_by()
        .values("employer__city_id")
        .annotate(n=Count("id"))
        .values_list("employer__city_id", "n")
    )
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
