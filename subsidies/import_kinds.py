"""Import kind `bsu_results`: Kemnaker and bank results that move recipients along the pipeline."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config import parsing
from imports.kinds import Built, Column, Kind, choice, register
from participants.import_kinds import parse_nik
from subsidies.models import Programme, Recipient, RecipientStatus
from subsidies.services import recipient_transition, transition_error

S = RecipientStatus
RESULT_STATUSES = [S.VERIFIED, S.REJECTED, S.ACCOUNT_INVALID, S.DETERMINED, S.DISBURSED, S.RETURNED]
CHANNELS = ("BRI", "BNI", "MANDIRI", "BTN", "BSI", "POS")


class BsuResultKind(Kind):
    """A row is unchanged when the recipient already has that status, batch and channel (a reason or
    reference alone changes nothing); otherwise it must be the next step of the pipeline."""

    name = "bsu_results"
    label = gettext_lazy("Hasil BSU")
    model = Recipient
    permission = "subsidies.change_recipient"
    columns = [
        Column("programme", "program", parsing.text, required=True),
        Column("nik", "nik", parse_nik, required=True, repeats=False),
        Column("status", "status", choice({s.value: s.value for s in RESULT_STATUSES}), required=True, field="status"),
        Column("batch", "tahap", parsing.integer, aliases=("batch",), field="batch"),
        Column("channel", "kanal", choice({c: c for c in CHANNELS}), field="channel"),
        Column("reason", "alasan", parsing.text, repeats=False, field="reason"),
        Column("reference", "referensi", parsing.text, repeats=False, field="reference"),
        Column("date", "tanggal", parsing.date),
    ]
    key_columns = ("programme", "nik")
    fields = ("recipient_id", "status", "batch", "channel", "reason", "reference")

    def prepare(self, rows, context):
        programmes = dict(Programme.objects.filter(code__in={r["programme"] for r in rows}).values_list("code", "id"))
        recipients = Recipient.objects.filter(
            programme_id__in=programmes.values(), worker__nik__in={r["nik"] for r in rows}
        ).values_list("programme__code", "worker__nik", "id", "status", "batch", "channel", "worker__city_id")
        return programmes, {(code, nik): rest for code, nik, *rest in recipients}

    def build(self, v, lookups, context):
        programmes, recipients = lookups
        errors, key = [], (v["programme"], v["nik"])
        if v["programme"] not in programmes:
            errors.append(("programme", _("Program %(code)s tidak dikenal.") % {"code": v["programme"]}))
            return Built(key=key, errors=errors)
        found = recipients.get(key)
        if found is None:
            errors.append(("nik", _("NIK ini belum disaring untuk program %(code)s.") % {"code": v["programme"]}))
            return Built(key=key, errors=errors)
        recipient_id, status, batch, channel, city = found
        if self.check_city(city, context, errors, column="nik") is None:
            return Built(key=key, errors=errors)
        target_batch = v["batch"] or batch
        target_channel = v["channel"] or channel
        same_step = status == v["status"] and batch == target_batch and channel == target_channel
        if not same_step and (message := transition_error(status, v["status"])):
            errors.append(("status", message))
        if v["status"] == S.DETERMINED and not target_batch:
            errors.append(("batch", _("Penetapan membutuhkan nomor batch.")))
        record = (recipient_id, v["status"], target_batch, target_channel, v["reason"] or "", v["reference"] or "")
        return Built(key=key, record=record, errors=errors)

    def existing(self, keys):
        """Current state per (programme, NIK)."""
        rows = Recipient.objects.filter(
            programme__code__in={k[0] for k in keys}, worker__nik__in={k[1] for k in keys}
        ).values_list("programme__code", "worker__nik", "id", "status", "batch", "channel")
        wanted = set(keys)
        # reason and reference belong to the change to be written, not to the recipient: stored as empty
        return {
            (code, nik): (pk, status, batch, channel, "", "")
            for code, nik, pk, status, batch, channel in rows
            if (code, nik) in wanted
        }

    def unchanged(self, stored, record):
        return stored[:4] == record[:4]

    def canonical_query(self, present):
        return None

    def write(self, records, context, *, new=False):
        actor = context.job.created_by
        for recipient_id, status, batch, channel, reason, reference in records:
            recipient_transition(
                recipient=Recipient(pk=recipient_id),
                to_status=status,
                actor=actor,
                job=context.job,
                reason=reason,
                reference=reference,
                batch=batch,
                channel=channel,
            )


register(BsuResultKind())
