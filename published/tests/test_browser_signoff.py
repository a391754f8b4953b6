"""In a real browser: the branch verifies a closed month, the Kanwil publishes it, and the mayor's office lands
on the published figures, with their id and hash, and can switch to today's provisional ones."""

import datetime as dt

import pytest

from conftest import log_in, screenshot
from participants.figures import figures_refresh
from participants.models import Segment
from participants.tests.factories import WorkerFactory
from published.models import Snapshot
from published.services import month_data, snapshot_create
from regions.models import WorkforceEstimate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_month_is_verified_published_and_read_by_the_mayors_office(page, users):
    WorkforceEstimate.objects.create(city_id="61.72", year=2025, potential_pu=100, potential_bpu=50, target_percent=40)
    WorkerFactory.create_batch(30, city_code="61.72")
    WorkerFactory.create_batch(10, city_code="61.72", segment=Segment.BPU, employer=None)
    figures_refresh()
    ((code, data),) = month_data(dt.date(2025, 6, 1), city_codes=["61.72"])
    snapshot = snapshot_create(code=code, period=dt.date(2025, 6, 1), version=1, data=data, user=None)

    log_in(page, "branch")
    page.goto("/figures/?period=2025-06")
    page.get_by_role("link", name="Kota Singkawang").click()
    assert "Sementara" in page.locator("#snapshot-status").inner_text()
    assert snapshot.content_hash in page.locator("#snapshot-status").inner_text()
    page.fill("#sign-off input[name=note]", "Cocok dengan data kepesertaan")
    page.get_by_role("button", name="Verifikasi").click()
    page.wait_for_load_state()
    assert "Diverifikasi" in page.locator("#snapshot-status").inner_text()
    page.context.clear_cookies()

    log_in(page, "regional")
    page.goto(f"/figures/{snapshot.pk}/")
    page.get_by_role("button", name="Publikasikan").click()
    page.wait_for_load_state()
    assert "Dipublikasikan" in page.locator("#snapshot-status").inner_text()
    screenshot(page, "figures-published")
    assert Snapshot.objects.get(pk=snapshot.pk).status == Snapshot.Status.PUBLISHED
    page.context.clear_cookies()

    WorkerFactory.create_batch(20, city_code="61.72", member_since=dt.date(2025, 6, 20))  # a late change
    figures_refresh()
    log_in(page, "official")
    page.goto("/cities/61.72/")
    banner = page.locator("#figures-banner").inner_text()
    assert "Angka resmi Juni 2025 (versi 1, dipublikasikan)" in banner
    assert snapshot.short_hash in banner
    assert page.locator("#ucj-headline").inner_text() == "26,67 %"
    screenshot(page, "figures-official-city")
    page.get_by_role("link", name="Lihat angka sementara hari ini").click()
    page.wait_for_load_state()
    assert "Angka sementara" in page.locator("#figures-banner").inner_text()
    assert page.locator("#ucj-headline").inner_text() != "26,67 %"
