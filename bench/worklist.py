"""`make bench`, worklist part: the coverage plan of a Kanwil with 50,000 employers and 200,000 outreach rows.

On PostgreSQL, in SQL: 50,000 more employers across the demo Kanwil Kalimantan's 56 regencies/cities, 1,000,000
workers among them, a WLKP report for 40,000 of them and 10,000 prospects (no NPP), 3 % in arrears and 200,000
visits. Then `refresh_figures` and the server time of every worklist tab and of /gap/ (rendered anew, and from the
page cache) as the Kanwil's regional user (in-process test client, median of repeated requests). Goal (issue 13):
each worklist <= 200 ms.
"""

import time

from bench.dashboards import REPEAT, median_ms
from bench.imports import PG_URL, django_in_process, fresh_database

EMPLOYERS = 50_000
WORKERS = 1_000_000
PROSPECTS = 10_000
VISITS = 200_000

KANWIL_CITIES = """
CREATE TEMP TABLE bench_cities AS
SELECT array_agg(DISTINCT oc.city_id ORDER BY oc.city_id) AS codes, count(DISTINCT oc.city_id) AS n
FROM regions_office o JOIN regions_office_cities oc ON oc.office_id = o.id WHERE o.parent_id IS NOT NULL
"""
SQL = [
    """
    INSERT INTO participants_employer (npp, name, city_id, sector, paid_until)
    SELECT 'B' || lpad(i::text, 8, '0'), 'PT Bench ' || i, codes[1 + i %% n],
           (ARRAY['Perdagangan','Industri','Pertanian','Jasa','Konstruksi'])[1 + i %% 5],
           CASE WHEN i %% 33 = 0 THEN DATE '2025-01-01' ELSE date_trunc('month', now() - interval '1 month')::date END
    FROM bench_cities, generate_series(1, %(employers)s) AS i
    """,
    """
    INSERT INTO participants_worker (nik, kpj, name, sex, segment, city_id, employer_id, wage, member_since, programs)
    SELECT '9' || lpad(i::text, 15, '0'), '', 'Pekerja ' || i, '', 'PU', e.city_id, e.id, 2500000 + (i %% 40) * 50000,
           DATE '2020-01-01' + (i %% 1500), 'JKK JKM'
    FROM generate_series(1, %(workers)s) AS i
    JOIN participants_employer e ON e.npp = 'B' || lpad((1 + i %% %(employers)s)::text, 8, '0')
    """,
    """
    INSERT INTO outreach_employerreport
        (company_id, source, name, city_id, employer_id, sector, reported_workers, reported_wage_total, report_date)
    SELECT 'WLKP-' || e.npp, 'WLKP', e.name, e.city_id, e.id, e.sector, 5 + abs(hashtext(e.npp)) %% 60,
           CASE WHEN e.id %% 2 = 0 THEN (5 + abs(hashtext(e.npp)) %% 60) * 4000000::bigint END, DATE '2025-03-31'
    FROM participants_employer e WHERE e.npp LIKE 'B%%' AND e.id %% 5 <> 0
    """,
    """
    INSERT INTO outreach_employerreport (company_id, source, name, city_id, sector, reported_workers, report_date)
    SELECT 'OSS-' || i, 'OSS', 'CV Prospek ' || i, codes[1 + i %% n], 'Perdagangan', 5 + i %% 120, DATE '2025-04-30'
    FROM bench_cities, generate_series(1, %(prospects)s) AS i
    """,
    """
    INSERT INTO outreach_visit (company, city_id, date, channel, outcome, next_step, due_date, notes)
    SELECT CASE WHEN i %% 5 = 0 THEN 'OSS-' || (1 + i %% %(prospects)s) ELSE 'B' || lpad((1 + i %% %(employers)s)::text, 8, '0') END,
           codes[1 + i %% n], DATE '2024-01-01' + (i / %(employers)s) * 30 + i %% 20,
           (ARRAY['visit','letter','call','joint'])[1 + i %% 4], (ARRAY['registered','partial','refused','follow_up'])[1 + i %% 4],
           'Tindak lanjut', DATE '2024-01-01' + (i / %(employers)s) * 30 + i %% 20 + 14, ''
    FROM bench_cities, generate_series(1, %(visits)s) AS i
    ON CONFLICT DO NOTHING
    """,
]


def main():
    env = fresh_database("postgresql")
    django_in_process(env)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from outreach.models import Visit
    from participants.figures import figures_refresh
    from regions.services import user_create

    sizes = {"employers": EMPLOYERS, "workers": WORKERS, "prospects": PROSPECTS, "visits": VISITS}
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(KANWIL_CITIES)
        for statement in SQL:
            cursor.execute(statement, sizes)
        cursor.execute("ANALYZE")
    generated = time.perf_counter() - start
    _written, refresh = figures_refresh()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE participants_employerfigure")
    user_create(username="bench-kanwil", role="regional", scope_code="KALIMANTAN", password=None)
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-kanwil"))
    print(f"\n== worklist benchmark on PostgreSQL: Kanwil Kalimantan (generated in {generated:.0f} s)")
    print(
        f"{EMPLOYERS:,} employers more, {WORKERS:,} workers among them, {EMPLOYERS * 4 // 5 + PROSPECTS:,} company "
        f"reports ({PROSPECTS:,} prospects), {Visit.objects.count():,} visits; refresh_figures {refresh:.1f} s"
    )
    for name in ("unregistered", "wages", "arrears", "prospects", "due"):
        print(f"/worklist/?list={name:<13} median {median_ms(client, f'/worklist/?list={name}'):.0f} ms over {REPEAT} requests")
    print(f"/worklist/?list=prospects&status=none  median {median_ms(client, '/worklist/?list=prospects&status=none'):.0f} ms")
    gap, gap_cached = median_ms(client, "/gap/", cached=False), median_ms(client, "/gap/")
    print(f"/gap/ (the Kanwil's 56 cities):       median {gap:.0f} ms rendered, {gap_cached:.0f} ms from the page cache")


if __name__ == "__main__":
    print(f"PostgreSQL: {PG_URL}")
    main()
