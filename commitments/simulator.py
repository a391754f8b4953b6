"""The budget simulator of a regency/city: what funding N more BPU workers for M months would cost and do to
its UCJ, and the reverse question, how many it must fund to reach its target by a date. Plain functions over
a `regions.ucj.Coverage` row (today's figures of the city), so that the page and the tests share them.

Formulas (README, "Pemda commitments and the simulator"):
- budget = N x M x C (rupiah; C the contribution per worker per month, by default the BPU rate);
- UCJ after = (active + N) / potential; BPU UCJ after = (active BPU + N) / potential BPU, as if the N were
  active today;
- the date the target is reached: the last 12 months' net growth a month continues after the one-off step of
  N (regions.ucj.pace on the row with N more active now and N more 12 months ago, so its pace is unchanged);
- reverse: the smallest whole N >= 0 with active + N + pace x months left >= target x potential / 100, where
  pace = net change over the last 12 months / 12 (participants a month, negative when the city falls; 0 when
  unknown) and months left = the month ends after today up to the deadline D (as regions.ucj.needs counts
  them); its cost is N x M x C.
"""

import calendar
import datetime as dt
import math
from dataclasses import dataclass, replace
from fractions import Fraction

from regions.ucj import pace, still_needed


@dataclass
class Simulation:
    workers: int
    months: int
    contribution: int
    before: object  # regions.ucj.Coverage today
    after: object  # the same with the funded workers active
    reach_before: tuple  # (date or None, state) as regions.ucj.pace returns them
    reach_after: tuple

    @property
    def budget(self):
        return self.workers * self.months * self.contribution


def simulate(row, *, workers, months, contribution, as_of):
    """What funding `workers` more BPU participants for `months` months at `contribution` a month would do."""
    after = replace(
        row,
        active_bpu=row.active_bpu + workers,
        active_12m_ago=None if row.active_12m_ago is None else row.active_12m_ago + workers,
    )
    return Simulation(
        workers=workers,
        months=months,
        contribution=contribution,
        before=row,
        after=after,
        reach_before=pace(row, as_of=as_of),
        reach_after=pace(after, as_of=as_of),
    )


def default_deadline(row, as_of):
    """31 December of the target's year (the workforce estimate's), or of as_of's year once that has passed."""
    return dt.date(max(row.year or as_of.year, as_of.year), 12, 31)


def months_left(as_of, deadline):
    """Month ends after as_of up to the deadline (as_of itself counts when it is a month end): 0 when passed."""
    month_end = as_of.day == calendar.monthrange(as_of.year, as_of.month)[1]
    months = deadline.year * 12 + deadline.month - (as_of.year * 12 + as_of.month) + (0 if month_end else 1)
    return max(0, months) if deadline >= as_of else 0


@dataclass
class Reverse:
    state: str  # "unknown" (no target or potential), "reached" (nothing to fund), "needs"
    deadline: dt.date
    months_left: int = 0
    pace_per_month: Fraction | None = None
    expected_growth: int = 0  # net new participants expected by the deadline at the current pace (rounded)
    lacking: int = 0  # still needed today, without any growth (regions.ucj.still_needed)
    workers: int = 0  # the smallest N to fund
    months: int = 0
    contribution: int = 0

    @property
    def cost(self):
        return self.workers * self.months * self.contribution


def workers_to_fund(row, *, deadline, as_of, months, contribution):
    """The reverse question: the fewest workers to fund now so that the target is reached by the deadline."""
    lacking = still_needed(row)
    result = Reverse("unknown", deadline=deadline, months=months, contribution=contribution)
    if lacking is None:
        return result
    result.lacking = max(0, lacking)
    result.months_left = months_left(as_of, deadline)
    per_month = Fraction(row.change_12m, 12) if row.change_12m is not None else Fraction(0)
    result.pace_per_month = per_month if row.change_12m is not None else None
    growth = per_month * result.months_left
    result.expected_growth = round(growth)
    wanted = Fraction(row.target_percent) * row.potential_total / 100  # exact: a Decimal becomes a Fraction
    result.workers = max(0, math.ceil(wanted - row.active_total - growth))
    result.state = "needs" if result.workers else "reached"
    return result
