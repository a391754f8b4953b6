"""Import kind `bsu_results`: Kemnaker and bank results that move recipients along the pipeline."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config import parsing
from imports.kinds import Built, Column, Kind, choice, register
from participants.import_kinds import bounded_text, parse_nik
from participants.models import Worker
from subsidies.exclusions import ExclusionImportKind
from subsidies.models import POS, Bank, BankAccount, Programme, Recipient, RecipientStatus
from subsidies.money import channel_error, determination_channel, province_channels, redetermination_error
from subsidies.risk import block_message, determination_blocks, rejected_accounts
from subsidies.services import Move, recipients_advance, transition_error
from subsidies.tasks import refresh_bsu_figures, scan_account_risk

S = RecipientStatus
PAID_ON_ACCOUNT = (S.DETERMINED, S.DISBURSED, S.RETURNED, S.RETURNED_TO_TREASURY)
RESULT_STATUSES = [S.VERIFIED, S.REJECTED, S.ACCOUNT_INVALID, S.DETERMINED, S.DISBURSED, S.RETURNED, S.RETURNED_TO_TREASURY]
CHANNELS = ("BRI", "BNI", "MANDIRI", "BTN", "BSI", "POS")
# A result is a past event of a programme that began in 2020.
RESULT_DATE = parsing.date_between(dt.date(2020, 1, 1), parsing.today)


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
        Column("date", "tanggal", RESULT_DATE, field="at"),
    ]
    key_columns = ("programme", "nik")
    fields = ("recipient_id", "status", "batch", "channel", "reason", "reference", "at")
    key_label = "NIK"
    records_changes = False  # every move is a StatusChange audit row already

    def prepare(self, rows, context):
        programmes = {p.code: p for p in Programme.objects.filter(code__in={r["programme"] for r in rows})}
        niks = {r["nik"] for r in rows}
        recipients = Recipient.objects.filter(
            programme_id__in=[p.pk for p in programmes.values()], worker__nik__in=niks
        ).values_list(
            "programme__code", "worker__nik", "id", "status", "batch", "channel", "city__province_id", "city__province__name"
        )
        # Where each NIK's worker lives, screened or not: a NIK outside the scope gets the same answer either way.
        cities = (
            dict(Worker.objects.filter(nik__in=niks).values_list("nik", "city_id")) if context.allowed_cities is not None else {}
        )
        recipients = {(code, nik): rest for code, nik, *rest in recipients}
        return programmes, recipients, cities, self._determination_checks(rows, programmes, recipients)

    def _determination_checks(self, rows, programmes, recipients):
        """What a determination row needs to know: the bank per province, the accounts a review rejected,
        and the undecided risk signals of each recipient as of the row's date."""
        # Pos pays in person: only determinations paid into an account are checked against its risks
        determined = [
            r
            for r in rows
            if r["status"] == S.DETERMINED
            and (r["programme"], r["nik"]) in recipients
            and (r["channel"] or recipients[(r["programme"], r["nik"])][3]) != POS
        ]
        if not determined:
            return {}, set(), {}
        by_id = Recipient.objects.select_related("programme").in_bulk(
            [recipients[(r["programme"], r["nik"])][0] for r in determined]
        )
        by_day = {}
        for row in determined:
            recipient = by_id[recipients[(row["programme"], row["nik"])][0]]
            by_day.setdefault(_start_of_day(row["date"]) if row["date"] else timezone.now(), []).append(recipient)
        blocks = {}
        for moment, group in by_day.items():
            blocks.update(determination_blocks(group, at=moment))
        return province_channels(p.pk for p in programmes.values()), rejected_accounts(list(by_id)), blocks

    def build(self, v, lookups, context):
        programmes, recipients, cities, (banks, pos_only, blocks) = lookups
        errors, key = [], (v["programme"], v["nik"])
        if v["nik"] in cities and not self.owner_in_scope(cities[v["nik"]], context, errors, "nik"):
            return Built(key=key, errors=errors)
        if v["programme"] not in programmes:
            errors.append(("programme", _("Program %(code)s tidak dikenal.") % {"code": v["programme"]}))
            return Built(key=key, errors=errors)
        found = recipients.get(key)
        if found is None:
            errors.append(("nik", _("NIK ini belum disaring untuk program %(code)s.") % {"code": v["programme"]}))
            return Built(key=key, errors=errors)
        recipient_id, status, batch, channel, province, province_name = found
        programme = programmes[v["programme"]]
        if message := channel_error(programme, v["channel"]):
            errors.append(("channel", message))
        target_batch = v["batch"] or batch
        target_channel = v["channel"] or channel
        if v["status"] == S.DETERMINED:
            target_channel, message = determination_channel(
                target_channel, province_bank=banks.get((programme.pk, province)), province_name=province_name
            )
            if message:
                errors.append(("channel", message))
        same_step = status == v["status"] and batch == target_batch and channel == target_channel
        if not same_step and (message := transition_error(status, v["status"])):
            errors.append(("status", message))
        if v["status"] == S.DETERMINED and not target_batch:
            errors.append(("batch", _("Penetapan membutuhkan nomor batch.")))
        if v["status"] == S.DETERMINED and not same_step:
            if message := redetermination_error(status, batch, v["batch"]):
                errors.append(("batch", message))
            if recipient_id in pos_only and target_channel != POS:
                errors.append(("channel", _("Rekening penerima ini ditolak pada tinjauan risiko; salurkan lewat Pos.")))
            if why := blocks.get(recipient_id):
                errors.append(("status", block_message(v["nik"], why)))
        at = _start_of_day(v["date"]) if v["date"] else None
        record = (recipient_id, v["status"], target_batch, target_channel, v["reason"] or "", v["reference"] or "", at)
        return Built(key=key, record=record, errors=errors)

    def existing(self, keys, lookups):
        """Current state per (programme, NIK), from the recipients `prepare` read for the chunk."""
        _programmes, recipients, _cities, _checks = lookups
        # reason and reference belong to the change to be written, not to the recipient: stored as empty
        current = {}
        for key in keys:
            if (found := recipients.get(key)) is not None:
                pk, status, batch, channel, *_province = found
                current[key] = (pk, status, batch, channel, "", "", None)
        return current

    def unchanged(self, stored, record):
        return stored[:4] == record[:4]

    def canonical_query(self, present):
        return None

    def after_apply(self, job):
        if job.updated:
            refresh_bsu_figures.enqueue()
        if job.updated or job.rejected:
            scan_account_risk.enqueue()  # refused determinations' signals enter the review queue

    def write(self, records, context, *, new=False):
        moves = [
            Move(recipient_id, status, batch=batch, channel=channel, reason=reason, reference=reference, at=at)
            for recipient_id, status, batch, channel, reason, reference, at in records
        ]
        recipients_advance(moves, actor=context.job.created_by, job=context.job)


def parse_account_number(value):
    """Digits only (spaces, dots and dashes as people type them are dropped); a number a spreadsheet
    turned into 1.23E+12 is refused like a mangled NIK."""
    text = parsing.text(value)
    if text is None:
        return None
    if isinstance(value, float) or "E+" in text.upper():
        raise parsing.ParseError(_("Nomor rekening diubah spreadsheet menjadi angka; simpan kolom ini sebagai teks."))
    digits = text.replace(" ", "").replace("-", "").replace(".", "")
    if not digits.isdigit() or not 6 <= len(digits) <= 20:
        raise parsing.ParseError(_("Nomor rekening harus 6-20 angka."))
    return digits


class BankAccountKind(Kind):
    """One account per worker; an account number already used for another NIK is a warning (such
    accounts are paid through Pos Indonesia), not a rejection."""

    name = "bank_accounts"
    label = gettext_lazy("Rekening bank")
    model = BankAccount
    permission = "subsidies.add_bankaccount"
    columns = [
        Column("nik", "nik", parse_nik, required=True, repeats=False),
        Column("bank", "bank", choice({b.value: b.value for b in Bank}), required=True, field="bank"),
        Column("account_number", "nomor_rekening", parse_account_number, required=True, repeats=False, field="account_number"),
        Column("account_name", "nama_rekening", bounded_text(200, name=True), repeats=False, field="account_name"),
    ]
    key_columns = ("nik",)
    key_fields = ("worker_id",)
    fields = ("worker_id", "bank", "account_number", "account_name")
    trace_field = "import_job_id"
    key_label = "NIK"

    def prepare(self, rows, context):
        workers = {
            nik: (pk, city)
            for nik, pk, city in Worker.objects.filter(nik__in={r["nik"] for r in rows}).values_list("nik", "pk", "city_id")
        }
        owners = {}
        for number, nik in BankAccount.objects.filter(account_number__in={r["account_number"] for r in rows}).values_list(
            "account_number", "worker__nik"
        ):
            owners.setdefault(number, set()).add(nik)
        return workers, owners

    def build(self, v, lookups, context):
        workers, owners = lookups
        errors, warnings = [], []
        found = workers.get(v["nik"])
        if found is None:
            errors.append(("nik", _("NIK %(nik)s belum terdaftar sebagai pekerja.") % {"nik": v["nik"]}))
            return Built(key=None, errors=errors)
        worker_id, city = found
        if not self.owner_in_scope(city, context, errors, "nik"):
            return Built(key=None, errors=errors)
        others = owners.get(v["account_number"], set()) - {v["nik"]}
        if others:
            warnings.append(("account_number", _("Nomor rekening ini juga terdaftar untuk %(n)d NIK lain.") % {"n": len(others)}))
        record = (worker_id, v["bank"], v["account_number"], v["account_name"] or "")
        return Built(key=(worker_id,), record=record, errors=errors, warnings=warnings)

    def canonical_query(self, present):
        return None  # the file's key (NIK) is not the table's key (worker): every row is parsed

    def after_apply(self, job):
        if job.created or job.updated:
            scan_account_risk.enqueue()  # a new or changed account may need a review before determination

    def records_in_use(self, pks):
        """Accounts a subsidy was determined or paid on stay, whatever refers to them."""
        paid = Recipient.objects.filter(worker__bank_account__in=pks, status__in=PAID_ON_ACCOUNT)
        return super().records_in_use(pks) | set(paid.values_list("worker__bank_account", flat=True))


def _start_of_day(date):
    return timezone.make_aware(dt.datetime.combine(date, dt.time()))


register(BankAccountKind())
register(BsuResultKind())
register(ExclusionImportKind())
