"""Hostile files: each ends with a clear message in Bahasa Indonesia and a database that did not change."""

import random
import zipfile

import pytest
from openpyxl import Workbook

from imports.models import ImportJob
from imports.tests.test_pipeline import run
from participants.models import Employer, Worker
from participants.tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def before(employer):
    """A worker that exists before each hostile file, and a snapshot to compare with afterwards."""
    WorkerFactory(city_code="61.72", nik="6172015508950001", name="Siti Aminah", employer=employer)

    def snapshot():
        return (
            list(Worker.objects.order_by("nik").values_list("nik", "name", "wage", "import_job_id")),
            list(Employer.objects.order_by("npp").values_list("npp", "name")),
        )

    return snapshot, snapshot()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_bytes_are_refused(before, tmp_path, seed):
    snapshot, original = before
    path = tmp_path / "acak.csv"
    path.write_bytes(random.Random(seed).randbytes(50_000))
    code, _line, err = run("workers", path)
    assert code == 1
    assert "bukan CSV atau XLSX" in err
    path = tmp_path / "acak.xlsx"
    path.write_bytes(b"PK\x03\x04" + random.Random(seed).randbytes(50_000))
    code, _line, err = run("workers", path)
    assert code == 1
    assert "XLSX tidak bisa dibaca" in err
    assert snapshot() == original


def test_text_noise_without_the_columns_is_refused(before, tmp_path):
    snapshot, original = before
    path = tmp_path / "teks.csv"
    path.write_text("".join(random.Random(4).choice("abc;,\n\"'=") for _ in range(20_000)))
    code, _line, err = run("workers", path)
    assert code == 1
    assert "Kolom wajib tidak ada" in err or "CSV rusak" in err
    assert snapshot() == original


def test_xlsx_zip_bomb_is_refused_before_it_is_unpacked(before, tmp_path):
    snapshot, original = before
    path = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"<row>" + b" " * (1 << 20) + b"</row>"
            for _ in range(64):  # 64 MB unpacked from about 64 KB
                sheet.write(chunk)
    assert path.stat().st_size < 1_000_000
    code, _line, err = run("workers", path)
    assert code == 1
    assert "zip bomb" in err
    assert snapshot() == original


def test_an_over_size_file_is_refused_by_the_command_and_the_upload(before, tmp_path, settings, users, login):
    snapshot, original = before
    assert settings.JANGKAU_MAX_UPLOAD_BYTES == 100 * 2**20  # the default
    settings.JANGKAU_MAX_UPLOAD_BYTES = 2**20
    path = tmp_path / "besar.csv"
    path.write_text("nik,name,segment,city_code,member_since\n" + "6172015508950009,X,BPU,61.72,2020-01-01\n" * 30_000)
    code, _line, err = run("workers", path)
    assert code == 1
    assert "Berkas terlalu besar (1 MB); batasnya 1 MB." in err
    jobs = ImportJob.objects.count()
    with path.open("rb") as upload:
        page = login(users["branch"]).post("/admin/imports/importjob/upload/", {"kind": "workers", "file": upload})
    assert page.status_code == 200
    assert "Berkas terlalu besar" in page.content.decode()
    assert ImportJob.objects.count() == jobs  # nothing stored
    assert snapshot() == original


def test_formulas_in_a_file_are_rejected_and_change_nothing(before, tmp_path):
    snapshot, original = before
    path = tmp_path / "rumus.csv"
    path.write_text(
        "nik,name,segment,city_code,member_since\n"
        '6172015508950001,"=HYPERLINK(""http://contoh.invalid"",""klik"")",BPU,61.72,2020-01-01\n'
        "6172014407900002,@SUM(A1:A9),BPU,61.72,2020-01-01\n"
        "6172014407900003,+62 811,BPU,61.72,2020-01-01\n"
    )
    errors = tmp_path / "e.csv"
    code, line, _err = run("workers", path, "--errors", str(errors))
    assert code == 0
    assert line == "rows=3 created=0 updated=0 unchanged=0 rejected=3"
    assert errors.read_text(encoding="utf-8").count("rumus spreadsheet") == 3
    # XLSX formula cells: a formula in the NIK column is a number to us, in a name column an empty value
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["nik", "name", "segment", "city_code", "member_since"])
    sheet.append(["=6172015508950000+1", "Siti", "BPU", "61.72", "2020-01-01"])
    sheet.append(["6172014407900004", '=HYPERLINK("http://contoh.invalid","klik")', "BPU", "61.72", "2020-01-01"])
    workbook.save(tmp_path / "rumus.xlsx")
    code, line, _err = run("workers", tmp_path / "rumus.xlsx", "--all-or-nothing")
    assert code == 1  # every row rejected: with all-or-nothing the file is refused whole
    assert snapshot() == original


def test_html_in_names_is_stored_as_text_and_shown_escaped(employer, tmp_path, users, login):
    path = tmp_path / "html.csv"
    path.write_text(
        "nik,name,segment,city_code,member_since\n"
        '6172014407900005,"<script>alert(""x"")</script><b>Budi</b>",BPU,61.72,2020-01-01\n'
    )
    assert run("workers", path)[1] == "rows=1 created=1 updated=0 unchanged=0 rejected=0"
    client = login(users["branch"])
    for response in (
        client.get("/admin/participants/worker/"),
        client.post("/bsu/nik/", {"nik": "6172014407900005"}),
    ):
        page = response.content.decode()
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;Budi&lt;/b&gt;" in page
        assert "<script>alert" not in page
