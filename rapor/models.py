"""The monthly rapor of a regency/city as it was generated: the PDF file (Django storage), its SHA-256 and the
published snapshot its figures came from (none: the live figures of that month, labelled provisional). A kept
file never changes; a new publication of the month is kept beside it (rapor.services.rapor_keep)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from published.models import Snapshot
from regions.models import City


class KeptRapor(models.Model):
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="+", verbose_name=_("kabupaten/kota"))
    period = models.DateField(_("periode"), help_text=_("Tanggal 1 bulan itu."))
    file = models.FileField(_("berkas PDF"), upload_to="rapor/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("ukuran (bita)"))
    generated_at = models.DateTimeField(_("dibuat"))
    snapshot = models.ForeignKey(
        Snapshot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sumber angka resmi"),
        help_text=_("Kosong: angka sementara bulan itu, belum dipublikasikan."),
    )

    class Meta:
        ordering = ["-period", "city", "-generated_at", "-pk"]
        verbose_name = _("rapor tersimpan")
        verbose_name_plural = pgettext_lazy("jamak", "rapor tersimpan")
        indexes = [models.Index(fields=["city", "period"], name="keptrapor_city_period")]

    def __str__(self):
        return f"{self.city_id} {self.period:%Y-%m} {self.sha256[:12]}"

    @property
    def short_hash(self):
        return self.sha256[:12]
