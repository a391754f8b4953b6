"""`make bench`, import part: 1,000,000-row workers CSV and 100,000-row XLSX into SQLite and PostgreSQL.

Each import runs as `manage.py import_file` in its own process (as an operator would run it), timed
from start to exit, with the peak RSS of that process. Also measured: a raw COPY of the same CSV into
an unindexed PostgreSQL table (the limit) and django-import-export's default import of a 20,000-row
slice (the tool most would reach for), each as a ratio to Jangkau's figure.
"""

import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench-data"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jangkau_bench")
CSV_ROWS = int(os.environ.get("BENCH_CSV_ROWS", "1000000"))
XLSX_ROWS = int(os.environ.get("BENCH_XLSX_ROWS", "100000"))
SLICE_ROWS = int(os.environ.get("BENCH_SLICE_ROWS", "20000"))
PREFILL_ROWS = int(os.environ.get("BENCH_PREFILL_ROWS", "5000000"))
BASE_ENV = {
    **os.environ,
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "localhost",
    "JANGKAU_MEDIA_ROOT": str(DATA / "media"),
    "JANGKAU_LOG_LEVEL": "WARNING",
    "JANGKAU_MAX_UPLOAD_BYTES": str(2**30),  # the 1M-row file is ~130 MB, over the 100 MB default
}


def database_env(name):
    env = dict(BASE_ENV)
    if name == "sqlite":
        env.pop("DATABASE_URL", None)
        env["JANGKAU_SQLITE_PATH"] = str(DATA / "bench.sqlite3")
    else:
        env["DATABASE_URL"] = PG_URL
    return env


def measured(args, env):
    """Runs a command; returns (seconds, peak RSS of that process in MB, stdout)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=err, text=True)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read()
        if process.returncode:
            raise SystemExit(f"{' '.join(args)} failed:\n{text}\n{err.read()}")
    return seconds, usage.ru_maxrss / 1024, text


def manage(env, *args):
    return measured([sys.executable, "manage.py", *args], env)


def fresh_database(name):
    import psycopg

    env = database_env(name)
    if name == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(DATA / "bench.sqlite3") + suffix).unlink(missing_ok=True)
    else:
        with psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True) as conn:
            name = PG_URL.rsplit("/", 1)[-1]  # the database BENCH_DATABASE_URL names (default jangkau_bench)
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createcachetable")
    manage(env, "load_demo", "--no-accounts", "--small")  # regions, offices and employers; the bench brings the workers
    return env


def django_in_process(env):
    """Django set up in this process against `env`'s database, for the in-process page measurements (the
    production settings serve hashed static files: collected first)."""
    manage(env, "collectstatic", "--noinput", "-v0")
    os.environ.update(env)
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


# The workers already there for "csv into 5M" (issue 16), written by the database itself: valid NIKs whose
# kecamatan digits (50-99) the CSV's (01-..) never use, so the import creates all its rows.
PREFILL = {
    "postgresql": """
INSERT INTO participants_worker
    (nik, kpj, name, birth_date, sex, segment, city_id, employer_id, wage, member_since, member_until, programs, import_job_id)
SELECT replace(c.code, '.', '') || lpad((50 + i / 9999 %% 50)::text, 2, '0')
       || lpad((1 + i %% 28 + CASE WHEN i %% 3 = 0 THEN 40 ELSE 0 END)::text, 2, '0') || lpad((1 + i %% 12)::text, 2, '0')
       || lpad((60 + i / 514 %% 40)::text, 2, '0') || lpad((1 + i %% 9999)::text, 4, '0'),
       '', 'Pekerja ' || i, NULL, CASE WHEN i %% 3 = 0 THEN 'P' ELSE 'L' END, 'BPU', c.code, NULL, 2500000 + (i %% 40) * 50000,
       DATE '2018-01-01' + (i %% 3250), NULL, 'JKK JKM', NULL
FROM generate_series(0, %s - 1) AS i
JOIN (SELECT code, row_number() OVER (ORDER BY code) - 1 AS k FROM regions_city) c ON c.k = i %% 514
ON CONFLICT DO NOTHING
""",
    "sqlite": """
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < %s),
c AS (SELECT code, row_number() OVER (ORDER BY code) - 1 AS k FROM regions_city)
INSERT INTO participants_worker
    (nik, kpj, name, birth_date, sex, segment, city_id, employer_id, wage, member_since, member_until, programs, import_job_id)
SELECT replace(c.code, '.', '') || printf('%%02d%%02d%%02d%%02d%%04d', 50 + i / 9999 %% 50,
           1 + i %% 28 + CASE WHEN i %% 3 = 0 THEN 40 ELSE 0 END, 1 + i %% 12, 60 + i / 514 %% 40, 1 + i %% 9999),
       '', 'Pekerja ' || i, NULL, CASE WHEN i %% 3 = 0 THEN 'P' ELSE 'L' END, 'BPU', c.code, NULL, 2500000 + (i %% 40) * 50000,
       date('2018-01-01', '+' || (i %% 3250) || ' days'), NULL, 'JKK JKM', NULL
FROM n JOIN c ON c.k = i %% 514
WHERE true ON CONFLICT DO NOTHING
""",
}


def prefill(env, name):
    """PREFILL_ROWS workers written in SQL into `env`'s database; returns how many the table holds."""
    script = """
import os, django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute(os.environ["BENCH_PREFILL_SQL"], [int(os.environ["BENCH_PREFILL_ROWS"])])
    cursor.execute("ANALYZE")
    cursor.execute("SELECT count(*) FROM participants_worker")
    print(cursor.fetchone()[0])
"""
    env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "BENCH_PREFILL_SQL": PREFILL[name],
        "BENCH_PREFILL_ROWS": str(PREFILL_ROWS),
    }
    _seconds, _rss, out = measured([sys.executable, "-c", script], env)
    return int(out.split()[-1])


def generate_files(env):
    """The files, made once against the seeded employers (the demo data is deterministic)."""
    csv_path, xlsx_path = DATA / f"workers-{CSV_ROWS}.csv", DATA / f"workers-{XLSX_ROWS}.xlsx"
    if csv_path.exists() and xlsx_path.exists():
        return csv_path, xlsx_path
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from bench.generate import write_workers_csv, write_workers_xlsx
    from participants.models import Employer

    employers = defaultdict(list)
    for npp, city in Employer.objects.values_list("npp", "city_id"):
        employers[city].append(npp)
    write_workers_csv(csv_path, CSV_ROWS, dict(employers))
    write_workers_xlsx(xlsx_path, XLSX_ROWS, dict(employers), start=CSV_ROWS)  # other workers than the CSV
    return csv_path, xlsx_path


def import_run(env, kind, path, rows):
    seconds, rss, out = manage(env, "import_file", kind, str(path))
    line = out.strip().splitlines()[-1]
    return {"seconds": seconds, "rate": rows / seconds, "rss": rss, "line": line}


def raw_copy(csv_path):
    import psycopg

    from bench.generate import HEADER

    with psycopg.connect(PG_URL.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_raw_copy")
        names = HEADER
        columns = ", ".join(f"{name} text" for name in names)
        conn.execute(f"CREATE UNLOGGED TABLE bench_raw_copy ({columns})")
        start = time.perf_counter()
        with (
            conn.cursor() as cursor,
            csv_path.open("rb") as source,
            cursor.copy("COPY bench_raw_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        ):
            while block := source.read(1 << 20):
                copy.write(block)
        seconds = time.perf_counter() - start
        conn.execute("DROP TABLE bench_raw_copy")
    return CSV_ROWS / seconds


def import_export_slice(csv_path):
    """django-import-export's default ModelResource import of the first rows, on PostgreSQL."""
    slice_path = DATA / f"workers-slice-{SLICE_ROWS}.csv"
    with csv_path.open(encoding="utf-8") as source, slice_path.open("w", encoding="utf-8") as target:
        for index, line in enumerate(source):
            if index > SLICE_ROWS:
                break
            target.write(line)
    script = f"""
import time, django, tablib
django.setup()
from import_export import resources, fields, widgets
from participants.models import Worker, Employer
from regions.models import City

class WorkerResource(resources.ModelResource):
    city_code = fields.Field(attribute="city", column_name="city_code", widget=widgets.ForeignKeyWidget(City, "code"))
    npp = fields.Field(attribute="employer", column_name="npp", widget=widgets.ForeignKeyWidget(Employer, "npp"))
    class Meta:
        model = Worker
        import_id_fields = ["nik"]
        fields = ["nik", "name", "segment", "city_code", "member_since", "kpj", "birth_date", "sex", "npp", "wage",
                  "member_until", "programs"]

Worker.objects.filter(nik__in=[]).delete()
data = tablib.Dataset().load(open({str(slice_path)!r}, encoding="utf-8").read(), format="csv")
start = time.perf_counter()
result = WorkerResource().import_data(data, dry_run=False, raise_errors=False)
print(len(data) / (time.perf_counter() - start), result.has_errors())
"""
    env = database_env("postgresql")
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    _seconds, _rss, out = measured([sys.executable, "-c", script], env)
    rate, errors = out.split()
    return float(rate), errors


def main():
    DATA.mkdir(exist_ok=True)
    results = {}
    csv_path = xlsx_path = None
    for name in ("sqlite", "postgresql"):
        env = fresh_database(name)
        if csv_path is None:
            csv_path, xlsx_path = generate_files(env)
        results[(name, "csv first")] = import_run(env, "workers", csv_path, CSV_ROWS)
        results[(name, "csv again")] = import_run(env, "workers", csv_path, CSV_ROWS)
        results[(name, "xlsx")] = import_run(env, "workers", xlsx_path, XLSX_ROWS)
        env = fresh_database(name)
        held = prefill(env, name)
        results[(name, f"csv into {held / 1e6:.0f}M")] = import_run(env, "workers", csv_path, CSV_ROWS)
    copy_rate = raw_copy(csv_path)
    fresh_database("postgresql")
    slice_rate, slice_errors = import_export_slice(csv_path)

    size = csv_path.stat().st_size / 2**20
    print(f"\n== import benchmark: {CSV_ROWS:,} workers CSV ({size:.0f} MB), {XLSX_ROWS:,} rows XLSX")
    print(f"{'database':<11} {'file':<11} {'seconds':>8} {'rows/s':>9} {'peak RSS MB':>12}  result")
    for (name, label), r in results.items():
        print(f"{name:<11} {label:<11} {r['seconds']:>8.1f} {r['rate']:>9,.0f} {r['rss']:>12.0f}  {r['line']}")
    first_pg = results[("postgresql", "csv first")]["rate"]
    print(
        f"raw COPY into an unindexed PostgreSQL table: {copy_rate:,.0f} rows/s = {copy_rate / first_pg:.1f} x Jangkau's first import"
    )
    print(
        f"django-import-export default import, {SLICE_ROWS:,} rows on PostgreSQL: {slice_rate:,.0f} rows/s "
        f"= 1/{first_pg / slice_rate:.0f} of Jangkau's (errors: {slice_errors})"
    )


if __name__ == "__main__":
    main()
