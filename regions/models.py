"""Regions (Kemendagri), BPJS offices, minimum wages, workforce estimates, and who may see what."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Province(models.Model):
    code = models.CharField(_("kode"), max_length=2, primary_key=True)
    name = models.CharField(_("nama"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("provinsi")
        verbose_name_plural = pgettext_lazy("jamak", "provinsi")

    def __str__(self):
        return f"{self.code} {self.name}"


class City(models.Model):
    """A kabupaten or kota, keyed by its Kemendagri code such as ``61.72``."""

    class Kind(models.TextChoices):
        KABUPATEN = "KABUPATEN", _("Kabupaten")
        KOTA = "KOTA", _("Kota")

    code = models.CharField(_("kode"), max_length=5, primary_key=True)
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="cities", verbose_name=_("provinsi"))
    # Set by an admin when the Pemda works the employer lists with the branch (e.g. joint Disnaker visits).
    officials_see_employers = models.BooleanField(
        _("pejabat Pemda boleh melihat daftar perusahaan"),
        default=False,
        help_text=_("Nama perusahaan pada daftar kerja; tidak pernah NIK atau nama pekerja."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = pgettext_lazy("jamak", "kabupaten/kota")

    def __str__(self):
        return f"{self.code} {self.name}"


class Office(models.Model):
    """A Kantor Wilayah (kanwil) or a Kantor Cabang (cabang) that serves a set of regencies/cities."""

    class Kind(models.TextChoices):
        KANWIL = "KANWIL", _("Kantor Wilayah")
        CABANG = "CABANG", _("Kantor Cabang")

    code = models.CharField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
        verbose_name=_("kantor wilayah"),
        limit_choices_to={"kind": "KANWIL"},
    )
    cities = models.ManyToManyField(City, blank=True, related_name="offices", verbose_name=_("kabupaten/kota dilayani"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("kantor")
        verbose_name_plural = pgettext_lazy("jamak", "kantor")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="KANWIL", parent__isnull=True) | Q(kind="CABANG", parent__isnull=False),
                name="office_cabang_has_kanwil",
                violation_error_message=_("Kantor cabang wajib punya kantor wilayah; kantor wilayah tidak punya induk."),
            )
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        if self.parent_id and self.parent.kind != self.Kind.KANWIL:
            raise ValidationError({"parent": _("Induk kantor cabang harus kantor wilayah.")})


class MinimumWage(models.Model):
    """UMP (a province) or UMK (a regency/city) for one year, in rupiah with cents."""

    province = models.ForeignKey(
        Province, on_delete=models.CASCADE, null=True, blank=True, related_name="minimum_wages", verbose_name=_("provinsi (UMP)")
    )
    city = models.ForeignKey(
        City,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="minimum_wages",
        verbose_name=_("kabupaten/kota (UMK)"),
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    amount = models.DecimalField(_("jumlah (Rp)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["-year", "province", "city"]
        verbose_name = _("upah minimum")
        verbose_name_plural = pgettext_lazy("jamak", "upah minimum")
        constraints = [
            models.CheckConstraint(
                condition=Q(province__isnull=False, city__isnull=True) | Q(province__isnull=True, city__isnull=False),
                name="minimum_wage_one_region",
                violation_error_message=_("Isi provinsi (UMP) atau kabupaten/kota (UMK), tidak keduanya."),
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="minimum_wage_positive"),
            models.UniqueConstraint(fields=["province", "year"], condition=Q(city__isnull=True), name="unique_ump_year"),
            models.UniqueConstraint(fields=["city", "year"], condition=Q(province__isnull=True), name="unique_umk_year"),
        ]

    def __str__(self):
        region = self.city or self.province
        return f"{'UMK' if self.city_id else 'UMP'} {region} {self.year}"

    @property
    def region_code(self):
        return self.city_id or self.province_id


class WorkforceEstimate(models.Model):
    """Estimated potential workforce of a regency/city for one year: the UCJ denominator."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="workforce_estimates", verbose_name=_("kabupaten/kota"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    potential_pu = models.PositiveIntegerField(_("potensi PU"))
    potential_bpu = models.PositiveIntegerField(_("potensi BPU"))
    target_percent = models.DecimalField(_("target UCJ (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    source = models.CharField(_("sumber"), max_length=200, blank=True)

    class Meta:
        ordering = ["city", "-year"]
        verbose_name = _("estimasi potensi tenaga kerja")
        verbose_name_plural = pgettext_lazy("jamak", "estimasi potensi tenaga kerja")
        constraints = [
            models.UniqueConstraint(fields=["city", "year"], name="unique_workforce_city_year"),
            models.CheckConstraint(
                condition=Q(target_percent__isnull=True) | Q(target_percent__gte=0, target_percent__lte=100),
                name="workforce_target_percent_range",
                violation_error_message=_("Target UCJ harus antara 0 dan 100 %."),
            ),
        ]

    def __str__(self):
        return f"{self.city} {self.year}"

    @property
    def potential_total(self):
        return self.potential_pu + self.potential_bpu


class Access(models.Model):
    """A user's role and the region they may see. Roles map to Django groups of the same code."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        REGIONAL = "regional", _("Staf kantor wilayah")
        BRANCH = "branch", _("Staf kantor cabang")
        OFFICIAL = "official", _("Pejabat pemerintah daerah")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access")
    role = models.CharField(_("peran"), max_length=10, choices=Role.choices)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("kantor"))
    city = models.ForeignKey(City, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("kabupaten/kota"))

    class Meta:
        verbose_name = _("hak akses")
        verbose_name_plural = pgettext_lazy("jamak", "hak akses")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="admin", office__isnull=True, city__isnull=True)
                | Q(role__in=["regional", "branch"], office__isnull=False, city__isnull=True)
                | Q(role="official", office__isnull=True, city__isnull=False),
                name="access_scope_matches_role",
                violation_error_message=_("Cakupan tidak sesuai dengan peran."),
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"

    def clean(self):
        expected = {self.Role.REGIONAL: Office.Kind.KANWIL, self.Role.BRANCH: Office.Kind.CABANG}.get(self.role)
        if expected and self.office_id and self.office.kind != expected:
            raise ValidationError({"office": _("Peran ini membutuhkan kantor berjenis %(kind)s.") % {"kind": expected.label}})


class UcjBand(models.Model):
    """A colour band of the UCJ legend: from `min_percent` up to the next band. Editable in the admin."""

    min_percent = models.DecimalField(_("mulai dari (%)"), max_digits=5, decimal_places=2, unique=True)
    label = models.CharField(_("keterangan"), max_length=60)
    colour = models.CharField(_("warna"), max_length=7, help_text="#RRGGBB")

    class Meta:
        ordering = ["min_percent"]
        verbose_name = _("pita warna UCJ")
        verbose_name_plural = pgettext_lazy("jamak", "pita warna UCJ")
        constraints = [
            models.CheckConstraint(condition=Q(colour__regex=r"^#[0-9A-Fa-f]{6}$"), name="ucj_band_colour_hex"),
        ]

    def __str__(self):
        return f"≥ {self.min_percent} %: {self.label}"
