"""The import pipeline through its command and services: formats, counts, refusals, resume."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from imports import pipeline
from imports.models import ImportJob
from imports.services import job_apply, job_check, job_create
from participants.models import Employer, Worker
from regions.models import MinimumWage, Office, WorkforceEstimate

pytestmark = pytest.mark.django_db

HEADER = "nik,name,segment,city_code,member_since,npp,wage,member_until"
SITI = "6172015508950001"
BUDI = "6172011203900002"


def run(kind, path, *args):
    """Runs import_file; returns (exit code, last stdout line, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import_file", kind, str(path), *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue().strip().splitlines()[-1], err.getvalue()


def counts(line):
    return dict(part.split("=") for part in line.split())


def test_semicolon_windows_1252_with_indonesian_numbers_and_dates(employer, write_file):
    path = write_file(
        "NIK;Nama;Segmen;Kode_Kota;Peserta_Sejak;NPP;Upah;Peserta_Sampai\n"
        f"{SITI};Siti Nurhaliza Señora;PU;61.72;15/08/2020;AA020015;Rp 3.500.000,00;\n"
        f"{BUDI};Budi;BPU;61.72;01-02-2021;;1.250.000;31/12/2024\n",
        encoding="cp1252",
    )
    code, line, _err = run("workers", path)
    assert code == 0
    assert line == "rows=2 created=2 updated=0 unchanged=0 rejected=0"
    siti = Worker.objects.get(nik=SITI)
    assert siti.name == "Siti Nurhaliza Señora"
    assert siti.wage == 3_500_000
    assert siti.member_since == dt.date(2020, 8, 15)
    assert siti.employer == employer
    assert siti.birth_date == dt.date(1995, 8, 15)  # from the NIK
    assert siti.sex == "P"
    budi = Worker.objects.get(nik=BUDI)
    assert budi.member_until == dt.date(2024, 12, 31)
    assert budi.wage == 1_250_000


def test_counts_add_up_and_reimport_changes_nothing(employer, write_file):
    first = write_file(f"{HEADER}\n{SITI},Siti,PU,61.72,2020-08-15,AA020015,3000000,\n{BUDI},Budi,BPU,61.72,2021-02-01,,,\n")
    assert run("workers", first)[1] == "rows=2 created=2 updated=0 unchanged=0 rejected=0"
    second = write_file(
        f"{HEADER}\n"
        f"{SITI},Siti,PU,61.72,2020-08-15,AA020015,3100000,\n"  # wage changed
        f"{BUDI},Budi,BPU,61.72,2021-02-01,,,\n"  # same
        "6172016101000003,Ani,BPU,61.72,2022-01-01,,,\n"  # new
        "617201550895000,Salah,BPU,61.72,2022-01-01,,,\n",  # 15 digits
        name="second.csv",
    )
    code, line, _err = run("workers", second)
    assert code == 0
    assert counts(line) == {"rows": "4", "created": "1", "updated": "1", "unchanged": "1", "rejected": "1"}
    assert Worker.objects.get(nik=SITI).wage == 3_100_000
    assert run("workers", second)[1] == "rows=4 created=0 updated=0 unchanged=3 rejected=1"
    assert Worker.objects.count() == 3


def test_missing_required_column_refuses_the_file(employer, write_file):
    path = write_file(f"nik,name,city_code,member_since\n{SITI},Siti,61.72,2020-01-01\n")
    code, line, err = run("workers", path)
    assert code == 1
    assert "Kolom wajib tidak ada: segment (segmen)" in err
    assert line == "rows=0 created=0 updated=0 unchanged=0 rejected=0"
    assert not Worker.objects.exists()


def test_all_or_nothing_leaves_the_database_untouched(employer, write_file):
    path = write_file(f"{HEADER}\n{SITI},Siti,PU,61.72,2020-08-15,AA020015,3000000,\n{BUDI},Budi,PU,61.72,2021-02-01,,,\n")
    code, line, err = run("workers", path, "--all-or-nothing")
    assert code == 1
    assert line == "rows=2 created=1 updated=0 unchanged=0 rejected=1"
    assert "tidak ada data yang diubah" in err
    assert not Worker.objects.exists()
    assert run("workers", path)[1] == "rows=2 created=1 updated=0 unchanged=0 rejected=1"
    assert Worker.objects.count() == 1


def test_duplicate_key_in_one_file_is_reported_not_merged(employer, write_file, tmp_path):
    path = write_file(f"{HEADER}\n{SITI},Siti,BPU,61.72,2020-08-15,,,\n{SITI},Siti Lain,BPU,61.72,2020-08-15,,,\n")
    errors = tmp_path / "errors.csv"
    code, line, _err = run("workers", path, "--errors", str(errors))
    assert code == 0
    assert line == "rows=2 created=1 updated=0 unchanged=0 rejected=1"
    assert Worker.objects.get().name == "Siti"
    rows = list(csv.DictReader(errors.open(encoding="utf-8")))
    assert rows[0]["row"] == "3"
    assert "Kunci ganda" in rows[0]["errors"]
    assert rows[0]["name"] == "Siti Lain"


def test_keys_that_differ_only_in_leading_zeros_are_different_keys(reference_regions, write_file):
    """The in-file duplicate check keeps digit keys as numbers (memory); "0012" and "12" stay apart."""
    path = write_file("npp,name,city_code\n0012,PT Nol Dua Belas,61.72\n12,PT Dua Belas,61.72\n0012,PT Ganda,61.72\n")
    assert run("employers", path)[1] == "rows=3 created=2 updated=0 unchanged=0 rejected=1"
    assert sorted(Employer.objects.values_list("npp", flat=True)) == ["0012", "12"]
    assert pipeline.compact_key(("0012",)) != pipeline.compact_key(("12",))
    assert pipeline.compact_key(("12",)) != pipeline.compact_key((12,))
    assert pipeline.compact_key(("\u0663",)) != pipeline.compact_key(("3",))  # an Arabic-Indic digit stays text


@pytest.mark.parametrize(
    ("nik", "reason"),
    [
        ("6.17202E+15", "notasi ilmiah"),
        ("617201550895000", "16 digit, yang tertulis 15 digit"),
        ("6172013208950001", "bukan tanggal yang valid"),
    ],
)
def test_bad_niks_are_rejected_with_a_reason(employer, write_file, tmp_path, nik, reason):
    errors = tmp_path / "e.csv"
    _code, line, _err = run("workers", write_file(f"{HEADER}\n{nik},X,BPU,61.72,2020-01-01,,,\n"), "--errors", str(errors))
    assert line == "rows=1 created=0 updated=0 unchanged=0 rejected=1"
    (row,) = csv.DictReader(errors.open(encoding="utf-8"))
    assert row["row"] == "2"
    assert reason in row["errors"]
    assert row["errors"].startswith("nik: ")


def test_xlsx_numeric_nik_cell_and_dates(employer, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["NIK", "Nama", "Segmen", "Kode_Kota", "Peserta_Sejak", "Upah"])
    sheet.append([SITI, "Siti", "BPU", "61.72", dt.date(2020, 8, 15), 1500000])
    sheet.append([6172011203900002, "Budi", "BPU", "61.72", dt.date(2021, 1, 1), 1500000])
    path = tmp_path / "workers.xlsx"
    workbook.save(path)
    errors = tmp_path / "e.csv"
    _code, line, _err = run("workers", path, "--errors", str(errors))
    assert line == "rows=2 created=1 updated=0 unchanged=0 rejected=1"
    assert Worker.objects.get().member_since == dt.date(2020, 8, 15)
    (row,) = csv.DictReader(errors.open(encoding="utf-8"))
    assert "tersimpan sebagai angka" in row["errors"]


def test_dry_run_writes_nothing(employer, write_file):
    code, line, _err = run("workers", write_file(f"{HEADER}\n{SITI},Siti,BPU,61.72,2020-08-15,,,\n"), "--dry-run")
    assert code == 0
    assert line == "rows=1 created=1 updated=0 unchanged=0 rejected=0"
    assert not Worker.objects.exists()


def test_pu_rules_and_unknown_city(employer, write_file, tmp_path):
    errors = tmp_path / "e.csv"
    path = write_file(
        f"{HEADER}\n"
        f"{SITI},Siti,PU,61.72,2020-08-15,,,\n"
        f"{BUDI},Budi,BPU,61.72,2020-08-15,AA020015,,\n"
        "6172016101000003,Ani,PU,61.72,2020-08-15,ZZ999,,\n"
        "6172016101000004,Dodi,BPU,99.99,2020-08-15,,,\n"
        "6172016101000005,Eka,BPU,61.72,2020-08-15,,,2019-01-01\n"
        "6172016101000006,Fajar,PNS,61.72,2020-08-15,,-5,\n",
    )
    _code, line, _err = run("workers", path, "--errors", str(errors))
    assert line == "rows=6 created=0 updated=0 unchanged=0 rejected=6"
    reasons = [row["errors"] for row in csv.DictReader(errors.open(encoding="utf-8"))]
    assert "wajib memiliki pemberi kerja" in reasons[0]
    assert "BPU tidak memiliki pemberi kerja" in reasons[1]
    assert "NPP ZZ999 belum terdaftar" in reasons[2]
    assert "99.99 tidak dikenal" in reasons[3]
    assert "tidak boleh sebelum tanggal mulai" in reasons[4]
    assert "PNS tidak dikenal" in reasons[5]


def test_column_missing_from_the_file_keeps_stored_values(employer, write_file):
    run("workers", write_file(f"{HEADER}\n{SITI},Siti,PU,61.72,2020-08-15,AA020015,3000000,\n"))
    narrow = write_file(
        f"nik,name,segment,city_code,member_since,npp\n{SITI},Siti Aminah,PU,61.72,2020-08-15,AA020015\n", "n.csv"
    )
    assert run("workers", narrow)[1] == "rows=1 created=0 updated=1 unchanged=0 rejected=0"
    siti = Worker.objects.get()
    assert siti.name == "Siti Aminah"
    assert siti.wage == 3_000_000


def test_every_written_worker_is_traced_to_its_job(employer, write_file):
    run("workers", write_file(f"{HEADER}\n{SITI},Siti,BPU,61.72,2020-08-15,,,\n{BUDI},Budi,BPU,61.72,2020-08-15,,,\n"))
    first = ImportJob.objects.get()
    run(
        "workers",
        write_file(f"{HEADER}\n{SITI},Siti Baru,BPU,61.72,2020-08-15,,,\n{BUDI},Budi,BPU,61.72,2020-08-15,,,\n", "b.csv"),
    )
    second = ImportJob.objects.exclude(pk=first.pk).get()
    assert Worker.objects.get(nik=SITI).import_job == second
    assert Worker.objects.get(nik=BUDI).import_job == first  # unchanged rows keep their origin
    assert second.created_by is None
    assert len(second.sha256) == 64


def test_branch_user_rows_outside_scope_are_rejected(users, write_file):
    path = write_file(f"{HEADER}\n{SITI},Siti,BPU,61.72,2020-08-15,,,\n6171015508950001,Luar,BPU,61.71,2020-08-15,,,\n")
    with path.open("rb") as binary:
        job = job_create(kind="workers", fileobj=binary, filename="x.csv", user=users["branch"])
    job_apply(job=job)
    assert (job.rows, job.created, job.rejected) == (2, 1, 1)
    assert job.issues.get().messages == [["city_code", "Kabupaten/kota 61.71 di luar cakupan wilayah Anda."]]
    assert list(Worker.objects.values_list("city_id", flat=True)) == ["61.72"]


def test_an_interrupted_apply_resumes_to_the_same_end_state(employer, write_file, monkeypatch, settings):
    lines = [f"617201{1 + i % 28:02d}0895{i + 1:04d},W{i},BPU,61.72,2020-01-01,,,\n" for i in range(25)]
    lines[7] = "bukan-nik,X,BPU,61.72,2020-01-01,,,\n"
    path = write_file(HEADER + "\n" + "".join(lines))
    settings.JANGKAU_IMPORT_CHUNK_ROWS = 10
    with path.open("rb") as binary:
        job = job_create(kind="workers", fileobj=binary, filename="x.csv")

    original = pipeline.Pass._process
    calls = []

    def crash_on_second_chunk(self, chunk):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt("worker killed")
        return original(self, chunk)

    monkeypatch.setattr(pipeline.Pass, "_process", crash_on_second_chunk)
    with pytest.raises(KeyboardInterrupt):
        job_apply(job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLYING
    assert job.applied_rows == 11  # header + the first 10 rows
    assert Worker.objects.count() == 9
    monkeypatch.setattr(pipeline.Pass, "_process", original)
    job_apply(job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.counts_line() == "rows=25 created=24 updated=0 unchanged=0 rejected=1"
    assert Worker.objects.count() == 24
    assert job.issues.filter(rejected=True).count() == 1


def test_check_then_apply_and_all_or_nothing_refusal(employer, write_file):
    path = write_file(f"{HEADER}\n{SITI},Siti,BPU,61.72,2020-08-15,,,\n")
    with path.open("rb") as binary:
        job = job_create(kind="workers", fileobj=binary, filename="x.csv")
    job_check(job=job)
    assert job.status == ImportJob.Status.VALIDATED
    assert (job.rows, job.created) == (1, 1)
    assert not Worker.objects.exists()
    job_apply(job=job)
    assert job.status == ImportJob.Status.DONE
    assert Worker.objects.count() == 1


def test_unreadable_files_are_refused(employer, write_file):
    code, _line, err = run("workers", write_file("\x00\x01\x02garbage", "x.csv", encoding="latin-1"))
    assert code == 1
    assert "bukan CSV atau XLSX" in err
    code, _line, err = run("workers", write_file("PK\x03\x04 not really a zip", "x.xlsx", encoding="latin-1"))
    assert code == 1
    assert "XLSX tidak bisa dibaca" in err
    assert not Worker.objects.exists()


def test_other_kinds(reference_regions, write_file):
    offices = write_file(
        "code,name,kind,parent_code,city_codes\n"
        "KW-KAL,Kanwil Kalimantan,kanwil,,\n"
        "SKW,Cabang Singkawang,cabang,KW-KAL,61.72|61.01\n"
        "BAD,Cabang Salah,cabang,NOPE,61.72\n"
    )
    assert run("offices", offices)[1] == "rows=3 created=2 updated=0 unchanged=0 rejected=1"
    assert sorted(Office.objects.get(code="SKW").cities.values_list("code", flat=True)) == ["61.01", "61.72"]
    assert run("offices", offices)[1] == "rows=3 created=0 updated=0 unchanged=2 rejected=1"

    employers = write_file(
        "npp;nama;kode_kota;kode_cabang;sektor;tanggal_terdaftar\nAA020015;PT Maju;61.72;SKW;Dagang;01/02/2010\n", "e.csv"
    )
    assert run("employers", employers)[1] == "rows=1 created=1 updated=0 unchanged=0 rejected=0"
    assert Employer.objects.get().branch.code == "SKW"
    assert run("employers", employers)[1] == "rows=1 created=0 updated=0 unchanged=1 rejected=0"

    workforce = write_file(
        "city_code,year,potential_pu,potential_bpu,target_percent,source\n"
        '61.72,2025,38.912,34.324,"30,5",BPS Sakernas\n61.72,2025,1,1,,dup\n61.71,2025,10,10,120,x\n',
        "w.csv",
    )
    assert run("workforce", workforce)[1] == "rows=3 created=1 updated=0 unchanged=0 rejected=2"
    estimate = WorkforceEstimate.objects.get()
    assert (estimate.potential_total, str(estimate.target_percent)) == (73_236, "30.50")
    assert run("workforce", workforce)[1] == "rows=3 created=0 updated=0 unchanged=1 rejected=2"

    wages = write_file('region_code,year,amount\n64,2025,"3.579.313,77"\n64.71,2025,3701508.68\n99,2025,1\n', "m.csv")
    assert run("minimum_wages", wages)[1] == "rows=3 created=2 updated=0 unchanged=0 rejected=1"
    assert str(MinimumWage.objects.get(province_id="64").amount) == "3579313.77"
    assert run("minimum_wages", wages)[1] == "rows=3 created=0 updated=0 unchanged=2 rejected=1"


def test_a_chunk_parsed_column_by_column_rejects_exactly_the_bad_rows(employer, write_file, tmp_path, settings):
    """Chunks parse column by column and remember each distinct text (`RowParser.many`): a refused text
    repeated in a later chunk, a required cell left empty and an unknown choice are each the rejection of
    their own row with their own message; a short row and the good rows around them are written."""
    settings.JANGKAU_IMPORT_CHUNK_ROWS = 3
    lines = [
        f"{SITI},Siti,BPU,61.72,2020-08-15,,,",
        "6172011203900002,Budi,BPU,61.72,15/13/2020,,,",  # row 3: no month 13
        "6172011203900003,,BPU,61.72,2020-08-15,,,",  # row 4: the name is required
        "6172011203900004,Ani,BPU,61.72,2020-08-15,,Rp 1.500.000",  # a short row: no member_until cell
        "6172011203900005,Dewi,XYZ,61.72,2020-08-15,,,",  # row 6: an unknown segment
        "6172011203900006,Eka,BPU,61.72,15/13/2020,,,",  # row 7: the refused date again, in the next chunk
        "6172011203900007,Fajar,BPU,61.72,2020-08-15,,,",
    ]
    errors = tmp_path / "e.csv"
    _code, line, _err = run("workers", write_file("\n".join([HEADER, *lines]) + "\n"), "--errors", str(errors))
    assert line == "rows=7 created=3 updated=0 unchanged=0 rejected=4"
    assert sorted(Worker.objects.values_list("name", flat=True)) == ["Ani", "Fajar", "Siti"]
    assert Worker.objects.get(name="Ani").wage == 1_500_000
    rejected = {row["row"]: row["errors"] for row in csv.DictReader(errors.open(encoding="utf-8"))}
    assert sorted(rejected) == ["3", "4", "6", "7"]
    assert rejected["3"].startswith("member_since: Tanggal tidak valid: 15/13/2020")
    assert rejected["7"] == rejected["3"]
    assert rejected["4"] == "name: Wajib diisi."
    assert rejected["6"].startswith("segment: Nilai XYZ tidak dikenal")
