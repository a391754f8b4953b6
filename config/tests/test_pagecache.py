"""The dashboards' page cache (config.pagecache): a refresh renders again exactly the pages showing the
cities it rebuilt; no page content crosses from one scope to another; the header stays each user's."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from config.pagecache import figures_changed, page_key
from participants.figures import figures_refresh
from participants.models import FiguresVersion, Worker
from participants.tests.factories import WorkerFactory
from regions.models import WorkforceEstimate
from regions.selectors import cities_for
from regions.services import user_create

pytestmark = pytest.mark.django_db


def key(user, path):
    """The cache key of `path` for `user`, over the cities of the user's scope (what /ucj/ shows)."""
    request = RequestFactory().get(path)
    request.user = user
    return page_key(request, "regions/ucj.html", cities_for(user).values_list("code", flat=True))


@pytest.fixture
def figures(users):
    WorkforceEstimate.objects.create(city_id="61.72", year=dt.date.today().year, potential_pu=100, potential_bpu=100)
    WorkforceEstimate.objects.create(city_id="61.71", year=dt.date.today().year, potential_pu=100, potential_bpu=100)
    WorkerFactory.create_batch(3, city_code="61.72", segment="BPU", employer=None)
    WorkerFactory.create_batch(2, city_code="61.71", segment="BPU", employer=None)
    figures_refresh()


def test_a_refresh_renews_the_keys_of_the_pages_showing_its_cities_only(figures, users):
    official, pontianak, regional = users["official"], users["other_branch"], users["regional"]
    before = {name: key(user, "/ucj/") for name, user in (("official", official), ("pnk", pontianak), ("kanwil", regional))}
    figures_refresh(cities=["61.71"], employers=[])  # Pontianak's figures rebuilt
    after = {name: key(user, "/ucj/") for name, user in (("official", official), ("pnk", pontianak), ("kanwil", regional))}
    assert after["official"] == before["official"]  # Singkawang's page: kept
    assert after["pnk"] != before["pnk"]  # Pontianak's branch: rendered again
    assert after["kanwil"] != before["kanwil"]  # the Kanwil shows Pontianak too
    figures_changed()  # an edit anywhere else (admin, import, snapshot): every page
    assert key(official, "/ucj/") != after["official"]


def test_a_cached_page_shows_the_refreshed_figures(figures, users, login):
    client = login(users["official"])
    first = client.get("/ucj/?provisional=1").content.decode()
    assert "1,50 %" in first  # 3 active of 200
    Worker.objects.filter(city_id="61.72").update(member_until=dt.date(2024, 6, 30))  # past the models' signals
    kept = client.get("/ucj/?provisional=1").content.decode()
    assert kept.split("<main")[1] == first.split("<main")[1]  # no refresh yet: the kept content
    figures_refresh(cities=["61.72"], employers=[])
    again = client.get("/ucj/?provisional=1").content.decode()
    assert "1,50 %" not in again
    assert "0,00 %" in again


def test_the_same_page_of_two_scopes_never_shares_its_content(figures, users, login, client):
    sambas, _created = user_create(username="pemkab.sambas", role="official", scope_code="61.01", password=None)
    singkawang = login(users["official"]).get("/ucj/?provisional=1").content.decode()
    client.force_login(sambas)
    page = client.get("/ucj/?provisional=1").content.decode()
    table = page.split("<table")[1]  # the map draws the neighbours' names too: the table holds the own city
    assert "Kabupaten Sambas" in table
    assert "Kota Singkawang" not in table
    assert "Kota Singkawang" in singkawang.split("<table")[1]
    assert client.get("/cities/61.72/").status_code == 404


def test_the_header_is_each_users_own(figures, users, client):
    colleague, _created = user_create(username="cabang.skw.dua", role="branch", scope_code="SKW", password=None)
    client.force_login(users["branch"])
    mine = client.get("/ucj/").content.decode()
    client.force_login(colleague)
    theirs = client.get("/ucj/").content.decode()
    assert "cabang.skw.dua" in theirs
    assert "cabang.skw.dua" not in mine
    token = 'name="csrfmiddlewaretoken" value="'
    assert mine.split(token)[1][:64] != theirs.split(token)[1][:64]


def token_writes(queries):
    return [q for q in queries.captured_queries if "participants_figuresversion" in q["sql"] and "INSERT" in q["sql"]]


def test_saves_in_a_transaction_write_the_token_once_until_a_page_is_keyed(figures, users):
    official = users["official"]
    before = key(official, "/ucj/")
    with CaptureQueriesContext(connection) as queries:
        for worker in Worker.objects.all():
            worker.name += " (ubah)"
            worker.save()
    assert len(token_writes(queries)) == 1  # not one per save
    after = key(official, "/ucj/")
    assert after != before
    Worker.objects.filter(pk=Worker.objects.first().pk).update(name="x")  # no signal: the key stays
    assert key(official, "/ucj/") == after
    Worker.objects.first().save()  # after a page was keyed: a new token
    assert key(official, "/ucj/") != after


def test_a_token_written_in_a_rolled_back_savepoint_is_written_again(figures, users):
    official = users["official"]
    before = key(official, "/ucj/")
    try:
        with transaction.atomic():
            Worker.objects.first().save()
            raise RuntimeError
    except RuntimeError:
        pass
    assert key(official, "/ucj/") == before  # the change and its token rolled back together
    Worker.objects.first().save()
    assert key(official, "/ucj/") != before


@pytest.mark.django_db(transaction=True)
def test_saves_in_a_committed_transaction_write_the_token_once(reference_regions):
    workers = WorkerFactory.create_batch(5, city_code="61.72", segment="BPU", employer=None)
    token = FiguresVersion.objects.get(key="all").token
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        for worker in workers:
            worker.save()
    assert FiguresVersion.objects.get(key="all").token != token
    assert len(token_writes(queries)) == 1
