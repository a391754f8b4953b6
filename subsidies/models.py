"""BSU programmes (rules as data), recipients moving through the pipeline, and every status change."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from participants.models import Worker, import_trace
from participants.validators import validate_name


class Programme(models.Model):
    """One year's wage subsidy; every rule the screening applies is a field here, not code."""

    code = models.CharField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    regulation = models.CharField(_("dasar hukum"), max_length=150, blank=True)
    amount_per_month = models.BigIntegerField(_("bantuan per bulan (Rp)"))
    months = models.PositiveSmallIntegerField(_("jumlah bulan"))
    wage_cap = models.BigIntegerField(_("batas upah (Rp)"))
    minimum_wage_round_up = models.BooleanField(
        _("batas naik ke upah minimum"),
        default=True,
        help_text=_("Bila UMK (atau UMP) di atas batas upah, batasnya upah minimum itu dibulatkan ke atas."),
    )
    round_up_unit = models.BigIntegerField(_("satuan pembulatan (Rp)"), default=100_000)
    minimum_wage_year = models.PositiveSmallIntegerField(_("tahun upah minimum"))
    membership_cutoff = models.DateField(_("peserta aktif per tanggal"))
    segments = models.CharField(_("segmen"), max_length=50, default="PU", help_text=_("dipisah spasi, mis. PU"))
    channels = models.CharField(_("kanal penyaluran"), max_length=100, default="BRI BNI MANDIRI BTN BSI POS")
    pos_pickup_deadline = models.DateField(
        _("batas pengambilan di Pos"),
        null=True,
        blank=True,
        help_text=_("Penerima lewat Pos yang belum mengambil bantuan sampai tanggal ini: dana dikembalikan ke kas negara."),
    )
    account_change_days = models.PositiveSmallIntegerField(
        _("rekening baru diubah (hari)"),
        default=14,
        help_text=_("Rekening yang diubah dalam sekian hari sebelum penetapan ditinjau dulu."),
    )
    name_similarity_threshold = models.DecimalField(
        _("batas kemiripan nama rekening"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.60"),
        help_text=_("Kemiripan nama pemilik rekening dan nama pekerja (0-1) di bawah angka ini ditinjau dulu."),
    )
    accounts_per_employer_limit = models.PositiveSmallIntegerField(
        _("NIK satu pemberi kerja per rekening"),
        default=3,
        help_text=_("Sekian NIK atau lebih dari satu pemberi kerja pada satu rekening ditinjau dulu."),
    )
    returns_per_account_limit = models.PositiveSmallIntegerField(
        _("pengembalian per rekening"),
        default=2,
        help_text=_("Rekening yang sudah sekian kali mengembalikan dana ditinjau dulu."),
    )
    period_start = models.DateField(_("periode mulai"), null=True, blank=True)
    period_end = models.DateField(_("periode selesai"), null=True, blank=True)

    class Meta:
        ordering = ["-membership_cutoff"]
        verbose_name = _("program BSU")
        verbose_name_plural = pgettext_lazy("jamak", "program BSU")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def amount_total(self):
        return self.amount_per_month * self.months

    @cached_property
    def segment_codes(self):
        return frozenset(self.segments.split())


class RecipientStatus(models.TextChoices):
    SCREENED_OUT = "SCREENED_OUT", _("Tidak memenuhi syarat")
    CANDIDATE = "CANDIDATE", _("Calon penerima")
    VERIFIED = "VERIFIED", _("Lolos verifikasi")
    REJECTED = "REJECTED", _("Ditolak pada pemadanan")
    ACCOUNT_INVALID = "ACCOUNT_INVALID", _("Rekening bermasalah")
    DETERMINED = "DETERMINED", _("Ditetapkan")
    DISBURSED = "DISBURSED", _("Tersalurkan")
    RETURNED = "RETURNED", _("Dana dikembalikan")
    RETURNED_TO_TREASURY = "RETURNED_TO_TREASURY", _("Dikembalikan ke kas negara")


# Statuses screening may still change; later ones belong to the pipeline.
SCREENING_STATUSES = (RecipientStatus.SCREENED_OUT, RecipientStatus.CANDIDATE)
# Statuses a recipient can still leave: one held longer than the chosen number of days is "stuck".
OPEN_STATUSES = (
    RecipientStatus.CANDIDATE,
    RecipientStatus.VERIFIED,
    RecipientStatus.ACCOUNT_INVALID,
    RecipientStatus.DETERMINED,
    RecipientStatus.RETURNED,
)


class Recipient(models.Model):
    """A worker's place in one programme's pipeline."""

    # Screening writes millions of recipients at once: like the worker table's, these foreign keys have no
    # database constraint (deferred per-row checks made every commit of a screening chunk ~0.3 s slower);
    # only the screening and pipeline services write them, and Django's PROTECT still guards deletions.
    # `programme` and `city` have no index of their own: the unique index leads with the programme, and the
    # pages read BsuFigure rows, not recipients.
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="recipients",
        db_index=False,
        db_constraint=False,
        verbose_name=_("program"),
    )
    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="bsu_recipients", db_constraint=False, verbose_name=_("pekerja")
    )
    # The worker's regency/city when screened: the dashboards count recipients per city without
    # joining millions of workers; re-screening keeps it current for recipients still in screening.
    city = models.ForeignKey(
        "regions.City",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kabupaten/kota"),
        db_index=False,
        db_constraint=False,
    )
    status = models.CharField(_("status"), max_length=20, choices=RecipientStatus.choices)
    status_since = models.DateTimeField(_("status sejak"))
    batch = models.PositiveSmallIntegerField(_("tahap/batch"), null=True, blank=True)
    channel = models.CharField(_("kanal"), max_length=10, blank=True)
    failed_rules = models.JSONField(_("syarat yang tidak terpenuhi"), default=list, blank=True)
    # The cap the wage was screened against and whose minimum wage set it: the workplace's regency/city
    # (UMK) or province (UMP) code, empty when no minimum wage of the programme's year was on record.
    wage_cap = models.BigIntegerField(_("batas upah (Rp)"), null=True, blank=True)
    wage_cap_region = models.CharField(_("wilayah upah minimum"), max_length=5, blank=True, db_default="")

    class Meta:
        verbose_name = _("penerima BSU")
        verbose_name_plural = pgettext_lazy("jamak", "penerima BSU")
        constraints = [models.UniqueConstraint(fields=["programme", "worker"], name="recipient_unique_worker")]
        indexes = [
            # The Pos countdown of the city panel ("310 belum diambil") and the pickup expiry: the few recipients
            # waiting at Pos, found without reading millions (a scan took 191 ms of the city page at 2M).
            models.Index(
                fields=["programme", "city"],
                name="recipient_waiting_at_pos",
                condition=models.Q(status="DETERMINED", channel="POS"),
            ),
        ]

    def __str__(self):
        return f"{self.programme.code} · {self.worker.nik}"


class StatusChange(models.Model):
    """Audit row written in the same transaction as every status change."""

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="changes", db_constraint=False)
    from_status = models.CharField(max_length=20, choices=RecipientStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=RecipientStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    # Written by the million at screening: no index or constraint on who/which job (a trace, like the
    # workers' import_job); Django's PROTECT still guards deleting a user through the ORM.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    import_job = models.ForeignKey(
        "imports.ImportJob",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    reason = models.CharField(max_length=300, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    amount = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["recipient", "at", "pk"]

    def __str__(self):
        return f"{self.recipient_id}: {self.from_status or '-'} -> {self.to_status}"


class Bank(models.TextChoices):
    BRI = "BRI", "BRI"
    BNI = "BNI", "BNI"
    MANDIRI = "MANDIRI", "Mandiri"
    BTN = "BTN", "BTN"
    BSI = "BSI", "BSI"


class BankAccount(models.Model):
    """The account a worker's subsidy is paid into (one per worker)."""

    worker = models.OneToOneField(Worker, on_delete=models.PROTECT, related_name="bank_account", verbose_name=_("pekerja"))
    bank = models.CharField(_("bank"), max_length=10, choices=Bank.choices)
    account_number = models.CharField(_("nomor rekening"), max_length=30, db_index=True)
    account_name = models.CharField(_("nama pemilik rekening"), max_length=200, blank=True, validators=[validate_name])
    import_job = import_trace()
    history = HistoricalRecords(verbose_name=_("riwayat perubahan"))

    class Meta:
        verbose_name = _("rekening bank")
        verbose_name_plural = pgettext_lazy("jamak", "rekening bank")

    def __str__(self):
        return f"{self.bank} {mask_account(self.account_number)}"


def mask_account(number):
    """An account number with all but its last 4 digits hidden."""
    number = number or ""
    return "•" * max(len(number) - 4, 0) + number[-4:]


class BsuFigure(models.Model):
    """Recipients of a programme per regency/city, status, batch and, for statuses a recipient can still
    leave, the day they entered it: what /bsu/ and the city panel read (tens of thousands of rows for
    millions of recipients). Rebuilt by `figures.bsu_figures_refresh` after screening, result imports and
    status changes."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    city = models.ForeignKey("regions.City", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    status = models.CharField(max_length=20, choices=RecipientStatus.choices)
    batch = models.PositiveSmallIntegerField(null=True)
    since = models.DateField(null=True)  # open statuses only (ageing)
    recipients = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["programme", "city"], name="bsu_figure_city")]

    def __str__(self):
        return f"{self.programme_id} {self.city_id} {self.status}: {self.recipients}"


POS = "POS"  # PT Pos Indonesia: paid in person against the e-KTP, no account needed


class ProvinceChannel(models.Model):
    """The bank a programme pays a province through, whatever bank the worker gave (Aceh: BSI, under its
    sharia finance law). Applied when a recipient is determined; Pos stays possible everywhere."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="province_channels", verbose_name=_("program")
    )
    province = models.ForeignKey("regions.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("provinsi"))
    channel = models.CharField(_("kanal"), max_length=10, choices=Bank.choices)

    class Meta:
        verbose_name = _("kanal per provinsi")
        verbose_name_plural = pgettext_lazy("jamak", "kanal per provinsi")
        constraints = [models.UniqueConstraint(fields=["programme", "province"], name="province_channel_unique")]

    def __str__(self):
        return f"{self.programme_id} {self.province_id}: {self.channel}"


class Payment(models.Model):
    """One determination of one recipient in a batch and what became of its money: the ledger the batch
    reconciliation sums. Written by the pipeline service with the status change; a recipient returned and
    determined again in a later batch has one payment per batch."""

    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="payments", db_constraint=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    # The recipient's regency/city: the reconciliation is scoped and counted per city without joining workers.
    city = models.ForeignKey("regions.City", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    batch = models.PositiveSmallIntegerField(_("batch"))
    channel = models.CharField(_("kanal"), max_length=10)
    amount = models.BigIntegerField(_("jumlah ditetapkan (Rp)"))
    determined_at = models.DateTimeField(_("ditetapkan"))
    # DISBURSED (by a bank, or collected at Pos), RETURNED or RETURNED_TO_TREASURY as reported; empty while open
    outcome = models.CharField(_("hasil"), max_length=20, choices=RecipientStatus.choices, blank=True)
    outcome_channel = models.CharField(_("kanal hasil"), max_length=10, blank=True)
    outcome_batch = models.PositiveSmallIntegerField(_("batch hasil"), null=True, blank=True)
    outcome_amount = models.BigIntegerField(_("jumlah hasil (Rp)"), null=True, blank=True)
    outcome_at = models.DateTimeField(_("waktu hasil"), null=True, blank=True)
    # Recovery of money paid to a worker later found ineligible (it goes back to the treasury).
    recovery_owed = models.BigIntegerField(_("harus dikembalikan (Rp)"), null=True, blank=True)
    recovery_reason = models.CharField(_("alasan penagihan"), max_length=300, blank=True)
    recovered = models.BigIntegerField(_("sudah dikembalikan (Rp)"), default=0)
    recovered_on = models.DateField(_("tanggal pengembalian terakhir"), null=True, blank=True)

    class Meta:
        verbose_name = _("penyaluran")
        verbose_name_plural = pgettext_lazy("jamak", "penyaluran")
        indexes = [models.Index(fields=["programme", "batch", "channel"], name="payment_batch")]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "batch"], name="payment_unique_batch"),
            models.CheckConstraint(
                condition=models.Q(recovery_owed__isnull=True) | models.Q(recovered__lte=models.F("recovery_owed")),
                name="payment_recovered_within_owed",
            ),
        ]

    def __str__(self):
        return f"{self.recipient_id} batch {self.batch} {self.channel}"


class RiskKind(models.TextChoices):
    SHARED_ACCOUNT = "SHARED_ACCOUNT", _("Rekening dipakai NIK lain")
    ACCOUNT_CHANGED = "ACCOUNT_CHANGED", _("Rekening baru diubah")
    NAME_MISMATCH = "NAME_MISMATCH", _("Nama rekening tidak mirip nama pekerja")
    EMPLOYER_ACCOUNT = "EMPLOYER_ACCOUNT", _("Banyak NIK satu pemberi kerja pada satu rekening")
    REPEATED_RETURNS = "REPEATED_RETURNS", _("Dana berulang kali kembali dari rekening ini")


class RiskReview(models.Model):
    """A decision on a recipient's open risk signals: cleared by one person, or rejected by a proposer and
    confirmed by a different person (until then the rejection is only proposed)."""

    class Decision(models.TextChoices):
        CLEARED = "CLEARED", _("Aman, boleh ditetapkan")
        REJECTED = "REJECTED", _("Ditolak, salurkan lewat Pos")

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="risk_reviews", db_constraint=False)
    decision = models.CharField(_("keputusan"), max_length=10, choices=Decision.choices)
    note = models.CharField(_("catatan"), max_length=300)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("diusulkan oleh")
    )
    proposed_at = models.DateTimeField(_("diusulkan"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dikonfirmasi oleh"),
    )
    confirmed_at = models.DateTimeField(_("dikonfirmasi"), null=True, blank=True)

    class Meta:
        verbose_name = _("tinjauan risiko rekening")
        verbose_name_plural = pgettext_lazy("jamak", "tinjauan risiko rekening")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decision="REJECTED") | ~models.Q(confirmed_by=models.F("proposed_by")),
                name="risk_rejection_second_person",
            )
        ]

    def __str__(self):
        return f"{self.recipient_id} {self.decision}"


class RiskSignal(models.Model):
    """One reason to look at a recipient's account before money is sent to it, explained in words. Open
    until a review decides on it; the same facts are not raised again once reviewed."""

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="risk_signals", db_constraint=False)
    kind = models.CharField(_("sinyal"), max_length=20, choices=RiskKind.choices)
    explanation = models.CharField(_("penjelasan"), max_length=300)
    found_at = models.DateTimeField(_("ditemukan"), default=timezone.now)
    review = models.ForeignKey(RiskReview, on_delete=models.SET_NULL, null=True, blank=True, related_name="signals")

    class Meta:
        verbose_name = _("sinyal risiko rekening")
        verbose_name_plural = pgettext_lazy("jamak", "sinyal risiko rekening")
        constraints = [models.UniqueConstraint(fields=["recipient", "kind", "explanation"], name="risk_signal_unique")]

    def __str__(self):
        return f"{self.recipient_id} {self.kind}"


class ExclusionKind(models.Model):
    """A kind of exclusion list (PKH, ASN, TNI, POLRI, OTHER): data, and so is which programmes it excludes
    from (BSU-2025: PKH, ASN, TNI and POLRI)."""

    code = models.CharField(_("kode"), max_length=20, unique=True)
    # How the screening reason names a person on such a list: "Terdaftar sebagai penerima PKH 2025".
    name = models.CharField(_("nama"), max_length=100)
    programmes = models.ManyToManyField(
        Programme, related_name="excluded_kinds", blank=True, verbose_name=_("program yang mengecualikan")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("jenis daftar pengecualian")
        verbose_name_plural = pgettext_lazy("jamak", "jenis daftar pengecualian")

    def __str__(self):
        return self.code


class ExclusionList(models.Model):
    """One list of NIKs a programme matches its candidates against (e.g. PKH-2025 from Kemensos). Its period
    applies to the NIKs that have no period of their own."""

    code = models.CharField(_("kode"), max_length=30, unique=True)
    kind = models.ForeignKey(ExclusionKind, on_delete=models.PROTECT, related_name="lists", verbose_name=_("jenis"))
    name = models.CharField(_("nama"), max_length=150, help_text=_("mis. penerima PKH 2025"))
    source = models.CharField(_("sumber"), max_length=150, blank=True, help_text=_("mis. Kemensos"))
    valid_from = models.DateField(_("berlaku mulai"), null=True, blank=True)
    valid_to = models.DateField(_("berlaku sampai"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("daftar pengecualian")
        verbose_name_plural = pgettext_lazy("jamak", "daftar pengecualian")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="exclusion_list_period",
                violation_error_message=_("Tanggal akhir berlaku sebelum tanggal mulai."),
            )
        ]

    def __str__(self):
        return self.code


class ExclusionEntry(models.Model):
    """A NIK on an exclusion list, with its own period when the list gave one. Millions per list: written by
    the import pipeline in bulk, read by the screening in one join per chunk of workers."""

    exclusion_list = models.ForeignKey(
        ExclusionList, on_delete=models.CASCADE, related_name="entries", db_constraint=False, verbose_name=_("daftar")
    )
    nik = models.CharField(_("NIK"), max_length=16)
    valid_from = models.DateField(_("berlaku mulai"), null=True, blank=True)
    valid_to = models.DateField(_("berlaku sampai"), null=True, blank=True)
    import_job = import_trace()

    class Meta:
        verbose_name = _("NIK dalam daftar pengecualian")
        verbose_name_plural = pgettext_lazy("jamak", "NIK dalam daftar pengecualian")
        # NIK first: the screening looks entries up by NIK; the import's key (list, NIK) uses it too.
        constraints = [models.UniqueConstraint(fields=["nik", "exclusion_list"], name="exclusion_entry_unique_nik")]

    def __str__(self):
        return f"{self.exclusion_list_id} · {self.nik}"


class ScreeningRun(models.Model):
    """One screening of a programme, with its counts and how many entered or left the candidate set."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="screenings", verbose_name=_("program"))
    at = models.DateTimeField(_("waktu penyaringan"))
    cutoff = models.DateField(_("peserta aktif per tanggal"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("oleh")
    )
    finished = models.BooleanField(_("selesai"), default=False)
    screened = models.PositiveIntegerField(_("disaring"), default=0)
    candidates = models.PositiveIntegerField(_("calon penerima"), default=0)
    screened_out = models.PositiveIntegerField(_("tidak memenuhi syarat"), default=0)
    entered = models.PositiveIntegerField(_("masuk daftar calon"), default=0)
    left = models.PositiveIntegerField(_("keluar dari daftar calon"), default=0)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("penyaringan BSU")
        verbose_name_plural = pgettext_lazy("jamak", "penyaringan BSU")

    def __str__(self):
        return f"{self.programme.code} {self.at:%Y-%m-%d %H:%M}"


class ScreeningChange(models.Model):
    """A worker who entered or left the candidate set at a screening run, with the rules that made the
    difference: for one who left, the rules now failed; for one who entered, the rules failed before (none
    for a worker screened for the first time)."""

    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="changes", verbose_name=_("penyaringan"))
    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False, verbose_name=_("pekerja")
    )
    entered = models.BooleanField(_("masuk"))
    rules = models.JSONField(_("syarat yang berubah"), default=list)

    class Meta:
        ordering = ["run", "worker"]
        verbose_name = _("perubahan hasil penyaringan")
        verbose_name_plural = pgettext_lazy("jamak", "perubahan hasil penyaringan")
        constraints = [models.UniqueConstraint(fields=["run", "worker"], name="screening_change_unique_worker")]

    def __str__(self):
        return f"{self.run_id} {self.worker_id} {'+' if self.entered else '-'}"
