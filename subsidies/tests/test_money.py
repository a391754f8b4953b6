"""BSU money (issue 15): reconciliation per batch and channel to the rupiah, Pos pickup and the return to the
treasury, re-determination only in a later batch, channels as data, recovery, the conflict message."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from participants.tests.factories import WorkerFactory
from subsidies.lookup import worker_lookup
from subsidies.models import Payment, ProvinceChannel, Recipient, RecipientStatus, StatusChange
from subsidies.money import payment_recovery_mark, payment_recovery_record, pos_pickup_expire
from subsidies.reconciliation import mismatches, reconciliation
from subsidies.services import Move, bsu_screen, recipient_transition, recipients_advance
from subsidies.tasks import expire_pos_pickups, next_expiry

pytestmark = pytest.mark.django_db
S = RecipientStatus
AMOUNT = 600_000


def screened(bsu, count, city_code="61.72"):
    workers = WorkerFactory.create_batch(count, city_code=city_code)
    bsu_screen(programme=bsu)
    recipients = list(Recipient.objects.filter(worker__in=workers).order_by("pk"))
    recipients_advance([Move(r.pk, S.VERIFIED) for r in recipients])
    return [r.pk for r in recipients]


@pytest.fixture
def batch_one(bsu, reference_regions):
    """Batch 1: four through BRI (two paid, one returned, one open) and three through Pos (two collected,
    one waiting)."""
    bsu.pos_pickup_deadline = dt.date(2025, 7, 31)
    bsu.save()
    ids = screened(bsu, 7)
    bri, pos = ids[:4], ids[4:]
    recipients_advance([Move(pk, S.DETERMINED, batch=1, channel="BRI") for pk in bri])
    recipients_advance([Move(pk, S.DETERMINED, batch=1, channel="POS") for pk in pos])
    recipients_advance(
        [
            Move(bri[0], S.DISBURSED, reference="BRI-1"),
            Move(bri[1], S.DISBURSED),
            Move(bri[2], S.RETURNED, reason="rekening tutup"),
            Move(pos[0], S.DISBURSED, channel="POS"),
            Move(pos[1], S.DISBURSED),
        ]
    )
    return {"bri": bri, "pos": pos}


def lines(bsu):
    return {(line.batch, line.channel): line for line in reconciliation(Payment.objects.filter(programme=bsu))}


def test_a_batch_with_bank_pos_and_returned_recipients_balances_to_the_rupiah(bsu, batch_one):
    found = lines(bsu)
    bri, pos = found[(1, "BRI")], found[(1, "POS")]
    assert bri.determined == (4, 4 * AMOUNT)
    assert (bri.bank, bri.pos, bri.returned, bri.treasury, bri.open) == (
        (2, 1_200_000),
        (0, 0),
        (1, 600_000),
        (0, 0),
        (1, 600_000),
    )
    assert pos.determined == (3, 1_800_000)
    assert (pos.bank, pos.pos, pos.returned, pos.treasury, pos.open) == ((0, 0), (2, 1_200_000), (0, 0), (0, 0), (1, 600_000))
    assert bri.balanced
    assert pos.balanced
    assert bri.difference == (0, 0)
    assert bri.csv_row() == [1, "BRI", 4, 2_400_000, 2, 1_200_000, 0, 0, 1, 600_000, 0, 0, 1, 600_000, 0, 0, "yes"]


def test_after_the_pickup_deadline_the_uncollected_return_to_the_treasury_and_the_batch_still_balances(bsu, batch_one, users):
    waiting = batch_one["pos"][2]
    assert pos_pickup_expire(programme=bsu, today=dt.date(2025, 7, 31)) == 0  # the last day still counts
    assert pos_pickup_expire(programme=bsu, today=dt.date(2025, 8, 1), actor=users["admin"]) == 1
    recipient = Recipient.objects.get(pk=waiting)
    assert (recipient.status, recipient.channel, recipient.batch) == (S.RETURNED_TO_TREASURY, "POS", 1)
    change = recipient.changes.get(to_status=S.RETURNED_TO_TREASURY)
    assert (change.from_status, change.amount, change.actor) == (S.DETERMINED, AMOUNT, users["admin"])
    assert "31 Juli 2025" in change.reason
    # collected and bank recipients are untouched
    assert Recipient.objects.filter(pk__in=batch_one["pos"][:2], status=S.DISBURSED).count() == 2
    pos = lines(bsu)[(1, "POS")]
    assert (pos.pos, pos.treasury, pos.open) == ((2, 1_200_000), (1, 600_000), (0, 0))
    assert pos.balanced
    # the NIK timeline shows it
    _worker, statuses, _account = worker_lookup(users["branch"], recipient.worker.nik)
    assert [c.to_status for c in statuses[0].timeline][-1] == S.RETURNED_TO_TREASURY
    # final: nothing moves it further, and a second run finds nobody
    with pytest.raises(ValidationError, match="Dikembalikan ke kas negara"):
        recipient_transition(recipient=recipient, to_status=S.DETERMINED, batch=2)
    assert pos_pickup_expire(programme=bsu, today=dt.date(2025, 8, 2)) == 0


def test_a_result_reported_through_another_channel_is_listed_as_the_mismatch(bsu, batch_one):
    open_bri = batch_one["bri"][3]
    recipient_transition(recipient=Recipient.objects.get(pk=open_bri), to_status=S.DISBURSED, channel="POS")
    bri = lines(bsu)[(1, "BRI")]
    assert not bri.balanced
    assert bri.difference == (1, AMOUNT)
    (mismatch,) = mismatches(Payment.objects.filter(programme=bsu))
    assert mismatch.nik == Recipient.objects.get(pk=open_bri).worker.nik
    assert mismatch.reasons == ["Tersalurkan dilaporkan lewat POS, padahal ditetapkan lewat BRI"]


def test_the_returned_to_treasury_column_follows_disbursed_percent_in_the_export(bsu, batch_one, users, login):
    pos_pickup_expire(programme=bsu, today=dt.date(2025, 8, 1))
    call_command("refresh_figures")
    text = b"".join(login(users["admin"]).get("/bsu/?_export=csv").streaming_content).decode()
    header, *rows = text.splitlines()
    assert header.endswith("recipients,amount_disbursed,disbursed_percent,returned_to_treasury")
    skw = next(row for row in rows if row.startswith("61.72,"))
    assert skw.split(",")[-1] == "1"


def test_a_recipient_returned_from_batch_3_cannot_be_determined_in_batch_2(bsu, reference_regions, tmp_path, capsys):
    (pk,) = screened(bsu, 1)
    recipients_advance([Move(pk, S.DETERMINED, batch=3, channel="BRI")])
    recipients_advance([Move(pk, S.RETURNED)])
    for batch in (2, 3):
        with pytest.raises(
            ValidationError, match=f"kembali dari batch 3; penetapan ulang hanya pada batch sesudahnya, bukan batch {batch}"
        ):
            recipients_advance([Move(pk, S.DETERMINED, batch=batch, channel="POS")])
    nik = Recipient.objects.get(pk=pk).worker.nik
    path = tmp_path / "hasil.csv"
    path.write_text(f"programme,nik,status,batch,channel\nBSU-2025,{nik},DETERMINED,2,POS\n")
    errors = tmp_path / "e.csv"
    call_command("import_file", "bsu_results", str(path), "--errors", str(errors))
    assert capsys.readouterr().out.strip().splitlines()[-1].endswith("rejected=1")
    assert "bukan batch 2" in errors.read_text(encoding="utf-8")
    recipients_advance([Move(pk, S.DETERMINED, batch=4, channel="POS")])
    # one payment per batch: batch 3 came back, batch 4 is open
    assert list(Payment.objects.filter(recipient_id=pk).order_by("batch").values_list("batch", "channel", "outcome")) == [
        (3, "BRI", S.RETURNED),
        (4, "POS", ""),
    ]


def test_a_channel_outside_the_programme_is_rejected(bsu, reference_regions, tmp_path, capsys):
    bsu.channels = "BRI BNI MANDIRI BTN POS"
    bsu.save()
    (pk,) = screened(bsu, 1)
    nik = Recipient.objects.get(pk=pk).worker.nik
    path = tmp_path / "hasil.csv"
    path.write_text(f"programme,nik,status,batch,channel\nBSU-2025,{nik},DETERMINED,1,BSI\n")
    errors = tmp_path / "e.csv"
    call_command("import_file", "bsu_results", str(path), "--errors", str(errors))
    assert capsys.readouterr().out.strip().splitlines()[-1] == "rows=1 created=0 updated=0 unchanged=0 rejected=1"
    assert "Program BSU-2025 tidak menyalurkan lewat BSI (kanal program: BRI, BNI, MANDIRI, BTN, POS)." in errors.read_text(
        encoding="utf-8"
    )
    assert Recipient.objects.get(pk=pk).status == S.VERIFIED
    with pytest.raises(ValidationError, match="tidak menyalurkan lewat BSI"):
        recipients_advance([Move(pk, S.DETERMINED, batch=1, channel="BSI")])


def test_aceh_is_paid_through_bsi_when_a_batch_is_determined(bsu, reference_regions):
    ProvinceChannel.objects.update_or_create(programme=bsu, province_id="11", defaults={"channel": "BSI"})
    first, second, third = screened(bsu, 3, city_code="11.71")
    recipients_advance([Move(first, S.DETERMINED, batch=1)])
    assert Recipient.objects.get(pk=first).channel == "BSI"
    with pytest.raises(ValidationError, match="Penerima di Aceh disalurkan melalui BSI, bukan BRI"):
        recipients_advance([Move(second, S.DETERMINED, batch=1, channel="BRI")])
    recipients_advance([Move(third, S.DETERMINED, batch=1, channel="POS")])  # Pos pays everywhere
    assert Payment.objects.get(recipient_id=third).channel == "POS"


def test_a_disbursement_found_ineligible_is_recovered_without_reopening_the_pipeline(bsu, batch_one, users):
    payment = Payment.objects.get(recipient_id=batch_one["bri"][0])
    with pytest.raises(ValidationError, match="paling banyak jumlah yang disalurkan"):
        payment_recovery_mark(payment=payment, amount_owed=700_000, reason="ternyata ASN", actor=users["branch"])
    with pytest.raises(ValidationError, match="Hanya dana yang sudah tersalurkan"):
        payment_recovery_mark(
            payment=Payment.objects.get(recipient_id=batch_one["bri"][3]), amount_owed=1, reason="x", actor=users["branch"]
        )
    payment_recovery_mark(payment=payment, amount_owed=AMOUNT, reason="ternyata ASN", actor=users["branch"])
    payment_recovery_record(payment=payment, amount=250_000, on=dt.date(2025, 9, 1), actor=users["branch"])
    with pytest.raises(ValidationError, match=r"sisa tagihan \(Rp350.000\)"):
        payment_recovery_record(payment=payment, amount=400_000, on=dt.date(2025, 9, 2), actor=users["branch"])
    payment.refresh_from_db()
    assert (payment.recovery_owed, payment.recovered, payment.recovered_on) == (AMOUNT, 250_000, dt.date(2025, 9, 1))
    recipient = Recipient.objects.get(pk=batch_one["bri"][0])
    assert recipient.status == S.DISBURSED  # the pipeline is not reopened
    notes = list(
        recipient.changes.filter(from_status=S.DISBURSED, to_status=S.DISBURSED)
        .order_by("pk")
        .values_list("reason", "amount", "actor")
    )
    assert notes == [
        ("Ditagih kembali ke kas negara: ternyata ASN", AMOUNT, users["branch"].pk),
        ("Pengembalian dana diterima kas negara.", 250_000, users["branch"].pk),
    ]


def test_the_conflict_message_names_the_nik(bsu, reference_regions):
    (pk,) = screened(bsu, 1)
    nik = Recipient.objects.get(pk=pk).worker.nik
    with pytest.raises(ValidationError) as refused:
        recipients_advance([Move(pk, S.DETERMINED, batch=1, channel="BRI", expected=S.CANDIDATE)])
    assert refused.value.messages == [
        f"Status penerima {nik} sudah diubah orang lain menjadi Lolos verifikasi; muat ulang halaman."
    ]
    assert not StatusChange.objects.filter(recipient_id=pk, to_status=S.DETERMINED).exists()


def test_the_batches_page_and_its_export_show_the_scope_s_reconciliation(bsu, batch_one, users, login):
    open_bri = batch_one["bri"][3]
    recipient_transition(recipient=Recipient.objects.get(pk=open_bri), to_status=S.DISBURSED, channel="POS")
    nik = Recipient.objects.get(pk=open_bri).worker.nik
    client = login(users["branch"])
    page = client.get("/bsu/batches/").content.decode()
    assert 'id="unbalanced">1<' in page
    assert 'id="line-1-POS" class="balanced"' in page
    assert 'id="line-1-BRI" class="unbalanced"' in page
    assert f">{nik}</a>" in page
    assert "Tersalurkan dilaporkan lewat POS, padahal ditetapkan lewat BRI" in page
    assert 'id="pos-waiting">1<' in page
    text = b"".join(client.get("/bsu/batches/?_export=csv").streaming_content).decode()
    assert text.splitlines() == [
        "batch,channel,determined,determined_amount,paid_by_bank,paid_by_bank_amount,collected_at_pos,"
        "collected_at_pos_amount,returned,returned_amount,returned_to_treasury,returned_to_treasury_amount,open,"
        "open_amount,mismatch,mismatch_amount,balanced",
        "1,BRI,4,2400000,2,1200000,0,0,1,600000,0,0,0,0,1,600000,no",
        "1,POS,3,1800000,0,0,2,1200000,0,0,0,0,1,600000,0,0,yes",
    ]
    # Pontianak's branch sees none of Singkawang's batches; an official has no such page
    other = login(users["other_branch"]).get("/bsu/batches/").content.decode()
    assert "Belum ada penetapan di cakupan Anda." in other
    assert nik not in other
    assert login(users["official"]).get("/bsu/batches/").status_code == 404
    assert login(users["admin"]).get("/bsu/batches/?batch=abc").status_code == 400


def test_the_city_panel_shows_the_pos_countdown(bsu, batch_one, users, login):
    call_command("refresh_figures")
    page = login(users["official"]).get("/cities/61.72/").content.decode()
    assert "1 belum diambil, batas 31 Juli" in page
    assert "batas sudah lewat" in page  # 31 July 2025 is behind us
    pos_pickup_expire(programme=bsu, today=dt.date(2025, 8, 1))
    assert "0 belum diambil, batas 31 Juli" in login(users["official"]).get("/cities/61.72/").content.decode()


def test_the_admin_action_returns_uncollected_pos_money_to_the_treasury(bsu, batch_one, users, login):
    response = login(users["admin"]).post(
        "/admin/subsidies/programme/",
        {"action": "expire_pos_pickups", "_selected_action": [bsu.pk]},
        follow=True,
    )
    assert "BSU-2025: 1 penerima Pos yang tidak mengambil dikembalikan ke kas negara." in response.content.decode()
    change = StatusChange.objects.get(to_status=S.RETURNED_TO_TREASURY)
    assert (change.recipient_id, change.actor, change.amount) == (batch_one["pos"][2], users["admin"], AMOUNT)


def test_recovery_from_the_recipient_page(bsu, batch_one, users, login):
    pk = batch_one["bri"][0]
    payment = Payment.objects.get(recipient_id=pk)
    client = login(users["branch"])
    url = f"/admin/subsidies/recipient/{pk}/recovery/"
    page = client.post(url, {"payment": payment.pk, "amount_owed": "600000", "reason": ""}, follow=True).content.decode()
    assert "Tuliskan alasan penagihan" in page
    client.post(url, {"payment": payment.pk, "amount_owed": "600000", "reason": "ternyata ASN"})
    payment.refresh_from_db()
    assert (payment.recovery_owed, payment.recovery_reason) == (AMOUNT, "ternyata ASN")
    assert login(users["other_branch"]).post(url, {"payment": payment.pk, "amount_owed": "1", "reason": "x"}).status_code == 404


def test_the_scheduled_task_returns_uncollected_money_and_plans_its_next_run(bsu, batch_one):
    assert next_expiry(today=dt.date(2025, 7, 20)) == timezone.make_aware(dt.datetime(2025, 8, 1, 2))  # the day after
    assert next_expiry(today=dt.date(2025, 9, 1)) == timezone.make_aware(dt.datetime(2025, 9, 1, 2))  # overdue: today
    result = expire_pos_pickups.enqueue()  # the deadline (31 July 2025) is behind us
    assert result.return_value == {"BSU-2025": 1}
    change = StatusChange.objects.get(to_status=S.RETURNED_TO_TREASURY)
    assert (change.recipient_id, change.actor, change.amount) == (batch_one["pos"][2], None, AMOUNT)
    assert next_expiry(today=dt.date(2025, 9, 1)) is None  # nobody waits at Pos any more
