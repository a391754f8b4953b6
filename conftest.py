"""Shared fixtures: offices, cities and one user per role, in and out of scope."""

import os
import re
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection

from config import replica
from participants.figures import figures_refresh
from participants.tests.factories import WorkerFactory
from regions.models import City, Office, Province
from regions.reference import load_reference_regions
from regions.services import user_create
from subsidies.figures import bsu_figures_refresh
from subsidies.models import Programme, Recipient, RecipientStatus
from subsidies.services import Move, bsu_screen, recipients_advance

PASSWORD = "Sandi-Uji-2025!"
PAGE_CACHE_MISS = 7  # queries a cached page adds when rendered anew: its versions, the cache's read and write
S = RecipientStatus


@pytest.fixture
def reference_regions(db):
    """The 514 regencies/cities and the UCJ colour bands; transactional tests flush them, so this puts them back."""
    load_reference_regions(Province, City)
    import_module("regions.migrations.0004_default_ucj_bands").seed(apps, None)


@pytest.fixture
def bsu(db):
    """BSU-2025 as its data migration seeds it (transactional tests flush it, so it is put back)."""
    import_module("subsidies.migrations.0002_bsu_2025").seed(apps, None)
    import_module("subsidies.migrations.0009_exclusions_workplace_wage").seed(apps, None)  # exclusion kinds
    return Programme.objects.get(code="BSU-2025")


@pytest.fixture
def pipeline(bsu, users):
    """Singkawang: 6 screened in (moved to every status), 1 screened out; Pontianak: 2 screened in."""
    skw = [WorkerFactory(city_code="61.72", nik=f"61720115089500{i:02d}") for i in range(1, 7)]
    WorkerFactory(city_code="61.72", segment="BPU", employer=None, nik="6172011508950099")
    pnk = [WorkerFactory(city_code="61.71", nik=f"61710115089500{i:02d}") for i in range(1, 3)]
    bsu_screen(programme=bsu)
    r = {w.nik: Recipient.objects.get(worker=w).pk for w in skw + pnk}
    n = [w.nik for w in skw]
    steps = [
        [Move(r[n[i]], S.VERIFIED) for i in (1, 2, 3, 4, 5)] + [Move(r[pnk[0].nik], S.VERIFIED)],
        [Move(r[n[1]], S.REJECTED, reason="Penerima PKH"), Move(r[n[2]], S.ACCOUNT_INVALID, channel="POS")]
        + [Move(r[n[i]], S.DETERMINED, batch=1, channel="BRI") for i in (3, 4, 5)]
        + [Move(r[pnk[0].nik], S.DETERMINED, batch=2, channel="BNI")],
        [Move(r[n[3]], S.DISBURSED, reference="TRX-1"), Move(r[n[4]], S.RETURNED), Move(r[pnk[0].nik], S.DISBURSED)],
    ]
    for step in steps:
        recipients_advance(step, actor=users["branch"])
    bsu_figures_refresh(bsu)
    return {"skw": skw, "pnk": pnk}


@pytest.fixture
def replica_figures(users):
    """Singkawang: 3 PU and 1 BPU participants; Pontianak: 1 BPU; their coverage figures refreshed."""
    WorkerFactory.create_batch(3, city_code="61.72")
    WorkerFactory(city_code="61.72", segment="BPU", employer=None)
    WorkerFactory(city_code="61.71", segment="BPU", employer=None)
    figures_refresh()


@pytest.fixture
def replica_failures_forgotten():
    """Each test starts with a replica this process has not seen fail (config.replica remembers it a while)."""
    replica._Unreachable.until = 0.0
    yield
    replica._Unreachable.until = 0.0


@pytest.fixture
def memory_page_cache(settings):
    """The page cache outside the database, as a deployment with a read replica keeps it (Redis: see
    docs/deploy.md): then a dashboard request reads nothing from the primary but its session."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()  # the process's memory outlives the test: start empty


@pytest.fixture
def offices(reference_regions):
    """Kanwil K1 with branch SKW (Singkawang, Sambas) and PNK (Pontianak); kanwil K2 with BPN (Balikpapan)."""
    k1 = Office.objects.create(code="K1", name="Kanwil Kalimantan", kind=Office.Kind.KANWIL)
    k2 = Office.objects.create(code="K2", name="Kanwil Lain", kind=Office.Kind.KANWIL)
    skw = Office.objects.create(code="SKW", name="Cabang Singkawang", kind=Office.Kind.CABANG, parent=k1)
    skw.cities.set(["61.72", "61.01"])
    pnk = Office.objects.create(code="PNK", name="Cabang Pontianak", kind=Office.Kind.CABANG, parent=k1)
    pnk.cities.set(["61.71"])
    bpn = Office.objects.create(code="BPN", name="Cabang Balikpapan", kind=Office.Kind.CABANG, parent=k2)
    bpn.cities.set(["64.71"])
    return {"K1": k1, "K2": k2, "SKW": skw, "PNK": pnk, "BPN": bpn}


@pytest.fixture
def users(offices):
    """admin; regional K1; branch SKW and PNK; official of Singkawang."""
    specs = {
        "admin": ("admin", None),
        "regional": ("regional", "K1"),
        "branch": ("branch", "SKW"),
        "other_branch": ("branch", "PNK"),
        "official": ("official", "61.72"),
    }
    return {
        key: user_create(username=key, role=role, scope_code=scope, password=PASSWORD)[0] for key, (role, scope) in specs.items()
    }


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def empty_page_cache(django_db_setup, django_db_blocker):
    """The page cache's table outlives the flush between transactional tests: each test starts without one."""
    with django_db_blocker.unblock():
        cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 stays the production hasher; tests that log in do not need its cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright; skipped locally without it, a failure in CI."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls in tests are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="id-ID", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused = []  # the browser reports anything the Content-Security-Policy blocked (inline script or style)
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert not refused, f"Content-Security-Policy violations: {refused}"


def screenshot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def footer_cells(page):
    """The texts of the table's totals row (its <tfoot>), tags stripped."""
    footer = re.search(r"<tfoot[^>]*>(.*?)</tfoot>", page, re.S).group(1)
    return [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", footer, re.S)]


def log_in(page, username, password=PASSWORD, path="/accounts/login/"):
    page.goto(path)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state()


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    """Tasks run in the request in tests; one end-to-end test runs a real db_worker instead."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def process_env(settings):
    """Environment pointing a child process at the test database and media folder."""
    env = {**os.environ, "JANGKAU_MEDIA_ROOT": str(settings.MEDIA_ROOT), "DJANGO_DEBUG": "true"}
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        env["JANGKAU_SQLITE_PATH"] = db["NAME"]
        env.pop("DATABASE_URL", None)
    else:
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return env


@pytest.fixture
def task_worker(settings, transactional_db):
    """A real `db_worker` process on the test database; tasks go through the database backend."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        cwd=Path(__file__).resolve().parent,
        env=process_env(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield process
    process.terminate()
    process.wait(timeout=30)
