"""Three-way reconciliation per batch and channel: what Kemnaker determined (count, rupiah) must equal what
the banks paid + what was collected at Pos + what came back + what went back to the treasury + what is
still open, to the rupiah. A payment whose reported outcome does not match its determination (another
channel, another batch, another amount) is counted in no column: it is the mismatch, listed by recipient.

Everything is summed by the database from the payment ledger (one grouped query per page), so a batch of
half a million recipients reconciles in well under the 2 s goal."""

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _

from config.formatting import format_rupiah
from subsidies.models import POS, RecipientStatus

S = RecipientStatus
MISMATCH_LIMIT = 200  # recipients listed per page; the count is always complete
CONSISTENT = Q(outcome_channel=F("channel"), outcome_batch=F("batch"), outcome_amount=F("amount"))
# column -> which payments it counts (only payments whose outcome matches their determination)
COLUMNS = {
    "bank": CONSISTENT & Q(outcome=S.DISBURSED) & ~Q(channel=POS),
    "pos": CONSISTENT & Q(outcome=S.DISBURSED, channel=POS),
    "returned": CONSISTENT & Q(outcome=S.RETURNED),
    "treasury": CONSISTENT & Q(outcome=S.RETURNED_TO_TREASURY),
    "open": Q(outcome=""),
}
CSV_HEADER = [
    "batch",
    "channel",
    "determined",
    "determined_amount",
    "paid_by_bank",
    "paid_by_bank_amount",
    "collected_at_pos",
    "collected_at_pos_amount",
    "returned",
    "returned_amount",
    "returned_to_treasury",
    "returned_to_treasury_amount",
    "open",
    "open_amount",
    "mismatch",
    "mismatch_amount",
    "balanced",
]


@dataclass
class Line:
    """One batch and channel: (count, rupiah) per column."""

    batch: int
    channel: str
    determined: tuple
    bank: tuple = (0, 0)
    pos: tuple = (0, 0)
    returned: tuple = (0, 0)
    treasury: tuple = (0, 0)
    open: tuple = (0, 0)
    mismatches: list = field(default_factory=list)

    @property
    def columns(self):
        """(count, rupiah) of determined, then each place the money went, in the page's order."""
        return [self.determined, self.bank, self.pos, self.returned, self.treasury, self.open]

    @property
    def accounted(self):
        parts = (self.bank, self.pos, self.returned, self.treasury, self.open)
        return sum(count for count, _amount in parts), sum(amount for _count, amount in parts)

    @property
    def difference(self):
        """(recipients, rupiah) determined but not accounted for by a matching outcome."""
        count, amount = self.accounted
        return self.determined[0] - count, self.determined[1] - amount

    @property
    def balanced(self):
        return self.difference == (0, 0)

    def csv_row(self):
        values = [self.batch, self.channel]
        for count, amount in (self.determined, self.bank, self.pos, self.returned, self.treasury, self.open, self.difference):
            values += [count, amount]
        return [*values, "yes" if self.balanced else "no"]


def reconciliation(payments, *, batch=None):
    """[Line] per batch and channel of the (scoped) payments, ordered by batch then channel. One query."""
    if batch is not None:
        payments = payments.filter(batch=batch)
    aggregates = {"determined_n": Count("id"), "determined_rp": Sum("amount")}
    for name, condition in COLUMNS.items():
        amount = F("amount") if name == "open" else F("outcome_amount")
        aggregates[f"{name}_n"] = Count("id", filter=condition)
        aggregates[f"{name}_rp"] = Sum(amount, filter=condition, default=0)
    rows = payments.values("batch", "channel").annotate(**aggregates).order_by("batch", "channel")
    return [
        Line(
            batch=row["batch"],
            channel=row["channel"],
            determined=(row["determined_n"], row["determined_rp"]),
            **{name: (row[f"{name}_n"], row[f"{name}_rp"]) for name in COLUMNS},
        )
        for row in rows
    ]


@dataclass
class Mismatch:
    batch: int
    channel: str
    nik: str
    city: str
    payment_id: int
    recipient_id: int
    reasons: list


def mismatches(payments, *, batch=None, limit=MISMATCH_LIMIT):
    """The payments no column counts, with why, in batch and channel order (at most `limit`)."""
    if batch is not None:
        payments = payments.filter(batch=batch)
    rows = (
        payments.exclude(outcome="")
        .exclude(CONSISTENT)
        .select_related("recipient__worker", "city")
        .order_by("batch", "channel", "pk")[:limit]
    )
    return [Mismatch(p.batch, p.channel, p.recipient.worker.nik, p.city.name, p.pk, p.recipient_id, _reasons(p)) for p in rows]


def _reasons(payment):
    reasons = []
    outcome = S(payment.outcome).label
    if payment.outcome_channel != payment.channel:
        reasons.append(
            _("%(outcome)s dilaporkan lewat %(reported)s, padahal ditetapkan lewat %(channel)s")
            % {"outcome": outcome, "reported": payment.outcome_channel or "-", "channel": payment.channel}
        )
    if payment.outcome_batch != payment.batch:
        reasons.append(
            _("%(outcome)s dilaporkan pada batch %(reported)s, padahal ditetapkan pada batch %(batch)s")
            % {"outcome": outcome, "reported": payment.outcome_batch or "-", "batch": payment.batch}
        )
    if payment.outcome_amount != payment.amount:
        reasons.append(
            _("jumlah %(outcome)s %(reported)s, padahal ditetapkan %(amount)s")
            % {
                "outcome": outcome.lower(),
                "reported": format_rupiah(payment.outcome_amount or 0),
                "amount": format_rupiah(payment.amount),
            }
        )
    return reasons


def with_mismatches(lines, payments):
    """Attaches the listed mismatches to their lines (one more query, only when some line is off)."""
    if all(line.balanced for line in lines):
        return lines
    by_key = {(line.batch, line.channel): line for line in lines}
    for mismatch in mismatches(payments):
        if (line := by_key.get((mismatch.batch, mismatch.channel))) is not None:
            line.mismatches.append(mismatch)
    return lines
