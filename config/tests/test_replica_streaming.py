"""The read replica against a real PostgreSQL streaming standby: run by .ci/run, skipped elsewhere.

    bash .ci/replica start
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jangkau_test \\
    DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:5433/jangkau_test \\
    JANGKAU_REPLICA_TESTS=up .venv/bin/python -m pytest config/tests/test_replica_streaming.py
    bash .ci/replica stop     # then the same command with JANGKAU_REPLICA_TESTS=down

How the tests reach the standby: the settings make the `replica` alias a test MIRROR of `default`, so the test
runner creates no database for it and only renames its database to the test database, `test_jangkau_test`.
That database is created and migrated on the primary, and the standby replays it like any other: the alias
still connects to port 5433, so its queries really run on the standby. The tests are transactional (what they
write is committed on the primary) and wait until the standby has replayed the primary's WAL before asking for a
page; a standby that has not is never read by accident, since every check names the connection it expects.
"""

import logging
import os
import time

import psycopg
import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from config.replica import REPLICA
from config.tests.test_replica_router import SESSION_TABLES, tables, ucj_export
from participants.figures import figures_refresh
from participants.tests.factories import WorkerFactory

STATE = os.environ.get("JANGKAU_REPLICA_TESTS", "")
pytestmark = [
    pytest.mark.skipif(STATE not in {"up", "down"}, reason="needs a streaming replica: JANGKAU_REPLICA_TESTS=up|down"),
    pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA]),
    pytest.mark.usefixtures("replica_failures_forgotten", "memory_page_cache"),
]
running = pytest.mark.skipif(STATE != "up", reason="with the standby streaming: JANGKAU_REPLICA_TESTS=up")
stopped = pytest.mark.skipif(STATE != "down", reason="with the standby stopped: JANGKAU_REPLICA_TESTS=down")
WAIT_SECONDS = 60


def standby():
    """A connection to the standby's server itself (its `postgres` database), for replay control."""
    replica = connections[REPLICA].settings_dict
    return psycopg.connect(
        host=replica["HOST"], port=replica["PORT"], user=replica["USER"], dbname="postgres", autocommit=True, connect_timeout=5
    )


def primary_lsn():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def wait_for_standby(function):
    """Waits until the standby's `function` (pg_last_wal_replay_lsn or pg_last_wal_receive_lsn) reaches the
    primary's current WAL position: what the primary has committed is then replayed (or received)."""
    target = primary_lsn()
    deadline = time.monotonic() + WAIT_SECONDS
    with standby() as connection:
        while not connection.execute(f"SELECT {function}() >= %s::pg_lsn", [target]).fetchone()[0]:
            assert time.monotonic() < deadline, f"the standby's {function} did not reach {target}"
            time.sleep(0.05)


@running
def test_dashboards_and_the_api_read_only_from_the_standby(replica_figures, users, login, client):
    wait_for_standby("pg_last_wal_replay_lsn")
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_setting('port')")
        assert cursor.fetchone() == (True, "5433")  # the alias is the standby, not a second primary connection

    admin = login(users["admin"])
    primary = connections[DEFAULT_DB_ALIAS]
    with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(connections[REPLICA]) as on_replica:
        rows = ucj_export(admin)
        page = admin.get("/cities/61.72/")
        rapor = admin.get("/cities/61.72/rapor/")
    assert rows["61.72"] == ("3", "1", "4")
    assert rows["61.71"] == ("0", "1", "1")
    assert (page.status_code, rapor.status_code) == (200, 200)
    assert "replica-lag" not in page.text  # caught up
    assert tables(on_primary.captured_queries) <= SESSION_TABLES  # the session and its user, nothing else
    assert {"participants_coveragefigure", "regions_city"} <= tables(on_replica.captured_queries)

    token = Token.objects.create(user=users["branch"])
    wait_for_standby("pg_last_wal_replay_lsn")
    client.logout()
    with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client.get("/api/cities/61.72/", HTTP_AUTHORIZATION=f"Bearer {token.key}")
    assert response.status_code == 200
    assert response.json()["code"] == "61.72"
    assert len(on_primary.captured_queries) == 1  # the token and its user; no figure, no scope
    assert tables(on_primary.captured_queries) == {"authtoken_token", "auth_user"}
    assert "regions_city" in tables(on_replica.captured_queries)


@running
def test_a_lagging_standby_shows_its_older_figures_with_a_note(replica_figures, users, login, settings):
    wait_for_standby("pg_last_wal_replay_lsn")
    settings.JANGKAU_REPLICA_LAG_NOTE_SECONDS = 0
    admin = login(users["admin"])
    with standby() as control:
        control.execute("SELECT pg_wal_replay_pause()")
        try:
            WorkerFactory.create_batch(2, city_code="61.72")
            figures_refresh(cities=["61.72"])
            wait_for_standby("pg_last_wal_receive_lsn")  # received, not replayed
            assert ucj_export(admin)["61.72"] == ("3", "1", "4")  # the standby's figures, before the two new workers
            page = admin.get("/ucj/?province=61")
            assert page.status_code == 200
            assert "Data cadangan baca tertinggal" in page.text
        finally:
            control.execute("SELECT pg_wal_replay_resume()")
    wait_for_standby("pg_last_wal_replay_lsn")
    assert ucj_export(admin)["61.72"] == ("5", "1", "6")
    assert "Data cadangan baca tertinggal" not in admin.get("/ucj/?province=61").text


@stopped
def test_pages_answer_from_the_primary_while_the_standby_is_down(replica_figures, users, login, client, caplog):
    with pytest.raises(psycopg.OperationalError):
        standby()
    token = Token.objects.create(user=users["official"])
    admin = login(users["admin"])
    with caplog.at_level(logging.WARNING, logger="config.replica"):
        assert ucj_export(admin)["61.72"] == ("3", "1", "4")
        assert admin.get("/cities/61.72/").status_code == 200
        assert admin.get("/bsu/").status_code == 200
        api = client.get("/api/cities/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.status_code == 200
    assert [city["code"] for city in api.json()["results"]] == ["61.72"]
    warnings = [record.getMessage() for record in caplog.records if record.name == "config.replica"]
    assert len(warnings) == 1  # one line, then the process leaves the standby alone for a while
    assert "read replica unreachable" in warnings[0]
    assert connections[REPLICA].connection is None
