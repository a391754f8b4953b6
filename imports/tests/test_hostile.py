"""Hostile files: each ends with a clear message in Bahasa Indonesia and a database that did not change."""

import csv
import io
import itertools
import random
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from config import spreadsheets
from conftest import process_env
from imports import services
from imports.models import ImportJob, RowIssue
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


# Files that lie -----------------------------------------------------------------------------------

HEADER = "nik,name,segment,city_code,member_since\n"


def nik(i):
    """A distinct, structurally valid NIK of Singkawang for each i below 1,000,000 (day, month, sequence)."""
    return f"617201{1 + i % 28:02d}{1 + i // 28 % 12:02d}95{1 + i // 336:04d}"


def worker_rows(count):
    return "".join(f"{nik(i)},Pekerja {i},BPU,61.72,2020-01-01\n" for i in range(count))


def latest_job():
    return ImportJob.objects.order_by("-pk").first()


@pytest.mark.parametrize("args", [(), ("--dry-run",)])
def test_a_nul_byte_after_the_first_64_kb_refuses_the_whole_file(before, tmp_path, args):
    snapshot, original = before
    lines = worker_rows(25_000).splitlines(keepends=True)
    lines[19_999] = lines[19_999].replace("Pekerja", "Pek\x00erja")  # line 20,001 of the file, ~1.2 MB in
    path = tmp_path / "nul.csv"
    path.write_text(HEADER + "".join(lines))
    assert path.read_bytes().index(b"\x00") > 64 * 1024
    code, line, err = run("workers", path, *args)
    assert code == 1
    assert err.strip() == "Berkas berisi karakter NUL pada baris 20001; simpan ulang sebagai CSV biasa."
    assert line == "rows=0 created=0 updated=0 unchanged=0 rejected=0"
    assert latest_job().status == ImportJob.Status.REFUSED
    assert snapshot() == original


def test_a_refusal_in_the_middle_of_the_rows_ends_the_job_refused(before, tmp_path, monkeypatch):
    """What the pipeline does with a FileRefused raised by the rows iterator after 15,000 rows: the check
    pass writes nothing; the apply pass has committed its first chunk by then, which is why every file-level
    refusal is raised by open_rows, before the first row."""
    snapshot, original = before
    path = tmp_path / "tengah.csv"
    path.write_text(HEADER + worker_rows(20_000))

    def rows_then_refusal(binary, filename=""):
        source = spreadsheets.open_rows(binary, filename)
        source.rows = itertools.chain(itertools.islice(source.rows, 15_000), refusal())
        return source

    def refusal():
        raise spreadsheets.FileRefused("Berkas rusak di tengah.")
        yield

    monkeypatch.setattr(services, "open_rows", rows_then_refusal)
    code, _line, err = run("workers", path, "--dry-run")
    assert (code, err.strip()) == (1, "Berkas rusak di tengah.")
    assert latest_job().status == ImportJob.Status.REFUSED
    assert snapshot() == original
    with path.open("rb") as binary:
        job = services.job_create(kind="workers", fileobj=binary, filename="tengah.csv")
    services.job_apply(job=job)
    job.refresh_from_db()
    assert (job.status, job.message) == (ImportJob.Status.REFUSED, "Berkas rusak di tengah.")


def test_control_characters_in_text_cells_are_rejected_row_by_row_in_csv_and_xlsx(before, tmp_path):
    snapshot, original = before
    path = tmp_path / "kontrol.csv"
    path.write_text(
        HEADER
        + f"{nik(1)},Budi\x1b[31m,BPU,61.72,2020-01-01\n"
        + f"{nik(2)},Ani\x07,BPU,61.72,2020-01-01\n"
        + f"{nik(3)},Dodi\x7f,BPU,61.72,2020-01-01\n"
        + f"{nik(4)},Eka\tPutri,BPU,61.72,2020-01-01\n"  # a tab is allowed
    )
    errors = tmp_path / "e.csv"
    code, line, _err = run("workers", path, "--errors", str(errors), "--dry-run")
    assert code == 0
    assert line == "rows=4 created=1 updated=0 unchanged=0 rejected=3"
    rejected = list(csv.DictReader(errors.open(encoding="utf-8")))
    assert [row["row"] for row in rejected] == ["2", "3", "4"]
    assert all(row["errors"] == "name: Berisi karakter kontrol yang tidak diizinkan." for row in rejected)
    # XLSX: calamine hands raw control characters and Excel's _x001B_ escapes to the same parser
    path = xlsx_file(
        tmp_path / "kontrol.xlsx",
        [
            ["nik", "name", "segment", "city_code", "member_since"],
            [nik(1), "NAMA1", "BPU", "61.72", "2020-01-01"],
            [nik(2), "NAMA2", "BPU", "61.72", "2020-01-01"],
            [nik(3), "Eka", "BPU", "61.72", "2020-01-01"],
        ],
        {b"NAMA1": b"Budi_x001B_[31m", b"NAMA2": b"Ani\x07"},
    )
    code, line, _err = run("workers", path, "--errors", str(errors), "--dry-run")
    assert line == "rows=3 created=1 updated=0 unchanged=0 rejected=2"
    rejected = list(csv.DictReader(errors.open(encoding="utf-8")))
    assert [row["errors"] for row in rejected] == ["name: Berisi karakter kontrol yang tidak diizinkan."] * 2
    assert snapshot() == original


def test_an_unclosed_quote_that_swallows_rows_refuses_the_file(before, tmp_path):
    snapshot, original = before
    path = tmp_path / "kutip.csv"
    path.write_text(
        HEADER
        + f'{nik(1)},"Siti Aminah,BPU,61.72,2020-01-01\n'
        + f"{nik(2)},Budi,BPU,61.72,2020-01-01\n"
        + f'{nik(3)},Ani",BPU,61.72,2020-01-01\n'
    )  # until now: one worker named "Siti Aminah,BPU,...\n...Ani"
    code, line, err = run("workers", path)
    assert code == 1
    assert err.strip() == (
        'Tanda kutip (") yang dibuka pada baris 2 tidak ditutup dengan benar: baris-baris sesudahnya terbaca '
        "sebagai isi satu sel. Periksa tanda kutip pada baris 2."
    )
    assert line == "rows=0 created=0 updated=0 unchanged=0 rejected=0"
    # a swallowed row with fewer cells than the header, but a NIK
    path.write_text(
        "nik,name,segment,city_code,member_since,npp,wage,member_until\n"
        + f'{nik(1)},Siti,BPU,61.72,2020-01-01,,,\n{nik(2)},"Budi,BPU,61.72,2020-01-01\n{nik(3)},Ani",BPU,61.72,2020-01-01\n'
    )
    code, _line, err = run("workers", path)
    assert code == 1
    assert 'Tanda kutip (") yang dibuka pada baris 3 tidak ditutup dengan benar' in err
    assert snapshot() == original


def test_an_unclosed_quote_is_found_by_the_lines_it_swallows(before, tmp_path):
    snapshot, original = before
    # one record over 20 lines, and its lines hold no delimiter
    path = tmp_path / "panjang.csv"
    path.write_text(
        HEADER + f'{nik(1)},Siti,BPU,61.72,2020-01-01\n{nik(2)},"Budi\n' + "catatan\n" * 30 + '",BPU,61.72,2020-01-01\n'
    )
    code, _line, err = run("workers", path)
    assert code == 1
    assert 'Tanda kutip (") yang dibuka pada baris 3 tidak ditutup dengan benar' in err
    # a file with far fewer records than lines
    path = tmp_path / "sedikit.csv"
    path.write_text("npp,name,city_code,sector\n" + "".join(f'AA{i:06d},"PT {i}\na\nb\nc",61.72,x\n' for i in range(12)))
    code, _line, err = run("employers", path)
    assert code == 1
    assert err.strip() == (
        'Berkas punya 49 baris teks tetapi hanya 12 baris data: tanda kutip (") yang dibuka pada baris 2 '
        "kemungkinan tidak ditutup."
    )
    assert snapshot() == original


def test_a_quoted_cell_with_a_line_break_is_still_one_cell(before, tmp_path):
    path = tmp_path / "alamat.csv"
    path.write_text(
        "npp,name,city_code,sector\n"
        'AA020099,PT Maju Jaya,61.72,"Perdagangan besar\ndan eceran"\n'
        "AA020098,PT Sinar,61.72,Jasa\n"
        'AA020097,"PT Sumber\r\nRejeki, Tbk",61.72,Jasa\n'
        'AA020096,PT Kota,61.72,"Jl. Merdeka No. 5\nSingkawang, 79123"\n'  # a postcode is no key
    )
    code, line, err = run("employers", path)
    assert (code, err) == (0, "")
    assert line == "rows=4 created=4 updated=0 unchanged=0 rejected=0"
    assert Employer.objects.get(npp="AA020099").sector == "Perdagangan besar\ndan eceran"
    assert Employer.objects.get(npp="AA020097").name == "PT Sumber\r\nRejeki, Tbk"


def test_utf8_with_or_without_bom_is_read_without_a_notice(tmp_path):
    for encoding in ("utf-8", "utf-8-sig"):
        source = spreadsheets.open_rows(io.BytesIO(f"{HEADER}{nik(1)},José Señora,BPU,61.72,2020-01-01\n".encode(encoding)))
        assert source.header == HEADER.strip().split(",")
        assert next(source.rows)[1] == "José Señora"
        assert source.notices == []


def test_a_windows_1252_file_is_read_with_a_notice(employer, tmp_path):
    text = f"{HEADER}{nik(1)},José Señora,BPU,61.72,2020-01-01\n"
    source = spreadsheets.open_rows(io.BytesIO(text.encode("cp1252")))
    assert next(source.rows)[1] == "José Señora"
    assert source.notices == ["Berkas dibaca sebagai Windows-1252 (bukan UTF-8); periksa huruf beraksen."]
    path = tmp_path / "ansi.csv"
    path.write_bytes(text.encode("cp1252"))
    _code, line, err = run("workers", path)
    assert line == "rows=1 created=1 updated=0 unchanged=0 rejected=0"
    assert "Berkas dibaca sebagai Windows-1252" in err  # the command says it; the job page shows job.message
    assert ImportJob.objects.latest("pk").message == source.notices[0]
    assert Worker.objects.get(nik=nik(1)).name == "José Señora"


def test_a_file_mixing_utf8_and_windows_1252_is_refused_at_the_first_line_that_is_not_utf8(before, tmp_path):
    snapshot, original = before
    path = tmp_path / "campur.csv"
    path.write_bytes(
        (HEADER + worker_rows(3000)).encode()
        + f"{nik(3001)},José,BPU,61.72,2020-01-01\n".encode()
        + f"{nik(3002)},Señora,BPU,61.72,2020-01-01\n".encode("cp1252")
        + f"{nik(3003)},Ñoño,BPU,61.72,2020-01-01\n".encode("cp1252")
    )
    code, _line, err = run("workers", path)
    assert code == 1
    assert err.strip() == (
        "Berkas mencampur dua pengodean huruf: baris 3003 bukan UTF-8, padahal baris 3002 UTF-8. "
        "Simpan ulang seluruh berkas sebagai CSV UTF-8."
    )
    assert snapshot() == original


@pytest.mark.parametrize("byte", [b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"])
def test_bytes_of_no_known_encoding_are_refused_not_a_crash(before, tmp_path, byte):
    snapshot, original = before
    path = tmp_path / "asing.csv"
    path.write_bytes(
        f"{HEADER}{nik(1)},Señora,BPU,61.72,2020-01-01\n".encode("cp1252")
        + nik(2).encode()
        + b",A"
        + byte
        + b",BPU,61.72,2020-01-01\n"
    )
    code, _line, err = run("workers", path, "--dry-run")
    assert code == 1
    assert err.strip() == "Baris 3 berisi byte yang bukan huruf UTF-8 maupun Windows-1252; simpan ulang berkas sebagai CSV UTF-8."
    assert latest_job().status == ImportJob.Status.REFUSED
    assert snapshot() == original


def test_a_csv_over_the_row_limit_is_refused(before, tmp_path, settings):
    snapshot, original = before
    settings.JANGKAU_IMPORT_MAX_ROWS = 100
    path = tmp_path / "banyak.csv"
    path.write_text(HEADER + worker_rows(101))
    code, _line, err = run("workers", path)
    assert code == 1
    assert err.strip() == "Berkas berisi 101 baris data; batasnya 100 baris. Bagi berkas menjadi beberapa bagian."
    assert snapshot() == original
    path.write_text(HEADER + worker_rows(100))
    assert run("workers", path)[1] == "rows=100 created=100 updated=0 unchanged=0 rejected=0"
    assert Worker.objects.count() == 101


def test_a_csv_over_the_row_limit_in_mixed_line_endings_is_refused(before, tmp_path, settings):
    """Without a double quote the file is not read record by record before the import: its line breaks are
    counted instead, a Windows \r\n, an old Mac \r and a Unix \n each once."""
    snapshot, original = before
    settings.JANGKAU_IMPORT_MAX_ROWS = 5
    lines = worker_rows(9).splitlines()
    body = HEADER.strip() + "\r" + "".join(line + ("\r" if i % 2 else "\n") for i, line in enumerate(lines))
    path = tmp_path / "campur.csv"
    path.write_bytes(body.encode())
    code, _line, err = run("workers", path)
    assert code == 1
    assert err.strip() == "Berkas berisi 9 baris data; batasnya 5 baris. Bagi berkas menjadi beberapa bagian."
    assert snapshot() == original


def test_a_cell_too_long_to_read_is_refused_before_any_row_is_written(before, tmp_path, settings):
    snapshot, original = before
    settings.JANGKAU_IMPORT_CHUNK_ROWS = 2  # the first chunk would be written before the long cell is read
    path = tmp_path / "panjang.csv"
    path.write_text(HEADER + worker_rows(3) + f"{nik(5)},{'A' * 140_000},BPU,61.72,2020-01-01\n")
    code, _line, err = run("workers", path)
    assert code == 1
    assert "satu sel terlalu panjang" in err
    assert snapshot() == original  # refused as the file was opened: the three good rows before it are not applied


def xlsx_file(path, rows, replace=None):
    """An XLSX of `rows` (openpyxl, inline strings), with byte replacements made in its sheet XML."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                for old, new in (replace or {}).items():
                    data = data.replace(old, new)
            target.writestr(info, data)
    return path


def test_an_xlsx_with_a_padded_sheet_is_refused_before_it_is_parsed(before, tmp_path, settings):
    snapshot, original = before
    assert spreadsheets.max_sheet_bytes() == 200 * 2**20  # the default
    settings.JANGKAU_XLSX_MAX_SHEET_BYTES = 2**20
    padding = random.Random(5).randbytes(16_000).hex()  # incompressible: the ratio check lets it through
    rows = [["nik", "name", "segment", "city_code", "member_since"], [nik(1), "Siti", "BPU", "61.72", "2020-01-01"]]
    path = xlsx_file(tmp_path / "isi.xlsx", rows + [[nik(2 + i), padding, "BPU", "61.72", "2020-01-01"] for i in range(60)])
    assert path.stat().st_size > 2**20 / spreadsheets.MAX_XLSX_RATIO
    code, _line, err = run("workers", path)
    assert code == 1
    assert err.strip() == "Lembar kerja XLSX terlalu besar saat dibuka (lebih dari 1 MB); bagi berkas menjadi beberapa bagian."
    assert snapshot() == original
    settings.JANGKAU_XLSX_MAX_SHEET_BYTES = 2 * 2**20
    assert run("workers", path, "--dry-run")[1] == "rows=61 created=1 updated=0 unchanged=0 rejected=60"  # names too long


def test_an_xlsx_over_the_row_limit_is_refused(before, tmp_path, settings):
    snapshot, original = before
    settings.JANGKAU_IMPORT_MAX_ROWS = 100
    rows = [["nik", "name", "segment", "city_code", "member_since"]]
    path = xlsx_file(tmp_path / "banyak.xlsx", rows + [[nik(i), "X", "BPU", "61.72", "2020-01-01"] for i in range(101)])
    code, _line, err = run("workers", path)
    assert code == 1
    assert err.strip() == "Berkas berisi 101 baris data; batasnya 100 baris. Bagi berkas menjadi beberapa bagian."
    # one row that says it is row 5000: calamine would make room for the 4997 empty rows before it
    far = {f'r="{column}2"'.encode(): f'r="{column}5000"'.encode() for column in "ABCDE"}
    path = xlsx_file(tmp_path / "jauh.xlsx", [*rows, [nik(1), "X", "BPU", "61.72", "2020-01-01"]], far)
    code, _line, err = run("workers", path)
    assert code == 1
    assert err.strip() == "Berkas berisi 4999 baris data; batasnya 100 baris. Bagi berkas menjadi beberapa bagian."
    assert snapshot() == original


def far_cell_xlsx(path):
    """5 KB that calamine would unpack into a 100,000 x 1,000 grid: 3.2 GB."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["nik", "name", "segment", "city_code", "member_since"])
    sheet.append([nik(1), "Siti", "BPU", "61.72", "2020-01-01"])
    sheet.cell(row=100_000, column=1000, value="jauh")
    workbook.save(path)
    return path


FAR_CELL_REFUSAL = (
    "Lembar kerja XLSX terbentang sampai baris 100000 dan kolom ke-1000 (100000000 sel); batasnya 20000000 sel. "
    "Hapus isi dan format sel di luar tabel, lalu simpan ulang."
)


def test_an_xlsx_with_a_far_away_cell_is_refused_before_it_is_parsed(before, tmp_path):
    snapshot, original = before
    path = far_cell_xlsx(tmp_path / "jauh.xlsx")
    assert path.stat().st_size < 10_000
    code, _line, err = run("workers", path)
    assert code == 1
    assert err.strip() == FAR_CELL_REFUSAL
    # the same cell without its reference: the cells before it in its row place it
    cells = "".join(f"<c><v>{i}</v></c>" for i in range(1000))
    path = xlsx_file(
        tmp_path / "lebar.xlsx",
        [["nik", "name"], ["1", "x"]],
        {b"</sheetData>": f'<row r="100000">{cells}</row></sheetData>'.encode()},
    )
    code, _line, err = run("workers", path)
    assert code == 1
    assert err.startswith("Lembar kerja XLSX terbentang sampai baris 100003 dan kolom ke-1002 ")  # an upper bound
    assert snapshot() == original


# Imports in a process of their own, to measure its memory -------------------------------------------

BASE_DIR = Path(__file__).resolve().parents[2]


# The child reports its own high-water mark (VmHWM belongs to the address space exec gave it): getrusage's
# ru_maxrss would also count the test process it was forked from (430 MB late in a full run).
REPORT_PEAK = (
    "import atexit, os, runpy, sys\n"
    "def report():\n"
    "    status = open('/proc/self/status').read()\n"
    "    open(os.environ['PEAK_FILE'], 'w').write(status.split('VmHWM:')[1].split()[0])\n"
    "atexit.register(report)\n"
    "sys.argv = ['manage.py', *sys.argv[1:]]\n"
    "runpy.run_path('manage.py', run_name='__main__')\n"
)


def import_in_a_process(settings, path, *args):
    """Runs `manage.py import_file workers PATH` in a child process; returns (exit code, stdout, stderr,
    peak RSS of that process in MB)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, tempfile.NamedTemporaryFile() as peak:
        process = subprocess.run(
            [sys.executable, "-c", REPORT_PEAK, "import_file", "workers", str(path), *args],
            cwd=BASE_DIR,
            env={**process_env(settings), "PEAK_FILE": peak.name},
            stdout=out,
            stderr=err,
            text=True,
            check=False,
        )
        out.seek(0)
        err.seek(0)
        return process.returncode, out.read(), err.read(), int(Path(peak.name).read_text()) / 1024


@pytest.mark.django_db(transaction=True)
def test_xlsx_bombs_are_refused_in_little_memory(before, tmp_path, settings):
    snapshot, original = before
    code, _out, err, peak = import_in_a_process(settings, far_cell_xlsx(tmp_path / "jauh.xlsx"))
    assert (code, err.strip()) == (1, FAR_CELL_REFUSAL)
    assert peak < 300
    # 210 MB of sheet XML at a ratio of about 40: neither a zip bomb nor too large a file
    path = tmp_path / "padat.xlsx"
    template = io.BytesIO()
    Workbook().save(template)
    block = b"".join(random.Random(6).randbytes(4).hex().encode() + b"a" * 400 for _ in range(2570))  # 1 MB
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info.filename))
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            sheet.write(
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>nik</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>'
            )
            for _ in range(210):
                sheet.write(block)
            sheet.write(b"</t></is></c></row></sheetData></worksheet>")
    assert 2**20 < path.stat().st_size < settings.JANGKAU_MAX_UPLOAD_BYTES
    code, _out, err, peak = import_in_a_process(settings, path)
    assert (code, err.strip()) == (
        1,
        "Lembar kerja XLSX terlalu besar saat dibuka (lebih dari 200 MB); bagi berkas menjadi beberapa bagian.",
    )
    assert peak < 300
    assert snapshot() == original


@pytest.mark.django_db(transaction=True)
def test_500000_rejected_rows_are_counted_stored_up_to_the_cap_in_little_memory(before, tmp_path, settings):
    snapshot, original = before
    path = tmp_path / "salah.csv"
    path.write_text(HEADER + "617201550895000,Salah,BPU,61.72,2020-01-01\n" * 500_000)  # 15-digit NIKs
    code, out, _err, peak = import_in_a_process(settings, path)
    assert code == 0
    assert out.strip().splitlines()[-1] == "rows=500000 created=0 updated=0 unchanged=0 rejected=500000"
    job = latest_job()
    assert job.rejected == 500_000
    assert RowIssue.objects.filter(job=job, rejected=True).count() == 10_000
    assert peak < 300
    assert snapshot() == original
