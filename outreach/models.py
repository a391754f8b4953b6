"""What the branch knows about employers beyond BPJS's own records: their reported headcounts (WLKP, OSS,
surveys), registered or not, and the branch's contacts with them (kunjungan). The gap breakdown and the
worklists (outreach.selectors) read them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from participants.models import Employer, import_trace
from regions.models import City


class EmployerReport(models.Model):
    """One company's report from one source (natural key: company_id + source). A report without an
    employer is about a company not registered with BPJS (a PWBD prospect); with one, about a registered
    employer, whose registered workers may be fewer than reported (PDS)."""

    company_id = models.CharField(
        _("ID perusahaan"), max_length=50, help_text=_("ID pada sumber data, mis. nomor WLKP atau OSS.")
    )
    source = models.CharField(_("sumber"), max_length=30, blank=True, help_text=_("WLKP, OSS, survei, ..."))
    name = models.CharField(_("nama perusahaan"), max_length=200)
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="+", verbose_name=_("kabupaten/kota"))
    # The registered employer, matched by NPP at import; empty = not registered with BPJS (the NPP of a
    # report is its employer's: no second copy to disagree with it).
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("pemberi kerja terdaftar (NPP)"),
    )
    sector = models.CharField(_("sektor"), max_length=100, blank=True)
    reported_workers = models.PositiveIntegerField(_("jumlah pekerja dilaporkan"))
    reported_wage_total = models.BigIntegerField(_("total upah dilaporkan per bulan (Rp)"), null=True, blank=True)
    report_date = models.DateField(_("tanggal laporan"), null=True, blank=True)
    import_job = import_trace()
    # Kept by every figures refresh (outreach.figures.current_reports_mark), what the worklists and /gap/
    # read instead of comparing reports and counting workers per request: whether this is the company's
    # latest report on the refresh's day and, for a current report of a registered employer, its active
    # workers at BPJS then, the workers not registered (reported - active, at least 0) and the monthly
    # wages not reported (see outreach.selectors.wage_gap_list; empty unless both wage totals are known).
    current = models.BooleanField(default=False, db_default=False, editable=False)
    registered_active = models.PositiveIntegerField(null=True, editable=False)
    unregistered = models.PositiveIntegerField(null=True, editable=False)
    wage_shortfall = models.BigIntegerField(null=True, editable=False)

    class Meta:
        ordering = ["company_id", "source"]
        indexes = [
            models.Index(fields=["city"], condition=Q(current=True), name="employer_report_current"),
            models.Index(
                fields=["-unregistered", "company_id"], condition=Q(unregistered__gt=0), name="employer_report_unregistered"
            ),
            models.Index(
                fields=["-wage_shortfall", "company_id"], condition=Q(wage_shortfall__gt=0), name="employer_report_wage_gap"
            ),
            models.Index(
                fields=["-reported_workers", "company_id"],
                condition=Q(current=True, employer__isnull=True),
                name="employer_report_prospect",
            ),
        ]
        verbose_name = _("laporan perusahaan")
        verbose_name_plural = pgettext_lazy("jamak", "laporan perusahaan")
        constraints = [
            models.UniqueConstraint(
                fields=["company_id", "source"],
                name="employer_report_unique_company_source",
                violation_error_message=_("Laporan perusahaan dengan ID dan sumber ini sudah ada."),
            ),
            models.CheckConstraint(
                condition=Q(reported_wage_total__isnull=True) | Q(reported_wage_total__gte=0),
                name="employer_report_wage_not_negative",
                violation_error_message=_("Total upah tidak boleh negatif."),
            ),
        ]

    def __str__(self):
        return f"{self.company_id} {self.name}"

    @property
    def npp(self):
        return self.employer.npp if self.employer_id else ""


class CitySector(models.Model):
    """A sector on record in a city (of its employers or reports), kept by every figures refresh for the
    worklists' sector filter (a distinct over every employer and report of a Kanwil per request is slow)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    sector = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["city", "sector"], name="city_sector_unique")]

    def __str__(self):
        return f"{self.city_id} {self.sector}"


class Visit(models.Model):
    """One contact of an account representative with an employer or a prospect (kunjungan), and the step
    it leaves open. `company` is the registered employer's NPP or, for a prospect, the company id of its
    reports; a prospect that registers keeps its visits (its reports join the company id to the NPP)."""

    class Channel(models.TextChoices):
        VISIT = "visit", _("Kunjungan")
        LETTER = "letter", _("Surat")
        CALL = "call", _("Telepon")
        JOINT = "joint", _("Kunjungan bersama Disnaker")

    class Outcome(models.TextChoices):
        REGISTERED = "registered", _("Mendaftar")
        PARTIAL = "partial", _("Mendaftar sebagian")
        REFUSED = "refused", _("Menolak")
        FOLLOW_UP = "follow_up", _("Perlu tindak lanjut")

    company = models.CharField(
        _("NPP atau ID perusahaan"),
        max_length=50,
        help_text=_("NPP pemberi kerja terdaftar, atau ID perusahaan (WLKP/OSS) untuk perusahaan yang belum terdaftar."),
    )
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="+", verbose_name=_("kabupaten/kota"))
    date = models.DateField(_("tanggal"))
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    outcome = models.CharField(_("hasil"), max_length=10, choices=Outcome.choices)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("petugas"),
    )
    next_step = models.CharField(_("langkah berikutnya"), max_length=200, blank=True)
    due_date = models.DateField(_("tenggat langkah berikutnya"), null=True, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    import_job = import_trace()
    history = HistoricalRecords(verbose_name=_("riwayat perubahan"))

    class Meta:
        ordering = ["-date", "company"]
        verbose_name = _("kunjungan")
        verbose_name_plural = pgettext_lazy("jamak", "kunjungan")
        indexes = [
            models.Index(fields=["company", "-date"], name="visit_company_latest"),
            models.Index(fields=["officer", "due_date"], name="visit_officer_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "date", "channel"],
                name="visit_unique_company_date_channel",
                violation_error_message=_("Kunjungan ke perusahaan ini pada tanggal dan saluran yang sama sudah dicatat."),
            ),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(due_date__gte=models.F("date")),
                name="visit_due_after_date",
                violation_error_message=_("Tenggat tidak boleh sebelum tanggal kunjungan."),
            ),
        ]

    def __str__(self):
        return f"{self.company} {self.date:%d/%m/%Y}"
