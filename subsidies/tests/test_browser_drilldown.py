"""In a real browser: a branch officer goes from a stuck count on the city page to the recipients behind it."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import log_in, screenshot
from subsidies.figures import bsu_figures_refresh
from subsidies.models import Recipient, RecipientStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
S = RecipientStatus


def test_branch_officer_drills_from_the_stuck_count_to_the_recipients(page, pipeline, users):
    waiting = Recipient.objects.filter(status__in=[S.CANDIDATE, S.ACCOUNT_INVALID], city_id="61.72")
    stuck = set(waiting.values_list("worker__nik", flat=True))
    waiting.update(status_since=timezone.now() - dt.timedelta(days=40))
    bsu_figures_refresh()
    log_in(page, "branch")
    page.goto("/cities/61.72/")
    count = page.locator("#bsu-stuck a").first
    assert count.inner_text() == str(len(stuck))
    count.click()
    page.wait_for_load_state()
    assert "/admin/subsidies/recipient/" in page.url
    listed = set(page.locator("#result_list tbody th a, #result_list tbody td a").all_inner_texts())
    assert {text.split()[0] for text in listed if text[:4] == "6172"} == stuck
    screenshot(page, "drill-stuck-recipients")
