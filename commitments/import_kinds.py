"""Import kind `commitments`: Pemda commitments (INTERFACES.md), natural key `code`."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commitments.models import (
    DEFAULT_BPU_CONTRIBUTION,
    Commitment,
    CommitmentKind,
    ContributionRate,
    TargetGroup,
    validate_code,
)
from config import parsing
from config.formatting import format_rupiah
from config.parsing import ParseError
from imports.kinds import Built, Column, Kind, choice, register
from participants.import_kinds import bounded_text
from regions.import_kinds import non_negative, year


def parse_code(value):
    """A commitment code, upper-cased (`skw-apbd-2026` is `SKW-APBD-2026`)."""
    text = parsing.text(value)
    if text is None:
        return None
    code = text.upper()
    try:
        validate_code(code)
    except ValidationError as error:
        raise ParseError(" ".join(error.messages)) from error
    return code


def parse_amount(value):
    amount = parsing.rupiah(value)
    if amount is not None and amount < 0:
        raise ParseError(_("Jumlah rupiah tidak boleh negatif."))
    return amount


def parse_months(value):
    number = parsing.integer(value)
    if number is not None and not 1 <= number <= 12:
        raise ParseError(_("Jumlah bulan antara 1 dan 12."))
    return number


class DataChoice:
    """A column whose values are rows of a small table edited in the admin (commitment kinds, target groups):
    the cell as written, matched by code or name in `prepare`. The upload page lists the codes."""

    def __init__(self, model):
        self.model = model
        self.parse = bounded_text(100)

    def __call__(self, value):
        return self.parse(value)

    @property
    def choices(self):
        return tuple(self.model.objects.values_list("code", flat=True))


def by_code_or_name(model):
    """{code or name, lower-cased: pk} of a small table."""
    found = {}
    for pk, code, name in model.objects.values_list("pk", "code", "name"):
        found[name.lower()] = pk
        found[code.lower()] = pk  # a code wins over another row's name
    return found


STATUS = choice(
    {**{value: value for value in Commitment.Status.values}, **{str(label): value for value, label in Commitment.Status.choices}}
)


class CommitmentImportKind(Kind):
    """Scope: a regency/city's commitment is written by the staff who see that regency/city (`scope_field` is
    its city, so the pipeline refuses a stored code of another region with the neutral message). A province's
    commitment has no city: the pipeline's check refuses a stored one to every scoped uploader, and `build`
    refuses a new one likewise, because a province spans regencies/cities of several branches (and kanwils) and
    no scoped role owns all of it. Admins import them; the province's staff read them
    (commitments.selectors.may_write says the same for the admin form)."""

    name = "commitments"
    label = gettext_lazy("Komitmen Pemda")
    model = Commitment
    permission = "commitments.add_commitment"
    columns = [
        Column("code", "kode", parse_code, required=True, aliases=("kode_komitmen",), field="code"),
        Column(
            "pemda_code",
            "kode_pemda",
            parsing.text,
            required=True,
            aliases=("kode_wilayah",),
            help=gettext_lazy("kode provinsi (61) atau kabupaten/kota (61.72)"),
            field="city_id",
            fills=("province_id",),
        ),
        Column("kind", "jenis", DataChoice(CommitmentKind), required=True, field="kind_id", canonical="kind__code"),
        Column("year", "tahun", year, required=True, field="year"),
        Column(
            "target_group",
            "kelompok_sasaran",
            DataChoice(TargetGroup),
            aliases=("sasaran",),
            field="target_group_id",
            canonical="target_group__code",
        ),
        Column("promised_workers", "jumlah_pekerja", non_negative, aliases=("target_pekerja",), field="promised_workers"),
        Column("budget", "anggaran", parse_amount, help=gettext_lazy("rupiah"), field="budget"),
        Column(
            "contribution_per_month",
            "iuran_per_bulan",
            parse_amount,
            help=gettext_lazy("rupiah per pekerja; kosong = tarif iuran BPU"),
            field="contribution_per_month",
        ),
        Column("months", "jumlah_bulan", parse_months, aliases=("bulan",), field="months"),
        Column("status", "status", STATUS, help=gettext_lazy("kosong = planned"), field="status"),
        Column("reference", "rujukan", bounded_text(200), aliases=("nomor_dokumen", "referensi"), field="reference"),
        Column("notes", "catatan", bounded_text(2000), repeats=False, field="notes"),
    ]
    key_columns = ("code",)
    key_fields = ("code",)
    fields = (
        "code",
        "city_id",
        "province_id",
        "kind_id",
        "year",
        "target_group_id",
        "promised_workers",
        "budget",
        "contribution_per_month",
        "months",
        "status",
        "reference",
        "notes",
    )
    trace_field = "import_job_id"
    scope_field = "city_id"
    key_label = gettext_lazy("Kode komitmen")

    def prepare(self, rows, context):
        rates = list(ContributionRate.objects.order_by("valid_from"))
        provinces = {code.split(".")[0] for code in context.city_codes}
        return by_code_or_name(CommitmentKind), by_code_or_name(TargetGroup), rates, provinces

    def build(self, v, lookups, context):
        kinds, groups, rates, provinces = lookups
        errors, warnings = [], []
        city_id = province_id = None
        pemda = v["pemda_code"]
        if "." in pemda:
            city_id = self.check_city(pemda, context, errors, column="pemda_code")
        elif pemda not in provinces:
            errors.append(("pemda_code", _("Kode provinsi %(code)s tidak dikenal.") % {"code": pemda}))
        elif context.allowed_cities is not None:
            errors.append(("pemda_code", _("Komitmen Pemda provinsi dicatat oleh admin.")))
        else:
            province_id = pemda
        kind_id = kinds.get(v["kind"].lower())
        if kind_id is None:
            errors.append(("kind", _("Jenis komitmen %(value)s tidak dikenal.") % {"value": v["kind"]}))
        group_id = None
        if v["target_group"]:
            group_id = groups.get(v["target_group"].lower())
            if group_id is None:
                errors.append(("target_group", _("Kelompok sasaran %(value)s tidak dikenal.") % {"value": v["target_group"]}))
        contribution = v["contribution_per_month"]
        if contribution is None:
            contribution = rate_on(rates, dt.date(v["year"], 1, 1))
        elif contribution == 0:
            errors.append(("contribution_per_month", _("Iuran per bulan harus lebih dari 0.")))
        promised, budget, months = v["promised_workers"], v["budget"], v["months"]
        if None not in (promised, budget, months) and contribution and budget < promised * contribution * months:
            cost = format_rupiah(promised * contribution * months)
            warnings.append(("budget", _("Anggaran lebih kecil dari pekerja x iuran x bulan (%(cost)s).") % {"cost": cost}))
        record = (
            v["code"],
            city_id,
            province_id,
            kind_id,
            v["year"],
            group_id,
            promised,
            budget,
            contribution,
            months,
            v["status"] or Commitment.Status.PLANNED,
            v["reference"] or "",
            v["notes"] or "",
        )
        return Built(key=(v["code"],), record=record, errors=errors, warnings=warnings)


def rate_on(rates, day):
    """The monthly BPU contribution of the latest rate from on or before `day` (`rates` oldest first)."""
    applicable = [rate for rate in rates if rate.valid_from <= day]
    return applicable[-1].monthly if applicable else DEFAULT_BPU_CONTRIBUTION


register(CommitmentImportKind())
