"""The gap breakdown page (why a regency/city's workers are not covered) and the worklists (what the branch
can act on, and the steps due this week)."""

import itertools

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from config.formatting import format_number
from config.pagecache import cached_page
from config.spreadsheets import export_response
from outreach.selectors import figures_day, gap_rows, gap_total, latest_visits, sectors_of, visits_due, worklist_cities
from outreach.tables import GAP_CSV_HEADER, GapTable, export_row
from outreach.worklists import STAFF_ONLY_COLUMNS, WORKLISTS, DueTable, WorklistFilter, export_values, row_keys, visit_of
from regions import charts
from regions.filters import CityFilter, scoped_filter
from regions.selectors import may_see_personal_data
from regions.ucj import percent
from regions.views import exporting, figures_page, grouping_of, refuse_input


@login_required
def gap_table(request):
    filters = scoped_filter(request, CityFilter)
    refused = refuse_input(request, filters)
    cities = filters.qs.order_by("code").values_list("code", "name", "province_id")

    def build():
        as_of = filters.as_of_date
        grouping = grouping_of(request)
        export, table, total = figures_page(
            request, gap_rows(cities, as_of=as_of), cities, grouping=grouping, roll_up=gap_total, table_class=GapTable,
            export=(f"gap-{as_of}", GAP_CSV_HEADER, export_row), refused=refused,
        )  # fmt: skip
        if export:
            return export
        return {
            "filter": filters,
            "table": table,
            "total": total,
            "breakdown": breakdown_chart(total),
            "as_of": as_of,
            "arrears_months": settings.JANGKAU_ARREARS_MONTHS,
            "query": request.GET.urlencode(),
            "grouping": grouping,
        }

    if exporting(request, refused):
        return build()
    codes = [code for code, _name, _province in cities]
    return cached_page(request, "outreach/gap.html", cities=codes, build=build, status=400 if refused else 200)


def breakdown_chart(total):
    """Bars of the total's uncovered PU split into PDS, PWBD and the rest, each as its share of the PU gap (the
    label carries the count); None without a known gap."""
    if not total.uncovered_pu:
        return None
    parts = [
        (_("PDS tenaga kerja"), total.pds_workers, "gap-pds"),
        (_("PWBD"), total.pwbd_workers, "gap-pwbd"),
        (_("Sisa belum terjelaskan"), total.pu_unexplained, "gap-rest"),
    ]
    return charts.bar_chart(
        [
            charts.BarItem(label=f"{label} {format_number(count)}", value=percent(count, total.uncovered_pu), css_class=css)
            for label, count, css in parts
        ],
        width=520,
        label_width=200,
    )


EXPORT_CHUNK = 2000


@login_required
def worklist(request):
    """The branch's worklists (?list=), filtered and ranked; or the officer's steps due this week (?list=due)."""
    today = timezone.localdate()
    cities = worklist_cities(request.user)
    if not cities.exists():
        raise Http404
    name = request.GET.get("list")
    tabs = [(key, spec.title) for key, spec in WORKLISTS.items()]
    staff = may_see_personal_data(request.user)  # officials of an opted-in city: the lists, no visits
    due = visits_due(request.user, today=today).select_related("city", "officer")
    context = {"tabs": tabs, "staff": staff, "due_count": due.count() if staff else 0, "figures_day": figures_day()}
    if name == "due" and staff:
        table = DueTable(due, today=today)
        RequestConfig(request, paginate={"per_page": 50}).configure(table)
        return render(request, "outreach/worklist.html", {**context, "list": name, "table": table})
    if name not in WORKLISTS:
        name = "unregistered"
    spec = WORKLISTS[name]
    city_codes = cities.values("code")
    rows = spec.rows(city_codes, as_of=today).select_related(*(["city"] if spec.keys == ("npp",) else ["city", "employer"]))
    filters = WorklistFilter(
        request.GET or None,
        queryset=rows,
        worklist=spec,
        cities=cities.order_by("code").values_list("code", "name"),
        sectors=sectors_of(city_codes),
        user=request.user,
    )
    if filters.out_of_scope:
        raise Http404
    refused = refuse_input(request, filters)  # an unknown size, sector or status: said, and not applied
    rows = filters.qs
    header = [column for column in spec.header if staff or column not in STAFF_ONLY_COLUMNS]
    if not refused and request.GET.get("_export") in ("csv", "xlsx"):
        values = export_rows(request.user, name, rows)
        if not staff:
            keep = [spec.header.index(column) for column in header]
            values = ([row[i] for i in keep] for row in values)
        return export_response(request, f"worklist-{name}-{today}", header, values, as_of=today)
    table = spec.table(rows, today=today, user=request.user)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    context.update({"list": name, "spec": spec, "filter": filters, "table": table, "query": request.GET.urlencode()})
    return render(request, "outreach/worklist.html", context, status=400 if refused else 200)


def export_rows(user, name, rows):
    """Every row with its latest visit (of those the user may see), reading visits a chunk of rows at a time."""
    records = rows.iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(itertools.islice(records, EXPORT_CHUNK)):
        latest = latest_visits(user, (key for record in chunk for key in row_keys(record)))
        for record in chunk:
            yield export_values(name, record, visit_of(latest, record))
