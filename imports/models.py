"""Import jobs: one uploaded or command-line file, its checks, its result, and its rejected rows."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "QUEUED", _("Menunggu diperiksa")
        VALIDATING = "VALIDATING", _("Sedang diperiksa")
        VALIDATED = "VALIDATED", _("Siap diterapkan")
        APPLY_QUEUED = "APPLY_QUEUED", _("Menunggu diterapkan")
        APPLYING = "APPLYING", _("Sedang diterapkan")
        DONE = "DONE", _("Selesai")
        REFUSED = "REFUSED", _("Ditolak seluruhnya")
        FAILED = "FAILED", _("Gagal")

    RUNNING_STATUSES = (Status.QUEUED, Status.VALIDATING, Status.APPLY_QUEUED, Status.APPLYING)
    FINISHED_STATUSES = (Status.DONE, Status.REFUSED, Status.FAILED)

    kind = models.CharField(_("jenis"), max_length=30)
    file = models.FileField(_("berkas"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("nama berkas"), max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.BigIntegerField(_("ukuran (byte)"))
    all_or_nothing = models.BooleanField(_("semua atau tidak sama sekali"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    message = models.TextField(_("pesan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("oleh")
    )
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai diterapkan"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    progress = models.FloatField(_("kemajuan"), default=0)
    # Figures of the last pass (the check, then the apply). `applied_rows` is the resume point: rows of
    # the file whose effects are committed, advanced in the same transaction as their writes.
    rows = models.PositiveIntegerField(_("baris"), default=0)
    created = models.PositiveIntegerField(_("dibuat"), default=0)
    updated = models.PositiveIntegerField(_("diubah"), default=0)
    unchanged = models.PositiveIntegerField(_("tetap"), default=0)
    rejected = models.PositiveIntegerField(_("ditolak"), default=0)
    warnings = models.PositiveIntegerField(_("peringatan"), default=0)
    applied_rows = models.PositiveIntegerField(default=0)
    # What the apply changed, for the figures refresh: {field: [old and new values]} (null: too many to list)
    touched = models.JSONField(default=dict, blank=True)
    header = models.JSONField(default=list, blank=True)
    # The preview's sample: the first rows of each class found by the check, {"created": [...], "updated":
    # [...], "rejected": [...]} (see imports.pipeline.Pass); a few rows, so the page needs no second read.
    examples = models.JSONField(_("contoh baris"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    # Set by every committed chunk of a pass: a running job whose heartbeat is old lost its worker.
    heartbeat_at = models.DateTimeField(_("tanda hidup terakhir"), null=True, blank=True)
    reverted_at = models.DateTimeField(_("dibatalkan"), null=True, blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibatalkan oleh"),
    )
    revert_message = models.TextField(_("hasil pembatalan"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("impor berkas")
        verbose_name_plural = pgettext_lazy("jamak", "impor berkas")
        permissions = [("import_file", _("Boleh mengimpor berkas"))]

    def __str__(self):
        return f"{self.kind} {self.filename} ({self.get_status_display()})"

    @property
    def is_running(self):
        return self.status in self.RUNNING_STATUSES

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    def counts_line(self):
        return (
            f"rows={self.rows} created={self.created} updated={self.updated} unchanged={self.unchanged} rejected={self.rejected}"
        )


class RowIssue(models.Model):
    """A rejected row (or a warning) of an import job, with the original cells for the download."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    row = models.PositiveIntegerField(_("baris"))
    rejected = models.BooleanField(default=True)
    messages = models.JSONField(default=list)  # [[column, message], ...]
    cells = models.JSONField(default=list)

    class Meta:
        ordering = ["job", "row"]
        indexes = [models.Index(fields=["job", "rejected", "row"], name="rowissue_job_rejected_row")]

    def __str__(self):
        return f"{self.job_id}:{self.row}"


class RowChange(models.Model):
    """What an import changed in one existing record: {field: [before, after]} of the changed fields, the
    import trace included. Written in the same transaction as the change; shown in the record's history
    and used to revert the job. Rows a job created carry its id in their trace and need no entry."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="changes", db_index=False)
    key = models.CharField(max_length=64)  # the record's natural key in the table (NIK, NPP, worker id), as text
    changes = models.JSONField(encoder=DjangoJSONEncoder)

    class Meta:
        indexes = [
            models.Index(fields=["job", "key"], name="rowchange_job_key"),
            models.Index(fields=["key"], name="rowchange_key"),
        ]

    def __str__(self):
        return f"{self.job_id}:{self.key}"
