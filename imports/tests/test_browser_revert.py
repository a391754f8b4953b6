"""In a real browser: a regional user reads a record's history (an import's change, masked account numbers)
and an admin reverts the import from its job page."""

import pytest

from conftest import log_in, screenshot
from imports.services import job_apply, job_create
from participants.models import Worker
from participants.tests.factories import EmployerFactory, WorkerFactory
from subsidies.models import BankAccount

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NIK = "6172014107730003"


def apply(user, kind, text, tmp_path):
    path = tmp_path / f"{kind}.csv"
    path.write_text(text)
    with path.open("rb") as binary:
        return job_apply(job=job_create(kind=kind, fileobj=binary, filename=path.name, user=user))


def test_history_shows_the_import_masked_and_the_admin_reverts_it(page, users, tmp_path):
    employer = EmployerFactory(npp="61720001", city_code="61.72")
    worker = WorkerFactory(nik=NIK, name="Siti Asli", city_code="61.72", employer=employer)
    header = "nik,name,segment,city_code,member_since,npp\n"
    job = apply(users["branch"], "workers", f"{header}{NIK},Siti Diubah,PU,61.72,2023-07-26,61720001\n", tmp_path)
    apply(users["branch"], "bank_accounts", f"nik,bank,account_number\n{NIK},BRI,123456789012\n", tmp_path)
    apply(users["branch"], "bank_accounts", f"nik,bank,account_number\n{NIK},BNI,987654321098\n", tmp_path)
    account = BankAccount.objects.get(worker=worker)

    log_in(page, "regional", path="/admin/login/")
    page.goto(f"/admin/participants/worker/{worker.pk}/history/")
    history = page.locator("#import-history").inner_text()
    assert "Siti Asli" in history
    assert "Siti Diubah" in history
    assert f"#{job.pk}" in history
    screenshot(page, "history-worker-import")
    page.goto(f"/admin/subsidies/bankaccount/{account.pk}/history/")
    content = page.content()
    assert "123456789012" not in content
    assert "987654321098" not in content
    screenshot(page, "history-account-masked")
    assert "••••••••9012" in content
    screenshot(page, "history-account-masked")
    page.context.clear_cookies()

    log_in(page, "admin", path="/admin/login/")
    page.goto(f"/admin/imports/importjob/{job.pk}/")
    page.locator("#revert-import").click()
    page.wait_for_selector("#revert-report")
    assert "Dikembalikan: 1 baris diubah, 0 baris baru dihapus." in page.locator("#revert-report").inner_text()
    screenshot(page, "import-reverted")
    assert Worker.objects.get(nik=NIK).name == "Siti Asli"
