"""The worklists of /worklist/: which employers and prospects to contact first, with the last contact and the
step still open on each; their filters (django-filter), tables (django-tables2) and export columns."""

from dataclasses import dataclass

import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from config.formatting import format_number, format_rupiah
from outreach import selectors
from outreach.models import EmployerReport, Visit
from participants.models import Employer
from regions.selectors import may_see_personal_data
from regions.tables import NUMBER_CELL

NONE_YET = "none"
STATUS_CHOICES = [(NONE_YET, _("Belum pernah dihubungi")), *Visit.Outcome.choices]
SIZE_CHOICES = [
    ("micro", _("Mikro (1-4 pekerja)")),
    ("small", _("Kecil (5-19)")),
    ("medium", _("Sedang (20-99)")),
    ("large", _("Besar (100+)")),
]


@dataclass(frozen=True)
class Worklist:
    title: str
    rows: object  # selectors function (cities, as_of=) -> queryset
    table: type
    keys: tuple  # field paths of a row's company keys (NPP, company id): its visits are recorded under them
    size: str  # the headcount the size filter reads
    header: tuple  # export columns
    explanation: str = ""


class WorklistFilter(django_filters.FilterSet):
    """City, sector, size and last contact's outcome over one worklist's rows (paths from its Worklist)."""

    city = django_filters.ChoiceFilter(label=_("Kabupaten/kota"), method="by_city", empty_label=_("Semua"))
    sector = django_filters.ChoiceFilter(label=_("Sektor"), method="by_sector", empty_label=_("Semua"))
    size = django_filters.ChoiceFilter(label=_("Ukuran"), choices=SIZE_CHOICES, method="by_size", empty_label=_("Semua"))
    status = django_filters.ChoiceFilter(
        label=_("Kontak terakhir"), choices=STATUS_CHOICES, method="by_status", empty_label=_("Semua")
    )

    def __init__(self, data, *, queryset, worklist, cities, sectors, user):
        super().__init__(data, queryset=queryset)
        self.worklist, self.user = worklist, user
        if not may_see_personal_data(user):
            del self.filters["status"]  # officials see no visits, so no filter by them
        self.filters["city"].extra["choices"] = [(code, f"{code} {name}") for code, name in cities]
        self.filters["sector"].extra["choices"] = [(sector, sector) for sector in sectors]

    @property
    def out_of_scope(self):
        """A city outside the user's worklist cities was asked for (the page answers 404)."""
        return self.is_bound and "city" in self.form.data and "city" in self.form.errors

    @property
    def input_errors(self):
        """Messages for the values that cannot be used (shown, and the filter not applied); a city outside the
        scope answers 404 instead (out_of_scope)."""
        if not self.is_bound or self.form.is_valid():
            return []
        return [
            f"{self.form.fields[name].label}: {message}"
            for name, messages in self.form.errors.items()
            if name != "city"
            for message in messages
        ]

    def by_city(self, queryset, name, value):
        return queryset.filter(city_id=value)

    def by_sector(self, queryset, name, value):
        return queryset.filter(sector=value)

    def by_size(self, queryset, name, value):
        low, high = selectors.SIZE_BANDS[value]
        queryset = queryset.filter(**{f"{self.worklist.size}__gte": low})
        return queryset if high is None else queryset.filter(**{f"{self.worklist.size}__lte": high})

    def by_status(self, queryset, name, value):
        queryset = queryset.annotate(last_outcome=selectors.last_outcome(self.user, *self.worklist.keys))
        return queryset.filter(last_outcome__isnull=True) if value == NONE_YET else queryset.filter(last_outcome=value)


def row_keys(record):
    """The company keys a row's visits are recorded under: its NPP and/or its reported company id."""
    if isinstance(record, Employer):
        return [record.npp]
    return [key for key in (record.npp, record.company_id) if key]


def visit_of(latest, record):
    """The row's latest visit among `latest` ({company key: latest visit}) under any of its keys."""
    visits = [latest[key] for key in row_keys(record) if key in latest]
    return max(visits, key=lambda visit: (visit.date, visit.pk), default=None)


def visit_cell(visit):
    if visit is None:
        return format_html('<span class="muted">{}</span>', _("belum pernah"))
    officer = visit.officer.get_full_name() or visit.officer.username if visit.officer else ""
    return format_html(
        "{} · {}<br><small>{}{}</small>",
        visit.date.strftime("%d/%m/%Y"),
        visit.get_channel_display(),
        visit.get_outcome_display(),
        f" · {officer}" if officer else "",
    )


def next_step_cell(visit, today):
    if visit is None or not (visit.next_step or visit.due_date):
        return ""
    due = ""
    if visit.due_date:
        css = "flag" if visit.due_date < today else "muted"
        due = format_html('<br><small class="{}">{} {}</small>', css, _("tenggat"), visit.due_date.strftime("%d/%m/%Y"))
    return format_html("{}{}", visit.next_step, due)


class WorklistTable(tables.Table):
    """Company, city, the list's own figures, then the last contact, the open step and a link recording a
    new contact. The latest visits of the page's rows are read in one query before rendering."""

    company = tables.Column(_("Perusahaan"), empty_values=(), orderable=False)
    city = tables.Column(_("Kab/kota"), accessor="city__name", orderable=False)
    sector = tables.Column(_("Sektor"), orderable=False)
    last_visit = tables.Column(_("Kontak terakhir"), empty_values=(), orderable=False)
    next_step = tables.Column(_("Langkah berikutnya"), empty_values=(), orderable=False)
    record = tables.Column("", empty_values=(), orderable=False)

    def __init__(self, *args, today, user, **kwargs):
        staff = may_see_personal_data(user)
        # officials of an opted-in city: company names and counts, never visits or a wage total at BPJS
        hidden = () if staff else ("last_visit", "next_step", "record", "bpjs_wage_total")
        super().__init__(*args, exclude=hidden, **kwargs)
        self.today, self.user, self.latest = today, user, {}

    def before_render(self, request):
        rows = [row.record for row in self.page.object_list] if hasattr(self, "page") else list(self.data)
        self.latest = selectors.latest_visits(self.user, (key for record in rows for key in row_keys(record)))

    def render_company(self, record):
        key = record.npp if isinstance(record, Employer) else record.npp or record.company_id
        label = _("NPP") if isinstance(record, Employer) or record.npp else record.source or _("ID")
        return format_html('{}<br><small class="muted">{} {}</small>', record.name, label, key)

    def render_last_visit(self, record):
        return visit_cell(visit_of(self.latest, record))

    def render_next_step(self, record):
        return next_step_cell(visit_of(self.latest, record), self.today)

    def render_record(self, record):
        key = row_keys(record)[0]
        url = f"{reverse('admin:outreach_visit_add')}?{urlencode({'company': key, '_return': 'worklist'})}"
        return format_html('<a class="button small" href="{}">{}</a>', url, _("Catat kontak"))

    class Meta:
        template_name = "django_tables2/table.html"
        attrs = {"class": "data worklist"}
        empty_text = _("Tidak ada perusahaan pada daftar ini untuk filter ini.")
        sequence = ("company", "city", "sector", "...", "last_visit", "next_step", "record")


class NumberColumn(tables.Column):
    def render(self, value):
        return format_number(value)


class RupiahColumn(tables.Column):
    def render(self, value):
        return format_rupiah(value)


def _number(label, accessor=None):
    return NumberColumn(label, accessor=accessor, attrs=NUMBER_CELL, orderable=False)


def _rupiah(label, accessor=None):
    return RupiahColumn(label, accessor=accessor, attrs=NUMBER_CELL, orderable=False)


class UnregisteredTable(WorklistTable):
    reported_workers = _number(_("Pekerja dilaporkan"))
    registered = _number(_("Terdaftar aktif"))
    unregistered = _number(_("Belum didaftarkan"))

    class Meta(WorklistTable.Meta):  # django-tables2 inherits Meta only explicitly
        pass


class WageGapTable(WorklistTable):
    reported_wage_total = _rupiah(_("Total upah dilaporkan"))
    reported_workers = _number(_("Pekerja dilaporkan"))
    bpjs_wage_total = _rupiah(_("Total upah di BPJS"))
    registered = _number(_("Terdaftar aktif"))
    wage_shortfall = _rupiah(_("Upah tidak dilaporkan per bulan"))

    class Meta(WorklistTable.Meta):  # django-tables2 inherits Meta only explicitly
        pass


class ArrearsTable(WorklistTable):
    paid_until = tables.DateColumn(format="m/Y", verbose_name=_("Iuran dibayar sampai"), orderable=False)
    at_stake = _number(_("Pekerja aktif terancam nonaktif"))

    class Meta(WorklistTable.Meta):  # django-tables2 inherits Meta only explicitly
        pass


class ProspectTable(WorklistTable):
    reported_workers = _number(_("Pekerja dilaporkan"))
    report_date = tables.DateColumn(format="d/m/Y", verbose_name=_("Tanggal laporan"), orderable=False)

    class Meta(WorklistTable.Meta):  # django-tables2 inherits Meta only explicitly
        pass


VISIT_HEADER = ("last_contact_date", "last_contact_channel", "last_outcome", "next_step", "due_date")
STAFF_ONLY_COLUMNS = {*VISIT_HEADER, "bpjs_wage_total"}  # officials' exports: no visits, no wage total at BPJS
REPORT_HEADER = ("company_id", "source", "npp", "name", "city_code", "sector")
WORKLISTS = {
    "unregistered": Worklist(
        _("PDS tenaga kerja"),
        selectors.unregistered_list,
        UnregisteredTable,
        keys=("employer__npp", "company_id"),
        size="reported_workers",
        header=(*REPORT_HEADER, "reported_workers", "registered_active", "unregistered", *VISIT_HEADER),
        explanation=_("Perusahaan terdaftar yang melaporkan lebih banyak pekerja daripada peserta aktifnya."),
    ),
    "wages": Worklist(
        _("PDS upah"),
        selectors.wage_gap_list,
        WageGapTable,
        keys=("employer__npp", "company_id"),
        size="reported_workers",
        header=(
            *REPORT_HEADER,
            "reported_wage_total",
            "reported_workers",
            "bpjs_wage_total",
            "registered_active",
            "wage_shortfall",
            *VISIT_HEADER,
        ),
        explanation=_(
            "Rata-rata upah yang dilaporkan perusahaan di atas rata-rata upah pekerjanya di BPJS; "
            "selisih per bulan = (rata-rata dilaporkan - rata-rata BPJS) x peserta aktif."
        ),
    ),
    "arrears": Worklist(
        _("Menunggak iuran"),
        selectors.arrears_list,
        ArrearsTable,
        keys=("npp",),
        size="at_stake",
        header=("npp", "name", "city_code", "sector", "paid_until", "workers_at_stake", *VISIT_HEADER),
        explanation=_("Pemberi kerja yang menunggak iuran; pekerjanya yang masih aktif terancam nonaktif."),
    ),
    "prospects": Worklist(
        _("Belum daftar (PWBD)"),
        selectors.prospect_list,
        ProspectTable,
        keys=("company_id",),
        size="reported_workers",
        header=(*REPORT_HEADER, "reported_workers", "report_date", *VISIT_HEADER),
        explanation=_("Perusahaan yang dilaporkan (WLKP, OSS, survei) tetapi belum terdaftar di BPJS, terbesar dulu."),
    ),
}


def export_values(name, record, visit):
    """Machine values of one row of worklist `name` (with its latest visit) in the worklist's header order."""
    if isinstance(record, EmployerReport):
        values = [record.company_id, record.source, record.npp, record.name, record.city_id, record.sector]
        if name == "unregistered":
            values += [record.reported_workers, record.registered, record.unregistered]
        elif name == "wages":
            values += [record.reported_wage_total, record.reported_workers, record.bpjs_wage_total, record.registered]
            values.append(record.wage_shortfall)
        else:
            values += [record.reported_workers, record.report_date]
    else:
        paid = record.paid_until.strftime("%Y-%m") if record.paid_until else None
        values = [record.npp, record.name, record.city_id, record.sector, paid, record.at_stake]
    if visit is None:
        return [*values, None, None, None, None, None]
    return [*values, visit.date, visit.channel, visit.outcome, visit.next_step, visit.due_date]


class DueTable(tables.Table):
    """The officer's open next steps due by the end of this week; overdue ones flagged."""

    due_date = tables.Column(_("Tenggat"), orderable=False)
    company = tables.Column(_("Perusahaan"), orderable=False)
    city = tables.Column(_("Kab/kota"), accessor="city__name", orderable=False)
    next_step = tables.Column(_("Langkah berikutnya"), orderable=False)
    last_visit = tables.Column(_("Kontak terakhir"), empty_values=(), orderable=False)
    record = tables.Column("", empty_values=(), orderable=False)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def render_due_date(self, record):
        css = "flag" if record.due_date < self.today else ""
        return format_html('<span class="{}">{}</span>', css, record.due_date.strftime("%d/%m/%Y"))

    def render_company(self, record):
        return format_html('{}<br><small class="muted">{}</small>', record.company_name or "", record.company)

    def render_last_visit(self, record):
        return visit_cell(record)

    def render_record(self, record):
        url = f"{reverse('admin:outreach_visit_add')}?{urlencode({'company': record.company, '_return': 'worklist'})}"
        return format_html('<a class="button small" href="{}">{}</a>', url, _("Catat kontak"))

    class Meta:
        attrs = {"class": "data worklist"}
        empty_text = _("Tidak ada langkah yang jatuh tempo minggu ini.")
