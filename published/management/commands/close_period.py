"""python manage.py close_period YYYY-MM: freezes that month's figures of every regency/city (provisional)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from published.services import period_close, period_of


class Command(BaseCommand):
    help = "Membekukan angka bulan itu per kabupaten/kota (sementara) / Freezes a month's figures (provisional)."

    def add_arguments(self, parser):
        parser.add_argument("period", help="YYYY-MM")

    def handle(self, *args, **options):
        try:
            period = period_of(options["period"])
        except ValueError:
            raise CommandError("Periode harus YYYY-MM / period must be YYYY-MM") from None
        try:
            written = period_close(period)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"snapshots={len(written)}")
