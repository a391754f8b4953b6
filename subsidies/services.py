"""Writes of the BSU pipeline: screening and status transitions, each with its audit rows."""

import datetime as dt
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.bulk import FreshStatistics, bulk_insert, large_writes
from config.pagecache import figures_changed
from regions.models import City
from subsidies.exclusions import ProgrammeExclusions
from subsidies.figures import bsu_figures_refresh
from subsidies.models import POS, SCREENING_STATUSES, Recipient, RecipientStatus, ScreeningChange, ScreeningRun, StatusChange
from subsidies.money import channel_error, determination_channel, payments_write, province_channels, redetermination_error
from subsidies.risk import block_message, open_signal_explanations, rejected_accounts, risk_findings, risk_signals_record
from subsidies.screening import RuleMessages, caps_by_city, failed_codes

S = RecipientStatus
# The pipeline (DOMAIN.md): matching, account validation, determination in a batch, disbursement.
# A returned payment may be determined again in a later batch; a disbursement and a return to the treasury
# are final.
ALLOWED = {
    S.CANDIDATE: {S.VERIFIED, S.REJECTED},
    S.VERIFIED: {S.ACCOUNT_INVALID, S.DETERMINED, S.REJECTED},
    S.ACCOUNT_INVALID: {S.DETERMINED, S.REJECTED},
    S.DETERMINED: {S.DISBURSED, S.RETURNED, S.RETURNED_TO_TREASURY},
    S.RETURNED: {S.DETERMINED, S.RETURNED_TO_TREASURY},
}
# Steps whose audit row carries the programme's amount: money paid, returned or back in the treasury.
WITH_AMOUNT = (S.DISBURSED, S.RETURNED, S.RETURNED_TO_TREASURY)
SCREEN_CHUNK = 20_000


def transition_error(current, to_status):
    """None when current -> to_status follows the pipeline, else the reason naming the current status."""
    if to_status in ALLOWED.get(current, set()):
        return None
    return _("Status sekarang %(current)s; tidak bisa langsung menjadi %(target)s.") % {
        "current": S(current).label,
        "target": S(to_status).label,
    }


@dataclass(frozen=True)
class Move:
    """One step of one recipient. `expected` is the status the person deciding saw: when someone else
    moved the recipient meanwhile, the step is refused instead of silently applied on top."""

    recipient_id: int
    to_status: str
    batch: int | None = None
    channel: str = ""
    reason: str = ""
    reference: str = ""
    expected: str | None = None
    at: dt.datetime | None = None  # when it happened, if not now (e.g. the date on a bank report)


def recipients_advance(moves, *, actor=None, job=None, at=None):
    """Moves recipients along the pipeline and records each change, all or none: any step that does not
    follow the pipeline (or whose recipient changed meanwhile) raises ValidationError naming it. A
    determination also follows the programme's channels and the account risk review: a recipient with an
    undecided risk signal is refused (the signal is kept for the review queue)."""
    moves = list(moves)
    at = at or timezone.now()
    # Only money sent to an account needs its account reviewed: Pos pays in person against the e-KTP.
    determined = [move for move in moves if move.to_status == S.DETERMINED and move.channel != POS]
    if determined:
        found = Recipient.objects.select_related("programme").in_bulk([m.recipient_id for m in determined])
        by_moment = {}
        for move in determined:
            recipient = found.get(move.recipient_id)
            if recipient is not None and (move.channel or recipient.channel) != POS:
                by_moment.setdefault(move.at or at, []).append(recipient)
        for moment, recipients in by_moment.items():  # kept even when the steps below are refused
            risk_signals_record(risk_findings(recipients, at=moment), at=at)
    advanced = _advance(moves, actor=actor, job=job, at=at)
    figures_changed()  # written in bulk, past the models' signals: the cached pages are rendered again
    return advanced


@transaction.atomic
def _advance(moves, *, actor, job, at):
    ids = [move.recipient_id for move in moves]
    locked = Recipient.objects.select_for_update().select_related("programme", "worker", "city__province")
    current = {r.pk: r for chunk in _chunks(ids) for r in locked.filter(pk__in=chunk)}
    programmes = {r.programme_id for r in current.values()}
    banks = province_channels(programmes) if any(m.to_status == S.DETERMINED for m in moves) else {}
    determining = [m.recipient_id for m in moves if m.to_status == S.DETERMINED]
    blocks = open_signal_explanations(determining)
    pos_only = rejected_accounts(determining)
    changes, errors, steps = [], [], []
    for move in moves:
        recipient = current[move.recipient_id]
        nik = recipient.worker.nik
        if move.expected and recipient.status != move.expected:
            errors.append(
                _("Status penerima %(nik)s sudah diubah orang lain menjadi %(current)s; muat ulang halaman.")
                % {"nik": nik, "current": S(recipient.status).label}
            )
            continue
        if error := transition_error(recipient.status, move.to_status):
            errors.append(error)
            continue
        channel = move.channel or recipient.channel
        if error := channel_error(recipient.programme, move.channel):
            errors.append(error)
            continue
        if move.to_status == S.DETERMINED:
            if not move.batch:
                errors.append(_("Penetapan membutuhkan nomor batch."))
                continue
            if error := redetermination_error(recipient.status, recipient.batch, move.batch):
                errors.append(error)
                continue
            province_bank = banks.get((recipient.programme_id, recipient.city.province_id))
            channel, error = determination_channel(
                channel, province_bank=province_bank, province_name=recipient.city.province.name
            )
            if error:
                errors.append(error)
                continue
            if recipient.pk in pos_only and channel != POS:
                errors.append(_("Rekening penerima %(nik)s ditolak pada tinjauan risiko; salurkan lewat Pos.") % {"nik": nik})
                continue
            if why := blocks.get(recipient.pk):
                errors.append(block_message(nik, why))
                continue
        when = move.at or at
        amount = recipient.programme.amount_total if move.to_status in WITH_AMOUNT else None
        changes.append(
            StatusChange(
                recipient=recipient,
                from_status=recipient.status,
                to_status=move.to_status,
                at=when,
                actor=actor,
                import_job=job,
                reason=move.reason,
                reference=move.reference,
                amount=amount,
            )
        )
        recipient.status = move.to_status
        recipient.status_since = when
        recipient.batch = move.batch or recipient.batch
        recipient.channel = channel
        steps.append((recipient, move.to_status, recipient.programme.amount_total, when, channel, recipient.batch))
    if errors:
        raise ValidationError(errors, code="invalid_transition")
    Recipient.objects.bulk_update(current.values(), ["status", "status_since", "batch", "channel"], batch_size=2000)
    StatusChange.objects.bulk_create(changes, batch_size=2000)
    payments_write(steps)
    return list(current.values())


def recipient_transition(*, recipient, to_status, actor=None, job=None, expected=None, **step):
    """One recipient one step along the pipeline (see `recipients_advance`)."""
    (moved,) = recipients_advance([Move(recipient.pk, to_status, expected=expected, **step)], actor=actor, job=job)
    return moved


def _chunks(values, size=5000):
    for start in range(0, len(values), size):
        yield values[start : start + size]


@translation.override(settings.LANGUAGE_CODE)
def bsu_screen(*, programme, cutoff=None, actor=None, at=None):
    """Screens every worker; returns counts. Recipients further along the pipeline are left alone.
    The failed-rule messages and reasons it stores are in Bahasa Indonesia, whoever started it.
    `at` dates the screening (default now). Chunks of workers in id order, each in one transaction:
    new recipients and their first status change are written in bulk (COPY on PostgreSQL).
    Each run is recorded (ScreeningRun) with the workers who entered or left the candidate set since the
    previous one (ScreeningChange); the first screening of a programme has no previous one to differ from."""
    caps = caps_by_city(programme, City.objects.values_list("code", flat=True))
    counts = dict.fromkeys(("screened", "candidates", "screened_out", "kept", "entered", "left"), 0)
    cutoff = cutoff or programme.membership_cutoff
    at = at or timezone.now()
    exclusions = ProgrammeExclusions(programme, cutoff)
    first = not Recipient.objects.filter(programme=programme).exists()
    run = ScreeningRun.objects.create(programme=programme, at=at, cutoff=cutoff, actor=actor)
    messages = RuleMessages(programme, cutoff, exclusions)
    screening = Screening(programme, cutoff, caps, actor, at, counts, messages, exclusions, run, first)
    statistics = FreshStatistics(Recipient)
    with large_writes(), exclusions.matching():
        last_id = 0
        while True:
            with connection.cursor() as cursor:  # plain rows: the ORM's per-row conversion costs seconds per million
                cursor.execute(WORKERS_AFTER, [last_id, SCREEN_CHUNK])
                workers = cursor.fetchall()
            if not workers:
                break
            last_id = workers[-1][0]
            statistics.written(screening.chunk(workers))
    statistics.finish()
    run_counts = {key: counts[key] for key in ("screened", "candidates", "screened_out", "entered", "left")}
    ScreeningRun.objects.filter(pk=run.pk).update(finished=True, **run_counts)
    bsu_figures_refresh(programme)
    return counts


# The employer's regency/city is the workplace whose minimum wage sets the cap (DOMAIN.md).
WORKERS_AFTER = (
    "SELECT w.id, w.nik, w.segment, w.city_id, w.wage, w.member_since, w.member_until, e.city_id "
    "FROM participants_worker w LEFT JOIN participants_employer e ON e.id = w.employer_id "
    "WHERE w.id > %s ORDER BY w.id LIMIT %s"
)


@dataclass
class Screening:
    programme: object
    cutoff: dt.date
    caps: dict
    actor: object
    now: dt.datetime
    counts: dict
    messages: RuleMessages
    exclusions: ProgrammeExclusions
    run: ScreeningRun
    first: bool  # the programme's first screening: nobody enters or leaves

    @transaction.atomic
    def chunk(self, workers):
        programme, cutoff, caps, now, counts = self.programme, self.cutoff, self.caps, self.now, self.counts
        programme_id = programme.pk
        outcome = self.messages.outcome
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # A crash loses at most the last chunks; screening again redoes them (it is idempotent).
                cursor.execute("SET LOCAL synchronous_commit = off")
        current = {
            worker_id: rest
            for worker_id, *rest in Recipient.objects.filter(
                programme=programme, worker_id__gte=workers[0][0], worker_id__lte=workers[-1][0]
            ).values_list("worker_id", "pk", "status", "failed_rules", "status_since", "city_id", "wage_cap", "wage_cap_region")
        }
        listed = self.exclusions.hits(workers[0][0], workers[-1][0])
        new, changed, changes, moved = [], [], [], []
        for worker_id, nik, segment, city_id, wage, since, until, workplace in workers:
            cap, region = caps[workplace or city_id]
            codes = failed_codes(programme, nik, segment, wage, since, until, cap, cutoff, listed.get(worker_id, ()))
            failed, failed_json = outcome(codes, nik=nik, segment=segment, wage=wage, cap=cap) if codes else NO_FAILURES
            status = S.SCREENED_OUT if codes else S.CANDIDATE
            stored = current.get(worker_id)
            if stored is not None and stored[1] not in SCREENING_STATUSES:
                counts["kept"] += 1
                continue
            counts["screened"] += 1
            counts["screened_out" if codes else "candidates"] += 1
            if stored is None:
                new.append((programme_id, worker_id, city_id, status.value, now, failed_json, "", cap, region))
                if not self.first and not codes:
                    moved.append((self.run.pk, worker_id, True, "[]"))
                continue
            pk, old_status, old_failed, old_since, old_city, old_cap, old_region = stored
            if (old_status, old_failed, old_city, old_cap, old_region) != (status, failed, city_id, cap, region):
                since = now if old_status != status else old_since
                changed.append((programme_id, worker_id, city_id, status.value, since, failed_json, "", cap, region))
                if old_status != status:
                    entered = status == S.CANDIDATE
                    moved.append((self.run.pk, worker_id, entered, json.dumps(old_failed) if entered else failed_json))
                    changes.append(
                        StatusChange(
                            recipient_id=pk,
                            from_status=old_status,
                            to_status=status,
                            at=now,
                            actor=self.actor,
                            reason=_("penyaringan ulang"),
                        )
                    )
        if new:
            before = Recipient.objects.aggregate(last=Max("pk"))["last"] or 0
            bulk_insert(Recipient, RECIPIENT_FIELDS, new)
            self._first_changes(before, workers[0][0], workers[-1][0])
        if changed:
            bulk_insert(Recipient, RECIPIENT_FIELDS, changed, conflict=("programme", "worker"))
            StatusChange.objects.bulk_create(changes)
        if moved:
            bulk_insert(ScreeningChange, ("run_id", "worker_id", "entered", "rules"), moved)
            entered = sum(1 for row in moved if row[2])
            counts["entered"] += entered
            counts["left"] += len(moved) - entered
        return len(new)

    def _first_changes(self, before, first_id, last_id):
        """The first status change of each recipient this chunk created (workers first_id..last_id, ids
        above `before`), written by the database from the recipients: a range, not a list of 20,000 ids."""
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO subsidies_statuschange (recipient_id, from_status, to_status, at, actor_id, reason, reference) "
                "SELECT r.id, '', r.status, %s, %s, %s, '' FROM subsidies_recipient r "
                "WHERE r.id > %s AND r.programme_id = %s AND r.worker_id BETWEEN %s AND %s",
                [self.now, self.actor.pk if self.actor else None, _("penyaringan"), before, self.programme.pk, first_id, last_id],
            )


NO_FAILURES = ([], "[]")
RECIPIENT_FIELDS = (
    "programme_id",
    "worker_id",
    "city_id",
    "status",
    "status_since",
    "failed_rules",
    "channel",
    "wage_cap",
    "wage_cap_region",
)
