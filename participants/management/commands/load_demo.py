"""python manage.py load_demo [--small]: the demo data set and one account per role (idempotent).

A second run finds the loaded cities and the played BSU pipeline and creates nothing (a few seconds).
Progress goes to stderr as one line rewritten in place, when stderr is a terminal.
"""

import time

from django.core.management.base import BaseCommand

from commitments.demo import commitments_demo_load
from outreach.demo import outreach_demo_load
from participants.demo import demo_load
from participants.figures import figures_refresh
from participants.models import CoverageFigure
from published.demo import published_demo_load
from rapor.demo import rapor_demo_enqueue
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


class Progress:
    """`label  done/total  pct %  detail`, rewritten in place with \\r (a terminal only)."""

    def __init__(self, stream, label):
        self.stream, self.label = stream, label
        self.enabled = stream.isatty()
        stream.style_func = None  # plain text, not the red of error messages
        self.width = 0

    def __call__(self, done, total, detail=""):
        if not self.enabled:
            return
        percent = 100 * done // total if total else 100
        bar = "#" * (percent // 4)
        line = f"{self.label} [{bar:<25}] {done}/{total} {percent:3d}% {detail}"
        self.stream.write("\r" + line.ljust(self.width), ending="")
        self.stream.flush()
        self.width = len(line)

    def end(self):
        if self.enabled and self.width:
            self.stream.write("", ending="\n")
            self.width = 0


class Command(BaseCommand):
    help = "Memuat data demo Kalimantan dan akun demo / Loads the Kalimantan demo data and demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--no-accounts", action="store_true", help="data only, no demo accounts")
        parser.add_argument(
            "--small",
            action="store_true",
            help="data kecil untuk tes / a small data set for tests (Kota Singkawang whole, other cities 1/100)",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        progress = Progress(self.stderr, "pekerja/workers")
        counts = demo_load(small=options["small"], progress=progress)
        progress.end()
        if counts.get("other_demo"):
            self.stderr.write(
                "Basis data ini berisi data demo lain (versi lama atau skala lain); tidak ada yang dimuat. "
                "Muat ke basis data baru (mis. hapus db.sqlite3). / This database holds another demo data set "
                "(an older one or the other scale); nothing loaded. Load into a fresh database."
            )
            return
        if counts["created"] or not CoverageFigure.objects.exists():
            figures_refresh()
        self.stdout.write(" ".join(f"{key}={value}" for key, value in counts.items()))
        progress = Progress(self.stderr, "BSU-2025")
        bsu = bsu_demo_load(progress=progress)
        progress.end()
        statuses, batches = bsu.pop("statuses"), bsu.pop("batches")
        self.stdout.write("BSU-2025: " + " ".join(f"{key}={value}" for key, value in bsu.items()))
        self.stdout.write("BSU-2025 status: " + " ".join(f"{key}={value}" for key, value in statuses.items()))
        self.stdout.write("BSU-2025 batch: " + " ".join(f"{key}={value}" for key, value in batches.items()))
        if not options["no_accounts"]:
            self.stdout.write(f"Akun demo / demo accounts (kata sandi / password: {DEMO_PASSWORD}):")
            for username, role, scope in DEMO_ACCOUNTS:
                user_create(username=username, role=role, scope_code=scope, password=DEMO_PASSWORD, update=True)
                self.stdout.write(f"  {username:<20} {role:<9} {scope or '-'}")
        outreach = outreach_demo_load()  # after the accounts: the demo visits are cabang.singkawang's
        self.stdout.write(
            f"outreach: reports={outreach['reports']} prospects={outreach['prospects']} "
            f"arrears={outreach['employers_in_arrears']} visits={outreach['visits']}"
        )
        published = published_demo_load()  # after the accounts: the sign-off steps name them
        self.stdout.write(
            f"published: snapshots={published['snapshots']} flagged={published['flagged']} reopened={published['reopened']}"
        )
        self.stdout.write(f"commitments: {commitments_demo_load()['commitments']}")
        self.stdout.write(f"rapor: {rapor_demo_enqueue()}")  # queued: the worker of `make run` renders them
        self.stdout.write(f"seconds={time.monotonic() - started:.1f}")
