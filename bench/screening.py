"""`make bench`, BSU screening part (issue 15): BSU-2025 screens 2,000,000 workers against two exclusion lists
of 1,000,000 NIKs each on PostgreSQL. Goal: <= 60 s.

Generated in SQL: 2 M workers over the 514 regencies/cities (unique valid NIKs; PU workers employed by one of
514 employers, most of them in another regency/city than the worker's, so the workplace's minimum wage sets
the cap), UMK/UMP for every region (a third above Rp3.5 M), and the lists PKH-BENCH and ASN-BENCH, each with a
quarter of its NIKs belonging to workers and the rest to other people. Then the first screening (timed: the
goal), a re-screening with nothing changed (timed), and one `exclusions` import of a 1 M-NIK file (timed).
Scales: BENCH_SCREEN_WORKERS, BENCH_EXCLUSION_NIKS (e.g. 200000 / 100000 for a quick check).
"""

import csv
import os
import time

from bench.imports import DATA, PG_URL, fresh_database, manage

WORKERS = int(os.environ.get("BENCH_SCREEN_WORKERS", "2000000"))
NIKS = int(os.environ.get("BENCH_EXCLUSION_NIKS", "1000000"))

CITIES = """
CREATE TEMP TABLE bench_cities AS
SELECT array_agg(code ORDER BY code) AS codes, count(*) AS n FROM regions_city
"""
SQL = [
    # One employer per regency/city; a worker works for the employer of the next regency/city in code order.
    """
    INSERT INTO participants_employer (npp, name, city_id, sector, paid_until)
    SELECT 'S' || lpad(k::text, 8, '0'), 'PT Saring ' || k, codes[k], 'Jasa', NULL
    FROM bench_cities, generate_series(1, n) AS k
    """,
    # NIK: the city's 4 digits + kecamatan 01, born 01-01-1980, a serial unique within the city (up to 5.1 M workers).
    """
    INSERT INTO participants_worker
        (nik, kpj, name, sex, segment, city_id, employer_id, wage, member_since, member_until, programs)
    SELECT replace(codes[1 + i %% n], '.', '') || '01010180' || lpad((1 + i / n)::text, 4, '0'), '', 'Pekerja ' || i, '',
           CASE WHEN i %% 10 < 8 THEN 'PU' ELSE 'BPU' END, codes[1 + i %% n],
           CASE WHEN i %% 10 < 8 THEN (SELECT e.id FROM participants_employer e WHERE e.npp = 'S' || lpad((1 + (1 + i) %% n)::text, 8, '0')) END,
           CASE WHEN i %% 50 = 0 THEN 0 ELSE 2500000 + (i %% 40) * 50000 END,
           DATE '2018-01-01' + (i %% 2600), CASE WHEN i %% 15 = 0 THEN DATE '2018-01-01' + (i %% 2600) + 400 END, 'JKK JKM'
    FROM bench_cities, generate_series(0, %(workers)s - 1) AS i
    """,
    """
    INSERT INTO regions_minimumwage (province_id, city_id, year, amount)
    SELECT NULL, code, 2025, 3000000 + (abs(hashtext(code)) %% 1200000) FROM regions_city
    WHERE abs(hashtext(code)) %% 3 = 0
    ON CONFLICT DO NOTHING
    """,
    """
    INSERT INTO regions_minimumwage (province_id, city_id, year, amount)
    SELECT code, NULL, 2025, 2800000 + (abs(hashtext(code)) %% 900000) FROM regions_province
    ON CONFLICT DO NOTHING
    """,
    """
    INSERT INTO subsidies_exclusionlist (code, kind_id, name, source, valid_from, valid_to)
    SELECT l.code, k.id, l.name, l.source, DATE '2025-01-01', DATE '2025-12-31'
    FROM (VALUES ('PKH-BENCH', 'PKH', 'penerima PKH bench', 'Kemensos'), ('ASN-BENCH', 'ASN', 'ASN bench', 'BKN'))
         AS l(code, kind, name, source)
    JOIN subsidies_exclusionkind k ON k.code = l.kind
    """,
    # A quarter of each list's NIKs are workers' (list PKH: workers 0, 8, 16...; ASN: 1, 9, 17...), the rest nobody's.
    """
    INSERT INTO subsidies_exclusionentry (exclusion_list_id, nik)
    SELECT l.id, CASE WHEN j < %(niks)s / 4 AND o + 8 * j < %(workers)s
                      THEN replace(codes[1 + (o + 8 * j) %% n], '.', '') || '01010180' || lpad((1 + (o + 8 * j) / n)::text, 4, '0')
                      ELSE '99' || lpad(o::text, 2, '0') || '010170' || lpad(j::text, 6, '0') END
    FROM bench_cities, (VALUES ('PKH-BENCH', 0), ('ASN-BENCH', 1)) AS v(code, o)
    JOIN subsidies_exclusionlist l ON l.code = v.code, generate_series(0, %(niks)s - 1) AS j
    ON CONFLICT DO NOTHING
    """,
]


def exclusion_file(rows):
    """A CSV of `rows` NIKs for the import timing (list PKH-IMPORT), made once."""
    DATA.mkdir(exist_ok=True)
    path = DATA / f"exclusions-{rows}.csv"
    if not path.exists():
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["list", "kind", "nik", "valid_from", "valid_to", "source"])
            for j in range(rows):
                writer.writerow(
                    [
                        "PKH-IMPORT",
                        "PKH",
                        f"637101{1 + j % 28:02d}{1 + j // 28 % 12:02d}{60 + j // 336 % 40:02d}{1 + j % 9999:04d}",
                        "2025-01-01",
                        "2025-12-31",
                        "Kemensos",
                    ]
                )
    return path


def main():
    env = fresh_database("postgresql")
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    from subsidies.models import ExclusionEntry, Programme
    from subsidies.services import bsu_screen

    start = time.perf_counter()
    with connection.cursor() as cursor:
        for table in (
            "subsidies_screeningchange",
            "subsidies_screeningrun",
            "subsidies_statuschange",
            "subsidies_recipient",
            "subsidies_bankaccount",
            "subsidies_exclusionentry",
            "subsidies_exclusionlist",
            "participants_worker",
            "regions_minimumwage",
        ):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
        cursor.execute(CITIES)
        for statement in SQL:
            cursor.execute(statement, {"workers": WORKERS, "niks": NIKS})
        cursor.execute("ANALYZE")
    generated = time.perf_counter() - start
    programme = Programme.objects.get(code="BSU-2025")
    entries = ExclusionEntry.objects.count()
    print(
        f"\n== BSU screening benchmark on PostgreSQL: {WORKERS:,} workers, 2 exclusion lists, {entries:,} NIKs (generated in {generated:.0f} s)"
    )
    start = time.perf_counter()
    counts = bsu_screen(programme=programme)
    first = time.perf_counter() - start
    print(
        f"bsu_screen (first): {first:.1f} s ({WORKERS / first:,.0f} workers/s), goal <= 60 s at 2 M workers: {counts}", flush=True
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM subsidies_recipient WHERE failed_rules::text LIKE '%%excluded:%%'")
        (excluded,) = cursor.fetchone()
    print(f"recipients screened out by a list: {excluded:,}")
    start = time.perf_counter()
    again = bsu_screen(programme=programme)
    second = time.perf_counter() - start
    print(f"bsu_screen (again, nothing changed): {second:.1f} s: entered={again['entered']} left={again['left']}", flush=True)
    seconds, rss, out = manage(env, "import_file", "exclusions", str(exclusion_file(NIKS)))
    print(
        f"import_file exclusions ({NIKS:,} NIKs): {seconds:.1f} s ({NIKS / seconds:,.0f} rows/s), peak {rss:.0f} MB: {out.strip().splitlines()[-1]}"
    )


if __name__ == "__main__":
    print(f"PostgreSQL: {PG_URL}")
    main()
