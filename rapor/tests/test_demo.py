"""`load_demo --small` queues the rapor of every demo city; the tests' immediate task backend runs the task
there and then, so every PDF is rendered and kept as the background worker would."""

import hashlib
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from published.models import Snapshot
from rapor.models import KeptRapor
from rapor.tests.conftest import pdf_text
from regions.models import Office

pytestmark = pytest.mark.django_db


def test_every_demo_city_gets_its_one_page_rapor_in_the_background(client):
    out = io.StringIO()
    call_command("load_demo", "--small", stdout=out, stderr=io.StringIO())
    demo_cities = set(Office.objects.filter(parent__code="KALIMANTAN").values_list("cities__code", flat=True))
    period = Snapshot.objects.filter(status=Snapshot.Status.PUBLISHED).latest("period").period
    assert f"rapor: period={period:%Y-%m} cities={len(demo_cities)}" in out.getvalue()
    kept = list(KeptRapor.objects.filter(period=period).select_related("snapshot"))
    assert {item.city_id for item in kept} == demo_cities
    assert len(kept) == len(demo_cities) == 56
    texts = {}
    for item in kept:
        data = item.file.read()
        assert hashlib.sha256(data).hexdigest() == item.sha256
        pages, words = pdf_text(data)
        assert pages == 1, item.city_id
        assert item.snapshot.period == period  # every demo month is published
        assert item.snapshot.data["ucj"]["name"] in words
        texts[item.city_id] = words

    # the mayor's office: the kept Singkawang PDF has the headline of its city page (the published month)
    client.force_login(get_user_model().objects.get(username="pemkot.singkawang"))
    city_page = client.get("/cities/61.72/").content.decode()
    headline = re.search(r'id="ucj-headline">([^<]+)<', city_page).group(1)
    words = texts["61.72"]
    assert headline in words
    assert "Angka resmi" in words
    assert "Angka sementara" not in words

    again = io.StringIO()
    call_command("load_demo", "--small", stdout=again, stderr=io.StringIO())  # nothing new to keep
    assert KeptRapor.objects.count() == len(demo_cities)
