"""Commitments of regional governments (Pemda) under Inpres 2/2021: regulations, APBD money for the
contributions of a target group, licensing rules, non-ASN enrolment. What a commitment is about (its kind,
its target group) and the contribution rate a Pemda pays per worker are data, edited in the admin.

Workers funded by a commitment point to it (participants.models.Worker.commitment); its progress is read from
them (commitments.selectors.commitment_progress)."""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from config.formatting import format_rupiah
from participants.models import import_trace
from regions.models import City, Province

# Used when no ContributionRate row applies: JKK 1 % of the lowest declared income (Rp1,000,000) + JKM Rp6,800.
DEFAULT_BPU_CONTRIBUTION = 16_800
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._/-]{0,29}$")
# Words of the workers' `payer` column: a commitment code must not read as one of them.
RESERVED_CODES = frozenset({"SELF", "SENDIRI", "MANDIRI", "EMPLOYER", "PEMBERI_KERJA", "PERUSAHAAN", "PROGRAMME"})


def validate_code(value):
    if not CODE_PATTERN.match(value or ""):
        raise ValidationError(
            _("Kode komitmen: huruf besar, angka, titik, garis miring atau tanda hubung, paling banyak 30 karakter.")
        )
    if value in RESERVED_CODES:
        raise ValidationError(_("%(code)s tidak bisa dipakai sebagai kode komitmen.") % {"code": value})


class ContributionRate(models.Model):
    """The monthly contribution a Pemda pays for one BPU worker from a date: JKK (a percentage of the declared
    income) + JKM (a fixed amount). Rates change by regulation: a new row, not a code change."""

    valid_from = models.DateField(_("berlaku sejak"), unique=True)
    declared_income = models.BigIntegerField(_("penghasilan yang dilaporkan (Rp)"), validators=[MinValueValidator(0)])
    jkk_percent = models.DecimalField(_("iuran JKK (%)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)])
    jkm = models.BigIntegerField(_("iuran JKM (Rp)"), validators=[MinValueValidator(0)])
    source = models.CharField(_("sumber"), max_length=200, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("tarif iuran BPU")
        verbose_name_plural = pgettext_lazy("jamak", "tarif iuran BPU")

    def __str__(self):
        return f"{self.valid_from:%d/%m/%Y}: {format_rupiah(self.monthly)}"

    @property
    def monthly(self):
        """Rupiah a month: JKK rounded half-up to the rupiah, plus JKM."""
        jkk = (Decimal(self.declared_income) * self.jkk_percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return int(jkk) + self.jkm


def bpu_contribution(on=None):
    """The monthly contribution per BPU worker on a date (default today): the latest rate from on or before it."""
    rate = ContributionRate.objects.filter(valid_from__lte=on or timezone.localdate()).first()
    return rate.monthly if rate else DEFAULT_BPU_CONTRIBUTION


def default_contribution():
    return bpu_contribution()


class CommitmentKind(models.Model):
    """What a commitment is: a regulation, an APBD allocation, a licensing requirement, ... (data)."""

    code = models.CharField(_("kode"), max_length=30, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    funds_workers = models.BooleanField(
        _("membiayai iuran pekerja"), default=False, help_text=_("Komitmen jenis ini membayar iuran sejumlah pekerja.")
    )
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("jenis komitmen")
        verbose_name_plural = pgettext_lazy("jamak", "jenis komitmen")

    def __str__(self):
        return self.name


class TargetGroup(models.Model):
    """Whom a commitment covers: vulnerable workers, non-ASN staff, fishers, ... (data)."""

    code = models.CharField(_("kode"), max_length=30, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("kelompok sasaran")
        verbose_name_plural = pgettext_lazy("jamak", "kelompok sasaran")

    def __str__(self):
        return self.name


class Commitment(models.Model):
    """One commitment of one Pemda (a province or a regency/city) for one year. Natural key: code."""

    class Status(models.TextChoices):
        # lower-case codes: the words of the `commitments` import (INTERFACES.md)
        PLANNED = "planned", _("Direncanakan")
        BUDGETED = "budgeted", _("Dianggarkan")
        ENROLLING = "enrolling", _("Pendaftaran berjalan")
        DELIVERED = "delivered", _("Terlaksana")
        LAPSED = "lapsed", _("Tidak berlanjut")

    PLANNING_STATUSES = (Status.PLANNED, Status.BUDGETED)
    DELIVERY_STATUSES = (Status.ENROLLING, Status.DELIVERED)

    code = models.CharField(_("kode"), max_length=30, unique=True, validators=[validate_code])
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Pemda provinsi")
    )
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Pemda kabupaten/kota")
    )
    kind = models.ForeignKey(CommitmentKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("jenis"))
    target_group = models.ForeignKey(
        TargetGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("kelompok sasaran")
    )
    year = models.PositiveSmallIntegerField(_("tahun"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    promised_workers = models.PositiveIntegerField(_("jumlah pekerja dijanjikan"), null=True, blank=True)
    budget = models.BigIntegerField(_("anggaran (Rp)"), null=True, blank=True)
    contribution_per_month = models.BigIntegerField(
        _("iuran per pekerja per bulan (Rp)"),
        default=default_contribution,
        help_text=_("Bawaan: tarif iuran BPU yang berlaku (JKK 1 % dari Rp1.000.000 + JKM Rp6.800 = Rp16.800)."),
    )
    months = models.PositiveSmallIntegerField(
        _("jumlah bulan"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    reference = models.CharField(
        _("dokumen rujukan"),
        max_length=200,
        blank=True,
        help_text=_("Nomor dan tanggal dokumen, mis. Perwali No. 12 Tahun 2025."),
    )
    evidence = models.FileField(
        _("berkas bukti"),
        upload_to="commitments/%Y/",
        blank=True,
        db_default="",  # the import writes the other columns in bulk
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png"])],
        help_text=_("PDF atau gambar dokumen (opsional)."),
    )
    notes = models.TextField(_("catatan"), blank=True)
    import_job = import_trace()
    history = HistoricalRecords(verbose_name=_("riwayat perubahan"))

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("komitmen Pemda")
        verbose_name_plural = pgettext_lazy("jamak", "komitmen Pemda")
        constraints = [
            models.CheckConstraint(
                condition=Q(province__isnull=False, city__isnull=True) | Q(province__isnull=True, city__isnull=False),
                name="commitment_one_pemda",
                violation_error_message=_("Isi Pemda provinsi atau Pemda kabupaten/kota, tidak keduanya."),
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="commitment_budget_not_negative",
                violation_error_message=_("Anggaran tidak boleh negatif."),
            ),
            models.CheckConstraint(
                condition=Q(contribution_per_month__gt=0),
                name="commitment_contribution_positive",
                violation_error_message=_("Iuran per bulan harus lebih dari 0."),
            ),
            models.CheckConstraint(
                condition=Q(months__isnull=True) | Q(months__gte=1, months__lte=12),
                name="commitment_months_range",
                violation_error_message=_("Jumlah bulan antara 1 dan 12."),
            ),
        ]

    def __str__(self):
        return f"{self.code} ({self.pemda_code})"

    def clean(self):
        if bool(self.province_id) == bool(self.city_id):
            raise ValidationError(_("Isi Pemda provinsi atau Pemda kabupaten/kota, tidak keduanya."))

    @property
    def pemda_code(self):
        return self.city_id or self.province_id

    @property
    def pemda(self):
        return self.city if self.city_id else self.province

    @property
    def planned_cost(self):
        """Promised workers x contribution x months, in rupiah (None when one is missing)."""
        if self.promised_workers is None or self.months is None:
            return None
        return self.promised_workers * self.contribution_per_month * self.months

    def covers(self, city_code):
        """Whether a worker of this regency/city may be funded by this commitment: the city's own, or its province's."""
        return self.city_id == city_code if self.city_id else city_code.split(".")[0] == self.province_id


# --- Scorecard (Paritrana-style aspects) -------------------------------------------------------------------
# The Paritrana Award's weights are not public: the aspects, indicators, weights and scoring bands below are
# ours, seeded by a data migration and edited in the admin. What each indicator measures (its formula) is code
# (commitments.scoring); how much it counts and how a raw value becomes a score are data.


class ScoreAspect(models.Model):
    """kebijakan, penerapan, kinerja: each weighs `weight` against the sum of all aspects' weights."""

    code = models.CharField(_("kode"), max_length=30, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    weight = models.DecimalField(_("bobot"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)])
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("aspek skor")
        verbose_name_plural = pgettext_lazy("jamak", "aspek skor")

    def __str__(self):
        return self.name


class ScoreIndicator(models.Model):
    """One indicator of an aspect: what it measures (a formula of commitments.scoring), its weight within the
    aspect (against the sum of the aspect's indicators' weights) and its bands (ScoreBand)."""

    class Formula(models.TextChoices):
        IN_FORCE = "in_force", _("Komitmen berlaku (jumlah)")
        ALLOCATED = "allocated", _("Pekerja dianggarkan (% potensi BPU)")
        DELIVERED = "delivered", _("Realisasi pekerja dianggarkan (%)")
        ENROLLED = "enrolled", _("Pekerja didaftarkan melalui komitmen (orang)")
        UCJ = "ucj", _("UCJ (%)")
        GROWTH = "growth", _("Pertumbuhan peserta aktif 12 bulan (%)")
        PU = "pu", _("Cakupan PU (%)")
        BPU = "bpu", _("Cakupan BPU (%)")
        EMPLOYERS = "employers", _("Pemberi kerja terdaftar per 1.000 potensi PU")

    code = models.CharField(_("kode"), max_length=30, unique=True)
    aspect = models.ForeignKey(ScoreAspect, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("aspek"))
    name = models.CharField(_("nama"), max_length=150)
    formula = models.CharField(_("rumus"), max_length=12, choices=Formula.choices)
    kinds = models.ManyToManyField(
        CommitmentKind,
        blank=True,
        related_name="+",
        verbose_name=_("jenis komitmen yang dihitung"),
        help_text=_("Untuk rumus komitmen: jenis komitmen yang dihitung indikator ini."),
    )
    weight = models.DecimalField(_("bobot dalam aspek"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)])
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["aspect__position", "position", "code"]
        verbose_name = _("indikator skor")
        verbose_name_plural = pgettext_lazy("jamak", "indikator skor")

    def __str__(self):
        return self.name


class ScoreBand(models.Model):
    """A raw value of at least `min_value` scores `score` (0-100): the band with the highest minimum reached
    counts; a value below every band, or unknown, scores 0."""

    indicator = models.ForeignKey(ScoreIndicator, on_delete=models.CASCADE, related_name="bands", verbose_name=_("indikator"))
    min_value = models.DecimalField(_("nilai minimum"), max_digits=14, decimal_places=2)
    score = models.DecimalField(
        _("skor"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["indicator", "min_value"]
        verbose_name = _("rentang skor")
        verbose_name_plural = pgettext_lazy("jamak", "rentang skor")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "min_value"], name="score_band_unique_minimum"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100),
                name="score_band_score_range",
                violation_error_message=_("Skor antara 0 dan 100."),
            ),
        ]

    def __str__(self):
        return f"≥ {self.min_value}: {self.score}"


class ScoreEvidence(models.Model):
    """The stored evidence of one indicator of one regency/city for one year: the raw value, the score its
    bands gave it, and what it was computed from (`basis`: the commitments, or the figures with their date and
    source). Written by commitments.services.scores_refresh; the pages read only these rows."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+", verbose_name=_("kabupaten/kota"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    indicator = models.ForeignKey(ScoreIndicator, on_delete=models.CASCADE, related_name="+", verbose_name=_("indikator"))
    raw_value = models.DecimalField(_("nilai"), max_digits=16, decimal_places=2, null=True, blank=True)
    score = models.DecimalField(_("skor"), max_digits=5, decimal_places=2)
    basis = models.JSONField(_("dasar perhitungan"))
    as_of = models.DateField(_("per tanggal"))
    computed_at = models.DateTimeField(_("dihitung"), auto_now=True)

    class Meta:
        ordering = ["city", "year", "indicator"]
        verbose_name = _("bukti skor")
        verbose_name_plural = pgettext_lazy("jamak", "bukti skor")
        constraints = [models.UniqueConstraint(fields=["city", "year", "indicator"], name="score_evidence_unique")]

    def __str__(self):
        return f"{self.city_id} {self.year} {self.indicator_id}: {self.score}"
