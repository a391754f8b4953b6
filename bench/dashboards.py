"""`make bench`, dashboard and BSU part: 2,000,000 workers across all 514 regencies/cities on PostgreSQL.

The workers are generated in SQL (the import path has its own benchmark); then a full
`refresh_figures` is timed, and the server time of `/ucj/` (all cities) and `/cities/<code>/` is
measured in-process with Django's test client as an admin, median of repeated requests. Then BSU-2025
screens all 2 M workers (timed: `bsu_screen`), the recipients are spread over the pipeline in SQL
(statuses, batches, ages), and `/bsu/` is timed the same way.
"""

import os
import statistics
import time

from bench.imports import BASE_ENV, PG_URL, django_in_process, fresh_database

WORKERS = int(os.environ.get("BENCH_DASHBOARD_WORKERS", "2000000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))

GENERATE = """
WITH cities AS (SELECT array_agg(code ORDER BY code) AS codes, count(*) AS n FROM regions_city)
INSERT INTO participants_worker
    (nik, kpj, name, birth_date, sex, segment, city_id, employer_id, wage, member_since, member_until, programs, import_job_id)
SELECT replace(codes[1 + i %% n], '.', '') || lpad((i / 9999 %% 100)::text, 2, '0')
       || lpad((1 + i %% 28 + CASE WHEN i %% 3 = 0 THEN 40 ELSE 0 END)::text, 2, '0') || lpad((1 + i %% 12)::text, 2, '0')
       || lpad((60 + i %% 40)::text, 2, '0') || lpad((1 + i %% 9999)::text, 4, '0'),  -- a valid NIK (women: day + 40)
       '', 'Pekerja ' || i, DATE '1980-01-01' + (i %% 9000),
       CASE WHEN i %% 3 = 0 THEN 'P' ELSE 'L' END,
       (ARRAY['PU','PU','PU','PU','PU','PU','BPU','BPU','BPU','JAKON'])[1 + i %% 10],
       codes[1 + i %% n], NULL, 2500000 + (i %% 40) * 50000,
       DATE '2018-01-01' + (i %% 3250), CASE WHEN i %% 15 = 0 THEN DATE '2018-01-01' + (i %% 3250) + 500 END, 'JKK JKM', NULL
FROM cities, generate_series(1, %s) AS i
"""
WORKFORCE = """
INSERT INTO regions_workforceestimate (city_id, year, potential_pu, potential_bpu, target_percent, source)
SELECT code, 2025, 6000 + (hashtext(code) & 4095), 4000 + (hashtext(code || 'b') & 4095), 40, 'bench'
FROM regions_city ON CONFLICT DO NOTHING
"""


def median_ms(client, url, *, cached=True):
    """Median server time of `url`; cached=False renews every page's version first (config.pagecache), so each
    request renders its page anew, as the first one after a refresh does."""
    from config.pagecache import figures_changed

    client.get(url, secure=True)  # warm-up
    times = []
    for _ in range(REPEAT):
        if not cached:
            figures_changed()
        start = time.perf_counter()
        response = client.get(url, secure=True)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return statistics.median(times)


def main():
    env = fresh_database("postgresql")
    django_in_process(env)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from participants.figures import figures_refresh

    start = time.perf_counter()
    with connection.cursor() as cursor:
        for table in ("subsidies_statuschange", "subsidies_recipient", "subsidies_bankaccount", "participants_worker"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
        cursor.execute(GENERATE, [WORKERS])
        cursor.execute(WORKFORCE)
        cursor.execute("ANALYZE")
    generated = time.perf_counter() - start
    written, refresh_seconds = figures_refresh()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE participants_coveragefigure")
    admin = get_user_model().objects.create_superuser("bench-admin", password=None)
    client = Client()
    client.force_login(admin)
    ucj, ucj_cached = median_ms(client, "/ucj/", cached=False), median_ms(client, "/ucj/")
    city, city_cached = median_ms(client, "/cities/61.72/", cached=False), median_ms(client, "/cities/61.72/")
    csv_export = median_ms(client, "/ucj/?_export=csv")
    print(f"\n== dashboard benchmark on PostgreSQL: {WORKERS:,} workers in 514 regencies/cities (generated in {generated:.0f} s)")
    print(f"refresh_figures (full): {refresh_seconds:.1f} s, {written:,} figure rows")
    print(f"/ucj/ (all 514 cities): median {ucj:.0f} ms rendered, {ucj_cached:.0f} ms from the page cache ({REPEAT} requests)")
    print(f"/cities/61.72/:          median {city:.0f} ms rendered, {city_cached:.0f} ms from the page cache")
    print(f"/ucj/?_export=csv:       median {csv_export:.0f} ms over {REPEAT} requests")
    bsu_part(client)


# Spreads the candidates over the pipeline the way a BSU year looks after two months.
PIPELINE = """
WITH h AS (SELECT id, abs(hashtext(id::text)) %% 100 AS h FROM subsidies_recipient WHERE status = 'CANDIDATE')
UPDATE subsidies_recipient r SET
    status = CASE WHEN h.h < 6 THEN 'CANDIDATE' WHEN h.h < 10 THEN 'REJECTED' WHEN h.h < 14 THEN 'VERIFIED'
                  WHEN h.h < 20 THEN 'ACCOUNT_INVALID' WHEN h.h < 28 THEN 'DETERMINED' WHEN h.h < 30 THEN 'RETURNED'
                  ELSE 'DISBURSED' END,
    batch = CASE WHEN h.h >= 20 THEN 1 + h.h %% 7 END,
    channel = CASE WHEN h.h >= 14 AND h.h < 20 THEN 'POS' WHEN h.h >= 20 THEN 'BRI' ELSE '' END,
    status_since = now() - make_interval(days => h.h)
FROM h WHERE r.id = h.id
"""


def bsu_part(client):
    from django.db import connection

    from subsidies.figures import bsu_figures_refresh
    from subsidies.models import Programme, Recipient
    from subsidies.services import bsu_screen

    programme = Programme.objects.get(code="BSU-2025")
    start = time.perf_counter()
    counts = bsu_screen(programme=programme)
    screening = time.perf_counter() - start
    print(f"bsu_screen: {screening:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE subsidies_recipient")
        cursor.execute(PIPELINE, [])
        cursor.execute("VACUUM ANALYZE subsidies_recipient")
    start = time.perf_counter()
    figure_rows = bsu_figures_refresh(programme)
    refresh = time.perf_counter() - start
    recipients = Recipient.objects.exclude(status="SCREENED_OUT").count()
    bsu, bsu_cached = median_ms(client, "/bsu/", cached=False), median_ms(client, "/bsu/")
    bsu_csv = median_ms(client, "/bsu/?_export=csv")
    city = median_ms(client, "/cities/61.72/", cached=False)
    print(f"\n== BSU benchmark on PostgreSQL: BSU-2025 over {WORKERS:,} workers")
    print(f"bsu_screen: {screening:.1f} s ({WORKERS / screening:,.0f} workers/s): {counts}")
    print(f"bsu_figures_refresh after the pipeline moves: {refresh:.1f} s, {figure_rows:,} figure rows")
    print(f"/bsu/ (514 cities, {recipients:,} recipients): median {bsu:.0f} ms rendered, {bsu_cached:.0f} ms cached")
    print(f"/bsu/?_export=csv:       median {bsu_csv:.0f} ms over {REPEAT} requests")
    print(f"/cities/61.72/ with the BSU panel: median {city:.0f} ms rendered")


if __name__ == "__main__":
    print(f"PostgreSQL: {PG_URL}; environment keys: {len(BASE_ENV)}")
    main()
