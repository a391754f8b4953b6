"""The scorecard's arithmetic (Paritrana-style aspects), as plain functions over plain data so that the refresh,
the pages and the tests share them.

- Facts of one regency/city and year: its own commitments (with their active funded workers) and its figures
  (UCJ counts, published snapshot or live, and employers registered).
- An indicator's raw value comes from its formula (ScoreIndicator.Formula) over the facts; its score (0-100)
  is the score of the highest band whose minimum the raw value reaches (0 below every band or when unknown).
- Effective weight of an indicator (share of the total, in %) = aspect weight / sum of aspect weights x
  indicator weight / sum of its aspect's indicator weights x 100. Total (0-100) = sum of effective weight x
  score / 100. Weights and bands are data: editing them changes the totals and the ranking, not the code.
- Ranks: highest total first; equal totals share a rank (1, 2, 2, 4).
- "What would move this city up": candidate commitments (a commitment of a kind that counts when in force, at no
  contribution cost; or an APBD allocation funding N BPU workers for M months, cost N x M x C from the
  simulator), each scored on the facts with the commitment added; the best is the one with the most score
  gained per rupiah (no-cost steps first), then the larger gain, then the lower cost.
"""

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from commitments.simulator import simulate
from regions.ucj import Coverage, percent

IN_FORCE_STATUSES = ("enrolling", "delivered")  # a regulation issued, a licensing rule applied
ALLOCATED_STATUSES = ("budgeted", "enrolling", "delivered")  # money in the APBD, not only planned
CENT = Decimal("0.01")


@dataclass
class Rule:
    """One indicator as the arithmetic needs it (built from ScoreIndicator rows by `rules_from`)."""

    code: str
    name: str
    aspect: str
    aspect_name: str
    formula: str
    weight: Decimal  # effective weight: share of the total, in %
    bands: list  # [(minimum, score)] ascending
    kinds: list = field(default_factory=list)  # commitment kind codes, in the kinds' order


def rules_from(indicators):
    """[Rule] from ScoreIndicator rows (with aspect, kinds and bands prefetched), effective weights computed."""
    indicators = list(indicators)
    aspect_weights = {i.aspect.code: i.aspect.weight for i in indicators}
    aspect_sum = sum(aspect_weights.values())
    within = {}
    for indicator in indicators:
        within[indicator.aspect.code] = within.get(indicator.aspect.code, 0) + indicator.weight
    rules = []
    for i in indicators:
        share = Decimal(0)
        if aspect_sum and within[i.aspect.code]:
            share = aspect_weights[i.aspect.code] / aspect_sum * i.weight / within[i.aspect.code] * 100
        rules.append(
            Rule(
                code=i.code,
                name=i.name,
                aspect=i.aspect.code,
                aspect_name=i.aspect.name,
                formula=i.formula,
                weight=share,
                bands=sorted((b.min_value, b.score) for b in i.bands.all()),
                kinds=[k.code for k in sorted(i.kinds.all(), key=lambda k: (k.position, k.code))],
            )
        )
    return rules


@dataclass
class Facts:
    """What one regency/city's scores are computed from, as JSON-ready values (stored in the evidence rows).

    figures: {"source": "snapshot"|"live", "snapshot": id or None, "as_of": "YYYY-MM-DD", "active_pu",
    "active_bpu", "potential_pu", "potential_bpu", "active_12m_ago", "employers"} or None.
    commitments: [{"id", "code", "kind", "status", "year", "promised", "budget", "active"}]."""

    year: int
    figures: dict | None
    commitments: list


def _commitments(rule, facts, *, statuses=None, same_year=False):
    return [
        c
        for c in facts.commitments
        if c["kind"] in rule.kinds
        and (statuses is None or c["status"] in statuses)
        and (c["year"] == facts.year if same_year else c["year"] <= facts.year)
    ]


def _figure_value(formula, figures):
    active_total = figures["active_pu"] + figures["active_bpu"]
    potential_pu, potential_bpu = figures["potential_pu"], figures["potential_bpu"]
    if formula == "ucj":
        known = potential_pu is not None and potential_bpu is not None
        return percent(active_total, potential_pu + potential_bpu) if known else None
    if formula == "pu":
        return percent(figures["active_pu"], potential_pu)
    if formula == "bpu":
        return percent(figures["active_bpu"], potential_bpu)
    if formula == "growth":
        ago = figures["active_12m_ago"]
        return None if ago is None else percent(active_total - ago, ago)
    # employers registered per 1,000 potential PU workers
    return None if not potential_pu else (Decimal(figures["employers"]) * 1000 / potential_pu).quantize(CENT, ROUND_HALF_UP)


def raw_value(rule, facts):
    """(raw value or None, basis): the indicator's value and what it was computed from."""
    if rule.formula == "in_force":
        chosen = _commitments(rule, facts, statuses=IN_FORCE_STATUSES)
        return Decimal(len(chosen)), {"commitments": chosen}
    if rule.formula == "enrolled":
        chosen = _commitments(rule, facts)
        return Decimal(sum(c["active"] for c in chosen)), {"commitments": chosen}
    if rule.formula in ("allocated", "delivered"):
        chosen = _commitments(rule, facts, statuses=ALLOCATED_STATUSES, same_year=True)
        promised = sum(c["promised"] or 0 for c in chosen)
        basis = {"commitments": chosen, "promised": promised, "budget": sum(c["budget"] or 0 for c in chosen)}
        if rule.formula == "delivered":
            active = sum(c["active"] for c in chosen)
            return percent(active, promised), {**basis, "active": active}
        potential_bpu = facts.figures["potential_bpu"] if facts.figures else None
        return percent(promised, potential_bpu), {**basis, "potential_bpu": potential_bpu, "figures": facts.figures}
    if facts.figures is None:
        return None, {"figures": None}
    return _figure_value(rule.formula, facts.figures), {"figures": facts.figures}


def band_score(bands, value):
    """The score of the highest band whose minimum `value` reaches; 0 when below every band or unknown."""
    score = Decimal(0)
    if value is None:
        return score
    for minimum, band in bands:
        if value >= minimum:
            score = band
    return score


def score_all(rules, facts):
    """{indicator code: (raw value, score, basis)}."""
    result = {}
    for rule in rules:
        value, basis = raw_value(rule, facts)
        result[rule.code] = (value, band_score(rule.bands, value), basis)
    return result


def total(rules, scores):
    """Total score 0-100 from {indicator code: score} and the rules' effective weights (2 decimals, half-up)."""
    points = sum((rule.weight * Decimal(scores.get(rule.code, 0)) / 100 for rule in rules), Decimal(0))
    return points.quantize(CENT, ROUND_HALF_UP)


def aspect_totals(rules, scores):
    """{aspect code: points it contributes to the total} (2 decimals, half-up)."""
    points = {}
    for rule in rules:
        points[rule.aspect] = points.get(rule.aspect, Decimal(0)) + rule.weight * Decimal(scores.get(rule.code, 0)) / 100
    return {aspect: value.quantize(CENT, ROUND_HALF_UP) for aspect, value in points.items()}


def ranks(totals):
    """{key: rank} from {key: total}: highest first, equal totals share a rank (1, 2, 2, 4)."""
    ordered = sorted(totals.values(), reverse=True)
    return {key: ordered.index(value) + 1 for key, value in totals.items()}


def rank_among(value, others):
    """The rank a total would have among the other totals."""
    return 1 + sum(1 for other in others if other > value)


@dataclass
class Action:
    """A candidate commitment and what it would do to the city's total and rank."""

    kind: str  # commitment kind code
    workers: int  # funded workers (0: a commitment that costs no contributions)
    months: int
    contribution: int
    cost: int
    total_after: Decimal
    gain: Decimal
    rank_after: int

    @property
    def per_rupiah(self):
        """Score gained per rupiah (None for a step at no contribution cost)."""
        return Fraction(self.gain) / self.cost if self.cost else None


def _score_of(rules, facts):
    return total(rules, {code: score for code, (_value, score, _basis) in score_all(rules, facts).items()})


def _funded(facts, *, kind, workers, months, contribution, as_of):
    """The facts with an APBD commitment of `workers` BPU workers delivered and active now; its cost."""
    figures = facts.figures
    row = Coverage(
        code="",
        name="",
        active_pu=figures["active_pu"],
        active_bpu=figures["active_bpu"],
        potential_pu=figures["potential_pu"],
        potential_bpu=figures["potential_bpu"],
        active_12m_ago=figures["active_12m_ago"],
    )
    simulation = simulate(row, workers=workers, months=months, contribution=contribution, as_of=as_of)
    # The funded workers join now, so they count as growth: only the simulator's active BPU count is taken.
    after = {**figures, "active_bpu": simulation.after.active_bpu}
    added = {
        "id": None, "code": "", "kind": kind, "status": "delivered", "year": facts.year,
        "promised": workers, "budget": simulation.budget, "active": workers,
    }  # fmt: skip
    return replace(facts, figures=after, commitments=[*facts.commitments, added]), simulation.budget


def _smallest(predicate, low, high):
    """The smallest n in [low, high] with predicate(n), predicate being monotonic; None when even high fails."""
    if low > high or not predicate(high):
        return None
    while low < high:
        middle = (low + high) // 2
        if predicate(middle):
            high = middle
        else:
            low = middle + 1
    return low


def move_up_actions(rules, facts, *, others, months, contribution, as_of):
    """[Action] that raise the total, best first (see the module docstring). `others`: the other cities' totals.

    Candidates: for every indicator counting commitments in force, one more commitment of its first kind (no
    contribution cost); for funding, the smallest numbers of BPU workers that lift some indicator into a higher
    band (from the smallest allocation that lifts the "allocated" indicator up to the city's uncovered BPU
    workers), as an APBD allocation of the first kind the "allocated" indicator counts."""
    now = _score_of(rules, facts)
    actions = []
    for rule in rules:
        if rule.formula == "in_force" and rule.kinds:
            added = {
                "id": None, "code": "", "kind": rule.kinds[0], "status": "delivered", "year": facts.year,
                "promised": None, "budget": None, "active": 0,
            }  # fmt: skip
            after = _score_of(rules, replace(facts, commitments=[*facts.commitments, added]))
            actions.append(Action(rule.kinds[0], 0, 0, 0, 0, after, after - now, rank_among(after, others)))
    funding = next((rule.kinds[0] for rule in rules if rule.formula == "allocated" and rule.kinds), None)
    figures = facts.figures
    if funding and figures and figures["potential_bpu"]:
        most = max(0, figures["potential_bpu"] - figures["active_bpu"])

        def scenario(workers):
            return _funded(facts, kind=funding, workers=workers, months=months, contribution=contribution, as_of=as_of)[0]

        # An allocation too small to reach the "allocated" indicator's next band is not a programme (one funded
        # worker would already count as fully delivered): candidates start at the smallest one that does.
        allocated = next(rule for rule in rules if rule.formula == "allocated" and rule.kinds)
        start = band_score(allocated.bands, raw_value(allocated, facts)[0])
        low = _smallest(lambda n: band_score(allocated.bands, raw_value(allocated, scenario(n))[0]) > start, 1, most) or 1
        candidates = {low} if low <= most else set()
        for rule in rules:
            before, _basis = raw_value(rule, facts)
            for minimum, _score in rule.bands:
                if before is not None and minimum <= before:
                    continue
                found = _smallest(lambda n, r=rule, m=minimum: _reaches(r, scenario(n), m), 1, most)
                if found is not None and found >= low:
                    candidates.add(found)
        for workers in sorted(candidates):
            changed, cost = _funded(facts, kind=funding, workers=workers, months=months, contribution=contribution, as_of=as_of)
            after = _score_of(rules, changed)
            actions.append(Action(funding, workers, months, contribution, cost, after, after - now, rank_among(after, others)))
    useful = [action for action in actions if action.gain > 0]
    # no-cost steps first (most gain first); then the most score per rupiah, the larger gain, the lower cost
    return sorted(useful, key=lambda a: (a.cost > 0, -(a.per_rupiah or 0), -a.gain, a.cost))


def _reaches(rule, facts, minimum):
    value, _basis = raw_value(rule, facts)
    return value is not None and value >= minimum


def year_as_of(year, today):
    """The date a year's figures are read at: 31 December, or today for the current year."""
    return min(today, dt.date(year, 12, 31))


def facts_from_evidence(year, bases):
    """The Facts a city's stored evidence rows were computed from (their `basis`), so that "what would move this
    city up" starts from exactly what the scorecard shows."""
    figures = next((basis["figures"] for basis in bases if basis.get("figures")), None)
    commitments = {}
    for basis in bases:
        for commitment in basis.get("commitments", []):
            commitments[commitment["id"]] = commitment
    return Facts(year=year, figures=figures, commitments=sorted(commitments.values(), key=lambda c: c["id"]))
