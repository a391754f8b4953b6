"""BSU rules: the wage cap with the minimum-wage round-up, every screening rule, the pipeline."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from participants.tests.factories import WorkerFactory
from regions.models import MinimumWage
from subsidies.models import Recipient, RecipientStatus, StatusChange
from subsidies.screening import caps_by_city, evaluate, wage_cap
from subsidies.services import bsu_screen, recipient_transition

pytestmark = pytest.mark.django_db
S = RecipientStatus


@pytest.mark.parametrize(
    ("minimum_wage", "cap"),
    [
        (Decimal("3701508.68"), 3_800_000),  # Balikpapan
        (Decimal("3600000"), 3_600_000),  # already a multiple of 100,000
        (Decimal("3074566"), 3_500_000),  # Singkawang: below the cap
        (Decimal("3607223"), 3_700_000),  # Kota Jambi
        (Decimal("5396761"), 5_400_000),  # DKI Jakarta
        (None, 3_500_000),
    ],
)
def test_wage_cap(bsu, minimum_wage, cap):
    assert wage_cap(bsu, minimum_wage) == cap


def test_city_without_umk_uses_its_province_ump(bsu, reference_regions):
    MinimumWage.objects.create(province_id="64", year=2025, amount=Decimal("3579313.77"))
    MinimumWage.objects.create(city_id="64.71", year=2025, amount=Decimal("3701508.68"))
    MinimumWage.objects.create(city_id="61.72", year=2025, amount=Decimal("3074566"))
    caps = caps_by_city(bsu, ["64.71", "64.72", "61.72", "31.71"])
    assert caps == {
        "64.71": (3_800_000, "64.71"),
        "64.72": (3_600_000, "64"),
        "61.72": (3_500_000, "61.72"),
        "31.71": (3_500_000, ""),
    }


def failed(bsu, **overrides):
    worker = {
        "nik": "6172015508950001",
        "segment": "PU",
        "wage": 3_000_000,
        "member_since": dt.date(2024, 1, 1),
        "member_until": None,
        "cap": 3_500_000,
    }
    worker.update(overrides)
    return {o.code: o.message for o in evaluate(bsu, **worker) if not o.passed}


def test_each_screening_rule_is_named(bsu):
    assert failed(bsu) == {}
    assert failed(bsu, wage=3_500_000) == {}  # equal to the cap qualifies
    assert failed(bsu, wage=3_600_000, cap=3_600_000) == {}
    assert failed(bsu, wage=3_500_001)["wage_cap"] == "Upah Rp3.500.001 di atas batas Rp3.500.000."
    assert "BPU" in failed(bsu, segment="BPU")["segment"]
    assert failed(bsu, member_since=dt.date(2025, 5, 1))["active"] == "Tidak aktif sebagai peserta pada 30-04-2025."
    assert "active" in failed(bsu, member_until=dt.date(2025, 4, 29))
    assert failed(bsu, member_until=dt.date(2025, 4, 30)) == {}  # still active on the cut-off day
    assert set(failed(bsu, wage=None)) == {"wage_known"}
    assert "nik" in failed(bsu, nik="617201550895000")
    assert set(failed(bsu, segment="BPU", wage=9_000_000)) == {"segment", "wage_cap"}  # every failed rule


def test_screening_command_and_rescreening(bsu, reference_regions, capsys):
    MinimumWage.objects.create(city_id="64.71", year=2025, amount=Decimal("3701508.68"))
    eligible = WorkerFactory(city_code="64.71", wage=3_750_000)
    too_rich = WorkerFactory(city_code="61.72", wage=3_500_001)
    bpu = WorkerFactory(city_code="61.72", segment="BPU", employer=None)
    call_command("bsu_screen", "BSU-2025")
    assert capsys.readouterr().out.strip().splitlines()[-1] == "screened=3 candidates=1 screened_out=2"
    assert Recipient.objects.get(worker=eligible).status == S.CANDIDATE
    out = Recipient.objects.get(worker=too_rich)
    assert out.status == S.SCREENED_OUT
    assert out.failed_rules == [["wage_cap", "Upah Rp3.500.001 di atas batas Rp3.500.000."]]
    assert Recipient.objects.get(worker=bpu).failed_rules[0][0] == "segment"

    # a recipient further along is never touched by screening again; a corrected wage is re-screened
    recipient_transition(recipient=Recipient.objects.get(worker=eligible), to_status=S.VERIFIED)
    eligible.wage = 9_000_000
    eligible.save()
    too_rich.wage = 3_400_000
    too_rich.save()
    counts = bsu_screen(programme=bsu)
    assert counts == {"screened": 2, "candidates": 1, "screened_out": 1, "kept": 1, "entered": 1, "left": 0}
    assert Recipient.objects.get(worker=eligible).status == S.VERIFIED
    assert Recipient.objects.get(worker=too_rich).status == S.CANDIDATE
    assert StatusChange.objects.filter(recipient__worker=too_rich).count() == 2


def test_pipeline_transitions_are_enforced_and_audited(bsu, reference_regions, users):
    WorkerFactory(city_code="61.72")
    bsu_screen(programme=bsu)
    recipient = Recipient.objects.get()
    with pytest.raises(ValidationError, match="Status sekarang Calon penerima; tidak bisa langsung menjadi Tersalurkan"):
        recipient_transition(recipient=recipient, to_status=S.DISBURSED)
    recipient_transition(recipient=recipient, to_status=S.VERIFIED, actor=users["branch"])
    with pytest.raises(ValidationError, match="nomor batch"):
        recipient_transition(recipient=recipient, to_status=S.DETERMINED)
    recipient_transition(recipient=recipient, to_status=S.DETERMINED, batch=1)
    recipient_transition(recipient=recipient, to_status=S.RETURNED, reason="rekening ditutup")
    recipient_transition(recipient=recipient, to_status=S.DETERMINED, batch=3, channel="POS")
    recipient = recipient_transition(recipient=recipient, to_status=S.DISBURSED, reference="TRX-1")
    assert (recipient.status, recipient.batch, recipient.channel) == (S.DISBURSED, 3, "POS")
    with pytest.raises(ValidationError, match="Status sekarang Tersalurkan"):
        recipient_transition(recipient=recipient, to_status=S.RETURNED)
    history = list(StatusChange.objects.filter(recipient=recipient).values_list("from_status", "to_status", "amount"))
    assert history == [
        ("", "CANDIDATE", None),
        ("CANDIDATE", "VERIFIED", None),
        ("VERIFIED", "DETERMINED", None),
        ("DETERMINED", "RETURNED", 600_000),
        ("RETURNED", "DETERMINED", None),
        ("DETERMINED", "DISBURSED", 600_000),
    ]
    assert StatusChange.objects.get(to_status="VERIFIED").actor == users["branch"]


def test_bsu_results_file_moves_recipients_and_refuses_skipped_steps(bsu, reference_regions, tmp_path, capsys):
    first = WorkerFactory(city_code="61.72", nik="6172015508950001")
    second = WorkerFactory(city_code="61.72", nik="6172011203900002")
    bsu_screen(programme=bsu)
    path = tmp_path / "hasil.csv"
    path.write_text(
        "programme;nik;status;batch;channel;reason;reference\n"
        "BSU-2025;6172015508950001;VERIFIED;;;;\n"
        "BSU-2025;6172011203900002;DISBURSED;1;BRI;;TRX-9\n"
        "BSU-2025;6172016101000003;VERIFIED;;;;\n"
    )
    errors = tmp_path / "e.csv"
    call_command("import_file", "bsu_results", str(path), "--errors", str(errors))
    assert capsys.readouterr().out.strip().splitlines()[-1] == "rows=3 created=0 updated=1 unchanged=0 rejected=2"
    assert Recipient.objects.get(worker=first).status == S.VERIFIED
    assert Recipient.objects.get(worker=second).status == S.CANDIDATE
    text = errors.read_text(encoding="utf-8")
    assert "Status sekarang Calon penerima; tidak bisa langsung menjadi Tersalurkan" in text
    assert "belum disaring" in text
    change = StatusChange.objects.get(recipient__worker=first, to_status="VERIFIED")
    assert change.import_job is not None

    path.write_text(
        "programme,nik,status,batch,channel\nBSU-2025,6172015508950001,VERIFIED,,\nBSU-2025,6172015508950001,DETERMINED,2,BRI\n"
    )
    call_command("import_file", "bsu_results", str(path))
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line == "rows=2 created=0 updated=0 unchanged=1 rejected=1"  # a key twice in one file: the first counts


def test_admin_action_screens_in_the_background(bsu, reference_regions, users, login):
    worker = WorkerFactory(city_code="61.72", wage=3_000_000)
    client = login(users["admin"])
    response = client.post("/admin/subsidies/programme/", {"action": "screen", "_selected_action": [bsu.pk]}, follow=True)
    assert "berjalan di latar belakang" in response.content.decode()
    assert Recipient.objects.get(worker=worker).status == S.CANDIDATE  # the tasks backend of the tests runs at once
    assert 'value="screen"' in client.get("/admin/subsidies/programme/").content.decode()
    assert 'value="screen"' not in login(users["branch"]).get("/admin/subsidies/programme/").content.decode()
