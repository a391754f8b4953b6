"""BSU pages: the disbursement table and its exports, the city panel, the NIK lookup, bank accounts."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import PAGE_CACHE_MISS, footer_cells
from participants.models import PersonalDataAccess
from participants.tests.factories import WorkerFactory
from subsidies.figures import BSU_CSV_HEADER, bsu_figures_refresh
from subsidies.models import BankAccount, Recipient, RecipientStatus
from subsidies.services import recipient_transition

pytestmark = pytest.mark.django_db
S = RecipientStatus
HEADER = (
    "city_code,city_name,screened_out,candidate,verified,rejected,account_invalid,determined,disbursed,returned,"
    "recipients,amount_disbursed,disbursed_percent,returned_to_treasury"
)


def export(client, query=""):
    response = client.get(f"/bsu/?_export=csv&{query}")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return text.splitlines()[0], {row["city_code"]: row for row in csv.DictReader(io.StringIO(text))}


def test_export_has_the_exact_header_and_sums_of_the_records(pipeline, users, login):
    header, rows = export(login(users["admin"]))
    assert header == HEADER == ",".join(BSU_CSV_HEADER)
    skw = rows["61.72"]
    expected = {
        "screened_out": "1",
        "candidate": "1",
        "verified": "0",
        "rejected": "1",
        "account_invalid": "1",
        "determined": "1",
        "disbursed": "1",
        "returned": "1",
        "recipients": "6",
        "amount_disbursed": "600000",
        "disbursed_percent": "16.67",
    }
    assert {key: skw[key] for key in expected} == expected
    assert rows["61.71"]["recipients"] == "2"
    assert rows["61.71"]["disbursed_percent"] == "50.00"
    # every status column is the count of recipient records, every row adds up
    for code, row in rows.items():
        for status in S:
            assert int(row[status.lower()]) == Recipient.objects.filter(city_id=code, status=status).count()
        assert int(row["recipients"]) == Recipient.objects.filter(city_id=code).exclude(status=S.SCREENED_OUT).count()
    assert (
        sum(int(row["amount_disbursed"]) for row in rows.values())
        == 600_000 * Recipient.objects.filter(status=S.DISBURSED).count()
    )


def test_a_results_file_updates_the_dashboard(pipeline, users, login, tmp_path, capsys):
    client = login(users["branch"])
    assert export(client)[1]["61.72"]["disbursed"] == "1"
    path = tmp_path / "hasil.csv"
    path.write_text(
        "program;nik;status;tahap;kanal;tanggal\n"
        "BSU-2025;6172011508950006;DISBURSED;;;12/07/2025\n"  # determined in batch 1 -> disbursed
        "BSU-2025;6172011508950001;DISBURSED;1;BRI;\n"  # still a candidate: skipping steps is refused
    )
    errors = tmp_path / "e.csv"
    with CaptureQueriesContext(connection) as queries:
        call_command("import_file", "bsu_results", str(path), "--errors", str(errors))
    assert capsys.readouterr().out.strip().splitlines()[-1] == "rows=2 created=0 updated=1 unchanged=0 rejected=1"
    # the chunk's recipients are read once by NIK, for the checks and for the current state alike
    assert sum('"participants_worker"."nik" IN' in q["sql"] for q in queries.captured_queries) == 1
    assert "Status sekarang Calon penerima" in errors.read_text(encoding="utf-8")
    row = export(client)[1]["61.72"]
    assert (row["disbursed"], row["determined"], row["amount_disbursed"]) == ("2", "0", "1200000")
    moved = Recipient.objects.get(worker__nik="6172011508950006")
    assert timezone.localtime(moved.status_since).date().isoformat() == "2025-07-12"  # the date on the bank report


def test_official_sees_only_their_city_and_no_names(pipeline, users, login):
    client = login(users["official"])
    _header, rows = export(client)
    assert set(rows) == {"61.72"}
    assert client.get("/bsu/nik/").status_code == 404
    assert client.post("/bsu/nik/", {"nik": "6172011508950004"}).status_code == 404
    page = client.get("/cities/61.72/").content.decode()
    assert 'id="bsu-panel"' in page
    assert "16,67" in page  # % disbursed, Indonesian format
    assert "Rp600.000" in page
    for worker in pipeline["skw"]:
        assert worker.name not in page
        assert worker.nik not in page
    assert client.get("/cities/61.71/").status_code == 404


def test_branch_scope_and_groupings(pipeline, users, login):
    _header, rows = export(login(users["other_branch"]))
    assert set(rows) == {"61.71"}
    _header, by_kanwil = export(login(users["admin"]), "group=kanwil")
    assert by_kanwil["K1"]["recipients"] == "8"  # Singkawang 6 + Pontianak 2
    _header, by_province = export(login(users["admin"]), "group=province")
    assert by_province["61"]["disbursed"] == "2"


def test_bsu_page_shows_funnel_stuck_and_batches(pipeline, users, login, django_assert_max_num_queries, settings):
    client = login(users["regional"])
    with django_assert_max_num_queries(15 + PAGE_CACHE_MISS):
        page = client.get("/bsu/").content.decode()
    assert "Corong penyaluran BSU" in page
    assert 'id="batches"' in page
    # nobody is stuck today; with a threshold in the past... every open recipient changed today
    assert 'id="total-stuck">0<' in page
    # the totals row under the table's columns: the two cities' counts summed
    assert footer_cells(page) == ["Total", "1", "8", "2", "0", "1", "1", "1", "2", "1", "25,00 %", "Rp1.200.000", "0"]
    Recipient.objects.filter(status__in=[S.CANDIDATE, S.ACCOUNT_INVALID]).update(status_since="2025-06-01T00:00:00+07:00")
    bsu_figures_refresh()
    page = client.get("/bsu/?stuck_days=30").content.decode()
    assert 'id="total-stuck">3<' in page  # 2 candidates (Singkawang, Pontianak) + 1 account invalid


def test_nik_lookup_shows_timeline_message_next_step_and_is_logged(pipeline, users, login):
    nik = "6172011508950003"  # account invalid
    BankAccount.objects.create(worker=pipeline["skw"][2], bank="BRI", account_number="123456789012")
    branch = login(users["branch"])
    page = branch.post("/bsu/nik/", {"nik": nik}).content.decode()
    assert "Rekening bermasalah, disalurkan melalui Pos." in page
    assert "kantor pos dengan KTP" in page
    assert page.count("<li><time>") == 3  # screened, verified, account invalid
    assert "BRI 123456789012" in page  # branch staff of the scope see the number
    regional = login(users["regional"])
    page = regional.post("/bsu/nik/", {"nik": nik}).content.decode()
    assert "BRI ••••••••9012" in page
    assert "123456789012" not in page
    other = login(users["other_branch"])
    page = other.post("/bsu/nik/", {"nik": nik}).content.decode()
    assert "tidak ditemukan di wilayah cakupan Anda" in page
    log = list(PersonalDataAccess.objects.order_by("at", "pk").values_list("user__username", "subject", "found"))
    assert log == [("branch", nik, True), ("regional", nik, True), ("other_branch", nik, False)]


def test_a_stale_decision_is_refused_as_a_conflict(pipeline, users):
    recipient = Recipient.objects.get(worker__nik="6172011508950001")  # a candidate
    # two officers open the same candidate; the first verifies it, the second still thinks it is a candidate
    recipient_transition(recipient=recipient, to_status=S.VERIFIED, expected=S.CANDIDATE, actor=users["branch"])
    with pytest.raises(ValidationError, match="sudah diubah orang lain menjadi Lolos verifikasi"):
        recipient_transition(recipient=recipient, to_status=S.REJECTED, expected=S.CANDIDATE, actor=users["regional"])
    history = list(recipient.changes.values_list("from_status", "to_status", "actor__username"))
    assert history == [("", "CANDIDATE", None), ("CANDIDATE", "VERIFIED", "branch")]


def test_bank_accounts_import_flags_shared_numbers(bsu, users, tmp_path, capsys):
    WorkerFactory(city_code="61.72", nik="6172011508950001")
    WorkerFactory(city_code="61.72", nik="6172011508950002")
    WorkerFactory(city_code="64.71", nik="6471011508950003")
    path = tmp_path / "rekening.csv"
    path.write_text(
        "nik;bank;nomor_rekening;nama_rekening\n"
        "6172011508950001;BRI;1234-5678-9012;Pekerja A\n"
        "6172011508950002;bni;123456789012;Pekerja B\n"
        "6471011508950003;BRI;1.23457E+11;Pekerja C\n"
        "6172011508950009;BRI;99999999;Tidak ada\n"
    )
    errors = tmp_path / "e.csv"
    call_command("import_file", "bank_accounts", str(path), "--errors", str(errors))
    assert capsys.readouterr().out.strip().splitlines()[-1] == "rows=4 created=2 updated=0 unchanged=0 rejected=2"
    text = errors.read_text(encoding="utf-8")
    assert "diubah spreadsheet menjadi angka" in text
    assert "belum terdaftar sebagai pekerja" in text
    assert set(BankAccount.objects.values_list("account_number", flat=True)) == {"123456789012"}
    call_command("import_file", "bank_accounts", str(path))
    assert capsys.readouterr().out.strip().splitlines()[-1] == "rows=4 created=0 updated=0 unchanged=2 rejected=2"


def test_bank_account_admin_masks_numbers_except_for_branch_staff(bsu, users, login):
    worker = WorkerFactory(city_code="61.72", nik="6172011508950001")
    other = WorkerFactory(city_code="61.72", nik="6172011508950002")
    BankAccount.objects.create(worker=worker, bank="BRI", account_number="123456789012")
    BankAccount.objects.create(worker=other, bank="BNI", account_number="123456789012")
    page = login(users["branch"]).get("/admin/subsidies/bankaccount/").content.decode()
    assert "123456789012" in page
    page = login(users["regional"]).get("/admin/subsidies/bankaccount/").content.decode()
    assert "123456789012" not in page
    assert "••••••••9012" in page
    shared = login(users["branch"]).get("/admin/subsidies/bankaccount/?shared=1").content.decode()
    assert shared.count("6172011508950001") == 1
    assert "6172011508950002" in shared
    assert login(users["other_branch"]).get("/admin/subsidies/bankaccount/").content.decode().count("9012") == 0


def test_the_recipient_admin_page_reads_its_recipient_once(pipeline, users, login):
    recipient = Recipient.objects.get(worker__nik="6172011508950001")
    client = login(users["branch"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/admin/subsidies/recipient/{recipient.pk}/change/").content.decode()
    assert 'id="transition-form"' in page  # scope check, status form and Django's form all have it
    by_pk = f'"subsidies_recipient"."id" = {recipient.pk}'
    assert sum(by_pk in q["sql"] and q["sql"].startswith("SELECT") for q in queries.captured_queries) == 1
