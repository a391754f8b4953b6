"""BSU as people use it, in a real browser: the counter lookup and the city official's panel."""

import pytest

from conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_branch_user_looks_up_a_nik_and_sees_the_timeline(page, pipeline):
    log_in(page, "branch")
    page.get_by_role("link", name="Cek status NIK").click()
    page.fill("input[name=nik]", "6172011508950005")  # determined in batch 1, then returned
    page.get_by_role("button", name="Cari").click()
    screenshot(page, "bsu-lookup")
    section = page.locator("#programme-BSU-2025")
    assert section.locator(".pill").inner_text() == "Dana dikembalikan"
    assert [item.locator("strong").inner_text() for item in section.locator("ol.timeline li").all()] == [
        "Calon penerima",
        "Lolos verifikasi",
        "Ditetapkan",
        "Dana dikembalikan",
    ]
    assert "Perbarui rekening pekerja" in section.locator(".next-step").inner_text()
    page.fill("input[name=nik]", "6171011508950001")  # Pontianak: outside this branch
    page.get_by_role("button", name="Cari").click()
    assert page.locator("#not-found").is_visible()


def test_official_sees_the_bsu_panel_of_their_city_without_names(page, pipeline):
    log_in(page, "official")
    assert page.url.endswith("/cities/61.72/")
    panel = page.locator("#bsu-panel")
    assert panel.locator("#bsu-disbursed-percent").inner_text() == "16,67 %"
    assert panel.locator("#bsu-amount").inner_text() == "Rp600.000"
    screenshot(page, "bsu-official-city")
    content = page.content()
    for worker in pipeline["skw"]:
        assert worker.nik not in content
        assert worker.name not in content
    assert page.goto("/bsu/nik/").status == 404
