"""A backup restored gives back the same dashboard figures (SQLite online backup, or pg_dump/pg_restore)."""

import pytest
from django.core.management import call_command

from participants.figures import figures_refresh
from participants.models import Worker
from participants.tests.factories import WorkerFactory
from regions.models import WorkforceEstimate

pytestmark = pytest.mark.django_db(transaction=True)


def ucj_export(client):
    response = client.get("/ucj/?province=61&_export=csv")
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def test_a_restored_backup_gives_the_same_dashboard_figures(users, login, tmp_path):
    WorkforceEstimate.objects.create(city_id="61.72", year=2025, potential_pu=40, potential_bpu=20)
    WorkerFactory.create_batch(12, city_code="61.72")
    WorkerFactory.create_batch(5, city_code="61.72", segment="BPU", employer=None)
    figures_refresh()
    client = login(users["admin"])
    before = ucj_export(client)
    assert "61.72" in before
    path = tmp_path / "jangkau.backup"
    call_command("backup_database", str(path))
    assert path.stat().st_size > 0

    Worker.objects.all().delete()  # the accident the backup is for
    figures_refresh()
    assert ucj_export(client) != before

    call_command("restore_database", str(path), "--yes")
    assert Worker.objects.count() == 17
    assert ucj_export(login(users["admin"])) == before
