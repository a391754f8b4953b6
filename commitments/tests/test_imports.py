"""The `commitments` import kind and the `payer` column of `workers`."""

import pytest

from commitments.models import RESERVED_CODES, Commitment
from imports.services import job_apply, job_check, job_create
from participants.import_kinds import PAYER_WORDS
from participants.models import Payer, Worker
from participants.tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db

NEUTRAL = "Kode komitmen sudah terdaftar di luar cakupan wilayah Anda; perpindahan wilayah diproses oleh Kanwil."
HEADER = "code,pemda_code,kind,year,target_group,promised_workers,budget,contribution_per_month,months,status,reference,notes"


def import_as(user, kind, text, write_file):
    path = write_file(text)
    with path.open("rb") as binary:
        job = job_create(kind=kind, fileobj=binary, filename=path.name, user=user)
    job_check(job=job)
    job_apply(job=job)
    job.refresh_from_db()
    messages = {issue.row: issue.messages for issue in job.issues.filter(rejected=True)}
    return job, messages


def test_commitments_are_created_then_unchanged_then_updated_or_rejected(users, write_file):
    text = (
        f"{HEADER}\n"
        "skw-apbd-2026,61.72,apbd,2026,vulnerable,2000,Rp 403.200.000,16.800,12,budgeted,APBD 2026,\n"
        "SKW-PERWALI-2025,61.72,Regulasi (Perda/Perwali/Perbup/SE),2025,,,,,,Terlaksana,Perwali No. 12 Tahun 2025,\n"
        "SKW-X,61.72,unknown,2025,,,,,,,,\n"
        "SKW-Y,61.72,apbd,2025,nobody,,,,,,,\n"
        "SKW-Z,61.72,apbd,2025,,,,0,13,,,\n"
    )
    job, messages = import_as(users["branch"], "commitments", text, write_file)
    assert job.counts_line() == "rows=5 created=2 updated=0 unchanged=0 rejected=3", messages
    assert messages[4] == [["kind", "Jenis komitmen unknown tidak dikenal."]]
    assert messages[5] == [["target_group", "Kelompok sasaran nobody tidak dikenal."]]
    assert messages[6] == [["months", "Jumlah bulan antara 1 dan 12."]]
    apbd = Commitment.objects.get(code="SKW-APBD-2026")  # codes are upper-cased
    assert (apbd.city_id, apbd.province_id, apbd.kind.code, apbd.target_group.code) == ("61.72", None, "apbd", "vulnerable")
    assert (apbd.promised_workers, apbd.budget, apbd.contribution_per_month, apbd.months) == (2000, 403_200_000, 16_800, 12)
    assert (apbd.status, apbd.reference, apbd.import_job_id) == ("budgeted", "APBD 2026", job.pk)
    perwali = Commitment.objects.get(code="SKW-PERWALI-2025")
    assert (perwali.kind.code, perwali.status, perwali.contribution_per_month) == ("regulation", "delivered", 16_800)

    again, _messages = import_as(users["branch"], "commitments", text, write_file)
    assert again.counts_line() == "rows=5 created=0 updated=0 unchanged=2 rejected=3"

    changed, messages = import_as(
        users["regional"],
        "commitments",
        "kode,kode_pemda,jenis,tahun,status\nSKW-APBD-2026,61.72,apbd,2026,enrolling\n",
        write_file,
    )
    assert changed.counts_line() == "rows=1 created=0 updated=1 unchanged=0 rejected=0", messages
    apbd.refresh_from_db()
    assert (apbd.status, apbd.promised_workers, apbd.budget) == ("enrolling", 2000, 403_200_000)  # absent columns kept


def test_out_of_scope_pemda_and_codes_are_refused(users, make_commitment, write_file):
    make_commitment("BPN-APBD-2026", "64.71")
    text = (
        f"{HEADER}\n"
        "BPN-APBD-2026,61.72,apbd,2026,,,,,,,,\n"  # a code of another region, even moved into the scope
        "BPN-NEW,64.71,apbd,2026,,,,,,,,\n"  # a regency/city outside the scope
        "KALBAR-APBD-2026,61,apbd,2026,,,,,,,,\n"  # a province: admins only
        "X-1,99.99,apbd,2026,,,,,,,,\n"
        "X-2,99,apbd,2026,,,,,,,,\n"
    )
    job, messages = import_as(users["branch"], "commitments", text, write_file)
    assert job.counts_line() == "rows=5 created=0 updated=0 unchanged=0 rejected=5"
    assert messages[2] == [["code", NEUTRAL]]
    assert messages[3] == [["pemda_code", "Kabupaten/kota 64.71 di luar cakupan wilayah Anda."]]
    assert messages[4] == [["pemda_code", "Komitmen Pemda provinsi dicatat oleh admin."]]
    assert messages[5] == [["pemda_code", "Kode kabupaten/kota 99.99 tidak dikenal."]]
    assert messages[6] == [["pemda_code", "Kode provinsi 99 tidak dikenal."]]
    assert Commitment.objects.get(code="BPN-APBD-2026").city_id == "64.71"

    job, messages = import_as(users["admin"], "commitments", text, write_file)
    assert job.counts_line() == "rows=5 created=2 updated=1 unchanged=0 rejected=2", messages
    province = Commitment.objects.get(code="KALBAR-APBD-2026")
    assert (province.province_id, province.city_id) == ("61", None)
    # a province's commitment: its staff read it, but no scoped uploader writes it
    again, messages = import_as(
        users["regional"], "commitments", "code,pemda_code,kind,year\nKALBAR-APBD-2026,61,apbd,2027\n", write_file
    )
    assert again.rejected == 1
    assert messages[2] == [["pemda_code", "Komitmen Pemda provinsi dicatat oleh admin."]]
    again, messages = import_as(
        users["regional"], "commitments", "code,pemda_code,kind,year\nKALBAR-APBD-2026,61.72,apbd,2027\n", write_file
    )
    assert messages[2] == [["code", NEUTRAL]]  # nor turns it into a city's
    assert Commitment.objects.get(code="KALBAR-APBD-2026").year == 2026


def test_a_budget_below_the_promise_is_a_warning(users, write_file):
    text = f"{HEADER}\nPPU-APBD-2025,64.09,apbd,2025,vulnerable,15000,3000000000,16800,12,delivered,,\n"
    job, _messages = import_as(users["admin"], "commitments", text, write_file)
    assert job.counts_line() == "rows=1 created=1 updated=0 unchanged=0 rejected=0"
    (warning,) = job.issues.filter(rejected=False)
    assert warning.messages == [["budget", "Anggaran lebih kecil dari pekerja x iuran x bulan (Rp3.024.000.000)."]]
    assert Commitment.objects.get().planned_cost == 3_024_000_000


WORKERS = "nik,name,segment,city_code,member_since,payer"


def test_payer_links_workers_to_a_commitment_of_their_city_or_province(users, make_commitment, write_file):
    city = make_commitment("SKW-APBD-2026", "61.72")
    province = make_commitment("KALBAR-2026", "61")
    make_commitment("BPN-APBD-2026", "64.71")
    text = (
        f"{WORKERS}\n"
        "6172015508950001,Siti Aminah,BPU,61.72,2026-01-05,skw-apbd-2026\n"
        "6172011508950002,Budi Santoso,BPU,61.72,2026-01-05,KALBAR-2026\n"
        "6172011508950003,Andi Saputra,BPU,61.72,2026-01-05,sendiri\n"
        "6172011508950004,Eko Pratama,BPU,61.72,2026-01-05,\n"
        "6172011508950005,Joko Hidayat,BPU,61.72,2026-01-05,NOPE-1\n"
        "6172011508950006,Hadi Wijaya,BPU,61.72,2026-01-05,BPN-APBD-2026\n"
        "6172011508950007,Iwan Setiawan,BPU,61.72,2026-01-05,employer\n"
    )
    job, messages = import_as(users["branch"], "workers", text, write_file)
    assert job.counts_line() == "rows=7 created=4 updated=0 unchanged=0 rejected=3", messages
    assert messages[6] == [["payer", "Komitmen Pemda NOPE-1 tidak dikenal; impor komitmennya dulu."]]
    assert messages[7] == [
        [
            "payer",
            "Komitmen BPN-APBD-2026 milik Pemda lain: pekerja hanya dapat dibiayai komitmen kabupaten/kota "
            "tempatnya atau provinsinya.",
        ]
    ]
    assert messages[8] == [["payer", "Peserta BPU tidak memiliki pemberi kerja; isi self atau kode komitmen Pemda."]]
    payers = dict(Worker.objects.values_list("nik", "payer"))
    commitments = dict(Worker.objects.values_list("nik", "commitment"))
    assert payers == {
        "6172015508950001": Payer.PROGRAMME,
        "6172011508950002": Payer.PROGRAMME,
        "6172011508950003": Payer.SELF,
        "6172011508950004": "",
    }
    assert commitments["6172015508950001"] == city.pk
    assert commitments["6172011508950002"] == province.pk
    assert commitments["6172011508950003"] is None

    again, _messages = import_as(users["branch"], "workers", text, write_file)
    assert again.counts_line() == "rows=7 created=0 updated=0 unchanged=4 rejected=3"


def test_one_commitment_per_worker_and_a_file_without_payer_keeps_it(users, make_commitment, write_file):
    first = make_commitment("SKW-APBD-2025", "61.72", year=2025)
    second = make_commitment("SKW-APBD-2026", "61.72")
    worker = WorkerFactory(nik="6172015508950001", segment="BPU", employer=None, payer=Payer.PROGRAMME, commitment=first)
    job, _messages = import_as(
        users["branch"], "workers", f"{WORKERS}\n6172015508950001,Siti,BPU,61.72,2024-01-01,SKW-APBD-2026\n", write_file
    )
    assert job.updated == 1
    worker.refresh_from_db()
    assert (worker.payer, worker.commitment) == (Payer.PROGRAMME, second)  # moved: a worker has one commitment
    assert not first.workers.exists()

    # a file without the payer column leaves payer and commitment as stored
    job, _messages = import_as(
        users["branch"],
        "workers",
        "nik,name,segment,city_code,member_since\n6172015508950001,Siti A,BPU,61.72,2024-01-01\n",
        write_file,
    )
    assert job.updated == 1
    worker.refresh_from_db()
    assert (worker.name, worker.payer, worker.commitment) == ("Siti A", Payer.PROGRAMME, second)

    # a payer column with another payer ends the link (both fields are written together)
    job, _messages = import_as(
        users["branch"], "workers", f"{WORKERS}\n6172015508950001,Siti A,BPU,61.72,2024-01-01,self\n", write_file
    )
    assert job.updated == 1
    worker.refresh_from_db()
    assert (worker.payer, worker.commitment) == (Payer.SELF, None)


def test_payer_words_are_never_commitment_codes():
    assert {word.upper() for word in PAYER_WORDS if " " not in word} <= RESERVED_CODES
