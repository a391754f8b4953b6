"""Published figures: each regency/city's UCJ and BSU figures frozen per calendar month (a snapshot), signed off
in two steps and never changed afterwards; a correction is a new version with its reason."""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from regions.models import City


def content_hash(data):
    """SHA-256 of the snapshot's figures in canonical JSON (sorted keys, no spaces)."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


class Snapshot(models.Model):
    """One version of one city's figures for one month. `data` holds everything the pages and exports show
    (counts, potential with its source and year, target, BSU counts and amounts per status, why UCJ moved,
    data-quality flags), written once at close and hashed; only the sign-off status and the flag follow-up
    note change afterwards."""

    class Status(models.TextChoices):
        PROVISIONAL = "PROVISIONAL", _("Sementara")
        VERIFIED = "VERIFIED", _("Diverifikasi")
        PUBLISHED = "PUBLISHED", _("Dipublikasikan")

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="+", verbose_name=_("kabupaten/kota"))
    period = models.DateField(_("periode"), help_text=_("Tanggal 1 bulan itu."))
    version = models.PositiveSmallIntegerField(_("versi"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROVISIONAL)
    as_of = models.DateField(_("per tanggal"))
    data = models.JSONField(_("angka"))
    content_hash = models.CharField(_("hash isi"), max_length=64)
    last_import_job_id = models.PositiveIntegerField(_("impor terakhir"), null=True, blank=True)
    flagged = models.BooleanField(_("ada tanda mutu data"), default=False)
    flag_note = models.TextField(_("tindak lanjut tanda mutu data"), blank=True)
    reason = models.TextField(_("alasan versi baru"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )

    class Meta:
        ordering = ["-period", "city", "-version"]
        verbose_name = _("angka resmi")
        verbose_name_plural = pgettext_lazy("jamak", "angka resmi")
        constraints = [
            models.UniqueConstraint(fields=["city", "period", "version"], name="snapshot_unique_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="snapshot_version_positive"),
        ]

    def __str__(self):
        return f"{self.city_id} {self.period:%Y-%m} v{self.version}"

    @property
    def short_hash(self):
        return self.content_hash[:12]


class SnapshotStep(models.Model):
    """Who did what to a snapshot, when, and why: the close, verification, publication, reopening and notes."""

    class Action(models.TextChoices):
        CLOSED = "CLOSED", _("Ditutup (sementara)")
        VERIFIED = "VERIFIED", _("Diverifikasi")
        PUBLISHED = "PUBLISHED", _("Dipublikasikan")
        REOPENED = "REOPENED", _("Dibuka kembali (versi baru)")
        NOTED = "NOTED", _("Catatan tindak lanjut")

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("langkah"), max_length=10, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("oleh")
    )
    at = models.DateTimeField(_("waktu"), auto_now_add=True)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("langkah angka resmi")
        verbose_name_plural = pgettext_lazy("jamak", "langkah angka resmi")

    def __str__(self):
        return f"{self.snapshot} {self.action}"


class FlagThreshold(models.Model):
    """A data-quality threshold applied at close (data, editable by admins)."""

    code = models.CharField(_("kode"), max_length=30, unique=True)
    label = models.CharField(_("keterangan"), max_length=200)
    value = models.DecimalField(_("ambang"), max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ambang mutu data")
        verbose_name_plural = pgettext_lazy("jamak", "ambang mutu data")

    def __str__(self):
        return f"{self.label}: {self.value}"
