"""The back office as a person uses it, in a real browser."""

import csv

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


def test_dashboards_official_city_and_staff_ucj_csv(page, users, bsu, tmp_path):
    from django.core.management import call_command

    call_command("load_demo", "--no-accounts", "--small")
    log_in(page, "official")
    assert page.url.endswith("/cities/61.72/")
    page.goto("/cities/61.72/?as_of=2025-06-12")  # the audiensi day: the city has grown since
    assert page.locator("#ucj-headline").inner_text() == "22,78 %"
    assert page.locator("#not-covered").inner_text() == "56.552"
    assert "Pemberi kerja dengan peserta aktif" not in page.content()
    screenshot(page, "city-official")
    assert page.goto("/cities/64.71/").status == 404
    page.goto("/accounts/login/")
    page.context.clear_cookies()

    log_in(page, "regional")
    assert page.url.endswith("/ucj/")
    page.select_option("#id_province", "61")
    page.fill("#id_as_of", "2025-06-12")
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_load_state()
    assert "Kota Singkawang" in page.content()
    assert "Kota Balikpapan" not in page.content()
    screenshot(page, "ucj-regional")
    with page.expect_download() as download_info:
        page.locator("#export-csv").click()
    path = tmp_path / "ucj.csv"
    download_info.value.save_as(path)
    rows = {row["city_code"]: row for row in csv.DictReader(path.open(encoding="utf-8"))}
    assert {code[:2] for code in rows} == {"61"}
    assert rows["61.72"]["ucj_percent"] == "22.78"


def test_language_is_switched_in_the_top_bar(page, users):
    log_in(page, "official")
    assert page.locator("html").get_attribute("lang") == "id"
    assert "Cakupan kepesertaan (UCJ)" in page.content()
    page.get_by_role("button", name="EN").click()
    page.wait_for_load_state()
    assert page.url.endswith("/cities/61.72/")  # the same page, now in English
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Social security coverage (UCJ)").is_visible()
    assert page.get_by_role("link", name="My city").is_visible()
    screenshot(page, "city-official-english")
    page.get_by_role("button", name="ID").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Cakupan kepesertaan (UCJ)").is_visible()
