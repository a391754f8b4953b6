"""Import kinds `employers` and `workers`."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config import parsing
from config.parsing import ParseError
from imports.kinds import Built, Column, Kind, choice, register
from participants.models import (
    EMPLOYER_FORBIDDEN_SEGMENTS,
    EMPLOYER_REQUIRED_SEGMENTS,
    PROGRAMS,
    Employer,
    Payer,
    Segment,
    Worker,
)
from participants.tasks import refresh_enqueue
from participants.validators import birth_facts, check_kpj, check_name, check_nik, nik_region_warning, nik_well_formed
from regions.models import Office


def parse_nik(value):
    if nik_well_formed(value):
        return value
    result = check_nik(value)
    if result.error:
        raise ParseError(result.error)
    return result.nik


def parse_programs(value):
    codes = (parsing.text(value) or "").replace(",", " ").replace("|", " ").upper().split()
    unknown = [code for code in codes if code not in PROGRAMS]
    if unknown:
        raise ParseError(_("Program tidak dikenal: %(codes)s.") % {"codes": ", ".join(unknown)})
    return " ".join(code for code in PROGRAMS if code in codes)


# The `payer` column: these words, or the code of the Pemda commitment (programme) that pays.
PAYER_WORDS = {
    "self": Payer.SELF,
    "sendiri": Payer.SELF,
    "mandiri": Payer.SELF,
    "employer": Payer.EMPLOYER,
    "pemberi_kerja": Payer.EMPLOYER,
    "pemberi kerja": Payer.EMPLOYER,
    "perusahaan": Payer.EMPLOYER,
}
NO_PAYER = ("", None)


def parse_payer(value):
    """(payer, commitment code or None); an empty cell is no payer on record."""
    text = parsing.text(value)
    if text is None:
        return NO_PAYER
    if (word := PAYER_WORDS.get(text.lower())) is not None:
        return (word, None)
    if len(text) > 30:
        raise ParseError(_("Pembayar: self, employer, atau kode komitmen Pemda (paling banyak 30 karakter)."))
    return (Payer.PROGRAMME, text.upper())


def bounded_text(limit, *, name=False):
    """Text of at most `limit` characters; a name is also checked by `check_name`."""

    def parse(value):
        result = parsing.text(value)
        if result is not None and len(result) > limit:
            raise ParseError(_("Terlalu panjang (paling banyak %(limit)d karakter).") % {"limit": limit})
        if name and (message := check_name(result)):
            raise ParseError(message)
        return result

    return parse


CITY_CODE = Column(
    "city_code", "kode_kota", parsing.text, required=True, aliases=("kode_kab_kota", "kode_wilayah"), field="city_id"
)


class EmployerKind(Kind):
    name = "employers"
    label = gettext_lazy("Pemberi kerja")
    model = Employer
    permission = "participants.add_employer"
    columns = [
        Column("npp", "npp", bounded_text(20), required=True, field="npp"),
        Column("name", "nama", bounded_text(200, name=True), required=True, aliases=("nama_perusahaan",), field="name"),
        CITY_CODE,
        Column("branch_code", "kode_cabang", parsing.text, field="branch_id", canonical="branch__code"),
        Column("sector", "sektor", bounded_text(100), field="sector"),
        Column("registered_on", "tanggal_terdaftar", parsing.membership_date, field="registered_on"),
        Column(
            "paid_until",
            "iuran_sampai",
            parsing.month,
            aliases=("iuran_dibayar_sampai",),
            help=gettext_lazy("bulan terakhir iuran dibayar, YYYY-MM"),
            field="paid_until",
        ),
    ]
    key_columns = ("npp",)
    key_fields = ("npp",)
    fields = ("npp", "name", "city_id", "branch_id", "sector", "registered_on", "paid_until")
    trace_field = "import_job_id"
    scope_field = "city_id"
    key_label = "NPP"
    touch_fields = ("city_id",)  # the worklists' sectors per city
    independent_chunks = True  # a row reads nothing an earlier row of the file writes

    def after_apply(self, job):
        if job.created or job.updated:
            refresh_enqueue(job.touched)

    def prepare(self, rows, context):
        codes = {r["branch_code"] for r in rows if r["branch_code"]}
        return dict(Office.objects.filter(code__in=codes, kind=Office.Kind.CABANG).values_list("code", "id"))

    def build(self, v, branches, context):
        errors = []
        city_id = self.check_city(v["city_code"], context, errors)
        branch_id = None
        if v["branch_code"]:
            branch_id = branches.get(v["branch_code"])
            if branch_id is None:
                errors.append(("branch_code", _("Kantor cabang %(code)s tidak dikenal.") % {"code": v["branch_code"]}))
        record = (v["npp"], v["name"], city_id, branch_id, v["sector"] or "", v["registered_on"], v["paid_until"])
        return Built(key=(v["npp"],), record=record, errors=errors)


class WorkerKind(Kind):
    name = "workers"
    label = gettext_lazy("Pekerja")
    model = Worker
    permission = "participants.add_worker"
    columns = [
        Column("nik", "nik", parse_nik, required=True, repeats=False, field="nik"),
        Column(
            "name", "nama", bounded_text(200, name=True), required=True, aliases=("nama_lengkap",), repeats=False, field="name"
        ),
        Column("segment", "segmen", choice({s: s for s in Segment.values}), required=True, field="segment"),
        CITY_CODE,
        Column(
            "member_since",
            "peserta_sejak",
            parsing.membership_date,
            required=True,
            aliases=("tanggal_kepesertaan",),
            field="member_since",
        ),
        Column("kpj", "kpj", parsing.text, aliases=("nomor_kpj",), repeats=False, field="kpj"),
        Column("birth_date", "tanggal_lahir", parsing.birth_date, field="birth_date"),
        Column("sex", "jenis_kelamin", choice({"L": "L", "P": "P", "LAKI-LAKI": "L", "PEREMPUAN": "P"}), field="sex"),
        Column("npp", "npp", parsing.text, help=gettext_lazy("wajib untuk PU"), field="employer_id", canonical="employer__npp"),
        Column("wage", "upah", parsing.rupiah, help=gettext_lazy("rupiah per bulan"), field="wage"),
        Column(
            "member_until", "peserta_sampai", parsing.membership_date, help=gettext_lazy("kosong = aktif"), field="member_until"
        ),
        Column("programs", "program", parse_programs, help="JKK JKM JHT JP JKP", field="programs"),
        # Fills payer and the commitment together (a file without the column keeps both as stored). The stored
        # text of a programme is "programme", not its code: such rows are compared after parsing.
        Column(
            "payer",
            "pembayar",
            parse_payer,
            aliases=("pembayar_iuran",),
            help=gettext_lazy("kosong, self, employer, atau kode komitmen Pemda"),
            field="payer",
            fills=("commitment_id",),
        ),
    ]
    key_columns = ("nik",)
    key_fields = ("nik",)
    fields = (
        "nik",
        "kpj",
        "name",
        "birth_date",
        "sex",
        "segment",
        "city_id",
        "employer_id",
        "wage",
        "member_since",
        "member_until",
        "programs",
        "payer",
        "commitment_id",
    )
    trace_field = "import_job_id"
    scope_field = "city_id"
    key_label = "NIK"

    touch_fields = ("city_id", "employer_id")
    independent_chunks = True  # a row reads employers and commitments, which a workers file never writes

    def after_apply(self, job):
        if job.created or job.updated:
            refresh_enqueue(job.touched)

    def prepare(self, rows, context):
        npps = {r["npp"] for r in rows if r["npp"]}
        employers = Employer.objects.filter(npp__in=npps).values_list("npp", "id", "city_id")
        codes = {r["payer"][1] for r in rows if r["payer"] and r["payer"][1]}
        commitments = {}
        if codes:  # the Pemda commitments named: {code: (pk, province, city)}, one query per chunk
            model = Worker._meta.get_field("commitment").related_model
            found = model.objects.filter(code__in=codes).values_list("code", "id", "province_id", "city_id")
            commitments = {code: (pk, province, city) for code, pk, province, city in found}
        return {npp: (pk, city) for npp, pk, city in employers}, commitments

    def build(self, v, lookups, context):
        employers, commitments = lookups
        errors = []
        nik, segment, npp = v["nik"], v["segment"], v["npp"]
        city_id = self.check_city(v["city_code"], context, errors)
        employer_id = None
        if npp:
            if segment in EMPLOYER_FORBIDDEN_SEGMENTS:
                errors.append(("npp", _("Peserta BPU tidak memiliki pemberi kerja; kosongkan NPP.")))
            else:
                employer_id, employer_city = employers.get(npp, (None, None))
                if employer_id is None:
                    errors.append(("npp", _("NPP %(npp)s belum terdaftar; impor pemberi kerja dulu.") % {"npp": npp}))
                elif context.allowed_cities is not None and employer_city not in context.allowed_cities:
                    employer_id = None
                    errors.append(("npp", _("Pemberi kerja NPP %(npp)s di luar cakupan wilayah Anda.") % {"npp": npp}))
        elif segment in EMPLOYER_REQUIRED_SEGMENTS:
            errors.append(("npp", _("Peserta PU wajib memiliki pemberi kerja (NPP).")))
        if v["member_until"] and v["member_until"] < v["member_since"]:
            errors.append(("member_until", _("Tanggal akhir kepesertaan tidak boleh sebelum tanggal mulai.")))
        if v["wage"] is not None and v["wage"] < 0:
            errors.append(("wage", _("Upah tidak boleh negatif.")))
        kpj = v["kpj"] or ""
        if kpj and (message := check_kpj(kpj)):
            errors.append(("kpj", message))
        payer, commitment_id = self.payer(v["payer"], segment, city_id, commitments, errors)
        birth_date, sex = v["birth_date"], v["sex"]
        if birth_date is None or sex is None:
            nik_birth, nik_sex = birth_facts(nik)
            birth_date, sex = birth_date or nik_birth, sex or nik_sex
        record = (
            nik,
            kpj,
            v["name"],
            birth_date,
            sex,
            segment,
            city_id,
            employer_id,
            v["wage"],
            v["member_since"],
            v["member_until"],
            v["programs"] or "",
            payer,
            commitment_id,
        )
        return Built(key=(nik,), record=record, errors=errors, warnings=self.key_warnings((nik,)))

    @staticmethod
    def payer(wanted, segment, city_id, commitments, errors):
        """(payer, commitment id) of a row: one dict lookup for a commitment code. A commitment pays for workers
        of its own regency/city, or of any regency/city of its province."""
        if wanted is None:  # no payer column: a new worker has none, a stored one keeps its own
            return NO_PAYER
        payer, code = wanted
        if code is None:
            if payer == Payer.EMPLOYER and segment in EMPLOYER_FORBIDDEN_SEGMENTS:
                errors.append(("payer", _("Peserta BPU tidak memiliki pemberi kerja; isi self atau kode komitmen Pemda.")))
            return payer, None
        found = commitments.get(code)
        if found is None:
            errors.append(("payer", _("Komitmen Pemda %(code)s tidak dikenal; impor komitmennya dulu.") % {"code": code}))
            return NO_PAYER
        commitment_id, province, city = found
        if city_id is not None and (city != city_id if city else province != city_id.split(".")[0]):
            errors.append(
                (
                    "payer",
                    _(
                        "Komitmen %(code)s milik Pemda lain: pekerja hanya dapat dibiayai komitmen kabupaten/kota "
                        "tempatnya atau provinsinya."
                    )
                    % {"code": code},
                )
            )
            return NO_PAYER
        return payer, commitment_id

    def record_errors(self, record):
        since, until = record[self.fields.index("member_since")], record[self.fields.index("member_until")]
        if until and since and until < since:
            return [("member_since", _("Tanggal akhir kepesertaan tidak boleh sebelum tanggal mulai."))]
        return []

    def key_warnings(self, key):
        warning = nik_region_warning(key[0])
        return [("nik", warning)] if warning else []


register(EmployerKind())
register(WorkerKind())
