"""In a real browser: the mayor's office opens the rapor from the city page, prints it on A4 (one page) and
downloads the PDF."""

import pytest

from conftest import log_in, screenshot
from rapor.tests.conftest import pdf_text, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_rapor_prints_on_one_a4_page(page, singkawang):
    publish("61.72")
    log_in(page, "official")
    page.goto("/cities/61.72/")
    page.get_by_role("link", name="Rapor satu halaman").click()
    page.wait_for_load_state()
    assert page.locator("#rapor-ucj").inner_text() == "26,67 %"
    assert "Angka resmi Juni 2025" in page.locator("#rapor-source").inner_text()
    screenshot(page, "rapor-official")
    printed = page.pdf(format="A4")
    pages, words = pdf_text(printed)
    assert pages == 1
    assert "26,67 %" in words
    with page.expect_download() as download:
        page.locator("#rapor-pdf").click()
    pages, words = pdf_text(download.value.path().read_bytes())
    assert pages == 1
    assert "Peringkat 2 dari 3 kabupaten/kota di Kalimantan Barat" in words
