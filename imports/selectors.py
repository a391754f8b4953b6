"""Reads of import jobs: who sees which job."""

from django.utils.text import capfirst

from imports.models import ImportJob, RowChange, RowIssue
from regions.models import Access
from regions.selectors import role_of


def import_jobs_for(user):
    """Admins see every job; other staff the jobs they uploaded."""
    role = role_of(user)
    if role == Access.Role.ADMIN:
        return ImportJob.objects.select_related("created_by")
    if role in (Access.Role.REGIONAL, Access.Role.BRANCH):
        return ImportJob.objects.filter(created_by=user).select_related("created_by")
    return ImportJob.objects.none()


def first_issues(job, *, rejected, limit=50):
    return list(RowIssue.objects.filter(job=job, rejected=rejected).order_by("row")[:limit])


def record_import_changes(kind_name, key, *, limit=100):
    """What imports changed in one record (its natural key as RowChange stores it), newest first."""
    changes = RowChange.objects.filter(job__kind=kind_name, key=key).select_related("job__created_by", "job__reverted_by")
    return list(changes.order_by("-job_id")[:limit])


def import_history(model, changes, value_for, request):
    """RowChanges as history entries: [(job, [(label, before, after)])]; related ids shown as their objects
    (an import job as #id), every value through `value_for(request, field name, value)` (masking)."""
    meta = model._meta
    ids = {}
    for change in changes:
        for name, pair in change.changes.items():
            if meta.get_field(name).is_relation:
                ids.setdefault(name, set()).update(value for value in pair if value is not None)
    objects = {
        name: meta.get_field(name).related_model._base_manager.in_bulk(values)
        for name, values in ids.items()
        if meta.get_field(name).related_model is not ImportJob
    }

    def shown(name, value):
        if value is None or value == "":
            return "-"
        if meta.get_field(name).related_model is ImportJob:
            return f"#{value}"
        if name in objects:
            value = objects[name].get(value, value)
        return value_for(request, name, value)

    return [
        (
            change.job,
            [
                (capfirst(meta.get_field(name).verbose_name), shown(name, before), shown(name, after))
                for name, (before, after) in change.changes.items()
            ],
        )
        for change in changes
    ]
