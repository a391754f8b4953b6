"""python manage.py backup_database PATH: a consistent copy of the database (see docs/deploy.md)."""

from django.core.management.base import BaseCommand

from config.database_backup import backup


class Command(BaseCommand):
    help = "Mencadangkan basis data ke PATH / Backs up the database to PATH (SQLite file or pg_dump custom format)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        backup(path)
        self.stdout.write(f"backup={path}")
