"""python manage.py restore_database PATH: replaces the database's contents with a backup."""

from django.core.management.base import BaseCommand, CommandError

from config.database_backup import restore


class Command(BaseCommand):
    help = "Memulihkan basis data dari cadangan PATH / Restores the database from the backup at PATH."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--yes", action="store_true", help="tanpa konfirmasi / do not ask")

    def handle(self, *args, path, yes, **options):
        if not yes and input("Semua data sekarang akan diganti isi cadangan. Lanjut? [y/N] ").strip().lower() != "y":
            raise CommandError("Dibatalkan.")
        restore(path)
        self.stdout.write(f"restored={path}")
