"""`?as_of=` out of range on the figures pages: the form's message on the page, never a server error."""

import datetime as dt
import html

import pytest

from config.parsing import one_year_ahead, shown

pytestmark = pytest.mark.django_db

PAGES = ("/ucj/", "/cities/61.72/")


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "1976-12-31"])
@pytest.mark.parametrize("url", PAGES)
def test_an_out_of_range_date_is_refused_with_the_allowed_range(users, login, url, as_of):
    response = login(users["regional"]).get(url, {"as_of": as_of})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert f"Per tanggal: Tanggal harus antara 01/01/1977 dan {shown(one_year_ahead())}." in page
    assert "Kota Singkawang" in page  # the page itself, for today's figures
    if url == "/ucj/":  # the page with the filter form: its date picker knows the range
        assert f'min="1977-01-01" max="{one_year_ahead().isoformat()}"' in page


@pytest.mark.parametrize("url", PAGES)
def test_a_date_that_is_no_date_is_refused(users, login, url):
    response = login(users["regional"]).get(url, {"as_of": "31-31-2024"})
    assert response.status_code == 400
    assert "Per tanggal: Masukkan tanggal yang valid." in html.unescape(response.content.decode())


def test_an_out_of_range_date_exports_nothing(users, login):
    response = login(users["regional"]).get("/ucj/", {"as_of": "0001-01-01", "_export": "csv"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("url", PAGES)
def test_dates_at_the_edges_of_the_range_are_shown(users, login, url):
    client = login(users["regional"])
    for as_of in (dt.date(1977, 1, 1), one_year_ahead()):
        response = client.get(url, {"as_of": as_of.isoformat()})
        assert response.status_code == 200
        assert "Tanggal harus antara" not in response.content.decode()
