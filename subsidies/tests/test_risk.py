"""Account risk review (issue 15): signals explained in words, DETERMINED refused while one is open, the review
decision audited, rejection by a proposer and a different confirmer."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from participants.tests.factories import EmployerFactory, WorkerFactory
from subsidies.lookup import worker_lookup
from subsidies.models import BankAccount, Payment, Recipient, RecipientStatus, RiskKind, RiskReview, RiskSignal
from subsidies.risk import (
    name_similarity,
    risk_findings,
    risk_review_clear,
    risk_review_confirm_rejection,
    risk_review_propose_rejection,
    risk_scan,
)
from subsidies.selectors import risk_queue_for
from subsidies.services import Move, bsu_screen, recipients_advance

pytestmark = pytest.mark.django_db
S = RecipientStatus
DETERMINATION = timezone.make_aware(dt.datetime(2025, 7, 10, 10))


def verified(bsu, worker):
    bsu_screen(programme=bsu)
    recipient = Recipient.objects.get(worker=worker)
    recipients_advance([Move(recipient.pk, S.VERIFIED)])
    recipient.refresh_from_db()
    return recipient


def account(worker, number, *, name=None, changed=DETERMINATION - dt.timedelta(days=40)):
    created = BankAccount.objects.create(worker=worker, bank="BRI", account_number=number, account_name=name or worker.name)
    created.history.update(history_date=changed)
    return created


@pytest.fixture
def changed_two_days_before(bsu, reference_regions):
    worker = WorkerFactory(city_code="61.72", name="Siti Rahmawati")
    account(worker, "123456789012345", changed=DETERMINATION - dt.timedelta(days=2))
    return verified(bsu, worker)


def test_an_account_changed_2_days_before_determination_is_refused_until_reviewed(changed_two_days_before, users):
    recipient = changed_two_days_before
    nik = recipient.worker.nik
    with pytest.raises(ValidationError) as refused:
        recipients_advance([Move(recipient.pk, S.DETERMINED, batch=3, channel="BRI", at=DETERMINATION)], actor=users["branch"])
    assert refused.value.messages == [
        f"Penerima {nik} belum boleh ditetapkan: risiko rekening belum ditinjau "
        "(Rekening BRI •••••••••••2345 diubah pada 8 Juli 2025, kurang dari 14 hari sebelum penetapan.)."
    ]
    recipient.refresh_from_db()
    assert recipient.status == S.VERIFIED
    assert not Payment.objects.exists()
    # the signal waits in the review queue of the branch, not of another branch
    (queued,) = risk_queue_for(users["branch"])
    assert [s.kind for s in queued.open_signals] == [RiskKind.ACCOUNT_CHANGED]
    assert list(risk_queue_for(users["other_branch"])) == []
    assert list(risk_queue_for(users["official"])) == []
    with pytest.raises(ValidationError, match="Tuliskan catatan"):
        risk_review_clear(recipient=recipient, actor=users["branch"], note="  ")
    risk_review_clear(recipient=recipient, actor=users["branch"], note="Pekerja datang dengan buku tabungan baru")
    assert list(risk_queue_for(users["branch"])) == []
    recipients_advance([Move(recipient.pk, S.DETERMINED, batch=3, channel="BRI", at=DETERMINATION)], actor=users["branch"])
    recipient.refresh_from_db()
    assert (recipient.status, recipient.batch) == (S.DETERMINED, 3)
    # every step in the NIK timeline, with who decided
    _worker, statuses, _account = worker_lookup(users["branch"], nik)
    steps = [(c.from_status, c.to_status, c.reason, c.actor) for c in statuses[0].timeline]
    assert (S.VERIFIED, S.DETERMINED, "", users["branch"]) in steps
    assert (
        S.VERIFIED,
        S.VERIFIED,
        "Tinjauan risiko rekening: aman (Pekerja datang dengan buku tabungan baru)",
        users["branch"],
    ) in steps


def test_rejection_needs_a_second_person_and_then_pays_through_pos(changed_two_days_before, users):
    recipient = changed_two_days_before
    recipients_advance_refused = pytest.raises(ValidationError, match="belum boleh ditetapkan")
    with recipients_advance_refused:
        recipients_advance([Move(recipient.pk, S.DETERMINED, batch=3, channel="BRI", at=DETERMINATION)])
    review = risk_review_propose_rejection(recipient=recipient, actor=users["branch"], note="Rekening milik orang lain")
    with pytest.raises(ValidationError, match="sudah diusulkan"):
        risk_review_propose_rejection(recipient=recipient, actor=users["regional"], note="lagi")
    with pytest.raises(ValidationError, match="Penolakan harus dikonfirmasi orang lain, bukan yang mengusulkannya"):
        risk_review_confirm_rejection(review=review, actor=users["branch"])
    # proposed only: still in the queue and still refused
    assert [r.pk for r in risk_queue_for(users["branch"])] == [recipient.pk]
    with pytest.raises(ValidationError, match="belum boleh ditetapkan"):
        recipients_advance([Move(recipient.pk, S.DETERMINED, batch=3, channel="BRI", at=DETERMINATION)])
    risk_review_confirm_rejection(review=review, actor=users["regional"])
    review.refresh_from_db()
    assert (review.decision, review.proposed_by, review.confirmed_by) == (
        RiskReview.Decision.REJECTED,
        users["branch"],
        users["regional"],
    )
    recipient.refresh_from_db()
    assert (recipient.status, recipient.channel) == (S.ACCOUNT_INVALID, "POS")
    assert list(risk_queue_for(users["branch"])) == []
    with pytest.raises(ValidationError, match="ditolak pada tinjauan risiko; salurkan lewat Pos"):
        recipients_advance([Move(recipient.pk, S.DETERMINED, batch=3, channel="BRI", at=DETERMINATION)])
    recipients_advance([Move(recipient.pk, S.DETERMINED, batch=3, channel="POS", at=DETERMINATION)])
    reasons = list(recipient.changes.order_by("pk").values_list("to_status", "reason", "actor"))
    assert reasons[-3:] == [
        (S.VERIFIED, "Tinjauan risiko rekening: diusulkan ditolak (Rekening milik orang lain)", users["branch"].pk),
        (
            S.ACCOUNT_INVALID,
            "Rekening ditolak pada tinjauan risiko (diusulkan branch, dikonfirmasi regional): Rekening milik orang lain",
            users["regional"].pk,
        ),
        (S.DETERMINED, "", None),
    ]


def test_each_signal_is_explained(bsu, reference_regions):
    bsu.name_similarity_threshold = "0.60"
    bsu.save()
    employer = EmployerFactory(city_id="61.72")
    workers = [WorkerFactory(city_code="61.72", employer=employer, name=f"Budi Santoso {i}") for i in range(3)]
    for worker in workers:
        account(worker, "999888777666")  # one account, three NIKs of one employer
    lone = WorkerFactory(city_code="61.72", name="Agus Salim")
    account(lone, "111222333444", name="Rahmawati Dewi")
    bsu_screen(programme=bsu)
    recipients = Recipient.objects.select_related("programme").filter(worker__in=[*workers, lone]).order_by("pk")
    findings = risk_findings(recipients, at=DETERMINATION)
    first, lone_recipient = recipients[0], recipients[3]
    assert findings[first.pk] == [
        (RiskKind.SHARED_ACCOUNT, "Rekening BRI ••••••••7666 juga terdaftar untuk 2 NIK lain."),
        (RiskKind.EMPLOYER_ACCOUNT, "3 NIK dari pemberi kerja yang sama memakai rekening BRI ••••••••7666."),
    ]
    ((kind, text),) = findings[lone_recipient.pk]
    assert kind == RiskKind.NAME_MISMATCH
    assert text.startswith("Nama pemilik rekening “Rahmawati Dewi” tidak mirip nama pekerja (kemiripan ")
    assert text.endswith(", batas 60 %).")
    # two returns from the same account before
    for recipient in recipients[:2]:
        Payment.objects.create(
            recipient=recipient, programme=bsu, city_id="61.72", batch=1, channel="BRI", amount=600_000,
            determined_at=DETERMINATION, outcome=S.RETURNED, outcome_channel="BRI", outcome_batch=1, outcome_amount=600_000,
        )  # fmt: skip
    assert (RiskKind.REPEATED_RETURNS, "Dana sudah 2 kali kembali dari rekening BRI ••••••••7666.") in risk_findings(
        recipients, at=DETERMINATION
    )[first.pk]


def test_name_similarity_ignores_case_punctuation_and_word_order():
    assert name_similarity("SITI RAHMAWATI", "siti  rahmawati") == 1.0
    assert name_similarity("Rahmawati, Siti", "Siti Rahmawati") == 1.0
    assert name_similarity("Siti Rahmawati", "Agus Salim") < 0.6


def test_the_scan_fills_the_queue_and_the_import_refuses_a_flagged_determination(changed_two_days_before, tmp_path, capsys):
    recipient = changed_two_days_before
    assert risk_scan(programme=recipient.programme, at=DETERMINATION) == 1
    assert risk_scan(programme=recipient.programme, at=DETERMINATION) == 1  # the same facts are stored once
    assert RiskSignal.objects.count() == 1
    path = tmp_path / "hasil.csv"
    path.write_text(f"programme,nik,status,batch,channel,date\nBSU-2025,{recipient.worker.nik},DETERMINED,3,BRI,2025-07-10\n")
    errors = tmp_path / "e.csv"
    call_command("import_file", "bsu_results", str(path), "--errors", str(errors))
    assert capsys.readouterr().out.strip().splitlines()[-1] == "rows=1 created=0 updated=0 unchanged=0 rejected=1"
    assert "risiko rekening belum ditinjau" in errors.read_text(encoding="utf-8")


def test_the_review_queue_page_clears_and_rejects_with_two_people(changed_two_days_before, users, login):
    recipient = changed_two_days_before
    risk_scan(programme=recipient.programme, at=DETERMINATION)
    nik = recipient.worker.nik
    branch = login(users["branch"])
    page = branch.get("/bsu/tinjauan/").content.decode()
    assert f">{nik}</a>" in page
    assert "diubah pada 8 Juli 2025" in page
    assert login(users["official"]).get("/bsu/tinjauan/").status_code == 404
    assert nik not in login(users["other_branch"]).get("/bsu/tinjauan/").content.decode()
    form = {"recipient": recipient.pk, "decision": "propose_rejection", "note": "Nama rekening orang lain"}
    assert login(users["other_branch"]).post("/bsu/tinjauan/", form).status_code == 404
    page = login(users["branch"]).post("/bsu/tinjauan/", form, follow=True).content.decode()
    assert f"Penolakan rekening {nik} diusulkan; menunggu konfirmasi orang lain." in page
    assert "Konfirmasi penolakan" not in page  # not for the proposer
    page = branch.post("/bsu/tinjauan/", {**form, "decision": "confirm_rejection"}, follow=True).content.decode()
    assert "Penolakan harus dikonfirmasi orang lain" in page
    page = login(users["regional"]).post("/bsu/tinjauan/", {**form, "decision": "confirm_rejection"}, follow=True)
    assert f"Penolakan rekening {nik} dikonfirmasi; bantuan disalurkan lewat Pos." in page.content.decode()
    recipient.refresh_from_db()
    assert recipient.status == S.ACCOUNT_INVALID


def test_pos_pays_in_person_so_a_shared_account_does_not_hold_a_pos_determination(bsu, reference_regions):
    first, second = WorkerFactory.create_batch(2, city_code="61.72")
    for worker in (first, second):
        account(worker, "555444333222")
    bsu_screen(programme=bsu)
    shared = Recipient.objects.get(worker=first)
    recipients_advance([Move(shared.pk, S.VERIFIED), Move(shared.pk, S.ACCOUNT_INVALID, channel="POS")])
    assert risk_scan(programme=bsu, at=DETERMINATION) == 0  # an invalid account is not paid into
    recipients_advance([Move(shared.pk, S.DETERMINED, batch=2, at=DETERMINATION)])
    assert Payment.objects.get(recipient=shared).channel == "POS"
    other = Recipient.objects.get(worker=second)
    recipients_advance([Move(other.pk, S.VERIFIED)])
    with pytest.raises(ValidationError, match="juga terdaftar untuk 1 NIK lain"):
        recipients_advance([Move(other.pk, S.DETERMINED, batch=2, channel="BNI", at=DETERMINATION)])
