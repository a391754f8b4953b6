"""Account risk review before money is sent: signals per recipient, each explained in words (account shared
with another NIK, changed just before determination, holder name unlike the worker's, many NIKs of one
employer on one account, money returned from the account before), the review queue, and the review
decision: cleared by one person, rejected only by a proposer and a different confirmer. Thresholds are
programme data. Every step is written to the recipient's history."""

import datetime as dt
import unicodedata
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from subsidies.models import (
    POS,
    BankAccount,
    Payment,
    Recipient,
    RecipientStatus,
    RiskKind,
    RiskReview,
    RiskSignal,
    mask_account,
)
from subsidies.money import history_note

S = RecipientStatus
# Recipients a determination into their account is still ahead of: the scan looks at these (an invalid
# account is not paid into: those recipients are paid at Pos, in person).
AWAITING_DETERMINATION = (S.VERIFIED, S.RETURNED)
OPEN = Q(review__isnull=True) | Q(review__decision=RiskReview.Decision.REJECTED, review__confirmed_by__isnull=True)


def normalised_name(name):
    """Upper-case letters only, accents dropped, single spaces: "Siti  Rahma-wati" -> "SITI RAHMA WATI"."""
    decomposed = unicodedata.normalize("NFKD", (name or "").upper())
    letters = "".join(c if c.isalpha() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.split())


def name_similarity(first, second):
    """0..1: the better of the names as written and with their words sorted (a holder name written
    surname first is the same person)."""
    a, b = normalised_name(first), normalised_name(second)
    if not a or not b:
        return 0.0
    direct = SequenceMatcher(None, a, b).ratio()
    ordered = SequenceMatcher(None, " ".join(sorted(a.split())), " ".join(sorted(b.split()))).ratio()
    return max(direct, ordered)


def risk_findings(recipients, *, at):
    """{recipient id: [(kind, explanation)]} for recipients (with `programme` and `worker_id`) as of the
    moment `at` (the determination). A handful of queries whatever the number of recipients."""
    recipients = list(recipients)
    by_worker = {r.worker_id: r for r in recipients}
    accounts = {
        worker_id: rest
        for worker_id, *rest in BankAccount.objects.filter(worker_id__in=list(by_worker)).values_list(
            "worker_id",
            "pk",
            "bank",
            "account_number",
            "account_name",
            "worker__name",
            "worker__employer_id",
            "import_job__created_at",
        )
    }
    if not accounts:
        return {}
    numbers = {account[2] for account in accounts.values()}
    edited = dict(
        BankAccount.history.filter(id__in=[a[0] for a in accounts.values()], history_type__in=["+", "~"])
        .values_list("id")
        .annotate(last=Max("history_date"))
        .order_by()
    )
    holders = {}
    for number, worker_id, employer_id in BankAccount.objects.filter(account_number__in=numbers).values_list(
        "account_number", "worker_id", "worker__employer_id"
    ):
        holders.setdefault(number, []).append((worker_id, employer_id))
    returns = dict(
        Payment.objects.filter(outcome=S.RETURNED, recipient__worker__bank_account__account_number__in=numbers)
        .values_list("recipient__worker__bank_account__account_number")
        .annotate(n=Count("id"))
        .order_by()
    )
    found = {}
    for worker_id, (pk, bank, number, holder, worker_name, employer_id, imported_at) in accounts.items():
        recipient = by_worker[worker_id]
        programme = recipient.programme
        account = f"{bank} {mask_account(number)}"
        signals = found.setdefault(recipient.pk, [])
        others = [w for w, _e in holders.get(number, []) if w != worker_id]
        if others:
            signals.append(
                (
                    RiskKind.SHARED_ACCOUNT,
                    _("Rekening %(account)s juga terdaftar untuk %(n)d NIK lain.") % {"account": account, "n": len(others)},
                )
            )
        changed = max((d for d in (edited.get(pk), imported_at) if d is not None), default=None)
        window = dt.timedelta(days=programme.account_change_days)
        if changed is not None and at - window <= changed <= at:
            signals.append(
                (
                    RiskKind.ACCOUNT_CHANGED,
                    _("Rekening %(account)s diubah pada %(date)s, kurang dari %(days)d hari sebelum penetapan.")
                    % {
                        "account": account,
                        "date": date_format(timezone.localtime(changed), "j F Y"),
                        "days": programme.account_change_days,
                    },
                )
            )
        similarity = name_similarity(holder, worker_name)
        if holder and similarity < float(programme.name_similarity_threshold):
            signals.append(
                (
                    RiskKind.NAME_MISMATCH,
                    _(
                        "Nama pemilik rekening \u201c%(holder)s\u201d tidak mirip nama pekerja "
                        "(kemiripan %(score)d %%, batas %(limit)d %%)."
                    )
                    % {"holder": holder, "score": int(similarity * 100), "limit": int(programme.name_similarity_threshold * 100)},
                )
            )
        same_employer = [w for w, e in holders.get(number, []) if employer_id is not None and e == employer_id]
        if len(same_employer) >= programme.accounts_per_employer_limit:
            signals.append(
                (
                    RiskKind.EMPLOYER_ACCOUNT,
                    _("%(n)d NIK dari pemberi kerja yang sama memakai rekening %(account)s.")
                    % {"n": len(same_employer), "account": account},
                )
            )
        if (count := returns.get(number, 0)) >= programme.returns_per_account_limit:
            signals.append(
                (
                    RiskKind.REPEATED_RETURNS,
                    _("Dana sudah %(n)d kali kembali dari rekening %(account)s.") % {"n": count, "account": account},
                )
            )
    return {rid: signals for rid, signals in found.items() if signals}


def risk_signals_record(findings, *, at=None):
    """Stores findings not stored before (the same facts, once reviewed, are not raised again)."""
    at = at or timezone.now()
    rows = [
        RiskSignal(recipient_id=rid, kind=kind, explanation=explanation[:300], found_at=at)
        for rid, signals in findings.items()
        for kind, explanation in signals
    ]
    RiskSignal.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)


def determination_blocks(recipients, *, at):
    """{recipient id: [explanation]} of recipients that may not be determined at `at`: an open signal, or a
    finding no review has decided on (read only: the import checks its rows with it before writing)."""
    recipients = list(recipients)
    if not recipients:
        return {}
    findings = risk_findings(recipients, at=at)
    ids = [r.pk for r in recipients]
    decided = set(
        RiskSignal.objects.filter(recipient_id__in=ids).exclude(OPEN).values_list("recipient_id", "kind", "explanation")
    )
    blocks = {}
    for rid, signals in findings.items():
        for kind, explanation in signals:
            if (rid, kind, explanation[:300]) not in decided:
                blocks.setdefault(rid, []).append(explanation)
    for rid, explanations in open_signal_explanations(ids).items():
        for explanation in explanations:
            if explanation not in blocks.get(rid, []):
                blocks.setdefault(rid, []).append(explanation)
    return blocks


def open_signal_explanations(recipient_ids):
    """{recipient id: [explanation of each open signal]}."""
    found = {}
    for start in range(0, len(recipient_ids), 5000):
        chunk = recipient_ids[start : start + 5000]
        for rid, explanation in RiskSignal.objects.filter(OPEN, recipient_id__in=chunk).values_list(
            "recipient_id", "explanation"
        ):
            found.setdefault(rid, []).append(explanation)
    return found


def block_message(nik, explanations):
    return _("Penerima %(nik)s belum boleh ditetapkan: risiko rekening belum ditinjau (%(why)s).") % {
        "nik": nik,
        "why": "; ".join(explanations),
    }


def rejected_accounts(recipient_ids):
    """Recipients whose account a confirmed review rejected: they are paid through Pos only."""
    latest = {}
    for rid, decision in (
        RiskReview.objects.filter(recipient_id__in=list(recipient_ids))
        .filter(Q(decision=RiskReview.Decision.CLEARED) | Q(confirmed_by__isnull=False))
        .order_by("proposed_at", "pk")
        .values_list("recipient_id", "decision")
    ):
        latest[rid] = decision
    return {rid for rid, decision in latest.items() if decision == RiskReview.Decision.REJECTED}


def risk_scan(*, programme, at=None, chunk=5000):
    """Looks at every recipient of the programme a determination is still ahead of; stores new signals
    (they enter the review queue). Returns the number of recipients with a finding."""
    at = at or timezone.now()
    new, last = 0, 0
    pending = Recipient.objects.filter(programme=programme, status__in=AWAITING_DETERMINATION).select_related("programme")
    while True:
        recipients = list(pending.filter(pk__gt=last).order_by("pk")[:chunk])
        if not recipients:
            return new
        last = recipients[-1].pk
        with transaction.atomic():
            findings = risk_findings(recipients, at=at)
            risk_signals_record(findings, at=at)
            new += len(findings)


def _locked(recipient):
    """The recipient as stored now (locked), with its open signals."""
    recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
    return recipient, list(RiskSignal.objects.select_for_update(of=("self",)).filter(OPEN, recipient=recipient))


def _checked_note(note):
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Tuliskan catatan tinjauan: apa yang diperiksa dan hasilnya."))
    if "\x00" in note:
        raise ValidationError(_("Catatan berisi karakter yang tidak diizinkan."))
    return note[:300]


@transaction.atomic
def risk_review_clear(*, recipient, actor, note):
    """Clears the recipient's open signals: the recipient may be determined."""
    note = _checked_note(note)
    recipient, signals = _locked(recipient)
    if not signals:
        raise ValidationError(_("Penerima ini tidak punya sinyal risiko yang terbuka."))
    review = RiskReview.objects.create(recipient=recipient, decision=RiskReview.Decision.CLEARED, note=note, proposed_by=actor)
    RiskSignal.objects.filter(pk__in=[s.pk for s in signals]).update(review=review)
    history_note(recipient, actor, _("Tinjauan risiko rekening: aman (%(note)s)") % {"note": note})
    return review


@transaction.atomic
def risk_review_propose_rejection(*, recipient, actor, note):
    """Proposes rejecting the account; it takes effect when a different person confirms it."""
    note = _checked_note(note)
    recipient, signals = _locked(recipient)
    if not signals:
        raise ValidationError(_("Penerima ini tidak punya sinyal risiko yang terbuka."))
    if any(s.review_id for s in signals):
        raise ValidationError(_("Penolakan penerima ini sudah diusulkan dan menunggu konfirmasi orang lain."))
    review = RiskReview.objects.create(recipient=recipient, decision=RiskReview.Decision.REJECTED, note=note, proposed_by=actor)
    RiskSignal.objects.filter(pk__in=[s.pk for s in signals]).update(review=review)
    history_note(recipient, actor, _("Tinjauan risiko rekening: diusulkan ditolak (%(note)s)") % {"note": note})
    return review


@transaction.atomic
def risk_review_confirm_rejection(*, review, actor):
    """Confirms a proposed rejection: by someone other than the proposer. The account is not paid into:
    a verified recipient becomes ACCOUNT_INVALID (paid through Pos)."""
    from subsidies.services import Move, recipients_advance

    review = RiskReview.objects.select_for_update().select_related("recipient").get(pk=review.pk)
    if review.decision != RiskReview.Decision.REJECTED or review.confirmed_by_id is not None:
        raise ValidationError(_("Tinjauan ini sudah diputuskan."))
    if not review.signals.exists():
        raise ValidationError(_("Sinyal tinjauan ini sudah diputuskan orang lain; muat ulang halaman."))
    if actor.pk == review.proposed_by_id:
        raise ValidationError(_("Penolakan harus dikonfirmasi orang lain, bukan yang mengusulkannya."))
    review.confirmed_by, review.confirmed_at = actor, timezone.now()
    review.save(update_fields=["confirmed_by", "confirmed_at"])
    recipient = review.recipient
    reason = _("Rekening ditolak pada tinjauan risiko (diusulkan %(proposer)s, dikonfirmasi %(confirmer)s): %(note)s") % {
        "proposer": review.proposed_by,
        "confirmer": actor,
        "note": review.note,
    }
    if recipient.status == S.VERIFIED:
        recipients_advance([Move(recipient.pk, S.ACCOUNT_INVALID, channel=POS, reason=reason[:300])], actor=actor)
    else:
        history_note(recipient, actor, reason)
    return review


def risk_queue(recipients):
    """The review queue from scoped recipients: those with an open signal, with their signals."""
    open_signals = RiskSignal.objects.filter(OPEN).select_related("review__proposed_by").order_by("found_at", "pk")
    return (
        recipients.filter(pk__in=RiskSignal.objects.filter(OPEN).values("recipient_id"))
        .select_related("worker", "city", "programme")
        .prefetch_related(Prefetch("risk_signals", queryset=open_signals, to_attr="open_signals"))
        .order_by("status_since", "pk")
    )
