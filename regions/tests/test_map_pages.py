"""The UCJ map on /ucj/ and the city page: the table's bands, the user's scope, the pace colouring."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from participants.figures import figures_refresh
from participants.tests.factories import WorkerFactory
from regions.models import WorkforceEstimate
from regions.ucj import coverage_rows

pytestmark = pytest.mark.django_db

LINKED = re.compile(r'<a href="/cities/([\d.]+)/" tabindex="-1"><title>[^<]*</title><path class="([^"]+)"')
GREY = re.compile(r'<path class="out-of-scope" fill-rule="evenodd" d="[^"]*"><title>([^<]*)</title>')


@pytest.fixture
def coverage(users):
    """Four cities of Kanwil K1's scope with different coverage; Balikpapan (K2) too."""
    year = timezone.localdate().year
    for code, potential, active in (("61.72", 100, 23), ("61.01", 100, 4), ("61.71", 100, 51), ("64.71", 100, 40)):
        WorkforceEstimate.objects.create(city_id=code, year=year, potential_pu=potential, potential_bpu=0, target_percent=30)
        WorkerFactory.create_batch(active, city_code=code, member_since=dt.date(2020, 1, 1))
    figures_refresh()


def test_the_map_colours_every_city_of_the_scope_like_the_table(coverage, users, login):
    page = login(users["regional"]).get("/ucj/").content.decode()
    linked = dict(LINKED.findall(page))
    assert set(linked) == {"61.72", "61.01", "61.71"}  # K1's cities, each linked to its page
    rows = coverage_rows([(code, "", code[:2]) for code in linked], as_of=timezone.localdate())
    assert {row.code: f"band-{row.band.pk}" for row in rows} == linked
    assert len(set(linked.values())) == 3  # 4 %, 23 %, 51 %: three bands
    table_rows = page[page.index("<tbody") :].split("<tr")
    for code, css_class in linked.items():  # the table's dot for the same city has the same band
        (row,) = [row for row in table_rows if f"/cities/{code}/" in row]
        assert f'class="band-dot {css_class}"' in row
    assert "Boundaries: © BPS" in page
    assert "style=" not in page


def test_an_official_sees_the_province_with_only_their_city_linked(coverage, users, login):
    page = login(users["official"]).get("/cities/61.72/").content.decode()
    assert dict(LINKED.findall(page)).keys() == {"61.72"}
    grey = GREY.findall(page)
    assert "Kota Pontianak" in grey  # drawn, not linked, no figures
    assert "51" not in " ".join(grey)
    assert "highlight" in page


def test_the_pace_colouring_and_its_switch(coverage, users, login):
    client = login(users["regional"])
    page = client.get("/ucj/?colour=pace").content.decode()
    classes = set(dict(LINKED.findall(page)).values())
    assert classes <= {"pace-reached", "pace-on-track", "pace-at-risk", "pace-off-track", "pace-unknown"}
    assert "pace-reached" in classes  # Pontianak 51 % over a 30 % target
    assert "colour=band" in page  # the link back to the UCJ bands
    assert client.get("/ucj/?colour=nonsense").status_code == 200
