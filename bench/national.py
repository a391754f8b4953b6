"""`make bench-national` (not in CI; about 30 minutes, ~6 GB of disk): Jangkau at 10,000,000 workers on PostgreSQL.

Generates 10 M workers across the 514 regencies/cities in SQL (as the dashboard bench does, in its own database
`jangkau_national`), then measures: a full `refresh_figures`; a 1,000,000-row `workers` import into it (its own
process, rows/s and peak RSS); a 10,000-row import into one city and the incremental refresh it queues (goal of
issue 16: <= 2 s); `/ucj/` for the whole country and `/cities/61.72/` rendered anew and from the page cache;
BSU-2025 recipients for every PU worker (generated in SQL at the screening's output, spread over the pipeline)
and `/bsu/` rendered anew; and the database's size. docs/deploy.md extrapolates the figures to 41 M.
"""

import csv
import os
import time

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jangkau_national")

from bench.dashboards import GENERATE, PIPELINE, WORKFORCE, median_ms  # after the database is chosen
from bench.imports import DATA, PG_URL, django_in_process, fresh_database, manage

WORKERS = int(os.environ.get("BENCH_NATIONAL_WORKERS", "10000000"))
IMPORT_ROWS = int(os.environ.get("BENCH_NATIONAL_IMPORT_ROWS", "1000000"))
CITY_ROWS = 10_000
RECIPIENTS = """
INSERT INTO subsidies_recipient (programme_id, worker_id, city_id, status, status_since, batch, channel, failed_rules,
                                 wage_cap_region)
SELECT %s, w.id, w.city_id, CASE WHEN w.wage <= 3500000 THEN 'CANDIDATE' ELSE 'SCREENED_OUT' END, now(), NULL, '',
       CASE WHEN w.wage <= 3500000 THEN '[]'::jsonb ELSE '["Upah di atas batas"]'::jsonb END, ''
FROM participants_worker w WHERE w.segment <> 'BPU'
"""


def nik(city_code, i):
    """A valid NIK of the city, born 2000-2005 (the generated workers are born 1960-1999: no clash), unique for
    i below 2,239,776."""
    day, month, year = 1 + i % 28, 1 + i // 28 % 12, i // 336 % 6
    return f"{city_code.replace('.', '')}01{day:02d}{month:02d}{year:02d}{1 + i % 9999:04d}"


def workers_file(path, rows, cities, first=0):
    """A workers CSV of `rows` new BPU workers spread over `cities` (NIKs from number `first`)."""
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["nik", "name", "segment", "city_code", "member_since"])
        for i in range(first, first + rows):
            city = cities[i % len(cities)]
            out.writerow([nik(city, i), f"Pekerja Baru {i}", "BPU", city, "2025-03-01"])


def main():
    env = fresh_database("postgresql")
    django_in_process(env)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from imports.models import ImportJob
    from participants.figures import figures_refresh
    from subsidies.figures import bsu_figures_refresh
    from subsidies.models import Programme

    start = time.perf_counter()
    with connection.cursor() as cursor:  # the demo's own workers and recipients make way
        cursor.execute("TRUNCATE participants_worker, subsidies_recipient, subsidies_statuschange, subsidies_bankaccount CASCADE")
        cursor.execute(GENERATE, [WORKERS])
        cursor.execute(WORKFORCE)
        cursor.execute("VACUUM ANALYZE participants_worker")
    generated = time.perf_counter() - start
    _written, full = figures_refresh()
    print(f"\n== national benchmark on PostgreSQL: {WORKERS:,} workers in 514 regencies/cities (generated in {generated:.0f} s)")
    print(f"refresh_figures, full: {full:.1f} s")

    DATA.mkdir(exist_ok=True)
    big = DATA / "national-workers.csv"
    codes = [code for (code,) in connection.cursor().execute("SELECT code FROM regions_city ORDER BY code").fetchall()]
    workers_file(big, IMPORT_ROWS, codes)
    seconds, rss, _out = manage(env, "import_file", "workers", str(big))
    print(
        f"import of {IMPORT_ROWS:,} workers into {WORKERS:,}: {seconds:.1f} s, {IMPORT_ROWS / seconds:,.0f} rows/s, peak RSS {rss:.0f} MB"
    )

    small = DATA / "national-one-city.csv"
    workers_file(small, CITY_ROWS, ["61.72"], first=IMPORT_ROWS)
    seconds, _rss, _out = manage(env, "import_file", "workers", str(small))
    job = ImportJob.objects.order_by("-pk").first()
    start = time.perf_counter()
    figures_refresh(cities=job.touched.get("city_id"), employers=job.touched.get("employer_id", []))
    incremental = time.perf_counter() - start
    print(f"import of {CITY_ROWS:,} rows into Kota Singkawang: {seconds:.1f} s; its refresh "
          f"({', '.join(job.touched.get('city_id') or ['all'])}): {incremental:.2f} s (goal <= 2 s)")  # fmt: skip

    admin = get_user_model().objects.create_superuser("bench-admin", password=None)
    client = Client()
    client.force_login(admin)
    for url in ("/ucj/", "/cities/61.72/"):
        print(f"{url:<16} median {median_ms(client, url, cached=False):.0f} ms rendered, {median_ms(client, url):.0f} ms cached")

    programme = Programme.objects.get(code="BSU-2025")
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(RECIPIENTS, [programme.pk])
        cursor.execute(PIPELINE, [])
        cursor.execute("VACUUM ANALYZE subsidies_recipient")
    bsu_figures_refresh(programme)
    recipients = time.perf_counter() - start
    print(f"BSU recipients generated and counted in {recipients:.0f} s")
    print(f"/bsu/            median {median_ms(client, '/bsu/', cached=False):.0f} ms rendered")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"database size: {cursor.fetchone()[0]}")


if __name__ == "__main__":
    print(f"PostgreSQL: {PG_URL}")
    main()
