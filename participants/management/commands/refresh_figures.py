"""python manage.py refresh_figures: recompute every dashboard aggregate now (coverage and BSU figures)."""

import time

from django.core.management.base import BaseCommand

from participants.figures import figures_refresh
from subsidies.figures import bsu_figures_refresh


class Command(BaseCommand):
    help = "Menghitung ulang angka dasbor / Recomputes the dashboard figures."

    def handle(self, *args, **options):
        written, seconds = figures_refresh()
        self.stdout.write(f"coverage_figures={written} seconds={seconds:.1f}")
        # The BSU figures too: the queued refresh task may not have run yet (no worker, or a worker behind).
        started = time.perf_counter()
        written = bsu_figures_refresh()
        self.stdout.write(f"bsu_figures={written} seconds={time.perf_counter() - started:.1f}")
