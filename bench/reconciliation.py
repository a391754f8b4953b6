"""`make bench`, BSU reconciliation part: one batch of 500,000 recipients reconciled per channel on PostgreSQL.

In its own database (it drops and recreates only that one): `migrate` (regions and BSU-2025), then in SQL
the workers, their recipients determined in batch 1 over the five channels and the payment ledger with
every outcome (paid by bank, collected at Pos, returned, returned to the treasury, still open) and a few
results reported through another channel (the mismatch the page lists). Timed: `reconciliation` of the
batch (goal, issue 15: <= 2 s) and the server time of /bsu/batches/?batch=1 and its CSV export as an admin
(in-process test client, median of repeated requests). BENCH_RECONCILIATION_RECIPIENTS scales it down.
"""

import os
import statistics
import time
from urllib.parse import urlsplit

from bench.dashboards import GENERATE, REPEAT, median_ms
from bench.imports import BASE_ENV, django_in_process, manage

RECIPIENTS = int(os.environ.get("BENCH_RECONCILIATION_RECIPIENTS", "500000"))
DATABASE_URL = os.environ.get(
    "BENCH_RECONCILIATION_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jangkau_bench_reconciliation"
)
GOAL_SECONDS = 2.0

RECIPIENTS_SQL = """
INSERT INTO subsidies_recipient (programme_id, worker_id, city_id, status, status_since, batch, channel, failed_rules)
SELECT p.id, w.id, w.city_id,
       CASE WHEN w.id %% 100 < 80 THEN 'DISBURSED' WHEN w.id %% 100 < 83 THEN 'RETURNED'
            WHEN w.id %% 100 < 85 THEN 'RETURNED_TO_TREASURY' ELSE 'DETERMINED' END,
       now(), 1, (ARRAY['BRI','BRI','BNI','MANDIRI','BTN','POS'])[1 + w.id %% 6], '[]'
FROM participants_worker w, subsidies_programme p WHERE p.code = 'BSU-2025'
"""
PAYMENTS_SQL = """
INSERT INTO subsidies_payment (recipient_id, programme_id, city_id, batch, channel, amount, determined_at, outcome,
    outcome_channel, outcome_batch, outcome_amount, outcome_at, recovery_reason, recovered)
SELECT r.id, r.programme_id, r.city_id, 1, r.channel, 600000, now(),
       CASE WHEN r.status = 'DETERMINED' THEN '' ELSE r.status END,
       CASE WHEN r.status = 'DETERMINED' THEN '' WHEN r.id %% 10007 = 0 THEN 'POS' ELSE r.channel END,
       CASE WHEN r.status = 'DETERMINED' THEN NULL ELSE 1 END,
       CASE WHEN r.status = 'DETERMINED' THEN NULL ELSE 600000 END,
       CASE WHEN r.status = 'DETERMINED' THEN NULL ELSE now() END, '', 0
FROM subsidies_recipient r
"""


def fresh_database():
    import psycopg

    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin = parts._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**BASE_ENV, "DATABASE_URL": DATABASE_URL}
    manage(env, "migrate", "--noinput", "-v0")
    return env


def main():
    env = fresh_database()
    django_in_process(env)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from subsidies.models import Payment, Programme
    from subsidies.reconciliation import reconciliation

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(GENERATE, [RECIPIENTS])
        cursor.execute(RECIPIENTS_SQL, [])
        cursor.execute(PAYMENTS_SQL, [])
        cursor.execute("VACUUM ANALYZE subsidies_payment")
    generated = time.perf_counter() - start
    payments = Payment.objects.filter(programme=Programme.objects.get(code="BSU-2025"))
    times, lines = [], []
    for _ in range(REPEAT):
        start = time.perf_counter()
        lines = reconciliation(payments, batch=1)
        times.append(time.perf_counter() - start)
    seconds = statistics.median(times)
    determined = sum(line.determined[0] for line in lines)
    off = sum(line.difference[0] for line in lines)
    admin = get_user_model().objects.create_superuser("bench-admin", password=None)
    client = Client()
    client.force_login(admin)
    page = median_ms(client, "/bsu/batches/?batch=1")
    export = median_ms(client, "/bsu/batches/?batch=1&_export=csv")
    verdict = "within" if seconds <= GOAL_SECONDS else "ABOVE"
    print(
        f"\n== BSU reconciliation benchmark on PostgreSQL: batch 1 of {determined:,} recipients (generated in {generated:.0f} s)"
    )
    print(
        f"reconciliation (batch x {len(lines)} channels): median {seconds * 1000:.0f} ms over {REPEAT} runs, {verdict} the {GOAL_SECONDS:.0f} s goal"
    )
    print(f"mismatching recipients found: {off:,}")
    print(f"/bsu/batches/?batch=1:            median {page:.0f} ms over {REPEAT} requests")
    print(f"/bsu/batches/?batch=1&_export=csv: median {export:.0f} ms over {REPEAT} requests")


if __name__ == "__main__":
    main()
