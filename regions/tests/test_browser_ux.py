"""The region pages in Chromium on a laptop (1366 x 800) and on a phone (390 x 844): nothing wider than the
screen for any role, the map's grey neighbours lead nowhere, the ranking, the date field and the print layout."""

import pytest
from django.utils import timezone

from conftest import log_in, screenshot
from regions.tests.test_pages_ux import coverage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
A4_PRINTABLE = {"width": 703, "height": 1032}  # 210 x 297 mm less 12 mm margins, in CSS pixels
FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def kalbar(users):
    coverage({"61.72": (100, 23, 30), "61.01": (300, 31, 25), "61.71": (200, 101, None), "64.71": (100, 41, 45)})


def assert_fits(page, name):
    screenshot(page, name)
    assert page.evaluate(FITS), f"{name}: {page.evaluate('document.documentElement.scrollWidth')} px wide"


@pytest.mark.parametrize(("size", "viewport"), [("laptop", LAPTOP), ("phone", PHONE)])
def test_no_page_is_wider_than_the_screen(page, kalbar, size, viewport):
    page.set_viewport_size(viewport)
    page.goto("/accounts/login/")
    assert_fits(page, f"ux-{size}-login")
    for username, other in (("admin", "/cities/61.72/"), ("regional", "/cities/61.71/"), ("branch", "/cities/61.01/")):
        log_in(page, username)
        assert page.url.endswith("/ucj/")
        assert_fits(page, f"ux-{size}-{username}-ucj")
        page.goto(other)
        assert_fits(page, f"ux-{size}-{username}-city")
        page.context.clear_cookies()
    log_in(page, "official")
    assert page.url.endswith("/cities/61.72/")
    assert_fits(page, f"ux-{size}-official-city")
    page.goto("/ucj/")
    assert_fits(page, f"ux-{size}-official-ucj")
    page.context.clear_cookies()
    log_in(page, "admin")
    page.goto("/ucj/?group=office")
    assert_fits(page, f"ux-{size}-admin-ucj-by-office")


def test_the_officials_map_leads_only_to_their_own_city(page, kalbar):
    page.set_viewport_size(PHONE)
    log_in(page, "official")
    city_url = page.url
    neighbour = page.locator("svg.map-canvas path.out-of-scope", has=page.locator("title", has_text="Kota Pontianak"))
    neighbour.scroll_into_view_if_needed()
    neighbour.click()
    assert page.url == city_url
    assert page.locator("svg.map-canvas a[href='/cities/61.71/']").count() == 0
    assert page.locator("svg.map-canvas a").count() == 1  # Singkawang itself


def test_ranking_date_and_print_in_the_browser(page, kalbar):
    log_in(page, "regional")
    bars = page.locator("#peringkat svg a")
    assert bars.count() == 3
    assert bars.first.locator("text.label").text_content() == "Kota Pontianak"  # the highest UCJ first
    bars.nth(1).click()
    page.wait_for_load_state()
    assert page.url.endswith("/cities/61.72/")
    day = f"{timezone.localdate().year}-01-31"  # the workforce estimates are this year's
    page.fill("#id_as_of", day)
    page.locator(".as-of-form button[type=submit]").click()
    page.wait_for_load_state()
    assert f"as_of={day}" in page.url
    assert f"per 31 Januari {day[:4]}" in page.locator(".crumbs").inner_text()
    page.locator("#print-button").click()
    page.wait_for_load_state()
    assert "print=1" in page.url
    assert f"as_of={day}" in page.url
    assert not page.locator(".topbar").is_visible()
    assert not page.locator("#print-button").is_visible()
    assert page.locator("#perbandingan").is_visible()
    screenshot(page, "ux-laptop-city-print-layout")
    page.set_viewport_size(A4_PRINTABLE)
    page.emulate_media(media="print")
    assert not page.locator(".print-bar").is_visible()
    for chart in ("#peta svg.map-canvas", ".trend svg", "#perbandingan svg", "#perbandingan"):
        box = page.locator(chart).bounding_box()
        assert 0 < box["height"] <= A4_PRINTABLE["height"], chart  # each on one page (they never break inside)
    screenshot(page, "ux-a4-city-print")
