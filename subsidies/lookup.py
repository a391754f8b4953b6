"""The NIK lookup at the branch counter: a worker's BSU statuses with what the worker is told and what
to do next, or what is wrong with the NIK typed. Reads start from the scoping selector; every lookup is
recorded."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from participants.models import PersonalDataAccess
from participants.selectors import workers_for
from participants.validators import check_nik
from regions.models import Access
from regions.selectors import role_of
from subsidies.models import BankAccount, Recipient, RecipientStatus, mask_account
from subsidies.screening import wage_cap_text

S = RecipientStatus

# What the worker sees on the official status check (DOMAIN.md), and what the officer advises.
WORKER_MESSAGES = {
    S.SCREENED_OUT: _("Tidak memenuhi syarat."),
    S.CANDIDATE: _("Masih dalam proses verifikasi dan validasi."),
    S.VERIFIED: _("Lolos verifikasi sebagai calon penerima."),
    S.REJECTED: _("Belum termasuk calon penerima."),
    S.ACCOUNT_INVALID: _("Rekening bermasalah, disalurkan melalui Pos."),
    S.DETERMINED: _("Ditetapkan sebagai penerima pada batch %(batch)s."),
    S.DISBURSED: _("Sudah tersalurkan."),
    S.RETURNED: _("Dana dikembalikan ke kas negara; menunggu penetapan ulang."),
    S.RETURNED_TO_TREASURY: _("Dana tidak tersalurkan dan sudah dikembalikan ke kas negara."),
}
NEXT_STEPS = {
    S.SCREENED_OUT: _(
        "Jelaskan syarat yang tidak terpenuhi (di bawah). Bila datanya salah (upah, segmen, masa kepesertaan), "
        "minta pemberi kerja memperbaikinya; penyaringan ulang akan menilai lagi."
    ),
    S.CANDIDATE: _("Tunggu hasil pemadanan Kemnaker. Pastikan data rekening bank pekerja benar."),
    S.VERIFIED: _("Tunggu validasi rekening oleh bank penyalur dan penetapan dalam batch berikutnya."),
    S.REJECTED: _(
        "Data tidak lolos pemadanan Kemnaker (alasan di riwayat). Tidak ada pencairan; bila datanya keliru, "
        "perbaiki data kepesertaan."
    ),
    S.ACCOUNT_INVALID: _(
        "Rekening tutup, dormant, dibekukan atau tidak cocok dengan NIK. Bantuan disalurkan melalui PT Pos "
        "Indonesia: pekerja mengambilnya di kantor pos dengan KTP sebelum %(deadline)s."
    ),
    S.DETERMINED: _("Dana sedang disalurkan lewat %(channel)s; minta pekerja memeriksa rekening/undangan Pos."),
    S.DISBURSED: _("Selesai: bantuan sudah diterima. Tidak ada tindakan."),
    S.RETURNED: _(
        "Dana tidak sampai dan kembali ke kas negara. Perbarui rekening pekerja agar dapat ditetapkan ulang "
        "pada batch berikutnya."
    ),
    S.RETURNED_TO_TREASURY: _(
        "Tidak ada pencairan lagi untuk program ini: dana yang tidak diambil di Pos sampai batas waktunya (atau "
        "yang kembali) sudah disetor ke kas negara."
    ),
}


@dataclass
class ProgrammeStatus:
    recipient: Recipient
    message: str
    next_step: str
    timeline: list  # StatusChange rows, oldest first
    wage_cap: str = ""  # the cap screened against and whose minimum wage set it


@dataclass
class Lookup:
    """What the counter sees after a search: the NIK searched (spaces removed), or what is wrong with it."""

    typed: str
    nik: str = ""
    problem: str = ""
    worker: object = None
    statuses: list = field(default_factory=list)
    account: BankAccount | None = None
    account_text: str = ""

    @property
    def cleaned(self):
        """The typed text differed from the NIK searched (spaces removed)."""
        return bool(self.nik) and self.nik != self.typed


def counter_lookup(user, typed):
    """A counter search. A malformed NIK is explained with the import's own messages (length, a spreadsheet
    number such as 6.17202E+15, dots or letters) and searched for nothing; every search is recorded."""
    typed = (typed or "").strip()
    check = check_nik(typed)
    if check.error:
        _record(user, typed, found=False)
        return Lookup(typed=typed, problem=check.error)
    worker, statuses, account = _lookup(user, check.nik)
    return Lookup(
        typed=typed, nik=check.nik, worker=worker, statuses=statuses, account=account, account_text=account_text(user, account)
    )


def worker_lookup(user, nik):
    """(worker or None, [ProgrammeStatus], bank account text). Out-of-scope NIKs are "not found"."""
    worker, statuses, account = _lookup(user, (nik or "").strip())
    return worker, statuses, account_text(user, account)


def _record(user, nik, *, found):
    PersonalDataAccess.objects.create(user=user, action=PersonalDataAccess.Action.LOOKUP, subject=nik[:200], found=found)


def _lookup(user, nik):
    worker = workers_for(user).select_related("city", "employer").filter(nik=nik).first()
    _record(user, nik, found=worker is not None)
    if worker is None:
        return None, [], None
    recipients = (
        Recipient.objects.filter(worker=worker)
        .select_related("programme")
        .prefetch_related("changes__actor", "changes__import_job")
        .order_by("-programme__membership_cutoff")
    )
    statuses = [_status(recipient) for recipient in recipients]
    account = BankAccount.objects.filter(worker=worker).first()
    return worker, statuses, account


def _status(recipient):
    programme = recipient.programme
    values = {
        "batch": recipient.batch or "-",
        "channel": recipient.channel or _("bank penyalur"),
        "deadline": _deadline(programme),
    }
    status = S(recipient.status)
    return ProgrammeStatus(
        recipient=recipient,
        message=str(WORKER_MESSAGES[status]) % values,
        next_step=str(NEXT_STEPS[status]) % values,
        timeline=list(recipient.changes.all()),
        wage_cap=wage_cap_text(recipient),
    )


def _deadline(programme):
    """The Pos pickup deadline (programme data), else the end of the programme's period."""
    day = programme.pos_pickup_deadline or programme.period_end
    return day.strftime("%d-%m-%Y") if day else _("batas waktu penyaluran")


def account_text(user, account):
    """Bank and account number: in full for branch staff (of the scope: the account came through the
    scoped worker), masked to the last 4 digits for everyone else."""
    if account is None:
        return ""
    number = account.account_number if role_of(user) == Access.Role.BRANCH else mask_account(account.account_number)
    return f"{account.bank} {number}"
