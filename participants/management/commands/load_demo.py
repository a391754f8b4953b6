"""python manage.py load_demo: the demo data set and one account per role (idempotent)."""

from django.core.management.base import BaseCommand

from participants.demo import demo_load
from participants.figures import figures_refresh
from regions.services import user_create
from subsidies.demo import bsu_demo_load

DEMO_PASSWORD = "Jangkau-Demo-2025"  # noqa: S105 - printed on purpose: demo accounts only
DEMO_ACCOUNTS = [
    ("admin", "admin", None),
    ("kanwil.kalimantan", "regional", "KALIMANTAN"),
    ("cabang.singkawang", "branch", "SINGKAWANG"),
    ("cabang.pontianak", "branch", "PONTIANAK"),
    ("pemkot.singkawang", "official", "61.72"),
]


class Command(BaseCommand):
    help = "Memuat data demo Kalimantan dan akun demo / Loads the Kalimantan demo data and demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--no-accounts", action="store_true", help="data only, no demo accounts")

    def handle(self, *args, **options):
        counts = demo_load()
        figures_refresh()
        self.stdout.write(" ".join(f"{key}={value}" for key, value in counts.items()))
        bsu = bsu_demo_load()
        self.stdout.write("BSU-2025: " + " ".join(f"{key}={value}" for key, value in bsu.items()))
        if options["no_accounts"]:
            return
        self.stdout.write(f"Akun demo / demo accounts (kata sandi / password: {DEMO_PASSWORD}):")
        for username, role, scope in DEMO_ACCOUNTS:
            user_create(username=username, role=role, scope_code=scope, password=DEMO_PASSWORD, update=True)
            self.stdout.write(f"  {username:<20} {role:<9} {scope or '-'}")
