"""Import kinds `employer_reports` (companies' reported headcounts: WLKP, OSS, surveys; registered or not) and
`visits` (the branch's contacts with them, kunjungan)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config import parsing
from config.parsing import ParseError
from imports.kinds import Built, Column, Kind, choice, register
from outreach.models import EmployerReport, Visit
from participants.import_kinds import CITY_CODE, bounded_text
from participants.models import Employer
from participants.tasks import refresh_enqueue
from regions.selectors import officers_for


def source_text(value):
    """The source of a report; empty is a source of its own ("") so the key is always complete."""
    return bounded_text(30)(value) or ""


def worker_count(value):
    number = parsing.integer(value)
    if number is not None and number < 0:
        raise ParseError(_("Jumlah pekerja tidak boleh negatif."))
    return number


def wage_total(value):
    amount = parsing.rupiah(value)
    if amount is not None and amount < 0:
        raise ParseError(_("Total upah tidak boleh negatif."))
    return amount


class EmployerReportKind(Kind):
    name = "employer_reports"
    label = gettext_lazy("Laporan perusahaan (WLKP/OSS)")
    model = EmployerReport
    permission = "outreach.add_employerreport"
    columns = [
        Column("company_id", "id_perusahaan", bounded_text(50), required=True, aliases=("nomor_wlkp",), field="company_id"),
        Column("name", "nama", bounded_text(200), required=True, aliases=("nama_perusahaan",), field="name"),
        CITY_CODE,
        Column("reported_workers", "jumlah_pekerja", worker_count, required=True, field="reported_workers"),
        Column(
            "npp",
            "npp",
            parsing.text,
            help=gettext_lazy("kosong = belum terdaftar di BPJS"),
            field="employer_id",
            canonical="employer__npp",
        ),
        Column("sector", "sektor", bounded_text(100), field="sector"),
        Column(
            "reported_wage_total",
            "total_upah",
            wage_total,
            help=gettext_lazy("rupiah per bulan"),
            field="reported_wage_total",
        ),
        Column("source", "sumber", source_text, help="WLKP, OSS, survei", field="source"),
        Column("report_date", "tanggal_laporan", parsing.date, field="report_date"),
    ]
    key_columns = ("company_id", "source")
    key_fields = ("company_id", "source")
    fields = (
        "company_id",
        "source",
        "name",
        "city_id",
        "employer_id",
        "sector",
        "reported_workers",
        "reported_wage_total",
        "report_date",
    )
    trace_field = "import_job_id"
    scope_field = "city_id"
    key_label = gettext_lazy("ID perusahaan")

    touch_fields = ("city_id",)

    def after_apply(self, job):
        if job.created or job.updated:  # the worklists and /gap/ read each company's current report
            refresh_enqueue(job.touched)

    def canonical_query(self, present):
        # Without a source column the file's key is incomplete: every row is parsed (source "").
        if "source" not in {column.name for column in present}:
            return None
        return super().canonical_query(present)

    def prepare(self, rows, context):
        npps = {r["npp"] for r in rows if r["npp"]}
        return {npp: (pk, city) for npp, pk, city in Employer.objects.filter(npp__in=npps).values_list("npp", "id", "city_id")}

    def build(self, v, employers, context):
        errors = []
        city_id = self.check_city(v["city_code"], context, errors)
        employer_id = None
        if npp := v["npp"]:
            employer_id, employer_city = employers.get(npp, (None, None))
            if employer_id is None:
                errors.append(
                    (
                        "npp",
                        _("NPP %(npp)s tidak terdaftar sebagai pemberi kerja; kosongkan bila belum terdaftar.") % {"npp": npp},
                    )
                )
            elif context.allowed_cities is not None and employer_city not in context.allowed_cities:
                employer_id = None
                errors.append(("npp", _("Pemberi kerja NPP %(npp)s di luar cakupan wilayah Anda.") % {"npp": npp}))
        source = v["source"] or ""
        record = (
            v["company_id"],
            source,
            v["name"],
            city_id,
            employer_id,
            v["sector"] or "",
            v["reported_workers"],
            v["reported_wage_total"],
            v["report_date"],
        )
        return Built(key=(v["company_id"], source), record=record, errors=errors)


register(EmployerReportKind())


def choices_of(text_choices):
    """A `choice` parser accepting a TextChoices' stored values and its Indonesian labels."""
    labels = {str(label): value for value, label in text_choices.choices}
    return choice({**{value: value for value in text_choices.values}, **labels})


class VisitKind(Kind):
    name = "visits"
    label = gettext_lazy("Kunjungan ke perusahaan")
    model = Visit
    permission = "outreach.add_visit"
    columns = [
        Column(
            "company",
            "perusahaan",
            bounded_text(50),
            required=True,
            aliases=("npp", "company_id", "id_perusahaan"),
            help=gettext_lazy("NPP, atau ID perusahaan (WLKP/OSS) bila belum terdaftar"),
            field="company",
        ),
        Column("date", "tanggal", parsing.date, required=True, field="date"),
        Column("channel", "saluran", choices_of(Visit.Channel), required=True, field="channel"),
        Column("outcome", "hasil", choices_of(Visit.Outcome), required=True, field="outcome"),
        Column(
            "officer",
            "petugas",
            parsing.text,
            help=gettext_lazy("nama pengguna; kosong = pengunggah"),
            field="officer_id",
            canonical="officer__username",
        ),
        Column("next_step", "langkah_berikutnya", bounded_text(200), field="next_step"),
        Column("due_date", "tenggat", parsing.date, field="due_date"),
        Column("notes", "catatan", bounded_text(2000), field="notes"),
    ]
    key_columns = ("company", "date", "channel")
    key_fields = ("company", "date", "channel")
    fields = ("company", "date", "channel", "city_id", "outcome", "officer_id", "next_step", "due_date", "notes")
    trace_field = "import_job_id"
    scope_field = "city_id"
    key_label = gettext_lazy("NPP atau ID perusahaan")

    def prepare(self, rows, context):
        """{company: city} of the NPPs and reported company ids named (an NPP wins; of a company id's reports the
        latest, as outreach.selectors.company_city), and {username: id} of the officers the uploader may name."""
        companies = {r["company"] for r in rows if r["company"]}
        reports = EmployerReport.objects.filter(company_id__in=companies).order_by("pk").values_list("company_id", "city_id")
        cities = dict(reports)
        cities.update(Employer.objects.filter(npp__in=companies).values_list("npp", "city_id"))
        usernames = {r["officer"] for r in rows if r["officer"]}
        officers = dict(officers_for(context.job.created_by).filter(username__in=usernames).values_list("username", "id"))
        return cities, officers

    def build(self, v, lookups, context):
        cities, officers = lookups
        errors = []
        company = v["company"]
        city_id = cities.get(company)
        if city_id is None or (context.allowed_cities is not None and city_id not in context.allowed_cities):
            # the same words in and out of scope: a file is no oracle of other regions' companies
            city_id = None
            errors.append(("company", _("NPP atau ID perusahaan tidak dikenal di wilayah Anda.")))
        officer_id = context.job.created_by_id
        if username := v["officer"]:
            officer_id = officers.get(username)
            if officer_id is None:
                errors.append(("officer", _("Petugas %(username)s tidak dikenal di kantor Anda.") % {"username": username}))
        if v["due_date"] and v["date"] and v["due_date"] < v["date"]:
            errors.append(("due_date", _("Tenggat tidak boleh sebelum tanggal kunjungan.")))
        record = (
            company,
            v["date"],
            v["channel"],
            city_id,
            v["outcome"],
            officer_id,
            v["next_step"] or "",
            v["due_date"],
            v["notes"] or "",
        )
        return Built(key=(company, v["date"], v["channel"]), record=record, errors=errors)


register(VisitKind())
