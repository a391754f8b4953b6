"""Demo BSU data: BSU-2025 screened over the demo workers, bank accounts, and recipients in every
status across four batches, dated through mid-2025 (idempotent: the pipeline is played once)."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from participants.models import Worker
from subsidies.figures import bsu_figures_refresh
from subsidies.models import Bank, BankAccount, Programme, Recipient, RecipientStatus
from subsidies.services import Move, bsu_screen, recipients_advance

S = RecipientStatus
BATCH_DAYS = {1: dt.date(2025, 6, 24), 2: dt.date(2025, 7, 2), 3: dt.date(2025, 7, 10), 4: dt.date(2025, 7, 20)}
REJECT_REASONS = ["Penerima PKH", "Data ganda di Kemnaker", "NIK tidak padan dengan Dukcapil"]
ACCOUNT_PROBLEMS = ["Rekening tutup", "Rekening dormant", "Nama rekening tidak sesuai NIK"]


def _when(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


@transaction.atomic
def bsu_demo_load():
    programme = Programme.objects.get(code="BSU-2025")
    counts = bsu_screen(programme=programme, at=_when(dt.date(2025, 5, 20)))
    recipients = Recipient.objects.filter(programme=programme)
    if recipients.exclude(status__in=[S.SCREENED_OUT, S.CANDIDATE]).exists():
        return counts  # the pipeline was played before
    rng = random.Random(2025)  # noqa: S311 - demo data, not security
    candidates = list(recipients.filter(status=S.CANDIDATE).order_by("worker_id").values_list("pk", "worker_id"))
    _bank_accounts([worker for _pk, worker in candidates], rng)
    verified, steps = [], []
    for pk, _worker in candidates:
        draw = rng.random()
        if draw < 0.06:
            continue  # still waiting for matching
        if draw < 0.10:
            steps.append([Move(pk, S.REJECTED, reason=rng.choice(REJECT_REASONS), at=_when(dt.date(2025, 6, 5)))])
            continue
        verified.append(pk)
    for pk in verified:
        path = [Move(pk, S.VERIFIED, at=_when(dt.date(2025, 6, 5)))]
        batch = rng.choice(list(BATCH_DAYS))
        day = BATCH_DAYS[batch]
        draw = rng.random()
        if draw < 0.04:
            pass  # waiting for account validation
        elif draw < 0.10:
            problem = Move(pk, S.ACCOUNT_INVALID, channel="POS", reason=rng.choice(ACCOUNT_PROBLEMS), at=_when(day))
            path.append(problem)
            if draw < 0.07:  # paid at the post office in the next batch
                path += [
                    Move(pk, S.DETERMINED, batch=min(batch + 1, 4), channel="POS", at=_when(day + dt.timedelta(days=3))),
                    Move(pk, S.DISBURSED, reference=f"POS-{pk}", at=_when(day + dt.timedelta(days=12))),
                ]
        else:
            path.append(Move(pk, S.DETERMINED, batch=batch, channel=rng.choice(list(Bank)).value, at=_when(day)))
            if draw < 0.96 or batch < 4:
                path.append(Move(pk, S.DISBURSED, reference=f"TRX-{pk}", at=_when(day + dt.timedelta(days=4))))
            elif draw < 0.98:
                path.append(Move(pk, S.RETURNED, reason="Rekening dibekukan", at=_when(day + dt.timedelta(days=9))))
        steps.append(path)
    for step in range(max(len(path) for path in steps)):
        recipients_advance([path[step] for path in steps if len(path) > step])
    bsu_figures_refresh(programme)
    return counts


def _bank_accounts(worker_ids, rng):
    """An account for most candidates; a few numbers are shared by two NIKs (flagged in the admin)."""
    names = dict(Worker.objects.filter(pk__in=worker_ids).values_list("pk", "name"))
    accounts, previous = [], None
    for worker_id in worker_ids:
        if rng.random() < 0.05:
            continue
        number = previous if previous and rng.random() < 0.01 else str(rng.randrange(10**11, 10**12))
        accounts.append(
            BankAccount(
                worker_id=worker_id, bank=rng.choice(list(Bank)).value, account_number=number, account_name=names[worker_id]
            )
        )
        previous = number
    BankAccount.objects.bulk_create(accounts, batch_size=2000, ignore_conflicts=True)
