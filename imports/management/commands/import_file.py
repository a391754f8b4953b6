"""python manage.py import_file KIND PATH [--dry-run] [--all-or-nothing] [--errors OUT.csv]

The same pipeline as the admin upload, run in this process. The last line is always
`rows=N created=N updated=N unchanged=N rejected=N`; exit status 1 when the file was refused as a whole.
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from imports.exports import write_rejected_rows
from imports.kinds import registry
from imports.models import ImportJob
from imports.services import earlier_applications, job_apply, job_check, job_create


class Command(BaseCommand):
    help = "Impor berkas CSV/XLSX / Import a CSV/XLSX file."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        lines = []
        for kind in registry.values():
            columns = ", ".join(f"{c.name}{'*' if c.required else ''} ({c.label})" for c in kind.columns)
            lines.append(f"  {kind.name}: {columns}")
        parser.epilog = "Jenis dan kolom (* wajib; nama Indonesia dalam kurung):\n" + "\n".join(lines)
        parser.formatter_class = __import__("argparse").RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(registry))
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="periksa saja, tidak ada yang disimpan")
        parser.add_argument("--all-or-nothing", action="store_true", help="bila ada baris ditolak, tidak ada yang diubah")
        parser.add_argument("--errors", metavar="OUT.csv", help="tulis baris yang ditolak ke CSV ini")

    def handle(self, *args, **options):
        try:
            binary = open(options["path"], "rb")  # noqa: SIM115 - closed below
        except OSError as error:
            raise CommandError(f"Berkas tidak bisa dibuka: {error}") from error
        with binary:
            job = job_create(
                kind=options["kind"], fileobj=binary, filename=options["path"], all_or_nothing=options["all_or_nothing"]
            )
        if earlier_applications(job).exists():
            self.stderr.write("Peringatan: berkas yang sama (SHA-256) sudah pernah diterapkan.")
        if options["dry_run"] or options["all_or_nothing"]:
            job_check(job=job)
        if not options["dry_run"] and job.status != ImportJob.Status.REFUSED:
            job_apply(job=job)
        if job.message:
            self.stderr.write(job.message)
        if options["errors"]:
            with open(options["errors"], "w", encoding="utf-8", newline="") as out:
                write_rejected_rows(job, out)
        self.stdout.write(f"job={job.pk} sha256={job.sha256}")
        self.stdout.write(job.counts_line())
        if job.status in (ImportJob.Status.REFUSED, ImportJob.Status.FAILED):
            sys.exit(1)
