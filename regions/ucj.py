"""UCJ figures per regency/city: active participants (participants' figures) over potential workforce.

Every percentage is derived here from counts, rounded half-up to 2 decimals; roll-ups divide summed
counts, never average percentages. Unknown figures stay None (shown empty, never as 0 %).
"""

import calendar
import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Q

from participants.figures import active_counts
from regions.models import City, Office, UcjBand, WorkforceEstimate


def percent(part, whole):
    if whole is None or part is None or whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def months_before(day, months):
    """The same day `months` earlier (clamped to the month's last day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_ends(as_of, count):
    """The last `count` month ends up to as_of, oldest first; the last point is as_of itself."""
    points = [as_of]
    for back in range(1, count):
        earlier = months_before(as_of, back)
        points.append(dt.date(earlier.year, earlier.month, calendar.monthrange(earlier.year, earlier.month)[1]))
    return sorted(points)


@dataclass
class Coverage:
    """UCJ of one city (or a roll-up of several) at one date."""

    code: str
    name: str
    province_code: str = ""
    active_pu: int = 0
    active_bpu: int = 0
    potential_pu: int | None = None
    potential_bpu: int | None = None
    target_percent: Decimal | None = None
    source: str = ""
    year: int | None = None
    active_12m_ago: int | None = None
    bands: list = field(default_factory=list, repr=False)
    url: str = ""  # where the name links to; a city's page unless set (roll-ups link to a filter)

    @property
    def active_total(self):
        return self.active_pu + self.active_bpu

    @property
    def potential_total(self):
        if self.potential_pu is None or self.potential_bpu is None:
            return None
        return self.potential_pu + self.potential_bpu

    @property
    def has_potential(self):
        return bool(self.potential_total)

    @property
    def ucj_percent(self):
        return percent(self.active_total, self.potential_total)

    @property
    def ucj_pu_percent(self):
        return percent(self.active_pu, self.potential_pu)

    @property
    def ucj_bpu_percent(self):
        return percent(self.active_bpu, self.potential_bpu)

    @property
    def gap(self):
        return None if self.potential_total is None else self.potential_total - self.active_total

    @property
    def not_covered(self):
        """People not yet covered (never negative)."""
        return None if self.gap is None else max(self.gap, 0)

    @property
    def over_potential(self):
        """Data-quality flag: more active participants than the estimated potential."""
        return self.potential_total is not None and self.active_total > self.potential_total

    @property
    def change_12m(self):
        return None if self.active_12m_ago is None else self.active_total - self.active_12m_ago

    @property
    def target_progress(self):
        """UCJ as a share of the target, 0..100, for the progress bar."""
        if self.ucj_percent is None or not self.target_percent:
            return None
        return min(Decimal(100), (self.ucj_percent * 100 / self.target_percent).quantize(Decimal("0.1")))

    @property
    def band(self):
        value = self.ucj_percent
        if value is None:
            return None
        chosen = None
        for band in self.bands:
            if value >= band.min_percent:
                chosen = band
        return chosen


ESTIMATE_FIELDS = ("city_id", "year", "potential_pu", "potential_bpu", "target_percent", "source")


def _estimates(codes, year):
    """The workforce estimate of `year` per city, or else its latest earlier one (as plain dicts)."""
    chosen = {}
    estimates = WorkforceEstimate.objects.filter(city__in=codes, year__lte=year).order_by("city", "-year")
    for estimate in estimates.values(*ESTIMATE_FIELDS):
        chosen.setdefault(estimate["city_id"], estimate)
    return chosen


def coverage_rows(cities, *, as_of):
    """One Coverage per city at as_of; `cities` yields (code, name, province code) tuples."""
    cities = list(cities)
    codes = [code for code, _name, _province in cities]
    year_ago = months_before(as_of, 12)
    counts = active_counts(city_codes=codes, dates=[as_of, year_ago])
    estimates = _estimates(codes, as_of.year)
    bands = list(UcjBand.objects.all())
    unknown = dict.fromkeys(ESTIMATE_FIELDS)
    unknown["source"] = ""
    rows = []
    for code, name, province_code in cities:
        estimate = estimates.get(code, unknown)
        rows.append(
            Coverage(
                code=code,
                name=name,
                province_code=province_code,
                active_pu=counts.get((code, "PU", as_of), 0),
                active_bpu=counts.get((code, "BPU", as_of), 0),
                potential_pu=estimate["potential_pu"],
                potential_bpu=estimate["potential_bpu"],
                target_percent=estimate["target_percent"],
                source=estimate["source"],
                year=estimate["year"],
                active_12m_ago=counts.get((code, "PU", year_ago), 0) + counts.get((code, "BPU", year_ago), 0),
                bands=bands,
            )
        )
    return rows


def rollup(rows, *, code, name):
    """Sum of counts over rows with a known potential (so the ratio compares like with like)."""
    known = [row for row in rows if row.potential_total is not None]
    total = Coverage(code=code, name=name, bands=rows[0].bands if rows else [])
    total.active_pu = sum(row.active_pu for row in known)
    total.active_bpu = sum(row.active_bpu for row in known)
    total.potential_pu = sum(row.potential_pu for row in known) if known else None
    total.potential_bpu = sum(row.potential_bpu for row in known) if known else None
    total.active_12m_ago = sum(row.active_12m_ago or 0 for row in known)
    return total


def surrounding_cities(city):
    """Its province's regencies/cities and those of the kanwil(s) whose branch offices serve it."""
    serving = Office.objects.filter(kind=Office.Kind.KANWIL, branches__cities=city)
    return City.objects.filter(Q(province_id=city.province_id) | Q(offices__parent__in=serving))


def city_surroundings(city, *, visible, as_of):
    """The figures around one regency/city, in one query plus `coverage_rows`' own:

    - the rows (Coverage) of its province's cities among `visible` (a City queryset: the user's scope), itself
      included, for the map;
    - [("province" | "kanwil", Coverage)]: its province and the kanwil(s) whose branch offices serve it, each
      rolled up from the counts of every regency/city in it, seen by the user or not: aggregates only, the
      member cities' own figures are not returned.
    """
    members = surrounding_cities(city).annotate(seen=Exists(visible.filter(code=OuterRef("code"))))
    cities, seen, kanwils, in_kanwil = {}, set(), {}, {}
    fields = ("code", "name", "province_id", "offices__parent_id", "offices__parent__name", "seen")
    for code, name, province_code, kanwil, kanwil_name, is_seen in members.values_list(*fields):
        cities[code] = (code, name, province_code)
        if is_seen and province_code == city.province_id:
            seen.add(code)
        if kanwil is not None:
            in_kanwil.setdefault(kanwil, set()).add(code)
            if code == city.code:
                kanwils[kanwil] = kanwil_name
    rows = coverage_rows(sorted(cities.values()), as_of=as_of)
    province_rows = [row for row in rows if row.province_code == city.province_id]
    totals = [("province", rollup(province_rows, code=city.province_id, name=city.province.name))]
    for kanwil, name in sorted(kanwils.items(), key=lambda item: item[1]):
        totals.append(("kanwil", rollup([row for row in rows if row.code in in_kanwil[kanwil]], code="", name=name)))
    return [row for row in province_rows if row.code in seen], totals


def trend(city, *, as_of, months=24):
    """[(month end, active total, UCJ %)] for the last `months` months of one city."""
    points = month_ends(as_of, months)
    counts = active_counts(city_codes=[city.code], dates=points)
    estimates = {e.year: e for e in WorkforceEstimate.objects.filter(city=city).order_by("year")}
    series = []
    for day in points:
        active = counts.get((city.code, "PU", day), 0) + counts.get((city.code, "BPU", day), 0)
        usable = [e for year, e in estimates.items() if year <= day.year]
        potential = usable[-1].potential_total if usable else None
        series.append((day, active, percent(active, potential)))
    return series


def pace(row, *, as_of):
    """When the target would be reached at the last 12 months' growth: a date, "reached", or None."""
    needed = still_needed(row)
    if needed is None or row.change_12m is None:
        return None, "unknown"
    if needed <= 0:
        return None, "reached"
    if row.change_12m <= 0:
        return None, "not_at_this_pace"
    months = math.ceil(needed / (row.change_12m / 12))
    if months > 600:
        return None, "not_at_this_pace"
    return months_before(as_of, -months), "on_pace"


def still_needed(row):
    """Participants the city still lacks to reach its target: ceil(target x potential / 100) - active
    (0 or less once reached), or None without a target or potential."""
    if row.target_percent is None or not row.potential_total:
        return None
    return math.ceil(row.target_percent * row.potential_total / 100) - row.active_total


@dataclass
class Needs:
    """What it takes to reach the target by its deadline (see `needs`)."""

    state: str  # "unknown" (no target or potential), "reached", or "needs"
    target_percent: Decimal | None = None
    deadline: dt.date | None = None
    needed: int = 0  # participants still lacking
    months: int = 0  # month ends after as_of up to the deadline
    per_month: int = 0
    per_month_pu: int = 0
    per_month_bpu: int = 0
    pace_per_month: Decimal | None = None  # net new a month over the last 12 months
    plan_workers: int = 0  # PDS + PWBD workers on record (outreach's gap breakdown)

    @property
    def plan_share(self):
        """How much of what is needed registering every PDS and PWBD worker would cover, in %, at most 100."""
        if self.needed <= 0:
            return None
        return min(Decimal(100), percent(self.plan_workers, self.needed))


def needs(row, *, as_of, plan_workers=0):
    """ "Needs N net new participants a month (PU x, BPU y) to reach the target T by D".

    D is 31 December of the target's year (the workforce estimate it belongs to), or of as_of's year when
    that has passed and no newer target exists. N = ceil(still needed / months left), months left = the
    month ends after as_of up to D (at least 1: as_of 30 June leaves 6, 12 June leaves 7). N is split between PU and BPU
    in proportion to their uncovered workers (potential - active, at least 0), PU rounded half-up and BPU the
    rest, so x + y = N. The pace is the last 12 months' net change / 12."""
    needed = still_needed(row)
    if needed is None:
        return Needs("unknown")
    deadline = dt.date(max(row.year or as_of.year, as_of.year), 12, 31)
    pace_per_month = None
    if row.change_12m is not None:
        pace_per_month = (Decimal(row.change_12m) / 12).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    result = Needs(
        "reached", target_percent=row.target_percent, deadline=deadline, pace_per_month=pace_per_month, plan_workers=plan_workers
    )
    if needed <= 0:
        return result
    month_end = as_of.day == calendar.monthrange(as_of.year, as_of.month)[1]
    months = max(1, deadline.year * 12 + deadline.month - (as_of.year * 12 + as_of.month) + (0 if month_end else 1))
    per_month = math.ceil(needed / months)
    uncovered_pu = max(0, row.potential_pu - row.active_pu)
    uncovered_bpu = max(0, row.potential_bpu - row.active_bpu)
    share = Decimal(uncovered_pu) / Decimal(uncovered_pu + uncovered_bpu) if uncovered_pu + uncovered_bpu else Decimal(1)
    per_month_pu = int((per_month * share).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    result.state, result.needed, result.months, result.per_month = "needs", needed, months, per_month
    result.per_month_pu, result.per_month_bpu = per_month_pu, per_month - per_month_pu
    return result
