"""Recomputes the scorecard's evidence rows of a year for one province's regencies/cities, or for every
province that has a regency/city served by an office (commitments.services.scores_refresh)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from commitments.services import ScoreRefusal, scores_refresh
from regions.models import City


class Command(BaseCommand):
    help = "Hitung ulang bukti skor Pemda (kebijakan, penerapan, kinerja) untuk satu tahun."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="tahun (bawaan: tahun ini)")
        parser.add_argument("--province", default=None, help="kode provinsi, mis. 61 (bawaan: yang punya kantor cabang)")

    def handle(self, *args, year, province, **options):
        year = year or timezone.localdate().year
        if province:
            provinces = [province]
        else:
            served = City.objects.filter(offices__isnull=False).values_list("province_id", flat=True)
            provinces = sorted(set(served))
        written = 0
        for code in provinces:
            try:
                written += scores_refresh(province_code=code, year=year)
            except ScoreRefusal as error:
                raise CommandError(str(error)) from error
        self.stdout.write(f"provinces={len(provinces)} rows={written}")
