"""A branch user imports a file in a real browser: upload, progress, preview, confirm, result, download."""

import csv
import re

import pytest

from conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_branch_user_imports_workers_and_downloads_rejected_rows(page, users, tmp_path, task_worker):
    rows = "".join(f"617201{1 + i % 28:02d}0895{i:04d};Pekerja {i};BPU;61.72;15/08/2020\n" for i in range(1, 41))
    path = tmp_path / "pekerja.csv"
    path.write_text(
        "NIK;Nama;Segmen;Kode_Kota;Peserta_Sejak\n" + rows + "6.17202E+15;Rusak;BPU;61.72;01/02/2021\n", encoding="cp1252"
    )
    log_in(page, "branch", path="/admin/login/")
    page.goto("/admin/participants/worker/")
    page.get_by_role("link", name="Impor CSV/XLSX").click()
    page.set_input_files("input[type=file]", str(path))
    screenshot(page, "import-upload")
    page.get_by_role("button", name="Unggah dan periksa").click()
    # The job page follows the background check; a fast worker may already have finished it.
    page.wait_for_url(re.compile(r"/admin/imports/importjob/\d+/$"))
    page.wait_for_selector("#confirm-import", timeout=60_000)
    assert page.locator("#count-created").inner_text() == "40"
    assert page.locator("#count-rejected").inner_text() == "1"
    assert "notasi ilmiah" in page.content()
    screenshot(page, "import-preview")
    page.locator("#confirm-import").click()
    page.wait_for_selector(".status-done", timeout=60_000)
    assert page.locator("#job-status").inner_text() == "Selesai"
    assert page.locator("#count-created").inner_text() == "40"
    screenshot(page, "import-result")
    with page.expect_download() as download_info:
        page.locator("#download-rejected").click()
    downloaded = tmp_path / "rejected.csv"
    download_info.value.save_as(downloaded)
    (row,) = csv.DictReader(downloaded.open(encoding="utf-8"))
    assert row["row"] == "42"
    assert "notasi ilmiah" in row["errors"]


def test_the_upload_page_fits_a_phone(page, users):
    """The column tables of the upload page scroll in their own box on a 390 px screen, not the page."""
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "branch", path="/admin/login/")
    page.goto("/admin/imports/importjob/add/")
    screenshot(page, "import-upload-phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = page.locator(".import-page .scroll").first
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # the table is wider than the phone: it scrolls
