"""Demo BSU data: BSU-2025 screened over the demo workers, bank accounts, and recipients in every status
across four batches in June-July 2025 (idempotent: the pipeline is played once).

The story follows DOMAIN.md: after screening (20 May 2025) Kemnaker matches the candidates (a few are
rejected: PKH recipients, duplicates, NIKs not matching Dukcapil; a few are still waiting); most
candidates have an account at a Himbara bank, which is the bank that pays them; candidates with no
account, an account number also given for another NIK, or an account the bank refuses (closed,
dormant, name not matching the NIK) are paid through PT Pos Indonesia in the next batch, collected by
31 July 2025 or returned to the treasury; a transfer to a frozen account comes back and goes to Pos.
Past the deadline most uncollected Pos money is back in the treasury and some still waits for the expiry
run (the city panel's countdown); in batch 4, Pos reported collections for a few recipients determined on
BRI (the reconciliation's visible mismatch); three Singkawang recipients wait in the account risk review
queue (an account changed two days ago, a holder name unlike the worker's, an account shared with
another NIK).

The pipeline is written in bulk here, one chunk of candidates at a time, because the service that moves
one recipient at a time (`recipients_advance`) takes minutes for the demo's hundreds of thousands of
candidates; every step is checked against the same transition rules (`transition_error`) and gets the
same audit row (StatusChange) and payment ledger row that service writes.
"""

import datetime as dt
import functools
import random

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from config.bulk import bulk_insert, large_writes
from participants.models import Worker
from subsidies.figures import bsu_figures_refresh
from subsidies.models import (
    SCREENING_STATUSES,
    Bank,
    BankAccount,
    ExclusionEntry,
    ExclusionKind,
    ExclusionList,
    Payment,
    Programme,
    Recipient,
    RecipientStatus,
    StatusChange,
)
from subsidies.risk import risk_findings, risk_signals_record
from subsidies.services import bsu_screen, transition_error

S = RecipientStatus
PROGRAMME = "BSU-2025"
SCREENED_ON = dt.date(2025, 5, 20)
BATCH_DAYS = {1: dt.date(2025, 6, 24), 2: dt.date(2025, 7, 2), 3: dt.date(2025, 7, 10), 4: dt.date(2025, 7, 20)}
BATCH_WEIGHTS = (38, 30, 20, 12)
POS_DEADLINE = dt.date(2025, 7, 31)
RETURNED_ON = dt.date(2025, 8, 5)
REJECT_REASONS = (
    ("Penerima PKH tahun anggaran berjalan", 6),
    ("Data ganda di Kemnaker", 3),
    ("NIK tidak padan dengan data Dukcapil", 2),
)
# Accounts: Himbara banks only (BSI pays in Aceh); the number of digits each bank uses.
BANKS = ((Bank.BRI, 46, 15), (Bank.BNI, 22, 10), (Bank.MANDIRI, 22, 13), (Bank.BTN, 10, 16))
NO_ACCOUNT = "Tidak memiliki rekening"
SHARED_ACCOUNT = "Nomor rekening dipakai NIK lain"
ACCOUNT_PROBLEMS = (("Rekening tutup", 3), ("Rekening dormant", 4), ("Nama rekening tidak sesuai NIK", 2))
FROZEN = "Rekening dibekukan; dana kembali dari bank"
NOT_COLLECTED = "Tidak diambil di kantor pos sampai 31 Juli 2025; dikembalikan ke kas negara"
CHUNK = 20_000
RECIPIENT_FIELDS = ("programme_id", "worker_id", "city_id", "status", "status_since", "batch", "channel", "failed_rules")
CHANGE_FIELDS = ("recipient_id", "from_status", "to_status", "at", "reason", "reference", "amount")
PAYMENT_FIELDS = (
    "recipient_id",
    "programme_id",
    "city_id",
    "batch",
    "channel",
    "amount",
    "determined_at",
    "outcome",
    "outcome_channel",
    "outcome_batch",
    "outcome_amount",
    "outcome_at",
    "recovery_reason",
    "recovered",
)
MISREPORTED_BATCH = 4  # Pos reports collecting money this batch determined on BRI, for a few recipients
MISREPORTED = 3
REVIEW_CITY = "61.72"
ACCOUNT_FIELDS = ("worker_id", "bank", "account_number", "account_name")


@functools.cache
def _when(day, hour=10):
    """A day and hour as the database stores it (a handful of distinct values: cached)."""
    return connection.ops.adapt_datetimefield_value(timezone.make_aware(dt.datetime.combine(day, dt.time(hour))))


def pipeline_played(programme):
    return Recipient.objects.filter(programme=programme).exclude(status__in=SCREENING_STATUSES).exists()


def bsu_demo_load(*, progress=None):
    """Screens the workers and plays the pipeline once; returns the counts (bsu_demo_counts)."""
    programme = Programme.objects.get(code=PROGRAMME)
    if not pipeline_played(programme):
        if progress:
            progress(0, 1, "penyaringan / screening")
        exclusions_demo_load(programme)
        bsu_screen(programme=programme, at=timezone.make_aware(dt.datetime.combine(SCREENED_ON, dt.time(10))))
        with large_writes():
            _pipeline(programme, progress)
            _review_queue(programme)
        bsu_figures_refresh(programme)
    return bsu_demo_counts(programme)


def bsu_demo_counts(programme):
    """What exists, in the order the command prints it."""
    recipients = Recipient.objects.filter(programme=programme)
    statuses = dict(recipients.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    batches = dict(recipients.filter(batch__isnull=False).values_list("batch").annotate(n=Count("id")).values_list("batch", "n"))
    shared = BankAccount.objects.values("account_number").annotate(n=Count("id")).filter(n__gt=1).values("account_number")
    accounts = BankAccount.objects.aggregate(all=Count("id"), shared=Count("id", filter=Q(account_number__in=shared)))
    screened = sum(statuses.values())
    return {
        "screened": screened,
        "candidates": screened - statuses.get(S.SCREENED_OUT, 0),
        "screened_out": statuses.get(S.SCREENED_OUT, 0),
        "bank_accounts": accounts["all"],
        "shared_accounts": accounts["shared"],
        "pos": recipients.filter(channel="POS").count(),
        "statuses": {status.value: statuses.get(status, 0) for status in S},
        "batches": {batch: batches.get(batch, 0) for batch in sorted(BATCH_DAYS)},
        "disbursed_rupiah": statuses.get(S.DISBURSED, 0) * programme.amount_total,
    }


@transaction.atomic
def _pipeline(programme, progress):
    rng = random.Random(2025)  # noqa: S311 - demo data, not security
    total = Recipient.objects.filter(programme=programme, status=S.CANDIDATE).count()
    done, last = 0, 0
    misreported = [0]  # across chunks
    while True:
        chunk = list(
            Recipient.objects.filter(programme=programme, status=S.CANDIDATE, worker_id__gt=last)
            .order_by("worker_id")
            .values_list("pk", "worker_id", "city_id")[:CHUNK]
        )
        if not chunk:
            break
        last = chunk[-1][1]
        Chunk(programme, chunk, rng, misreported).write()
        done += len(chunk)
        if progress:
            progress(done, total, "BSU-2025")


class Chunk:
    """One chunk of candidates: their bank accounts, then each one's path along the pipeline."""

    def __init__(self, programme, candidates, rng, misreported):
        self.programme, self.candidates, self.rng, self.misreported = programme, candidates, rng, misreported
        self.recipients, self.changes, self.accounts, self.payments = [], [], [], []

    def write(self):
        first, last = self.candidates[0][1], self.candidates[-1][1]
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, name FROM participants_worker WHERE id >= %s AND id <= %s", [first, last])
            names = dict(cursor.fetchall())
        accounts = self._accounts(names)
        for pk, worker_id, city_id in self.candidates:
            self._path(pk, worker_id, city_id, accounts.get(worker_id))
        bulk_insert(BankAccount, ACCOUNT_FIELDS, self.accounts)
        bulk_insert(StatusChange, CHANGE_FIELDS, self.changes)
        bulk_insert(Payment, PAYMENT_FIELDS, self.payments)
        bulk_insert(Recipient, RECIPIENT_FIELDS, self.recipients, conflict=("programme", "worker"))

    def _accounts(self, names):
        """{worker id: (bank, problem or '')}; about 1 in 25 candidates has no account and a few give an
        account number that another NIK gave too (both are then paid through Pos)."""
        rng = self.rng
        banks, weights, digits = zip(*BANKS, strict=True)
        problems, problem_weights = zip(*ACCOUNT_PROBLEMS, strict=True)
        result, previous = {}, {}
        for _pk, worker_id, _city in self.candidates:
            if rng.random() < 0.04:
                continue
            index = rng.choices(range(len(banks)), weights)[0]
            bank = banks[index]
            name = names[worker_id]
            problem = ""
            if bank in previous and rng.random() < 0.004:  # a number someone else gave (a relative's account)
                number, other = previous.pop(bank)
                problem = SHARED_ACCOUNT
                result[other] = (bank, SHARED_ACCOUNT)
            else:
                number = str(rng.randrange(10 ** (digits[index] - 1), 10 ** digits[index]))
                previous[bank] = (number, worker_id)
                if rng.random() < 0.03:
                    problem = rng.choices(problems, problem_weights)[0]
                    if problem == "Nama rekening tidak sesuai NIK":
                        name = f"{name.split()[0]} {rng.choice(('Hidayat', 'Lestari', 'Santoso', 'Rahmawati'))}"
            self.accounts.append((worker_id, bank.value, number, name))
            result[worker_id] = (bank, problem)
        return result

    def _move(self, state, to_status, day, *, hour=10, batch=None, channel="", reason="", reference=""):
        error = transition_error(state["status"], to_status)
        if error:
            raise ValueError(error)
        amount = self.programme.amount_total if to_status in (S.DISBURSED, S.RETURNED, S.RETURNED_TO_TREASURY) else None
        at = _when(day, hour)
        self.changes.append((state["pk"], state["status"], to_status.value, at, reason, reference, amount))
        state.update(status=to_status.value, since=at, batch=batch or state["batch"], channel=channel or state["channel"])
        if to_status == S.DETERMINED:
            payment = [state["pk"], self.programme.pk, state["city"], batch, state["channel"], self.programme.amount_total, at]
            self.payments.append([*payment, "", "", None, None, None, "", 0])
        elif amount is not None:  # the outcome closes the payment this determination opened
            self.payments[-1][7:12] = [to_status.value, state["channel"], state["batch"], amount, at]

    def _path(self, pk, worker_id, city_id, account):
        rng = self.rng
        state = {"pk": pk, "city": city_id, "status": S.CANDIDATE.value, "since": None, "batch": None, "channel": ""}
        draw = rng.random()
        if draw < 0.015:  # still being matched ("masih dalam proses verifikasi dan validasi")
            return
        if draw < 0.055:
            reason = rng.choices(*zip(*REJECT_REASONS, strict=True))[0]
            self._move(state, S.REJECTED, dt.date(2025, 6, rng.randint(3, 20)), reason=reason)
        else:
            self._verified(state, pk, account)
        self.recipients.append(
            (self.programme.pk, worker_id, city_id, state["status"], state["since"], state["batch"], state["channel"], "[]")
        )

    def _verified(self, state, pk, account):
        rng = self.rng
        batch = rng.choices(list(BATCH_DAYS), BATCH_WEIGHTS)[0]
        day = BATCH_DAYS[batch]
        self._move(state, S.VERIFIED, day - dt.timedelta(days=6))
        bank, problem = account if account else (None, NO_ACCOUNT)
        draw = rng.random()
        if problem:  # Pos: collected in person before the deadline, or returned to the treasury
            self._move(state, S.ACCOUNT_INVALID, day - dt.timedelta(days=2), channel="POS", reason=problem)
            if draw >= 0.08:
                self._pos(state, min(batch + 1, 4), f"POS-{pk}")
        elif draw < 0.01:
            pass  # the bank has not validated the account yet
        else:
            self._move(state, S.DETERMINED, day, batch=batch, channel=bank.value)
            if draw < 0.018:
                pass  # transfer not confirmed yet
            elif draw < 0.025 and batch < 4:
                self._move(state, S.RETURNED, day + dt.timedelta(days=5), reason=FROZEN)
                if batch < 3 or pk % 3:  # the others wait for a batch after 4 (only a later batch may pay them)
                    self._pos(state, batch + 1, f"POS-{pk}")
            elif batch == MISREPORTED_BATCH and bank == Bank.BRI and self.misreported[0] < MISREPORTED:
                self.misreported[0] += 1  # collected at Pos, says the Pos report; BRI was to pay it
                self._move(state, S.DISBURSED, day + dt.timedelta(days=3), reference=f"POS-{pk}")
                self.payments[-1][8] = "POS"
            else:
                self._move(state, S.DISBURSED, day + dt.timedelta(days=rng.randint(2, 6)), reference=f"{bank.value}-{pk}")

    def _pos(self, state, batch, reference):
        day = BATCH_DAYS[batch]
        self._move(state, S.DETERMINED, day, batch=batch, channel="POS")
        if self.rng.random() < 0.75:
            collected = min(POS_DEADLINE, day + dt.timedelta(days=self.rng.randint(1, 10)))
            self._move(state, S.DISBURSED, collected, hour=14, reference=reference)
        elif state["pk"] % 4:  # returned to the treasury on a Kemnaker letter; the rest still wait for the run
            self._move(state, S.RETURNED_TO_TREASURY, RETURNED_ON, reason=NOT_COLLECTED)


# Exclusion lists (national; most of their NIKs are no BPJS PU worker): code, kind, name, source, period, how
# many Kalimantan workers who would otherwise be candidates are on it, how many other NIKs. PKH-2024 ended
# before BSU-2025's period and so excludes nobody.
DEMO_LISTS = (
    ("PKH-2025", "PKH", "penerima PKH 2025", "Kemensos", dt.date(2025, 1, 1), dt.date(2025, 12, 31), 12, 40),
    ("ASN-2025", "ASN", "ASN 2025", "BKN", None, None, 4, 20),
    ("POLRI-2025", "POLRI", "anggota Polri 2025", "Polri", None, None, 2, 10),
    ("PKH-2024", "PKH", "penerima PKH 2024", "Kemensos", dt.date(2024, 1, 1), dt.date(2024, 12, 31), 3, 0),
)
KALIMANTAN = ("61", "62", "63", "64", "65")


def exclusions_demo_load(programme):
    """The demo's exclusion lists with a few hits among Kalimantan workers (each list once; idempotent)."""
    pool = list(
        Worker.objects.filter(
            segment="PU",
            city__province__in=KALIMANTAN,
            wage__gt=0,
            wage__lte=programme.wage_cap,
            member_since__lte=programme.membership_cutoff,
            member_until__isnull=True,
        )
        .order_by("id")
        .values_list("nik", flat=True)[:400]
    )
    start = 0
    for number, (code, kind, name, source, valid_from, valid_to, hits, others) in enumerate(DEMO_LISTS):
        picked, start = pool[start : start + hits * 10 : 10], start + hits * 10 + 1
        if ExclusionList.objects.filter(code=code).exists():
            continue
        exclusion_list = ExclusionList.objects.create(
            code=code,
            kind=ExclusionKind.objects.get(code=kind),
            name=name,
            source=source,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        outsiders = [f"63710{number + 1}0101{80 + i % 20:02d}{i + 1:04d}" for i in range(others)]  # Banjarmasin NIKs
        ExclusionEntry.objects.bulk_create(
            [ExclusionEntry(exclusion_list=exclusion_list, nik=nik) for nik in dict.fromkeys([*picked, *outsiders])]
        )


def _review_queue(programme):
    """Three Singkawang recipients awaiting determination whose accounts call for a review: one changed two
    days ago, one whose holder name is not the worker's, one whose number another NIK (also awaiting) gave too."""
    waiting = list(
        Recipient.objects.filter(programme=programme, city_id=REVIEW_CITY, status=S.VERIFIED, worker__bank_account__isnull=False)
        .select_related("programme", "worker__bank_account")
        .order_by("pk")[:4]
    )
    if len(waiting) < 4:
        return
    changed, renamed, shared, other = (recipient.worker.bank_account for recipient in waiting)
    waiting = waiting[:3]
    now = timezone.now()
    changed.account_number = changed.account_number[:-1] + str((int(changed.account_number[-1]) + 1) % 10)
    changed.save()  # a history record, dated two days ago
    latest = changed.history.latest()
    type(latest).objects.filter(pk=latest.pk).update(history_date=now - dt.timedelta(days=2))
    BankAccount.objects.filter(pk=renamed.pk).update(account_name="Yohanes Pardede")
    BankAccount.objects.filter(pk=shared.pk).update(bank=other.bank, account_number=other.account_number)
    risk_signals_record(risk_findings(waiting, at=now), at=now)
