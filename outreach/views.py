"""The gap breakdown page: why a regency/city's workers are not covered, and what the branch can act on."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from config.spreadsheets import export_response
from outreach.selectors import gap_rows, gap_total
from outreach.tables import GAP_CSV_HEADER, GapTable, export_row
from regions.filters import CityFilter, scoped_filter
from regions.selectors import GROUPINGS
from regions.views import UCJ_ROWS_PER_PAGE, grouped, refuse_input


@login_required
def gap_table(request):
    filters = scoped_filter(request, CityFilter)
    refused = refuse_input(request, filters)
    as_of = filters.as_of_date
    cities = filters.qs.order_by("code").values_list("code", "name", "province_id")
    rows = gap_rows(cities, as_of=as_of)
    grouping = request.GET.get("group")
    if grouping in GROUPINGS:
        rows = grouped(rows, grouping, cities, request.user, gap_total)
    if not refused and (export := export_response(request, f"gap-{as_of}", GAP_CSV_HEADER, (export_row(r) for r in rows))):
        return export
    total = gap_total(rows, name=_("Total"))
    table = GapTable(rows, totals=total, order_by=request.GET.get("sort"), grouping=grouping)
    RequestConfig(request, paginate={"per_page": UCJ_ROWS_PER_PAGE}).configure(table)
    context = {
        "filter": filters,
        "table": table,
        "total": total,
        "as_of": as_of,
        "arrears_months": settings.JANGKAU_ARREARS_MONTHS,
        "query": request.GET.urlencode(),
        "grouping": grouping if grouping in GROUPINGS else "",
    }
    return render(request, "outreach/gap.html", context, status=400 if refused else 200)
