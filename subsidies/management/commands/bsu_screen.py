"""python manage.py bsu_screen PROGRAMME [--as-of YYYY-MM-DD]"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from subsidies.models import Programme
from subsidies.services import bsu_screen


class Command(BaseCommand):
    help = "Menyaring pekerja untuk program BSU / Screens workers against a BSU programme's rules."

    def add_arguments(self, parser):
        parser.add_argument("programme")
        parser.add_argument("--as-of", type=dt.date.fromisoformat, help="tanggal kepesertaan aktif (bawaan: dari program)")

    def handle(self, *args, **options):
        programme = Programme.objects.filter(code=options["programme"]).first()
        if programme is None:
            raise CommandError(f"Program {options['programme']} tidak ada.")
        counts = bsu_screen(programme=programme, cutoff=options["as_of"])
        if counts["kept"]:
            self.stdout.write(f"kept={counts['kept']} (penerima yang sudah lebih lanjut tidak diubah)")
        if counts["entered"] or counts["left"]:
            self.stdout.write(f"entered={counts['entered']} left={counts['left']} (sejak penyaringan sebelumnya)")
        self.stdout.write(
            f"screened={counts['screened']} candidates={counts['candidates']} screened_out={counts['screened_out']}"
        )
