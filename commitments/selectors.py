"""Scoped reads of commitments and their progress.

`commitments_for(user)` is the one scoping selector of commitments: every view, admin, lookup and template tag
starts from it. A commitment is visible to whoever may see its Pemda: a regency/city's commitment to the users
who see that city; a province's commitment to the users who see at least one regency/city of the province
(a province funds workers in its cities). Only aggregates are ever read from the workers it funds.

`score_evidence_for(user)` is the one scoping selector of the scorecard's evidence rows (per regency/city, like
the cities); `province_ranking` is the one read of other cities' totals (see there)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from commitments.models import Commitment, ScoreEvidence, ScoreIndicator
from commitments.scoring import aspect_totals, facts_from_evidence, move_up_actions, rank_among, ranks, rules_from, total
from participants.models import Worker
from participants.selectors import active_on
from regions.models import Access, City
from regions.selectors import cities_for, role_of
from regions.ucj import percent


def commitments_for(user):
    if role_of(user) == Access.Role.ADMIN:
        return Commitment.objects.all()
    cities = cities_for(user)
    return Commitment.objects.filter(Q(city__in=cities.values("code")) | Q(province__in=cities.values("province_id")))


def commitments_of_city(user, city):
    """The commitments behind one regency/city the user may see: its own and its province's."""
    return (
        commitments_for(user)
        .filter(Q(city=city.code) | Q(province=city.province_id))
        .select_related("kind", "target_group", "city", "province")
        .order_by("-year", "code")
    )


def may_write(user, commitment):
    """Whether a user may create or change a commitment of this Pemda: admins any; branch and regional staff a
    regency/city of their scope. A province's commitment spans regencies/cities of several branches (and may
    span kanwils), so no scoped role owns it: it is written by admins (and read by the province's staff)."""
    role = role_of(user)
    if role == Access.Role.ADMIN:
        return True
    if role not in (Access.Role.REGIONAL, Access.Role.BRANCH) or not commitment.city_id:
        return False
    return cities_for(user).filter(code=commitment.city_id).exists()


@dataclass
class Progress:
    """How far a commitment got at a date (see `commitment_progress`)."""

    commitment: Commitment
    active_workers: int = 0
    funded_months: int = 0  # worker-months counted for money spent

    @property
    def promised_workers(self):
        return self.commitment.promised_workers

    @property
    def share(self):
        """Active linked workers as a percentage of the promised count (None without a promise)."""
        return percent(self.active_workers, self.promised_workers)

    @property
    def spent(self):
        return self.funded_months * self.commitment.contribution_per_month

    @property
    def spent_share(self):
        return percent(self.spent, self.commitment.budget)


def _month_index(day):
    return day.year * 12 + day.month - 1


def funded_months(commitment, since_month, until_month, as_of):
    """Months of the commitment's year in which one membership was active, up to as_of's month, at most the
    commitment's months. `since_month`/`until_month` are the first days of the membership's first and last
    months (until None = still a member)."""
    first = max(_month_index(since_month), commitment.year * 12)
    last = min(commitment.year * 12 + 11, _month_index(as_of))
    if until_month is not None:
        last = min(last, _month_index(until_month))
    months = max(0, last - first + 1)
    return min(months, commitment.months) if commitment.months is not None else months


def commitment_progress(commitments, *, as_of):
    """[Progress] per commitment, in the given order, at a date; two queries whatever the number of workers.

    - active workers: workers linked to the commitment (payer = its programme) active at as_of
      (participants.selectors.active_on). A worker who left, or whose commitment lapsed and who stopped being
      a member, no longer counts.
    - money spent so far = sum over the linked workers of the months of the commitment's year in which they
      were members (a month counts when the membership covers at least one of its days), up to as_of's month
      and at most the commitment's `months`, times the commitment's contribution per month. Months after a
      worker left are not paid; what was paid before stays spent.
    """
    commitments = list(commitments)
    if not commitments:
        return []
    by_pk = {c.pk: c for c in commitments}
    linked = Worker.objects.filter(commitment__in=list(by_pk))
    active = dict(linked.filter(active_on(as_of)).values_list("commitment").annotate(n=Count("id")).order_by())
    months = dict.fromkeys(by_pk, 0)
    # Grouped by membership months: a handful of rows per commitment whatever its number of workers.
    memberships = (
        linked.filter(member_since__lte=as_of)
        .values_list("commitment", TruncMonth("member_since"), TruncMonth("member_until"))
        .annotate(n=Count("id"))
        .order_by()
    )
    for pk, since, until, count in memberships:
        commitment = by_pk[pk]
        months[pk] += count * funded_months(commitment, _as_date(since), _as_date(until), as_of)
    return [Progress(c, active_workers=active.get(c.pk, 0), funded_months=months[c.pk]) for c in commitments]


def _as_date(value):
    """TruncMonth of a date column gives a date (a datetime on some backends)."""
    if value is None or value.__class__ is dt.date:
        return value
    return value.date() if isinstance(value, dt.datetime) else dt.date.fromisoformat(str(value)[:10])


def scoring_rules():
    """The scorecard's indicators with their effective weights and bands (data; see commitments.scoring)."""
    indicators = ScoreIndicator.objects.select_related("aspect").prefetch_related("kinds", "bands")
    return rules_from(indicators.order_by("aspect__position", "aspect__code", "position", "code"))


def score_evidence_for(user):
    return ScoreEvidence.objects.filter(city__in=cities_for(user).values("code"))


def city_score_evidence(user, city, *, year):
    """The evidence rows of one regency/city and year the user may see, in the indicators' order."""
    return (
        score_evidence_for(user)
        .filter(city=city.code, year=year)
        .select_related("indicator__aspect")
        .order_by("indicator__aspect__position", "indicator__aspect__code", "indicator__position", "indicator__code")
    )


@dataclass
class Ranked:
    """One regency/city in its province's ranking."""

    code: str
    name: str
    total: object  # Decimal, 0-100
    aspects: dict  # {aspect code: points}; empty where the user sees the total only
    rank: int
    in_scope: bool


def province_ranking(user, province_code, *, year, rules):
    """(rows shown to the user, {city code: total} of every scored city of the province).

    Ranks are among every scored regency/city of the province. Staff see the rows of the cities of their scope
    with per-aspect points. An official sees the whole province's ranking, names and totals only (scores are
    public-style figures about Pemda, no personal data, like the award's published ranking), and the per-aspect
    points of their own city. A user who sees no city of the province gets nothing."""
    visible = set(cities_for(user).filter(province_id=province_code).values_list("code", flat=True))
    if not visible:
        return [], {}
    scores = {}
    evidence = ScoreEvidence.objects.filter(city__province_id=province_code, year=year)
    for code, indicator, score in evidence.values_list("city", "indicator__code", "score"):
        scores.setdefault(code, {})[indicator] = score
    names = dict(City.objects.filter(code__in=list(scores)).values_list("code", "name"))
    totals = {code: total(rules, city_scores) for code, city_scores in scores.items()}
    rank_of = ranks(totals)
    everyone = role_of(user) == Access.Role.OFFICIAL
    rows = [
        Ranked(
            code=code,
            name=names[code],
            total=totals[code],
            aspects=aspect_totals(rules, city_scores) if code in visible else {},
            rank=rank_of[code],
            in_scope=code in visible,
        )
        for code, city_scores in scores.items()
        if everyone or code in visible
    ]
    return sorted(rows, key=lambda row: (row.rank, row.name)), totals


@dataclass
class Scorecard:
    """One regency/city's scores for a year, from its stored evidence rows: per aspect the indicator lines
    (rule, evidence row, points), the total, its rank in the province and the candidate actions to move up."""

    year: int
    as_of: object
    aspects: list  # [(aspect code, aspect name, effective weight, points, [(rule, evidence, points)])]
    total: object
    rank: int
    ranked: int  # scored regencies/cities in the province
    actions: list  # [scoring.Action], best first


def city_scorecard(user, city, *, year, months, contribution):
    """The Scorecard of a regency/city the user may see, or None before its scores were computed."""
    rows = list(city_score_evidence(user, city, year=year))
    if not rows:
        return None
    rules = scoring_rules()
    evidence = {row.indicator.code: row for row in rows}
    scores = {code: row.score for code, row in evidence.items()}
    aspects = []
    for rule in rules:
        if rule.code not in evidence:  # an indicator added since the last refresh: scored 0 until then
            continue
        if not aspects or aspects[-1][0] != rule.aspect:
            aspects.append([rule.aspect, rule.aspect_name, 0, 0, []])
        points = rule.weight * scores[rule.code] / 100
        block = aspects[-1]
        block[2] += rule.weight
        block[3] += points
        block[4].append((rule, evidence[rule.code], points))
    _rows, totals = province_ranking(user, city.province_id, year=year, rules=rules)
    own = total(rules, scores)
    others = [value for code, value in totals.items() if code != city.code]
    facts = facts_from_evidence(year, [row.basis for row in rows])
    return Scorecard(
        year=year,
        as_of=rows[0].as_of,
        aspects=[tuple(block) for block in aspects],
        total=own,
        rank=rank_among(own, others),
        ranked=len(totals),
        actions=move_up_actions(rules, facts, others=others, months=months, contribution=contribution, as_of=rows[0].as_of),
    )
