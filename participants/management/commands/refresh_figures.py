"""python manage.py refresh_figures: recompute the dashboard aggregates now."""

from django.core.management.base import BaseCommand

from participants.figures import figures_refresh


class Command(BaseCommand):
    help = "Menghitung ulang angka dasbor / Recomputes the dashboard figures."

    def handle(self, *args, **options):
        written, seconds = figures_refresh()
        self.stdout.write(f"coverage_figures={written} seconds={seconds:.1f}")
