"""Reads of import jobs: who sees which job."""

from imports.models import ImportJob, RowIssue
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
