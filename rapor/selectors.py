"""The one-page rapor of a regency/city for a month, composed from the other apps' public reads.

Which figures: the city's published snapshot of that month when one exists (its latest published version),
else the live figures at the month's end (today for the current month), labelled provisional. The UCJ headline,
the last point of the trend, the uncovered workers of the gap breakdown, the province rank and the BSU status
all come from that one source; the PDS/PWBD reports, arrears, commitments and the simulator read the data as
of the same day. Everything is aggregated: counts, percentages and rupiah, never a name.

The three suggested next steps (`next_steps`): every candidate below that concerns at least one worker, ranked
by the number of workers it concerns (who would become covered, stay covered or be paid), largest first; on a
tie the order of this list decides. The first three are shown.

1. PDS: registered employers reporting more workers than BPJS has active (workers not registered);
2. PWBD: reported companies not registered at all (their workers);
3. arrears: employers in arrears (their workers still active, about to lose coverage);
4. each worker-funding commitment of the city or its province not lapsed, with a promise not yet met
   (promised - active funded workers);
5. the target: the workers to fund to reach it by its deadline (the simulator's reverse answer);
6. BSU: recipients whose bank account failed (to be paid through Pos).
"""

import calendar
import datetime as dt
from dataclasses import dataclass, field, replace

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from commitments.forms import SimulatorForm
from commitments.models import Commitment, bpu_contribution
from commitments.selectors import commitment_progress, commitments_of_city
from commitments.simulator import default_deadline, workers_to_fund
from config.formatting import format_number, format_percent, format_rupiah
from outreach.selectors import gap_rows, prospect_list, unregistered_list
from published.models import Snapshot
from published.selectors import coverage_of, snapshots_for
from rapor.models import KeptRapor
from regions import charts
from regions.models import City, UcjBand
from regions.selectors import cities_for
from regions.ucj import coverage_rows, trend
from subsidies.figures import Disbursement, disbursement_rows
from subsidies.models import Programme, RecipientStatus

TREND_MONTHS = 12
STEPS_SHOWN = 3


def kept_rapor_for(user):
    """Kept rapor files of the regencies/cities the user may see (aggregates only: officials too)."""
    return KeptRapor.objects.filter(city__in=cities_for(user).values("code"))


def rapor_reader():
    """Who the background task reads as: an unsaved superuser, i.e. an admin's scope (every city). The rapor
    shows aggregates only, the same to every role that may see the city, so the kept file is what an official
    downloads."""
    return get_user_model()(username="rapor", is_superuser=True, is_active=True)


def month_end(period):
    return period.replace(day=calendar.monthrange(period.year, period.month)[1])


def last_ended_month(today=None):
    return ((today or timezone.localdate()).replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def published_snapshot(user, city_code, period):
    """The latest published version of the city's month the user may see, or None."""
    return (
        snapshots_for(user)
        .filter(city_id=city_code, period=period, status=Snapshot.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )


def default_period(user, city_code):
    """The month of the city's latest published figures, or else the last month that has ended."""
    latest = snapshots_for(user).filter(city_id=city_code, status=Snapshot.Status.PUBLISHED).order_by("-period").first()
    return latest.period if latest else last_ended_month()


@dataclass
class Step:
    code: str
    workers: int
    text: str


@dataclass
class Rapor:
    city: City
    period: dt.date
    as_of: dt.date
    snapshot: Snapshot | None  # the published source, or None: live (provisional) figures
    row: object  # regions.ucj.Coverage
    trend: dict
    rank: int | None
    ranked: int  # cities of the province with a UCJ figure
    gap: object  # outreach.selectors.Gap
    pds_companies: int
    pwbd_companies: int
    progress: list  # commitments.selectors.Progress
    reverse: object  # commitments.simulator.Reverse
    programme: Programme | None
    bsu: Disbursement | None
    steps: list = field(default_factory=list)

    @property
    def provisional(self):
        return self.snapshot is None


def rapor_of(user, city, *, period, today=None):
    """The rapor of a city the user may see (the caller looked it up through `cities_for`) for a month
    (its first day; not after the current month)."""
    today = today or timezone.localdate()
    snapshot = published_snapshot(user, city.code, period)
    bands = list(UcjBand.objects.all())
    if snapshot is not None:
        as_of = snapshot.as_of
        row = coverage_of(snapshot, bands)
    else:
        as_of = min(month_end(period), today)
        (row,) = coverage_rows([(city.code, city.name, city.province_id)], as_of=as_of)
    series = trend(city, as_of=as_of, months=TREND_MONTHS)
    series[-1] = (as_of, row.active_total, row.ucj_percent)  # the headline's source, as on the city page
    rank, ranked = province_rank(city, row, period=period, as_of=as_of)
    (gap,) = gap_rows([(city.code, city.name, city.province_id)], as_of=as_of)
    # the uncovered workers from the headline's figures (the published ones when published)
    gap = replace(
        gap,
        uncovered_pu=_uncovered(row.potential_pu, row.active_pu),
        uncovered_bpu=_uncovered(row.potential_bpu, row.active_bpu),
    )
    progress = commitment_progress(commitments_of_city(user, city), as_of=as_of)
    months = SimulatorForm.DEFAULT_MONTHS
    reverse = workers_to_fund(
        row, deadline=default_deadline(row, as_of), as_of=as_of, months=months, contribution=bpu_contribution(as_of)
    )
    programme, bsu = bsu_status(city, snapshot)
    rapor = Rapor(
        city=city,
        period=period,
        as_of=as_of,
        snapshot=snapshot,
        row=row,
        trend=charts.trend_chart(series, row.target_percent),
        rank=rank,
        ranked=ranked,
        gap=gap,
        pds_companies=unregistered_list([city.code], as_of=as_of).count() if gap.pds_workers else 0,
        pwbd_companies=prospect_list([city.code], as_of=as_of).count() if gap.pwbd_workers else 0,
        progress=progress,
        reverse=reverse,
        programme=programme,
        bsu=bsu,
    )
    rapor.steps = next_steps(rapor)
    return rapor


def _uncovered(potential, active):
    return None if potential is None else max(0, potential - active)


def province_rank(city, row, *, period, as_of):
    """(rank by UCJ among the province's regencies/cities, how many have a UCJ figure); rank None when the
    city has none. Each city counts with its published figures of the month where they exist, else its live
    ones at as_of; equal UCJ share a rank (1, 2, 2, 4). Only the rank leaves this function, never another
    city's figures (like the province roll-up of the city page, whoever looks)."""
    cities = list(City.objects.filter(province_id=city.province_id).order_by("code").values_list("code", "name", "province_id"))
    published = {}
    rows = Snapshot.objects.filter(city__province_id=city.province_id, period=period, status=Snapshot.Status.PUBLISHED)
    for snapshot in rows.order_by("city", "version"):  # the latest version of each city wins
        published[snapshot.city_id] = snapshot
    live = [c for c in cities if c[0] not in published and c[0] != city.code]
    values = {r.code: r.ucj_percent for r in coverage_rows(live, as_of=as_of)} if live else {}
    values |= {code: coverage_of(snapshot).ucj_percent for code, snapshot in published.items()}
    values[city.code] = row.ucj_percent
    known = [value for value in values.values() if value is not None]
    if row.ucj_percent is None:
        return None, len(known)
    return 1 + sum(1 for value in known if value > row.ucj_percent), len(known)


def bsu_status(city, snapshot):
    """(programme, Disbursement) of the city page's BSU panel programme: the counts frozen in the published
    snapshot, or the current ones; (None, None) without a programme."""
    programme = Programme.objects.first()
    if programme is None:
        return None, None
    if snapshot is not None:
        frozen = next((item for item in snapshot.data["bsu"] if item["programme"] == programme.code), None)
        if frozen is None:  # the programme did not exist when the month was frozen
            return programme, None
        return programme, Disbursement(code=city.code, name=city.name, amount_each=frozen["amount_each"], counts=frozen["counts"])
    (row,) = disbursement_rows(programme, [(city.code, city.name)])
    return programme, row


def next_steps(rapor):
    """The STEPS_SHOWN candidates concerning the most workers (see the module docstring for the rule)."""
    gap, found = rapor.gap, []

    def add(code, workers, text):
        if workers > 0:
            found.append(Step(code, workers, text))

    add(
        "pds",
        gap.pds_workers,
        _("PDS: %(companies)s perusahaan dengan %(workers)s pekerja belum terdaftar.")
        % {"companies": format_number(rapor.pds_companies), "workers": format_number(gap.pds_workers)},
    )
    add(
        "pwbd",
        gap.pwbd_workers,
        _("PWBD: %(companies)s perusahaan belum terdaftar dengan %(workers)s pekerja.")
        % {"companies": format_number(rapor.pwbd_companies), "workers": format_number(gap.pwbd_workers)},
    )
    add(
        "arrears",
        gap.workers_at_stake,
        _("Tunggakan iuran: %(companies)s perusahaan, %(workers)s pekerja aktif terancam tidak terlindungi.")
        % {"companies": format_number(gap.employers_in_arrears), "workers": format_number(gap.workers_at_stake)},
    )
    for item in rapor.progress:
        commitment = item.commitment
        if not commitment.kind.funds_workers or commitment.status == Commitment.Status.LAPSED or not item.promised_workers:
            continue
        add(
            "commitment",
            item.promised_workers - item.active_workers,
            _("Komitmen %(code)s (%(year)s): %(share)s terealisasi, %(active)s dari %(promised)s pekerja.")
            % {
                "code": commitment.code,
                "year": commitment.year,
                "share": format_percent(item.share),
                "active": format_number(item.active_workers),
                "promised": format_number(item.promised_workers),
            },
        )
    reverse = rapor.reverse
    if reverse.state == "needs":
        add(
            "fund",
            reverse.workers,
            _("Target %(target)s pada %(date)s: danai iuran %(workers)s pekerja BPU selama %(months)s bulan (%(cost)s).")
            % {
                "target": format_percent(rapor.row.target_percent),
                "date": date_format(reverse.deadline, "j F Y"),
                "workers": format_number(reverse.workers),
                "months": reverse.months,
                "cost": format_rupiah(reverse.cost),
            },
        )
    if rapor.bsu is not None:
        add(
            "bsu",
            rapor.bsu.counts.get(RecipientStatus.ACCOUNT_INVALID, 0),
            _("BSU: %(workers)s penerima dengan rekening bermasalah, disalurkan lewat Pos.")
            % {"workers": format_number(rapor.bsu.counts.get(RecipientStatus.ACCOUNT_INVALID, 0))},
        )
    order = {code: position for position, code in enumerate(("pds", "pwbd", "arrears", "commitment", "fund", "bsu"))}
    found.sort(key=lambda step: (-step.workers, order[step.code]))
    return found[:STEPS_SHOWN]
