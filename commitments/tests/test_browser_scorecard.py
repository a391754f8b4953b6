"""The scorecard and the province ranking in Chromium at 1280 px and on a 390 px phone: nothing wider than the
screen, the suggestion sentence and the ranking's order as a person sees them."""

import pytest

from conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize("width", [1280, 390])
def test_scorecard_and_ranking_fit_the_screen(page, kalbar, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "official")
    page.locator("#scorecard-link").click()  # from the city page's commitments panel
    page.wait_for_load_state()
    page.goto(page.url + "?year=2025")
    screenshot(page, f"scorecard-{width}")
    assert page.evaluate(FITS)
    assert page.locator("#score-total").inner_text() == "47,60"
    assert "iuran 40 pekerja BPU selama 12 bulan (Rp8.064.000)" in page.locator("#move-up-sentence").inner_text()
    page.get_by_role("link", name="Peringkat Kalimantan Barat").click()
    page.wait_for_load_state()
    screenshot(page, f"ranking-{width}")
    assert page.evaluate(FITS)
    ranks = page.locator("#ranking tbody tr td:nth-child(2)").all_inner_texts()
    assert ranks[:2] == ["Kota Pontianak", "Kota Singkawang"]
