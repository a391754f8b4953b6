"""Writes of the BSU pipeline: screening and status transitions, each with its audit rows."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import Worker
from subsidies.models import SCREENING_STATUSES, Recipient, RecipientStatus, StatusChange
from subsidies.screening import caps_by_city, evaluate, failed_rules

S = RecipientStatus
# The pipeline (DOMAIN.md): matching, account validation, determination in a batch, disbursement.
# A returned payment may be determined again in a later batch; a disbursement is final.
ALLOWED = {
    S.CANDIDATE: {S.VERIFIED, S.REJECTED},
    S.VERIFIED: {S.ACCOUNT_INVALID, S.DETERMINED, S.REJECTED},
    S.ACCOUNT_INVALID: {S.DETERMINED, S.REJECTED},
    S.DETERMINED: {S.DISBURSED, S.RETURNED},
    S.RETURNED: {S.DETERMINED},
}
SCREEN_CHUNK = 10_000


def transition_error(current, to_status):
    """None when current -> to_status follows the pipeline, else the reason naming the current status."""
    if to_status in ALLOWED.get(current, set()):
        return None
    return _("Status sekarang %(current)s; tidak bisa langsung menjadi %(target)s.") % {
        "current": S(current).label,
        "target": S(to_status).label,
    }


@transaction.atomic
def recipient_transition(*, recipient, to_status, actor=None, job=None, reason="", reference="", batch=None, channel=""):
    """Moves a recipient one step along the pipeline and records the change; refuses anything else."""
    locked = Recipient.objects.select_for_update().select_related("programme").get(pk=recipient.pk)
    error = transition_error(locked.status, to_status)
    if error:
        raise ValidationError(error, code="invalid_transition")
    if to_status == S.DETERMINED and not batch:
        raise ValidationError(_("Penetapan membutuhkan nomor batch."), code="batch_required")
    change = StatusChange(
        recipient=locked,
        from_status=locked.status,
        to_status=to_status,
        actor=actor,
        import_job=job,
        reason=reason,
        reference=reference,
        amount=locked.programme.amount_total if to_status in (S.DISBURSED, S.RETURNED) else None,
    )
    locked.status = to_status
    locked.status_since = timezone.now()
    if batch:
        locked.batch = batch
    if channel:
        locked.channel = channel
    locked.save(update_fields=["status", "status_since", "batch", "channel"])
    change.save()
    return locked


def bsu_screen(*, programme, cutoff=None, actor=None):
    """Screens every worker; returns counts. Recipients further along the pipeline are left alone."""
    caps = caps_by_city(programme, Worker.objects.values_list("city_id", flat=True).distinct())
    counts = dict.fromkeys(("screened", "candidates", "screened_out", "kept"), 0)
    last_id = 0
    fields = ("id", "nik", "segment", "city_id", "wage", "member_since", "member_until")
    while True:
        workers = list(Worker.objects.filter(id__gt=last_id).order_by("id").values_list(*fields)[:SCREEN_CHUNK])
        if not workers:
            return counts
        last_id = workers[-1][0]
        _screen_chunk(programme, workers, caps, cutoff, actor, counts)


@transaction.atomic
def _screen_chunk(programme, workers, caps, cutoff, actor, counts):
    current = {
        worker_id: (pk, status, failed, since)
        for pk, worker_id, status, failed, since in Recipient.objects.filter(
            programme=programme, worker_id__in=[w[0] for w in workers]
        ).values_list("pk", "worker_id", "status", "failed_rules", "status_since")
    }
    now = timezone.now()
    new, changed, changes = [], [], []
    for worker_id, nik, segment, city_id, wage, since, until in workers:
        outcomes = evaluate(
            programme,
            nik=nik,
            segment=segment,
            wage=wage,
            member_since=since,
            member_until=until,
            cap=caps[city_id],
            cutoff=cutoff,
        )
        failed = failed_rules(outcomes)
        status = S.SCREENED_OUT if failed else S.CANDIDATE
        pk, old_status, old_failed, old_since = current.get(worker_id, (None, None, None, None))
        if pk is not None and old_status not in SCREENING_STATUSES:
            counts["kept"] += 1
            continue
        counts["screened"] += 1
        counts["candidates" if status == S.CANDIDATE else "screened_out"] += 1
        if pk is None:
            new.append(Recipient(programme=programme, worker_id=worker_id, status=status, status_since=now, failed_rules=failed))
        elif old_status != status or old_failed != failed:
            since = now if old_status != status else old_since
            recipient = Recipient(pk=pk, status=status, failed_rules=failed, status_since=since)
            changed.append((recipient, old_status))
    Recipient.objects.bulk_create(new, batch_size=2000)
    for recipient, old_status in changed:
        if old_status != recipient.status:
            changes.append(
                StatusChange(
                    recipient=recipient,
                    from_status=old_status,
                    to_status=recipient.status,
                    actor=actor,
                    reason=_("penyaringan ulang"),
                )
            )
    Recipient.objects.bulk_update([r for r, _old in changed], ["status", "status_since", "failed_rules"], batch_size=2000)
    changes += [StatusChange(recipient=r, from_status="", to_status=r.status, actor=actor, reason=_("penyaringan")) for r in new]
    StatusChange.objects.bulk_create(changes, batch_size=2000)
