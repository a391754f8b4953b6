"""Issue 15, screening: exclusion lists (import and rules), the workplace's minimum wage, wage 0, and the
diff between two screenings."""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command

from participants.models import PersonalDataAccess
from participants.tests.factories import EmployerFactory, WorkerFactory
from regions.models import City, MinimumWage
from subsidies.demo import exclusions_demo_load
from subsidies.exclusions import ProgrammeExclusions
from subsidies.models import ExclusionEntry, ExclusionKind, ExclusionList, Recipient, RecipientStatus, ScreeningRun
from subsidies.screening import evaluate, wage_cap_text
from subsidies.services import bsu_screen

pytestmark = pytest.mark.django_db
S = RecipientStatus
PKH_REASON = "Terdaftar sebagai penerima PKH 2025 (Kemensos)"


def listed(code, kind, niks, *, source="Kemensos", valid_from=None, valid_to=None):
    exclusion_list = ExclusionList.objects.create(
        code=code, kind=ExclusionKind.objects.get(code=kind), name=f"penerima {code.replace('-', ' ')}", source=source
    )
    ExclusionEntry.objects.bulk_create(
        ExclusionEntry(exclusion_list=exclusion_list, nik=nik, valid_from=valid_from, valid_to=valid_to) for nik in niks
    )
    return exclusion_list


def test_bsu_2025_excludes_pkh_asn_tni_polri_as_data(bsu):
    assert set(bsu.excluded_kinds.values_list("code", flat=True)) == {"PKH", "ASN", "TNI", "POLRI"}


def test_a_pkh_listed_nik_is_screened_out_naming_the_list(bsu, reference_regions):
    listed_worker = WorkerFactory(city_code="61.72", nik="6172015508950001")
    other = WorkerFactory(city_code="61.72", nik="6172011203900002")
    listed("PKH-2025", "PKH", [listed_worker.nik, "6172016101000003"])  # the third NIK is no worker
    counts = bsu_screen(programme=bsu)
    assert (counts["candidates"], counts["screened_out"]) == (1, 1)
    out = Recipient.objects.get(worker=listed_worker)
    assert out.status == S.SCREENED_OUT
    assert out.failed_rules == [["excluded:PKH-2025", PKH_REASON]]
    assert Recipient.objects.get(worker=other).status == S.CANDIDATE


def test_every_failed_rule_is_kept_with_the_lists(bsu, reference_regions):
    worker = WorkerFactory(city_code="61.72", nik="6172015508950001", wage=9_000_000)
    listed("PKH-2025", "PKH", [worker.nik])
    listed("ASN-2025", "ASN", [worker.nik], source="BKN")
    bsu_screen(programme=bsu)
    assert [code for code, _message in Recipient.objects.get(worker=worker).failed_rules] == [
        "wage_cap",
        "excluded:ASN-2025",
        "excluded:PKH-2025",
    ]


@pytest.mark.parametrize(
    ("list_period", "entry_period", "excluded"),
    [
        ((dt.date(2024, 1, 1), dt.date(2024, 12, 31)), (None, None), False),  # the list ended before June 2025
        ((dt.date(2025, 8, 1), None), (None, None), False),  # it starts after the programme's period
        ((dt.date(2024, 1, 1), dt.date(2024, 12, 31)), (dt.date(2025, 1, 1), dt.date(2025, 12, 31)), True),  # its own dates win
        ((None, None), (None, dt.date(2025, 5, 31)), False),  # the NIK left the list before June 2025
        ((None, None), (None, dt.date(2025, 6, 1)), True),  # one day of overlap is enough
        ((None, None), (None, None), True),  # open ends
    ],
)
def test_a_nik_outside_the_lists_period_is_not_excluded(bsu, reference_regions, list_period, entry_period, excluded):
    worker = WorkerFactory(city_code="61.72", nik="6172015508950001")
    exclusion_list = listed("PKH-2025", "PKH", [worker.nik], valid_from=entry_period[0], valid_to=entry_period[1])
    ExclusionList.objects.filter(pk=exclusion_list.pk).update(valid_from=list_period[0], valid_to=list_period[1])
    bsu_screen(programme=bsu)
    expected = [["excluded:PKH-2025", PKH_REASON]] if excluded else []
    assert Recipient.objects.get(worker=worker).failed_rules == expected
    outcomes = evaluate(
        bsu,
        nik=worker.nik,
        segment="PU",
        wage=3_000_000,
        member_since=dt.date(2024, 1, 1),
        member_until=None,
        cap=3_500_000,
        exclusions=ProgrammeExclusions(bsu, bsu.membership_cutoff),
    )
    assert [(o.code, o.passed) for o in outcomes][-1] == ("excluded:PKH-2025", not excluded)


def test_a_list_of_a_kind_the_programme_does_not_name_excludes_nobody(bsu, reference_regions):
    worker = WorkerFactory(city_code="61.72", nik="6172015508950001")
    listed("PRAKERJA-2025", "OTHER", [worker.nik])
    bsu_screen(programme=bsu)
    assert Recipient.objects.get(worker=worker).status == S.CANDIDATE
    ExclusionKind.objects.get(code="OTHER").programmes.add(bsu)  # the programme's rule is data
    bsu_screen(programme=bsu)
    assert Recipient.objects.get(worker=worker).failed_rules == [
        ["excluded:PRAKERJA-2025", "Terdaftar sebagai penerima PRAKERJA 2025 (Kemensos)"]
    ]


def test_the_workplace_minimum_wage_sets_the_cap(bsu, reference_regions):
    MinimumWage.objects.create(city_id="64.71", year=2025, amount=Decimal("3701508.68"))  # Balikpapan
    MinimumWage.objects.create(province_id="64", year=2025, amount=Decimal("3579313.77"))  # Kaltim
    balikpapan = EmployerFactory(city=City.objects.get(code="64.71"))
    commuter = WorkerFactory(city_code="64.01", employer=balikpapan, wage=3_750_000)  # lives in Kabupaten Paser
    above = WorkerFactory(city_code="64.01", employer=balikpapan, wage=3_800_001)
    at_home = WorkerFactory(city_code="64.01", wage=3_750_000)  # works in Paser: Kaltim's UMP, cap 3,600,000
    bsu_screen(programme=bsu)
    recipient = Recipient.objects.get(worker=commuter)
    assert (recipient.status, recipient.wage_cap, recipient.wage_cap_region) == (S.CANDIDATE, 3_800_000, "64.71")
    assert wage_cap_text(recipient) == "Rp3.800.000 (UMK Kota Balikpapan)"
    assert Recipient.objects.get(worker=above).failed_rules == [["wage_cap", "Upah Rp3.800.001 di atas batas Rp3.800.000."]]
    home = Recipient.objects.get(worker=at_home)
    assert (home.status, home.wage_cap, home.wage_cap_region) == (S.SCREENED_OUT, 3_600_000, "64")
    assert wage_cap_text(home) == "Rp3.600.000 (UMP Kalimantan Timur)"


def test_wage_zero_is_a_wage_not_reported(bsu, reference_regions):
    zero = WorkerFactory(city_code="61.72", wage=0)
    bsu_screen(programme=bsu)
    recipient = Recipient.objects.get(worker=zero)
    assert recipient.status == S.SCREENED_OUT
    assert recipient.failed_rules == [["wage_reported", "Upah tidak dilaporkan (tercatat Rp0); tidak memenuhi syarat."]]


def test_the_diff_of_two_screenings_lists_exactly_the_workers_who_changed(bsu, reference_regions, users):
    stays = WorkerFactory(city_code="61.72", nik="6172015508950001")
    raised = WorkerFactory(city_code="61.72", nik="6172011203900002")
    on_pkh = WorkerFactory(city_code="61.72", nik="6172016101000003")
    lowered = WorkerFactory(city_code="61.72", nik="6172010202900004", wage=4_000_000)
    still_out = WorkerFactory(city_code="61.72", nik="6172010303900005", segment="BPU", employer=None)
    first = bsu_screen(programme=bsu)
    assert (first["entered"], first["left"]) == (0, 0)  # the first screening has nothing to differ from
    raised.wage = 3_600_000
    raised.save()
    lowered.wage = 3_200_000
    lowered.save()
    listed("PKH-2025", "PKH", [on_pkh.nik])
    still_out.wage = 1  # changes nothing about the candidate set
    still_out.save()
    newcomer = WorkerFactory(city_code="61.72", nik="6172010404900006")
    counts = bsu_screen(programme=bsu, actor=users["admin"])
    assert (counts["entered"], counts["left"]) == (2, 2)
    run = ScreeningRun.objects.latest("at", "pk")
    assert (run.finished, run.entered, run.left, run.actor) == (True, 2, 2, users["admin"])
    diff = {change.worker_id: (change.entered, change.rules) for change in run.changes.all()}
    assert diff == {
        raised.pk: (False, [["wage_cap", "Upah Rp3.600.000 di atas batas Rp3.500.000."]]),
        on_pkh.pk: (False, [["excluded:PKH-2025", PKH_REASON]]),
        lowered.pk: (True, [["wage_cap", "Upah Rp4.000.000 di atas batas Rp3.500.000."]]),
        newcomer.pk: (True, []),
    }
    assert stays.pk not in diff
    third = bsu_screen(programme=bsu)
    assert (third["entered"], third["left"]) == (0, 0)
    assert ScreeningRun.objects.filter(programme=bsu).count() == 3


def test_exclusions_import(bsu, reference_regions, tmp_path, capsys):
    path = tmp_path / "pkh.csv"
    path.write_text(
        "list;kind;nik;valid_from;valid_to;source\n"
        "pkh-2025;PKH;6172015508950001;01/01/2025;31/12/2025;Kemensos\n"
        "PKH-2025;PKH;6172011203900002;;;Kemensos\n"
        "PKH-2025;ASN;6172016101000003;;;Kemensos\n"  # not the list's kind
        "PKH-2025;PKH;6.17202E+15;;;Kemensos\n"  # a NIK a spreadsheet turned into a number
        "PKH-2025;PKH;6172010202900004;;;BKN\n"  # not the list's source
        "PKH-2025;PKH;6172010303900005;2025-12-31;2025-01-01;\n"  # a period ending before it starts
        "TNI-2025;PRAJURIT;6172010303900005;;;\n"  # no such kind
        "PKH-2025;PKH;6172015508950001;;;Kemensos\n"  # the same key again
    )
    errors = tmp_path / "errors.csv"
    call_command("import_file", "exclusions", str(path), "--errors", str(errors))
    assert capsys.readouterr().out.strip().splitlines()[-1] == "rows=8 created=2 updated=0 unchanged=0 rejected=6"
    pkh = ExclusionList.objects.get(code="PKH-2025")
    assert (pkh.kind.code, pkh.name, pkh.source) == ("PKH", "penerima PKH 2025", "Kemensos")
    assert dict(pkh.entries.values_list("nik", "valid_to")) == {
        "6172015508950001": dt.date(2025, 12, 31),
        "6172011203900002": None,
    }
    text = errors.read_text(encoding="utf-8")
    for message in (
        "Daftar PKH-2025 berjenis PKH.",
        "sudah diubah spreadsheet menjadi angka",
        "Sumber daftar PKH-2025 adalah Kemensos.",
        "Tanggal akhir berlaku sebelum tanggal mulai.",
        "Jenis PRAJURIT tidak dikenal",
        "Kunci ganda",
    ):
        assert message in text
    assert not ExclusionList.objects.filter(code="TNI-2025").exists()  # no row of it was written

    path.write_text(
        "daftar,jenis,nik,berlaku_mulai,berlaku_sampai,sumber\n"
        "PKH-2025,PKH,6172015508950001,2025-01-01,2025-12-31,Kemensos\n"  # as stored
        "PKH-2025,PKH,6172011203900002,2025-01-01,,\n"  # a start date added
        "ASN-2025,ASN,6172016101000003,,,BKN\n"
    )
    call_command("import_file", "exclusions", str(path))
    assert capsys.readouterr().out.strip().splitlines()[-1] == "rows=3 created=1 updated=1 unchanged=1 rejected=0"
    assert ExclusionEntry.objects.get(nik="6172011203900002").valid_from == dt.date(2025, 1, 1)
    assert ExclusionList.objects.get(code="ASN-2025").name == "ASN 2025"


def test_an_all_or_nothing_file_with_a_bad_row_creates_no_list(bsu, reference_regions, tmp_path, capsys):
    path = tmp_path / "tni.csv"
    path.write_text("list,kind,nik\nTNI-2025,TNI,6172015508950001\nTNI-2025,TNI,617201550895000\n")
    with pytest.raises(SystemExit):
        call_command("import_file", "exclusions", str(path), "--all-or-nothing")
    assert not ExclusionList.objects.exists()
    assert not ExclusionEntry.objects.exists()


def test_the_diff_pages_are_scoped_and_exported_for_staff_only(bsu, reference_regions, users, login):
    skw = WorkerFactory(city_code="61.72", nik="6172015508950001", name="Pekerja Singkawang")
    pnk = WorkerFactory(city_code="61.71", nik="6171015508950001", name="Pekerja Pontianak")
    bsu_screen(programme=bsu)
    listed("PKH-2025", "PKH", [skw.nik, pnk.nik])
    bsu_screen(programme=bsu)
    run = ScreeningRun.objects.latest("at", "pk")
    client = login(users["branch"])  # cabang SKW: Singkawang, not Pontianak
    page = client.get(f"/bsu/screenings/{run.pk}/").content.decode()
    assert "6172015508950001" in page
    assert PKH_REASON in page
    assert "6171015508950001" not in page
    listing = client.get("/bsu/screenings/").content.decode()
    assert f'href="/bsu/screenings/{run.pk}/"' in listing
    response = client.get(f"/bsu/screenings/{run.pk}/?_export=csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines == [
        "run,programme,nik,name,city_code,change,rules,reasons",
        f"{run.pk},BSU-2025,6172015508950001,Pekerja Singkawang,61.72,left,excluded:PKH-2025,{PKH_REASON}",
    ]
    assert PersonalDataAccess.objects.filter(user=users["branch"], action="EXPORT").exists()
    admin_csv = login(users["admin"]).get(f"/bsu/screenings/{run.pk}/?_export=csv")
    assert len(b"".join(admin_csv.streaming_content).decode().splitlines()) == 3  # both workers
    official = login(users["official"])
    assert official.get(f"/bsu/screenings/{run.pk}/?_export=csv").status_code == 404
    assert official.get("/bsu/screenings/").status_code == 404


def test_the_demo_lists_exclude_a_few_kalimantan_workers(bsu, reference_regions):
    workers = [WorkerFactory(city_code="64.71" if i % 2 else "61.72") for i in range(250)]
    exclusions_demo_load(bsu)
    exclusions_demo_load(bsu)  # idempotent
    assert ExclusionEntry.objects.count() == (12 + 40) + (4 + 20) + (2 + 10) + 3
    counts = bsu_screen(programme=bsu)
    assert (counts["candidates"], counts["screened_out"]) == (250 - 12 - 4 - 2, 12 + 4 + 2)
    reasons = Counter(
        message
        for rules in Recipient.objects.filter(worker__in=workers).values_list("failed_rules", flat=True)
        for _code, message in rules
    )
    assert reasons == {PKH_REASON: 12, "Terdaftar sebagai ASN 2025 (BKN)": 4, "Terdaftar sebagai anggota Polri 2025 (Polri)": 2}
