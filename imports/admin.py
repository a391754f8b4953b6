"""Admin screens of the import pipeline: upload, check preview, confirm, live progress, result."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.formatting import format_number
from imports.admin_filters import import_job_records_url
from imports.exports import preview_examples, rejected_rows_lines, unmasked
from imports.forms import UploadForm
from imports.kinds import registry
from imports.models import ImportJob
from imports.pipeline import max_stored_rejected
from imports.revert import revertible
from imports.selectors import first_issues, import_jobs_for
from imports.services import earlier_applications, job_create, job_is_stuck, job_resume
from imports.tasks import apply_import, check_import, revert_import
from imports.template_files import template_csv_lines, template_xlsx_bytes
from participants.models import PersonalDataAccess
from regions.models import Access
from regions.selectors import role_of


class ImportButtonMixin:
    """Adds an "Impor" button to a model's list page in the admin."""

    import_kind = None
    change_list_template = "admin/imports/change_list.html"

    def changelist_view(self, request, extra_context=None):
        kind = registry[self.import_kind]
        extra = {"import_kind": kind.name, "can_import": request.user.has_perm(kind.permission)}
        return super().changelist_view(request, {**(extra_context or {}), **extra})


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind_label",
        "filename",
        "status",
        "rows_display",
        "created_display",
        "updated_display",
        "unchanged_display",
        "rejected_display",
        "created_by",
        "created_at",
    ]
    list_display_links = ["id", "filename"]
    list_filter = ["status", "kind"]
    search_fields = ["filename", "=sha256"]
    show_full_result_count = False

    def get_queryset(self, request):
        return import_jobs_for(request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return any(request.user.has_perm(kind.permission) for kind in registry.values())

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description=gettext_lazy("jenis"))
    def kind_label(self, job):
        kind = registry.get(job.kind)
        return kind.label if kind else job.kind

    @admin.display(description=gettext_lazy("baris"), ordering="rows")
    def rows_display(self, job):
        return format_number(job.rows)

    @admin.display(description=gettext_lazy("dibuat"), ordering="created")
    def created_display(self, job):
        return format_number(job.created)

    @admin.display(description=gettext_lazy("diubah"), ordering="updated")
    def updated_display(self, job):
        return format_number(job.updated)

    @admin.display(description=gettext_lazy("tetap"), ordering="unchanged")
    def unchanged_display(self, job):
        return format_number(job.unchanged)

    @admin.display(description=gettext_lazy("ditolak"), ordering="rejected")
    def rejected_display(self, job):
        return format_number(job.rejected)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name="imports_importjob_upload"),
            path("template/<str:kind_name>.<str:extension>", wrap(self.template_view), name="imports_importjob_template"),
            path("<int:job_id>/progress/", wrap(self.progress_view), name="imports_importjob_progress"),
            path("<int:job_id>/confirm/", wrap(self.confirm_view), name="imports_importjob_confirm"),
            path("<int:job_id>/resume/", wrap(self.resume_view), name="imports_importjob_resume"),
            path("<int:job_id>/revert/", wrap(self.revert_view), name="imports_importjob_revert"),
            path("<int:job_id>/rejected.csv", wrap(self.rejected_view), name="imports_importjob_rejected"),
            path("<int:job_id>/", wrap(self.job_view), name="imports_importjob_job"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:imports_importjob_upload")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:imports_importjob_job", job_id=object_id)

    def history_view(self, request, object_id, extra_context=None):
        if self.get_object(request, object_id) is None:
            raise Http404  # someone else's job, like every job page
        return super().history_view(request, object_id, extra_context)

    def _job(self, request, job_id):
        return get_object_or_404(import_jobs_for(request.user), pk=job_id)

    def _context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    def upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(
            request.POST or None, request.FILES or None, user=request.user, initial={"kind": request.GET.get("kind")}
        )
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            job = job_create(
                kind=form.cleaned_data["kind"],
                fileobj=upload,
                filename=upload.name,
                user=request.user,
                all_or_nothing=form.cleaned_data["all_or_nothing"],
            )
            check_import.enqueue(job.pk)
            return redirect("admin:imports_importjob_job", job_id=job.pk)
        kinds = [k for k in registry.values() if request.user.has_perm(k.permission)]
        context = self._context(request, title=_("Impor berkas"), form=form, kinds=kinds)
        return TemplateResponse(request, "admin/imports/upload.html", context)

    def template_view(self, request, kind_name, extension):
        """A kind's template file: its header (English names) and one example row, CSV or XLSX."""
        kind = registry.get(kind_name)
        if kind is None or extension not in ("csv", "xlsx"):
            raise Http404
        if not request.user.has_perm(kind.permission):
            raise PermissionDenied
        if extension == "csv":
            response = HttpResponse("".join(template_csv_lines(kind)), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                template_xlsx_bytes(kind), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
        response["Content-Disposition"] = f'attachment; filename="templat-{kind.name}.{extension}"'
        return response

    def job_view(self, request, job_id):
        job = self._job(request, job_id)
        context = self._context(
            request,
            title=_("Impor %(kind)s: %(file)s") % {"kind": registry[job.kind].label, "file": job.filename},
            job=job,
            kind=registry[job.kind],
            errors=first_issues(job, rejected=True),
            warnings=first_issues(job, rejected=False, limit=20),
            earlier=list(earlier_applications(job, import_jobs_for(request.user))[:3]),  # never another user's
            can_confirm=job.status == ImportJob.Status.VALIDATED and job.created_by_id == request.user.pk,
            can_resume=self._may_resume(request, job) and job_is_stuck(job),
            can_revert=self._may_revert(request) and revertible(job) is None,
            stored_rejected=min(job.rejected, max_stored_rejected()),
            examples=preview_examples(job, registry[job.kind], mask=self._history_mask(request, registry[job.kind])),
            records_url=self._records_url(job),
        )
        return TemplateResponse(request, "admin/imports/job.html", context)

    def _records_url(self, job):
        """The admin list of the records a finished job created or updated, when its kind has one (traced rows)."""
        kind = registry[job.kind]
        if job.status != ImportJob.Status.DONE or not (job.created or job.updated) or kind.trace_field is None:
            return None
        return import_job_records_url(job, kind.model)

    def _history_mask(self, request, kind):
        """How the record's own admin shows a stored value to this user (an account number masked), for the
        before -> after of the preview; values pass unchanged for kinds whose admin masks nothing."""
        record_admin = self.admin_site._registry.get(kind.model)
        history_value = getattr(record_admin, "history_value", None)
        if history_value is None:
            return unmasked
        return lambda field_name, value: history_value(request, field_name, value)

    def progress_view(self, request, job_id):
        job = self._job(request, job_id)
        return JsonResponse(
            {
                "status": job.status,
                "status_label": job.get_status_display(),
                "running": job.is_running,
                "progress": round(job.progress * 100, 1),
                **{name: getattr(job, name) for name in ("rows", "created", "updated", "unchanged", "rejected", "warnings")},
            }
        )

    def confirm_view(self, request, job_id):
        job = self._job(request, job_id)
        if request.method != "POST":
            raise Http404
        updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALIDATED, created_by=request.user).update(
            status=ImportJob.Status.APPLY_QUEUED, progress=0
        )
        if updated:
            apply_import.enqueue(job.pk)
            messages.info(request, _("Berkas sedang diterapkan di latar belakang."))
        else:
            messages.warning(request, _("Berkas ini tidak menunggu konfirmasi lagi."))
        return redirect(reverse("admin:imports_importjob_job", args=[job.pk]))

    def _may_resume(self, request, job):
        return job.created_by_id == request.user.pk or role_of(request.user) == Access.Role.ADMIN

    def resume_view(self, request, job_id):
        """The "Lanjutkan" button: re-queues a job whose worker died (or whose apply failed); uploader or admin."""
        job = self._job(request, job_id)
        if request.method != "POST":
            raise Http404
        if not self._may_resume(request, job) or not job_is_stuck(job):
            raise PermissionDenied
        if job_resume(job=job, user=request.user):
            self.log_change(request, job, _("Dilanjutkan setelah proses latar belakang berhenti."))
            messages.info(request, _("Impor diantrekan lagi dan berlanjut di latar belakang."))
        else:
            messages.warning(request, _("Impor ini sudah berjalan lagi; tidak ada yang perlu dilanjutkan."))
        return redirect(reverse("admin:imports_importjob_job", args=[job.pk]))

    @staticmethod
    def _may_revert(request):
        return role_of(request.user) == Access.Role.ADMIN

    def revert_view(self, request, job_id):
        """Admins undo a whole applied job in the background; the report stays on the job page."""
        job = self._job(request, job_id)
        if request.method != "POST":
            raise Http404
        if not self._may_revert(request):
            raise PermissionDenied
        if reason := revertible(job):
            messages.warning(request, reason)
        else:
            revert_import.enqueue(job.pk, request.user.pk)
            self.log_change(request, job, _("Pembatalan impor diminta."))
            messages.info(request, _("Pembatalan impor berjalan di latar belakang; hasilnya tampil di halaman ini."))
        return redirect(reverse("admin:imports_importjob_job", args=[job.pk]))

    def rejected_view(self, request, job_id):
        job = self._job(request, job_id)
        PersonalDataAccess.objects.create(
            user=request.user, action=PersonalDataAccess.Action.EXPORT, subject=f"impor #{job.pk}: baris ditolak"
        )
        kind = registry[job.kind]
        lines = rejected_rows_lines(job, kind, self._history_mask(request, kind))
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="ditolak-{job.pk}.csv"'
        return response
