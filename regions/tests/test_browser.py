"""The back office as a person uses it, in a real browser."""

import pytest

from conftest import log_in, screenshot
from participants.tests.factories import WorkerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_branch_user_finds_singkawang_workers_in_the_admin(page, users):
    own = WorkerFactory(city_code="61.72", name="Siti Singkawang")
    WorkerFactory(city_code="61.71", name="Budi Pontianak")
    log_in(page, "branch", path="/admin/login/")
    page.goto("/admin/participants/worker/?q=" + own.nik)
    screenshot(page, "admin-branch-workers")
    assert page.get_by_role("link", name=own.nik).is_visible()
    assert "Budi Pontianak" not in page.content()
    page.goto("/admin/participants/worker/")
    assert "Siti Singkawang" in page.content()
    assert "Budi Pontianak" not in page.content()


def test_official_is_refused_by_the_admin_and_lands_on_the_city(page, users):
    log_in(page, "official", path="/admin/login/")
    assert "/admin/login/" in page.url
    assert "Masuk" in page.content()  # still the admin login form, with Django's refusal message
    log_in(page, "official")
    assert page.url.endswith("/cities/61.72/")
    screenshot(page, "official-home")
    assert "Kota Singkawang" in page.content()
    response = page.goto("/cities/61.71/")
    assert response.status == 404
