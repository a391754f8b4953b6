"""Production error pages in Bahasa Indonesia in the site's look, and the admin's "view on site" closed.

This module doubles as a URLconf (see `urlpatterns`) for the pages that fail on purpose.
"""

import inspect
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template import loader
from django.test import RequestFactory
from django.urls import path, resolve, reverse

from config import views
from config.urls import urlpatterns as site_urlpatterns
from participants.models import Employer, Worker
from participants.tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db


def broken_view(request):
    raise RuntimeError("rahasia-internal: kolom tidak ada")


def forbidden_view(request):
    raise PermissionDenied("rahasia-internal: aturan cakupan")


urlpatterns = [
    path("uji/rusak/", broken_view),
    path("uji/terlarang/", forbidden_view),
    *site_urlpatterns,
]
with_failing_pages = pytest.mark.urls(__name__)


def assert_no_inline_script_or_style(html):
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html), "inline script"
    assert " style=" not in html, "inline style attribute"
    assert "<style" not in html, "inline style element"


def assert_site_page(response, status, heading):
    assert response.status_code == status
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert 'href="/static/css/jangkau.css"' in html
    assert '<header class="topbar">' in html
    assert '<footer class="footer">' in html
    assert "Content-Security-Policy" in response
    assert_no_inline_script_or_style(html)
    assert "rahasia-internal" not in html
    assert "Traceback" not in html
    return html


def test_a_missing_page_is_the_indonesian_404_inside_the_layout_with_the_nav(users, login, settings):
    settings.DEBUG = False
    client = login(users["branch"])
    html = assert_site_page(client.get("/cities/99.99/"), 404, "Halaman tidak ditemukan")
    assert "di luar wilayah yang boleh Anda lihat" in html
    assert 'class="mainnav"' in html
    assert "branch" in html  # the signed-in account in the top bar
    assert "No City matches" not in html  # the exception's text is for the log, not the page
    assert "Using the URLconf" not in html  # not Django's technical page


def test_a_region_out_of_scope_answers_the_same_404_as_a_missing_one(users, login, settings):
    settings.DEBUG = False
    client = login(users["branch"])
    out_of_scope, missing = client.get("/cities/64.71/"), client.get("/cities/99.99/")
    assert out_of_scope.status_code == missing.status_code == 404
    assert normalised(out_of_scope, "/cities/64.71/") == normalised(missing, "/cities/99.99/")


def test_the_404_for_an_anonymous_visitor_has_no_nav(client, settings):
    settings.DEBUG = False
    html = assert_site_page(client.get("/tidak-ada/"), 404, "Halaman tidak ditemukan")
    assert "mainnav" not in html


@with_failing_pages
def test_a_refused_page_is_the_indonesian_403_inside_the_layout(users, login, settings):
    settings.DEBUG = False
    html = assert_site_page(login(users["official"]).get("/uji/terlarang/"), 403, "Akses ditolak")
    assert "hubungi administrator Jangkau" in html
    assert 'class="mainnav"' in html


@with_failing_pages
def test_a_failing_view_shows_the_indonesian_500_page(users, client, login, settings):
    settings.DEBUG = False
    for visitor in (client, login(users["branch"])):
        visitor.raise_request_exception = False
        html = assert_site_page(visitor.get("/uji/rusak/"), 500, "Terjadi kesalahan")
        assert "coba lagi beberapa saat lagi" in html
        assert "RuntimeError" not in html


def test_the_500_page_renders_with_an_empty_context_and_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()  # what django.views.defaults.server_error does
    assert "<h1>Terjadi kesalahan</h1>" in html
    assert 'href="/static/css/jangkau.css"' in html
    assert_no_inline_script_or_style(html)


# The admin's "view on site" shortcut, /admin/r/<content_type_id>/<object_id>/


CSRF_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"')


def normalised(response, url):
    """The body with what legitimately differs between two requests masked: the URL asked for and the
    per-response masked CSRF tokens of the top bar's forms."""
    html = CSRF_TOKEN.sub(r'\1…"', response.content.decode())
    return html.replace(url, "/URL/").replace(url.lstrip("/"), "URL/")


def test_djangos_own_shortcut_tells_an_existing_object_from_a_missing_one(users):
    """Why Jangkau replaces it: the message names what exists (and the URL is admin:view_on_site)."""
    worker = WorkerFactory(city_code="64.71")
    content_type = ContentType.objects.get_for_model(Worker)
    request = RequestFactory().get("/")
    request.user = users["branch"]
    with pytest.raises(Http404) as existing:
        shortcut(request, content_type.pk, worker.pk)
    with pytest.raises(Http404) as missing:
        shortcut(request, content_type.pk, worker.pk + 1000)
    assert "get_absolute_url" in str(existing.value)
    assert "get_absolute_url" not in str(missing.value)
    assert inspect.unwrap(resolve(reverse("admin:view_on_site", args=[content_type.pk, worker.pk])).func) is views.view_on_site


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("role", ["admin", "regional", "branch", "other_branch", "official", None])
def test_view_on_site_answers_the_same_for_existing_out_of_scope_and_missing_objects(users, client, login, settings, debug, role):
    settings.DEBUG = debug
    visitor = login(users[role]) if role else client
    out_of_scope = WorkerFactory(city_code="64.71")  # Balikpapan: outside both branches and the official
    in_scope = WorkerFactory(city_code="61.72")
    worker_type = ContentType.objects.get_for_model(Worker).pk
    employer_type = ContentType.objects.get_for_model(Employer).pk
    urls = [
        f"/admin/r/{worker_type}/{out_of_scope.pk}/",
        f"/admin/r/{worker_type}/{in_scope.pk}/",
        f"/admin/r/{worker_type}/{in_scope.pk + 1000}/",  # no such worker
        f"/admin/r/{employer_type}/{out_of_scope.employer.pk}/",
        f"/admin/r/{employer_type}/0/",  # no such employer
        "/admin/r/999999/1/",  # no such content type
    ]
    staff = role in {"admin", "regional", "branch", "other_branch"}
    answers = set()
    for url in urls:
        response = visitor.get(url)
        if staff:
            assert response.status_code == 404, url
            assert "Location" not in response
        else:  # anonymous visitors and officials are sent to the admin login, as for any admin URL
            assert response.status_code == 302, url
            assert response["Location"] == f"/admin/login/?next={url}"
        answers.add((response.status_code, normalised(response, url)))
    assert len(answers) == 1, "existing and missing objects must answer identically"
    _status, body = answers.pop()
    if not staff:
        assert body == ""
    elif debug:
        assert views.OBJECT_PAGE_UNAVAILABLE in body  # the technical page prints this one fixed message
    else:
        assert "<h1>Halaman tidak ditemukan</h1>" in body
