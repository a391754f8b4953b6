"""Employers, workers and their membership: the UCJ numerator."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from participants.validators import validate_kpj, validate_name, validate_nik
from regions.models import City, Office


class Segment(models.TextChoices):
    PU = "PU", _("Penerima Upah (PU)")
    BPU = "BPU", _("Bukan Penerima Upah (BPU)")
    JAKON = "JAKON", _("Jasa Konstruksi (Jakon)")
    PMI = "PMI", _("Pekerja Migran Indonesia (PMI)")


EMPLOYER_REQUIRED_SEGMENTS = (Segment.PU,)
EMPLOYER_FORBIDDEN_SEGMENTS = (Segment.BPU,)

PROGRAMS = ("JKK", "JKM", "JHT", "JP", "JKP")


class Payer(models.TextChoices):
    """Who pays a worker's contributions (empty: not recorded). Lower-case codes: the words of the workers import."""

    SELF = "self", _("Peserta sendiri")
    EMPLOYER = "employer", _("Pemberi kerja")
    PROGRAMME = "programme", _("Program Pemda (komitmen)")


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


def validate_programs(value):
    unknown = [code for code in value.split() if code not in PROGRAMS]
    if unknown:
        raise ValidationError(
            _("Program tidak dikenal: %(codes)s. Pilihan: %(choices)s.")
            % {"codes": ", ".join(unknown), "choices": " ".join(PROGRAMS)}
        )


def import_trace():
    """The import job that last created or changed a row: a trace, not a relation to enforce (no
    constraint, no index, so bulk writes skip a per-row trigger)."""
    return models.ForeignKey(
        "imports.ImportJob",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        db_constraint=False,
        related_name="+",
        verbose_name=_("terakhir dibuat/diubah oleh impor"),
    )


class Employer(models.Model):
    npp = models.CharField(_("NPP"), max_length=20, unique=True)
    name = models.CharField(_("nama"), max_length=200, validators=[validate_name])
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="employers", verbose_name=_("kabupaten/kota"))
    branch = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employers",
        verbose_name=_("kantor cabang"),
        limit_choices_to={"kind": Office.Kind.CABANG},
    )
    sector = models.CharField(_("sektor"), max_length=100, blank=True)
    registered_on = models.DateField(_("tanggal terdaftar"), null=True, blank=True)
    # The last month whose contributions are paid, stored as that month's first day (2025-03 -> 2025-03-01);
    # empty = not known. Arrears are read from it (outreach.selectors.arrears_threshold).
    paid_until = models.DateField(
        _("iuran dibayar sampai (bulan)"),
        null=True,
        blank=True,
        help_text=_("Bulan terakhir yang iurannya sudah dibayar (disimpan sebagai tanggal 1 bulan itu)."),
    )
    import_job = import_trace()
    history = HistoricalRecords(verbose_name=_("riwayat perubahan"))

    class Meta:
        ordering = ["npp"]
        indexes = [models.Index(fields=["paid_until"], name="employer_paid_until")]  # the arrears worklist
        verbose_name = _("pemberi kerja")
        verbose_name_plural = pgettext_lazy("jamak", "pemberi kerja")

    def __str__(self):
        return f"{self.npp} {self.name}"


class Worker(models.Model):
    # Unique through a constraint, not unique=True: on PostgreSQL that also builds a second, LIKE-pattern
    # index on NIK that nothing uses and that every imported row pays for.
    nik = models.CharField(_("NIK"), max_length=16, validators=[validate_nik])
    kpj = models.CharField(_("nomor KPJ"), max_length=11, blank=True, validators=[validate_kpj])
    name = models.CharField(_("nama"), max_length=200, validators=[validate_name])
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True)
    segment = models.CharField(_("segmen"), max_length=5, choices=Segment.choices)
    # Workers is the table that grows to tens of millions of rows and takes million-row imports. Measured
    # on PostgreSQL, the per-row foreign-key triggers of city and employer doubled the cost of a bulk
    # upsert, so they are checked by the import pipeline and the admin forms instead (PROTECT still holds
    # through the ORM). city has no index of its own: worker_city_segment (city, segment) serves it.
    city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        related_name="workers",
        verbose_name=_("kabupaten/kota"),
        db_index=False,
        db_constraint=False,
    )
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workers",
        verbose_name=_("pemberi kerja"),
        db_constraint=False,
    )
    wage = models.BigIntegerField(_("upah per bulan (Rp)"), null=True, blank=True)
    member_since = models.DateField(_("peserta sejak"))
    member_until = models.DateField(_("peserta sampai"), null=True, blank=True, help_text=_("Kosong bila masih aktif."))
    import_job = import_trace()
    history = HistoricalRecords(verbose_name=_("riwayat perubahan"))
    programs = models.CharField(
        _("program"), max_length=30, blank=True, validators=[validate_programs], help_text=" ".join(PROGRAMS)
    )
    # Who pays: a Pemda programme is the commitment that funds the worker. One field, so a worker is linked to
    # at most one commitment at any date. db_default: the demo's and other raw bulk writes may leave it out.
    payer = models.CharField(_("pembayar iuran"), max_length=10, choices=Payer.choices, blank=True, default="", db_default="")
    # No constraint (like city and employer: see above); PROTECT holds through the ORM. The partial index serves
    # a commitment's progress and costs nothing for the workers nobody funds.
    commitment = models.ForeignKey(
        "commitments.Commitment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workers",
        verbose_name=_("komitmen Pemda yang membiayai"),
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        ordering = ["nik"]
        verbose_name = _("pekerja")
        verbose_name_plural = pgettext_lazy("jamak", "pekerja")
        indexes = [
            models.Index(fields=["city", "segment"], name="worker_city_segment"),
            models.Index(fields=["commitment"], name="worker_commitment", condition=Q(commitment__isnull=False)),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["nik"], name="worker_unique_nik", violation_error_message=_("Pekerja dengan NIK ini sudah ada.")
            ),
            models.CheckConstraint(
                condition=Q(member_until__isnull=True) | Q(member_until__gte=F("member_since")),
                name="worker_membership_dates",
                violation_error_message=_("Tanggal akhir kepesertaan tidak boleh sebelum tanggal mulai."),
            ),
            models.CheckConstraint(
                condition=Q(wage__isnull=True) | Q(wage__gte=0),
                name="worker_wage_not_negative",
                violation_error_message=_("Upah tidak boleh negatif."),
            ),
            models.CheckConstraint(
                condition=Q(payer=Payer.PROGRAMME, commitment__isnull=False)
                | (~Q(payer=Payer.PROGRAMME) & Q(commitment__isnull=True)),
                name="worker_programme_has_commitment",
                violation_error_message=_("Pembayar program Pemda wajib menyebut komitmennya, dan hanya itu."),
            ),
        ]

    def __str__(self):
        return f"{self.nik} {self.name}"

    def clean(self):
        errors = {}
        if self.segment in EMPLOYER_REQUIRED_SEGMENTS and not self.employer_id:
            errors["employer"] = _("Peserta PU wajib memiliki pemberi kerja (NPP).")
        if self.segment in EMPLOYER_FORBIDDEN_SEGMENTS and self.employer_id:
            errors["employer"] = _("Peserta BPU tidak memiliki pemberi kerja.")
        if self.member_since and self.member_until and self.member_until < self.member_since:
            errors["member_until"] = _("Tanggal akhir kepesertaan tidak boleh sebelum tanggal mulai.")
        if self.wage is not None and self.wage < 0:
            errors["wage"] = _("Upah tidak boleh negatif.")
        errors.update(self._payer_errors())
        if errors:
            raise ValidationError(errors)

    def _payer_errors(self):
        if self.payer == Payer.PROGRAMME and not self.commitment_id:
            return {"commitment": _("Pilih komitmen Pemda yang membayar iuran pekerja ini.")}
        if self.commitment_id and self.payer != Payer.PROGRAMME:
            return {"payer": _("Pekerja dengan komitmen Pemda dibayar oleh program Pemda.")}
        if self.payer == Payer.EMPLOYER and self.segment in EMPLOYER_FORBIDDEN_SEGMENTS:
            return {"payer": _("Peserta BPU tidak memiliki pemberi kerja.")}
        if self.commitment_id and self.city_id and not self.commitment.covers(self.city_id):
            return {"commitment": _("Komitmen ini milik Pemda lain: pilih komitmen kabupaten/kota pekerja atau provinsinya.")}
        return {}


class SegmentGroup(models.TextChoices):
    """UCJ counts PU (PU + PMI + JAKON: every segment but BPU) and BPU separately (participants/figures.py)."""

    PU = "PU", _("PU (penerima upah, termasuk PMI dan Jakon)")
    BPU = "BPU", _("BPU (bukan penerima upah)")


class CoverageFigure(models.Model):
    """Pre-aggregated membership of one city and segment group, cumulative up to a day with changes.

    Active participants at a date = joined_total - left_total of the latest row on or before that date
    ("left" counts memberships whose member_until is before the date). Rebuilt by `refresh_figures`.
    """

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    group = models.CharField(max_length=3, choices=SegmentGroup.choices)
    day = models.DateField()
    joined_total = models.PositiveIntegerField()
    left_total = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["city", "group", "day"], name="coverage_figure_unique_day")]

    def __str__(self):
        return f"{self.city_id} {self.group} {self.day}: {self.joined_total - self.left_total}"


class EmployerFigure(models.Model):
    """An employer's active workers and their monthly wage total on the day of the last `refresh_figures`
    (what the outreach worklists rank by: reported headcount or wages against what BPJS has)."""

    employer = models.OneToOneField(
        Employer, on_delete=models.CASCADE, primary_key=True, related_name="figure", db_constraint=False
    )
    day = models.DateField()
    active_workers = models.PositiveIntegerField()
    active_wage_total = models.BigIntegerField(null=True)  # of the active workers with a wage on record

    def __str__(self):
        return f"{self.employer_id} {self.day}: {self.active_workers}"


class FiguresVersion(models.Model):
    """A version token of the figures of one regency/city (key: its code) or of everything (key "all"),
    replaced whenever they change: part of the cached pages' keys (config.pagecache). In the database, so
    a change and its new token commit together."""

    key = models.CharField(max_length=10, primary_key=True)
    token = models.CharField(max_length=32)

    def __str__(self):
        return f"{self.key}: {self.token}"


class PersonalDataAccess(models.Model):
    """Who looked up which NIK or downloaded personal data, and when (kept out of application logs)."""

    class Action(models.TextChoices):
        LOOKUP = "LOOKUP", _("pencarian NIK")
        EXPORT = "EXPORT", _("unduhan data pribadi")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("pengguna"))
    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    action = models.CharField(_("tindakan"), max_length=10, choices=Action.choices)
    subject = models.CharField(_("NIK / berkas"), max_length=200)
    found = models.BooleanField(_("ditemukan"), default=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("akses data pribadi")
        verbose_name_plural = pgettext_lazy("jamak", "log akses data pribadi")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.subject}"
