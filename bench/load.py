"""`make bench`, load part: 50 concurrent simulated users on the dashboards for 60 s against the
production-style server (`make serve`: gunicorn + whitenoise + a background worker) on PostgreSQL,
with the data the dashboard benchmark left (2 M workers, BSU recipients). Prints errors, p50, p95."""

import csv
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.imports import BASE_ENV, DATA, PG_URL, ROOT

USERS = int(os.environ.get("BENCH_LOAD_USERS", "50"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
PORT = os.environ.get("BENCH_LOAD_PORT", "8123")
OFFICIALS = USERS // 5


def sessions(env):
    """One logged-in session per simulated user: staff (admin role, all 514 cities) and officials."""
    script = (
        "from django.contrib.auth import get_user_model, HASH_SESSION_KEY, SESSION_KEY, BACKEND_SESSION_KEY\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from regions.services import user_create\n"
        "from regions.models import City\n"
        "import sys\n"
        f"staff = user_create(username='bench-staff', role='admin', scope_code=None, update=True)[0]\n"
        f"official = user_create(username='bench-official', role='official', scope_code='61.72', update=True)[0]\n"
        "keys = []\n"
        f"for i in range({USERS}):\n"
        f"    user = official if i < {OFFICIALS} else staff\n"
        "    s = SessionStore()\n"
        "    s[SESSION_KEY] = str(user.pk); s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "    s[HASH_SESSION_KEY] = user.get_session_auth_hash(); s.create()\n"
        "    keys.append(('official' if user == official else 'staff') + ':' + s.session_key)\n"
        "print(','.join(keys))\n"
        "print(','.join(City.objects.order_by('code').values_list('code', flat=True)))\n"
    )
    out = (
        subprocess.run([sys.executable, "manage.py", "shell", "-c", script], env=env, check=True, capture_output=True, text=True)
        .stdout.strip()
        .splitlines()
    )
    return out[-2], out[-1]


def wait_until_up(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"server did not start at {url}")


def main():
    env = {
        **BASE_ENV,
        "DATABASE_URL": PG_URL,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "PORT": PORT,
        "HOST": "127.0.0.1",
        "WORKERS": os.environ.get("BENCH_LOAD_WORKERS", "3"),
    }
    keys, cities = sessions(env)
    # The background work the data set left queued (the demo's rapor PDFs, refreshes) runs first: the test
    # measures the pages of a steady system, not a worker catching up beside them.
    subprocess.run([sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    server = subprocess.Popen(
        ["make", "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        wait_until_up(f"http://127.0.0.1:{PORT}/static/css/jangkau.css", 120)
        prefix = DATA / "load"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "-u",
                str(USERS),
                "-r",
                str(USERS),
                "-t",
                f"{SECONDS}s",
                "--host",
                f"http://127.0.0.1:{PORT}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={**os.environ, "BENCH_SESSIONS": keys, "BENCH_CITIES": cities},
            check=False,
        )
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    print(f"\n== load test: {USERS} simulated users ({OFFICIALS} officials) for {SECONDS} s against `make serve` on PostgreSQL")
    print(f"{'page':<28}{'requests':>9}{'errors':>8}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}")
    with open(f"{prefix}_stats.csv", newline="") as stats:
        for row in csv.DictReader(stats):
            print(
                f"{row['Name']:<28}{row['Request Count']:>9}{row['Failure Count']:>8}{row['50%']:>8}{row['95%']:>8}"
                f"{float(row['Max Response Time']):>8.0f}"
            )


if __name__ == "__main__":
    main()
