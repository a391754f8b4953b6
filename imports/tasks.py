"""Background tasks of the import pipeline (django.tasks API; the database backend by default)."""

from django_tasks import task

from imports.models import ImportJob
from imports.services import job_apply, job_check, job_fail


def _run(job_id, service):
    job = ImportJob.objects.get(pk=job_id)
    try:
        service(job=job)
    except Exception as error:
        job_fail(job=job, error=error)
        raise


@task()
def check_import(job_id):
    _run(job_id, job_check)


@task()
def apply_import(job_id):
    _run(job_id, job_apply)
