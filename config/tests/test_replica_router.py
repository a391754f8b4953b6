"""The read replica's router, on any database and without a real standby.

A `replica` alias is configured for these tests only: a second connection to the test database (what a
caught-up replica looks like), or one that cannot be reached. The tests are transactional so that the second
connection sees what the test wrote. The real streaming replica is exercised by test_replica_streaming.py.
"""

import copy
import csv
import io
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import CaptureQueriesContext

from config import replica
from config.replica import REPLICA, lag_note, replica_reads
from regions.models import City, Office

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA]),
    pytest.mark.usefixtures("replica_failures_forgotten", "memory_page_cache"),
]
SESSION_TABLES = {"django_session", "auth_user"}


@pytest.fixture(scope="module", autouse=True)
def caught_up_replica(django_db_setup, django_db_blocker):
    """The `replica` alias of this module: the test database itself. Module-scoped so that it exists before
    each test's database access is set up (pytest-django checks the aliases a test names)."""
    if REPLICA in connections.settings:
        pytest.skip("a real replica is configured (DATABASE_REPLICA_URL): test_replica_streaming.py covers it")
    connections.settings[REPLICA] = replica_settings()
    yield connections[REPLICA]
    with django_db_blocker.unblock():
        connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


def replica_settings(**changes):
    settings_dict = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    settings_dict.update(changes)
    settings_dict["TEST"] = {**settings_dict["TEST"], "MIRROR": DEFAULT_DB_ALIAS}
    return settings_dict


@pytest.fixture
def unreachable_replica(caught_up_replica):
    if connections[DEFAULT_DB_ALIAS].vendor == "sqlite":
        changes = {"NAME": "/nonexistent-directory/replica.sqlite3"}
    else:
        changes = {"HOST": "127.0.0.1", "PORT": "1"}  # nothing listens there: refused at once
    reachable = connections.settings[REPLICA]
    caught_up_replica.close()
    del connections[REPLICA]
    connections.settings[REPLICA] = replica_settings(**changes)
    yield connections[REPLICA]
    connections[REPLICA].close()
    del connections[REPLICA]
    connections.settings[REPLICA] = reachable


def tables(queries):
    return {name for query in queries for name in re.findall(r'(?:FROM|JOIN|INTO|UPDATE)\s+"?(\w+)"?', query["sql"])}


def ucj_export(client):
    response = client.get("/ucj/?_export=csv&province=61")
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    return {row["city_code"]: (row["active_pu"], row["active_bpu"], row["active_total"]) for row in rows}


def test_dashboard_reads_go_to_the_replica_and_only_the_session_to_the_primary(caught_up_replica, replica_figures, users, login):
    client = login(users["admin"])
    primary = connections[DEFAULT_DB_ALIAS]
    with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(caught_up_replica) as on_replica:
        rows = ucj_export(client)
    assert rows["61.72"] == ("3", "1", "4")
    assert rows["61.71"] == ("0", "1", "1")
    assert tables(on_primary.captured_queries) <= SESSION_TABLES
    assert {"participants_coveragefigure", "regions_city"} <= tables(on_replica.captured_queries)

    official = login(users["official"])
    with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(caught_up_replica) as on_replica:
        page = official.get("/cities/61.72/")
    assert page.status_code == 200
    assert "Kota Singkawang" in page.text
    assert tables(on_primary.captured_queries) <= SESSION_TABLES
    assert "regions_access" in tables(on_replica.captured_queries)  # the official's scope, read with the figures
    assert "replica-lag" not in page.text  # a replica with no lag (here a primary) shows no note


def test_api_reads_go_to_the_replica_and_the_token_to_the_primary(caught_up_replica, replica_figures, users, client):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=users["branch"])
    primary = connections[DEFAULT_DB_ALIAS]
    with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(caught_up_replica) as on_replica:
        response = client.get("/api/cities/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert [city["code"] for city in response.json()["results"]] == ["61.01", "61.72"]  # cabang SKW's cities
    assert tables(on_primary.captured_queries) == {"authtoken_token", "auth_user"}
    assert len(on_primary.captured_queries) == 1  # the token and its user, in one query
    assert "regions_city" in tables(on_replica.captured_queries)


def test_admin_and_other_pages_stay_on_the_primary(caught_up_replica, replica_figures, users, login):
    client = login(users["admin"])
    with CaptureQueriesContext(caught_up_replica) as on_replica:
        assert client.get("/admin/regions/city/?q=Singkawang").status_code == 200
        assert client.get("/worklist/").status_code == 200
        assert client.post("/cities/61.72/").status_code in {200, 405}
    assert on_replica.captured_queries == []


def test_a_write_goes_to_the_primary_and_the_reads_after_it_follow(caught_up_replica, reference_regions):
    primary = connections[DEFAULT_DB_ALIAS]
    with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(caught_up_replica) as on_replica, replica_reads():
        assert City.objects.get(code="61.72").name == "Kota Singkawang"
        assert tables(on_primary.captured_queries) == set()
        Office.objects.create(code="K9", name="Kanwil Baru", kind=Office.Kind.KANWIL)
        assert Office.objects.filter(code="K9").count() == 1  # read back where it was written
    assert "regions_office" in tables(on_primary.captured_queries)
    assert tables(on_replica.captured_queries) == {"regions_city"}


def test_reads_inside_a_transaction_of_the_primary_stay_there(caught_up_replica, reference_regions):
    with CaptureQueriesContext(caught_up_replica) as on_replica, replica_reads(), transaction.atomic():
        assert City.objects.filter(province_id="61").count() == 14
    assert on_replica.captured_queries == []


def test_an_unreachable_replica_falls_back_to_the_primary_with_one_warning(
    unreachable_replica, replica_figures, users, login, caplog, settings
):
    client = login(users["admin"])
    with caplog.at_level(logging.WARNING, logger="config.replica"):
        assert ucj_export(client)["61.72"] == ("3", "1", "4")
        page = client.get("/cities/61.72/")
        assert page.status_code == 200
        assert "replica-lag" not in page.text
    warnings = [record for record in caplog.records if record.name == "config.replica"]
    assert len(warnings) == 1  # not one per query, nor per request: the process leaves it alone for a while
    assert warnings[0].levelno == logging.WARNING
    assert "read replica unreachable" in warnings[0].getMessage()
    assert unreachable_replica.connection is None

    settings.JANGKAU_REPLICA_RETRY_SECONDS = 0
    replica._Unreachable.until = 0.0
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="config.replica"):
        for _ in range(2):
            assert ucj_export(client)["61.72"] == ("3", "1", "4")
    assert len([record for record in caplog.records if record.name == "config.replica"]) == 2  # tried again each time


def test_lag_note_past_the_threshold_only():
    assert lag_note(None, 60) is None  # a primary: no lag
    assert lag_note(0, 60) is None
    assert lag_note(60, 60) is None
    assert lag_note(75.2, 60) == "Data cadangan baca tertinggal 76 detik: perubahan terbaru belum tampil."
    assert lag_note(3 * 60 + 5, 60) == "Data cadangan baca tertinggal 3 menit: perubahan terbaru belum tampil."
    assert lag_note(2 * 3600 + 600, 60) == "Data cadangan baca tertinggal 2 jam: perubahan terbaru belum tampil."


def settings_of(**environment):
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DATABASE_REPLICA_URL"}}
    code = "from django.conf import settings; d = settings.DATABASES; print(sorted(d), d.get('replica'))"
    output = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings", **environment},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return output


def test_the_replica_alias_exists_only_with_its_url():
    assert settings_of().startswith("['default'] None")
    output = settings_of(
        DATABASE_URL="postgres://jangkau@db.internal:5432/jangkau",
        DATABASE_REPLICA_URL="postgres://jangkau@replica.internal:5433/jangkau",
    )
    assert output.startswith("['default', 'replica'] {")
    for expected in ("'HOST': 'replica.internal'", "'PORT': 5433", "'MIRROR': 'default'", "'connect_timeout': 5"):
        assert expected in output
