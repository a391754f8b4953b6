"""python manage.py import_revert JOB_ID: undoes an applied import job (see imports/revert.py).

Prints the report; exit status 1 when the job cannot be reverted (another kind, not applied, already reverted).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from imports.models import ImportJob
from imports.revert import job_revert


class Command(BaseCommand):
    help = "Batalkan impor berkas yang sudah diterapkan / Revert an applied import job."

    def add_arguments(self, parser):
        parser.add_argument("job_id", type=int)

    def handle(self, *args, job_id, **options):
        try:
            job = ImportJob.objects.get(pk=job_id)
        except ImportJob.DoesNotExist as error:
            raise CommandError(f"impor #{job_id} tidak ada") from error
        try:
            self.stdout.write(job_revert(job=job, actor=None))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
