"""Where BSU money goes after determination: channels (the programme's, and a bank per province), the
payment ledger one row per determination, Pos pickup and the return of uncollected money to the
treasury, re-determination only in a later batch, and recovery of money paid to an ineligible worker."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from subsidies.models import POS, Payment, ProvinceChannel, Recipient, RecipientStatus, StatusChange

S = RecipientStatus


def channel_error(programme, channel):
    """None when the programme pays through `channel` (or none is named), else the reason."""
    if not channel or channel in programme.channels.split():
        return None
    return _("Program %(code)s tidak menyalurkan lewat %(channel)s (kanal program: %(channels)s).") % {
        "code": programme.code,
        "channel": channel,
        "channels": ", ".join(programme.channels.split()),
    }


def province_channels(programme_ids):
    """{(programme id, province code): bank} for the given programmes (one query)."""
    rows = ProvinceChannel.objects.filter(programme_id__in=list(programme_ids)).values_list(
        "programme_id", "province_id", "channel"
    )
    return {(programme, province): channel for programme, province, channel in rows}


def determination_channel(channel, *, province_bank, province_name=""):
    """(channel to record, error or None) for a determination: a province paid through one bank gets that
    bank when none is named, and refuses another bank; Pos stays possible everywhere."""
    if not province_bank or channel == POS:
        return channel, None
    if channel and channel != province_bank:
        message = _("Penerima di %(province)s disalurkan melalui %(bank)s, bukan %(channel)s.") % {
            "province": province_name,
            "bank": province_bank,
            "channel": channel,
        }
        return channel, message
    return province_bank, None


def redetermination_error(status, batch, new_batch):
    """A returned payment is determined again only in a later batch than the one it came back from."""
    if status == S.RETURNED and batch and new_batch and new_batch <= batch:
        return _(
            "Dana penerima ini kembali dari batch %(batch)s; penetapan ulang hanya pada batch sesudahnya, bukan batch %(new)s."
        ) % {
            "batch": batch,
            "new": new_batch,
        }
    return None


def payments_write(steps):
    """The ledger rows of applied steps [(recipient after the step, to_status, amount, at, channel, batch)]:
    a determination opens a payment; a disbursement, return or return to the treasury closes the
    recipient's latest payment with what was reported (channel, batch, amount)."""
    closing = [step for step in steps if step[1] in (S.DISBURSED, S.RETURNED, S.RETURNED_TO_TREASURY)]
    latest = {}
    if closing:
        ids = [step[0].pk for step in closing]
        for payment in Payment.objects.filter(recipient_id__in=ids).order_by("recipient_id", "determined_at", "pk"):
            latest[payment.recipient_id] = payment
    new, closed = [], []
    for recipient, to_status, amount, at, channel, batch in steps:
        if to_status == S.DETERMINED:
            new.append(
                Payment(
                    recipient=recipient,
                    programme_id=recipient.programme_id,
                    city_id=recipient.city_id,
                    batch=batch,
                    channel=channel,
                    amount=amount,
                    determined_at=at,
                )
            )
        elif (payment := latest.get(recipient.pk)) is not None:
            payment.outcome, payment.outcome_channel, payment.outcome_batch = to_status, channel, batch
            payment.outcome_amount, payment.outcome_at = amount, at
            closed.append(payment)
    Payment.objects.bulk_create(new, batch_size=2000)
    Payment.objects.bulk_update(
        closed, ["outcome", "outcome_channel", "outcome_batch", "outcome_amount", "outcome_at"], batch_size=2000
    )


def pickup_deadline_text(programme):
    if programme.pos_pickup_deadline is None:
        return ""
    return date_format(programme.pos_pickup_deadline, "j F Y")


def uncollected_at_pos(programme):
    """Recipients determined through Pos who have not collected their money."""
    return Recipient.objects.filter(programme=programme, status=S.DETERMINED, channel=POS)


def pos_pickup_expire(*, programme, actor=None, today=None):
    """After the programme's pickup deadline, every recipient still waiting at Pos moves to
    RETURNED_TO_TREASURY with the amount (each with its status change); returns how many moved."""
    from subsidies.figures import bsu_figures_refresh
    from subsidies.services import Move, recipients_advance  # the pipeline service uses this module's rules

    deadline = programme.pos_pickup_deadline
    today = today or timezone.localdate()
    if deadline is None or today <= deadline:
        return 0
    reason = _("Tidak diambil di kantor pos sampai %(deadline)s; dikembalikan ke kas negara.") % {
        "deadline": pickup_deadline_text(programme)
    }
    moved = 0
    ids = list(uncollected_at_pos(programme).values_list("pk", flat=True))
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        recipients_advance([Move(pk, S.RETURNED_TO_TREASURY, reason=reason, expected=S.DETERMINED) for pk in chunk], actor=actor)
        moved += len(chunk)
    if moved:
        bsu_figures_refresh(programme)  # the dashboards count them returned
    return moved


@transaction.atomic
def payment_recovery_mark(*, payment, amount_owed, reason, actor):
    """Marks a disbursement to a worker later found ineligible as owed back to the treasury. The
    recipient's status stays (the pipeline is not reopened); the step is in the recipient's history."""
    payment = Payment.objects.select_for_update().select_related("recipient").get(pk=payment.pk)
    if payment.outcome != S.DISBURSED:
        raise ValidationError(_("Hanya dana yang sudah tersalurkan yang dapat ditagih kembali."))
    if not reason or not reason.strip():
        raise ValidationError(_("Tuliskan alasan penagihan (mis. ternyata ASN)."))
    if amount_owed is None or not 0 < amount_owed <= (payment.outcome_amount or 0):
        raise ValidationError(
            _("Jumlah yang ditagih harus lebih dari Rp0 dan paling banyak jumlah yang disalurkan (Rp%(paid)s).")
            % {"paid": f"{payment.outcome_amount or 0:,}".replace(",", ".")}
        )
    if amount_owed < payment.recovered:
        raise ValidationError(_("Jumlah yang ditagih tidak boleh kurang dari yang sudah dikembalikan."))
    payment.recovery_owed, payment.recovery_reason = amount_owed, reason.strip()[:300]
    payment.save(update_fields=["recovery_owed", "recovery_reason"])
    history_note(
        payment.recipient,
        actor,
        _("Ditagih kembali ke kas negara: %(reason)s") % {"reason": payment.recovery_reason},
        amount_owed,
    )
    return payment


@transaction.atomic
def payment_recovery_record(*, payment, amount, on, actor, reference=""):
    """Records money recovered from the worker (added to what came back before, never above what is owed)."""
    payment = Payment.objects.select_for_update().select_related("recipient").get(pk=payment.pk)
    if payment.recovery_owed is None:
        raise ValidationError(_("Penyaluran ini belum ditandai untuk ditagih kembali."))
    if amount is None or amount <= 0 or payment.recovered + amount > payment.recovery_owed:
        raise ValidationError(
            _("Jumlah pengembalian harus lebih dari Rp0 dan paling banyak sisa tagihan (Rp%(left)s).")
            % {"left": f"{payment.recovery_owed - payment.recovered:,}".replace(",", ".")}
        )
    if on > timezone.localdate():
        raise ValidationError(_("Tanggal pengembalian tidak boleh di masa depan."))
    payment.recovered += amount
    payment.recovered_on = on
    payment.save(update_fields=["recovered", "recovered_on"])
    history_note(payment.recipient, actor, _("Pengembalian dana diterima kas negara."), amount, reference=reference, at=on)
    return payment


def history_note(recipient, actor, reason, amount=None, *, reference="", at=None):
    """A step that changes no status still goes into the recipient's history (the audit trail and the NIK
    timeline): a row from the current status to itself."""
    when = timezone.make_aware(dt.datetime.combine(at, dt.time(12))) if isinstance(at, dt.date) else timezone.now()
    StatusChange.objects.create(
        recipient=recipient,
        from_status=recipient.status,
        to_status=recipient.status,
        at=when,
        actor=actor,
        reason=reason[:300],
        reference=reference[:100],
        amount=amount,
    )
