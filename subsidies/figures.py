"""BSU figures per regency/city: current recipient statuses, counted from the recipients themselves.

Counts come from one grouped scan of the (programme, city, status, status_since) index, so a status
change shows on the dashboards at once and no aggregate can drift from the records it summarises.
Percentages are derived from counts, rounded half-up; roll-ups sum counts.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.ucj import percent
from subsidies.models import OPEN_STATUSES, Recipient, RecipientStatus

S = RecipientStatus
STATUS_COLUMNS = [status.lower() for status in S.values]  # screened_out, candidate, ... returned
BSU_CSV_HEADER = [
    "city_code",
    "city_name",
    *STATUS_COLUMNS,
    "recipients",
    "amount_disbursed",
    "disbursed_percent",
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
            (_("Lolos pemadanan"), self.reached(S.VERIFIED, S.ACCOUNT_INVALID, S.DETERMINED, S.DISBURSED, S.RETURNED)),
            (_("Ditetapkan"), self.reached(S.DETERMINED, S.DISBURSED, S.RETURNED)),
            (_("Tersalurkan"), self.reached(S.DISBURSED)),
        ]


def export_row(row):
    return [row.code, row.name, *(getattr(row, name) for name in BSU_CSV_HEADER[2:])]


def stuck_since(stuck_days):
    return timezone.now() - dt.timedelta(days=stuck_days)


def disbursement_rows(programme, cities, *, stuck_days=DEFAULT_STUCK_DAYS):
    """One Disbursement per (code, name, ...) city tuple, in the given order (one query)."""
    cities = list(cities)
    recipients = Recipient.objects.filter(programme=programme, city_id__in=[code for code, *_rest in cities])
    stuck = Q(status__in=OPEN_STATUSES, status_since__lt=stuck_since(stuck_days))
    counts, stuck_counts = {}, {}
    grouped = recipients.values_list("city_id", "status").annotate(n=Count("id"), stuck=Count("id", filter=stuck))
    for city, status, number, stuck_number in grouped.order_by():
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
    """[(status, recipients in it longer than stuck_days, oldest status_since)] over the open statuses."""
    rows = (
        Recipient.objects.filter(
            programme=programme, city_id__in=city_codes, status__in=OPEN_STATUSES, status_since__lt=stuck_since(stuck_days)
        )
        .values_list("status")
        .annotate(n=Count("id"), oldest=Min("status_since"))
        .order_by()
    )
    found = {status: (number, oldest) for status, number, oldest in rows}
    return [(S(status), *found[status]) for status in OPEN_STATUSES if status in found]


def batches(programme, city_codes):
    """Per batch: recipients now determined, disbursed and returned, and the amount disbursed."""
    rows = (
        Recipient.objects.filter(programme=programme, city_id__in=city_codes, batch__isnull=False)
        .values_list("batch")
        .annotate(
            determined=Count("id", filter=Q(status=S.DETERMINED)),
            disbursed=Count("id", filter=Q(status=S.DISBURSED)),
            returned=Count("id", filter=Q(status=S.RETURNED)),
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
