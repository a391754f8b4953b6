"""In a real browser: a branch officer opens the worklist, records a visit with a follow-up date from it and
finds the step among the visits due this week."""

import pytest
from django.utils import timezone

from conftest import log_in, screenshot
from outreach.models import EmployerReport, Visit
from outreach.selectors import week_end
from participants.figures import figures_refresh
from participants.tests.factories import EmployerFactory, WorkerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_records_a_visit_and_finds_it_due_this_week(page, users):
    employer = EmployerFactory(npp="61720001", city_code="61.72", name="PT Sinar Singkawang", sector="Perdagangan")
    WorkerFactory.create_batch(8, employer=employer, city=employer.city)
    EmployerReport.objects.create(
        company_id="WLKP-1", source="WLKP", name=employer.name, city_id="61.72", employer=employer, reported_workers=20
    )
    EmployerReport.objects.create(
        company_id="WLKP-2", source="WLKP", name="CV Belum Daftar", city_id="61.72", reported_workers=45
    )
    figures_refresh()

    log_in(page, "branch")
    page.goto("/worklist/")
    row = page.locator("table.worklist tbody tr").first
    assert "PT Sinar Singkawang" in row.inner_text()
    assert "12" in row.locator("td.num").last.inner_text()  # 20 reported, 8 registered
    screenshot(page, "worklist-unregistered")
    row.get_by_role("link", name="Catat kontak").click()

    assert page.locator("#id_company").input_value() == "61720001"
    due = week_end(timezone.localdate())
    page.select_option("#id_channel", "joint")
    page.select_option("#id_outcome", "follow_up")
    page.fill("#id_next_step", "Kirim daftar pekerja yang belum didaftarkan")
    page.fill("#id_due_date", due.strftime("%d/%m/%Y"))
    screenshot(page, "worklist-record-visit")
    page.locator("input[name=_save]").click()
    page.wait_for_load_state()

    assert page.url.endswith("/worklist/?list=due")
    assert "Kontak dengan 61720001 dicatat." in page.locator(".messages, .messagelist, .message").first.inner_text()
    due_row = page.locator("table.worklist tbody tr").first
    assert "Kirim daftar pekerja yang belum didaftarkan" in due_row.inner_text()
    assert "PT Sinar Singkawang" in due_row.inner_text()
    assert due.strftime("%d/%m/%Y") in due_row.inner_text()
    screenshot(page, "worklist-due-this-week")
    visit = Visit.objects.get(company="61720001")
    assert (visit.officer, visit.channel, visit.city_id, visit.date) == (users["branch"], "joint", "61.72", timezone.localdate())

    page.goto("/worklist/")  # the row now shows its last contact and the open step
    assert "Kunjungan bersama Disnaker" in page.locator("table.worklist tbody tr").first.inner_text()
