"""The admin list filter every imported model offers: the records one import job created or updated."""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from imports.models import ImportJob
from imports.selectors import import_jobs_for

IMPORT_JOB = "import_job"


class ImportJobFilter(admin.SimpleListFilter):
    """Records an import job created or updated (`?import_job=ID`): each record names the job that last wrote
    it, so a record changed again by a later job or by hand belongs to that one. Only jobs the user may see
    (their own; an administrator's every job) are offered and applied."""

    title = _("impor berkas")
    parameter_name = IMPORT_JOB
    latest = 10

    def job_id(self):
        value = self.value()
        if value is None:
            return None
        if not (value.isascii() and value.isdigit()):
            raise IncorrectLookupParameters(f"import_job={value!r}")
        return int(value)

    def lookups(self, request, model_admin):
        jobs = import_jobs_for(request.user).filter(status=ImportJob.Status.DONE)
        if kind := getattr(model_admin, "import_kind", None):
            jobs = jobs.filter(kind=kind)
        chosen = self.job_id()
        shown = list(jobs.order_by("-created_at").values_list("pk", "filename")[: self.latest])
        if chosen is not None and chosen not in {pk for pk, _name in shown}:
            # the chosen job stays listed (Django applies only a filter that lists something)
            shown += list(import_jobs_for(request.user).filter(pk=chosen).values_list("pk", "filename"))
        self.visible_ids = {pk for pk, _name in shown}
        choices = [(str(pk), f"#{pk} {filename}") for pk, filename in shown]
        if chosen is not None and chosen not in self.visible_ids:
            choices.append((str(chosen), _("#%(id)s (tidak ditemukan)") % {"id": chosen}))
        return choices

    def queryset(self, request, queryset):
        chosen = self.job_id()
        if chosen is None:
            return queryset
        if chosen not in self.visible_ids:
            return queryset.none()  # another user's job: nothing, as if it did not exist
        return queryset.filter(import_job_id=chosen)


def import_job_records_url(job, model):
    """The admin list of the `model` records an import job created or updated."""
    meta = model._meta
    return f"{reverse(f'admin:{meta.app_label}_{meta.model_name}_changelist')}?{urlencode({IMPORT_JOB: job.pk})}"
