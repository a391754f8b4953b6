"""BSU figures per regency/city: current recipient statuses, pre-aggregated in BsuFigure.

Counting millions of recipients per page view cost ~0.2 s per 300,000 recipients, so the pages read
BsuFigure (per city, status, batch and, for open statuses, the day entered), rebuilt from the recipients
in one grouped query after every screening, results import and status change. Percentages are derived
from counts, rounded half-up; roll-ups sum counts.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Case, Count, DateField, Min, Q, Sum, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.pagecache import figures_changed
from regions.ucj import percent
from subsidies.models import OPEN_STATUSES, BsuFigure, Programme, Recipient, RecipientStatus

S = RecipientStatus
# screened_out, candidate, ... returned: the export's columns keep their order; statuses added later
# (returned_to_treasury) come after disbursed_percent.
STATUS_COLUMNS = [status.lower() for status in S.values if status != S.RETURNED_TO_TREASURY]
BSU_CSV_HEADER = [
    "city_code",
    "city_name",
    *STATUS_COLUMNS,
    "recipients",
    "amount_disbursed",
    "disbursed_percent",
    "returned_to_treasury",
]
DEFAULT_STUCK_DAYS = 14


@dataclass
class Disbursement:
    """Recipients of one programme in one city (or a roll-up of several), by current status."""

    code: str
    name: str
    amount_each: int
    counts: dict = field(default_factory=dict)  # status -> number of recipients
    stuck: int = 0  # in an open status for longer than the chosen number of days
    url: str = ""

    def __getattr__(self, name):
        if name.upper() in S.values:
            return self.counts.get(name.upper(), 0)
        raise AttributeError(name)

    @property
    def screened(self):
        return sum(self.counts.values())

    @property
    def recipients(self):
        """Everyone screened in: all but the screened-out."""
        return self.screened - self.counts.get(S.SCREENED_OUT, 0)

    @property
    def amount_disbursed(self):
        return self.counts.get(S.DISBURSED, 0) * self.amount_each

    @property
    def disbursed_percent(self):
        return percent(self.counts.get(S.DISBURSED, 0), self.recipients)

    def reached(self, *statuses):
        return sum(self.counts.get(status, 0) for status in statuses)

    @property
    def funnel(self):
        """(label, people who reached the stage) from screening to disbursement."""
        return [
            (_("Disaring"), self.screened),
            (_("Lolos saring"), self.recipients),
            (
                _("Lolos pemadanan"),
                self.reached(S.VERIFIED, S.ACCOUNT_INVALID, S.DETERMINED, S.DISBURSED, S.RETURNED, S.RETURNED_TO_TREASURY),
            ),
            (_("Ditetapkan"), self.reached(S.DETERMINED, S.DISBURSED, S.RETURNED, S.RETURNED_TO_TREASURY)),
            (_("Tersalurkan"), self.reached(S.DISBURSED)),
        ]


def export_row(row):
    return [row.code, row.name, *(getattr(row, name) for name in BSU_CSV_HEADER[2:])]


def stuck_before(stuck_days):
    """Recipients who entered an open status before this day have waited more than `stuck_days`."""
    return timezone.localdate() - dt.timedelta(days=stuck_days)


def bsu_figures_refresh(programme=None):
    """Rebuilds BsuFigure for one programme (or all) from the recipients; returns the rows written."""
    written = 0
    for each in [programme] if programme else Programme.objects.all():
        day = Case(When(status__in=OPEN_STATUSES, then=TruncDate("status_since")), default=None, output_field=DateField())
        grouped = (
            Recipient.objects.filter(programme=each)
            .annotate(day=day)
            .values_list("city_id", "status", "batch", "day")
            .annotate(n=Count("id"))
            .order_by()
        )
        rows = [
            BsuFigure(programme=each, city_id=city, status=status, batch=batch, since=since, recipients=n)
            for city, status, batch, since, n in grouped
        ]
        with transaction.atomic():
            BsuFigure.objects.filter(programme=each).delete()
            BsuFigure.objects.bulk_create(rows, batch_size=5000)
        written += len(rows)
    figures_changed()  # every city's BSU figures were rebuilt: the cached pages are rendered again
    return written


def _figures(programme, city_codes):
    return BsuFigure.objects.filter(programme=programme, city_id__in=list(city_codes))


def disbursement_rows(programme, cities, *, stuck_days=DEFAULT_STUCK_DAYS):
    """One Disbursement per (code, name, ...) city tuple, in the given order (one query)."""
    cities = list(cities)
    stuck = Q(status__in=OPEN_STATUSES, since__lt=stuck_before(stuck_days))
    counts, stuck_counts = {}, {}
    grouped = (
        _figures(programme, [code for code, *_rest in cities])
        .values_list("city_id", "status")
        .annotate(n=Sum("recipients"), stuck=Sum("recipients", filter=stuck, default=0))
        .order_by()
    )
    for city, status, number, stuck_number in grouped:
        counts.setdefault(city, {})[status] = number
        stuck_counts[city] = stuck_counts.get(city, 0) + stuck_number
    amount = programme.amount_total
    return [
        Disbursement(code, name, amount, counts=counts.get(code, {}), stuck=stuck_counts.get(code, 0))
        for code, name, *_ in cities
    ]


def rollup(rows, *, code, name, amount_each):
    counts = {}
    for row in rows:
        for status, number in row.counts.items():
            counts[status] = counts.get(status, 0) + number
    return Disbursement(code, name, amount_each, counts=counts, stuck=sum(row.stuck for row in rows))


def stuck_by_status(programme, city_codes, *, stuck_days=DEFAULT_STUCK_DAYS):
    """[(status, recipients in it longer than stuck_days, the earliest day one entered it)]."""
    rows = (
        _figures(programme, city_codes)
        .filter(status__in=OPEN_STATUSES, since__lt=stuck_before(stuck_days))
        .values_list("status")
        .annotate(n=Sum("recipients"), oldest=Min("since"))
        .order_by()
    )
    found = {status: (number, oldest) for status, number, oldest in rows}
    return [(S(status), *found[status]) for status in OPEN_STATUSES if status in found]


def batches(programme, city_codes):
    """Per batch: recipients now determined, disbursed and returned, and the amount disbursed."""
    rows = (
        _figures(programme, city_codes)
        .filter(batch__isnull=False)
        .values_list("batch")
        .annotate(
            determined=Sum("recipients", filter=Q(status=S.DETERMINED), default=0),
            disbursed=Sum("recipients", filter=Q(status=S.DISBURSED), default=0),
            returned=Sum("recipients", filter=Q(status=S.RETURNED), default=0),
        )
        .order_by("batch")
    )
    return [
        {
            "batch": batch,
            "determined": determined,
            "disbursed": disbursed,
            "returned": returned,
            "amount": disbursed * programme.amount_total,
        }
        for batch, determined, disbursed, returned in rows
        if determined or disbursed or returned
    ]


def funnel_chart(row, width=560, bar_height=26, gap=8, label_width=150):
    """Geometry of the server-rendered SVG funnel: one bar per stage, as wide as the people in it."""
    stages = row.funnel
    widest = max(stages[0][1], 1)
    usable = width - label_width - 90
    bars = []
    for i, (label, number) in enumerate(stages):
        bar = round(usable * number / widest, 1)
        bars.append({"label": label, "number": number, "y": i * (bar_height + gap), "width": bar, "end": label_width + bar + 6})
    return {"width": width, "height": len(stages) * (bar_height + gap), "bar_height": bar_height, "x": label_width, "bars": bars}
