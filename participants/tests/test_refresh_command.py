"""`manage.py refresh_figures` rebuilds every dashboard aggregate: the coverage figures and the BSU figures."""

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from participants.tests.factories import WorkerFactory
from subsidies.models import Recipient, RecipientStatus

pytestmark = pytest.mark.django_db
S = RecipientStatus


def export(client, path):
    response = client.get(f"{path}?_export=csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return {row["city_code"]: row for row in csv.DictReader(io.StringIO(text))}


def test_the_command_makes_the_ucj_and_bsu_pages_current(users, login, bsu):
    # Written straight to the tables, as a bulk load or a worker that never ran leaves them: no refresh yet.
    workers = WorkerFactory.create_batch(3, city_code="61.72")
    WorkerFactory(city_code="61.71", segment="BPU", employer=None)
    for worker, status in zip(workers, (S.DISBURSED, S.DISBURSED, S.CANDIDATE), strict=True):
        Recipient.objects.create(programme=bsu, worker=worker, city_id="61.72", status=status, status_since=timezone.now())
    client = login(users["regional"])
    assert export(client, "/bsu/")["61.72"]["recipients"] == "0"  # stale
    assert export(client, "/ucj/")["61.72"]["active_total"] == "0"

    out = io.StringIO()
    call_command("refresh_figures", stdout=out)

    bsu_row = export(client, "/bsu/")["61.72"]
    assert (bsu_row["recipients"], bsu_row["disbursed"], bsu_row["candidate"]) == ("3", "2", "1")
    assert bsu_row["amount_disbursed"] == str(2 * bsu.amount_total)
    ucj = export(client, "/ucj/")
    assert (ucj["61.72"]["active_pu"], ucj["61.71"]["active_bpu"]) == ("3", "1")
    # one `name=count seconds=S` line per aggregate; the coverage line keeps its historical form
    lines = out.getvalue().splitlines()
    assert re.fullmatch(r"coverage_figures=\d+ seconds=\d+\.\d", lines[0])
    assert re.fullmatch(r"bsu_figures=2 seconds=\d+\.\d", lines[1])  # 61.72: DISBURSED and CANDIDATE rows
