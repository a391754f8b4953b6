"""The gap breakdown page: why a regency/city's workers are not covered, and what the branch can act on."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from outreach.selectors import gap_rows, gap_total
from outreach.tables import GAP_CSV_HEADER, GapTable, export_row
from regions.filters import CityFilter, scoped_filter
from regions.views import figures_page, grouping_of, refuse_input


@login_required
def gap_table(request):
    filters = scoped_filter(request, CityFilter)
    refused = refuse_input(request, filters)
    as_of = filters.as_of_date
    cities = filters.qs.order_by("code").values_list("code", "name", "province_id")
    grouping = grouping_of(request)
    export, table, total = figures_page(
        request, gap_rows(cities, as_of=as_of), cities, grouping=grouping, roll_up=gap_total, table_class=GapTable,
        export=(f"gap-{as_of}", GAP_CSV_HEADER, export_row), refused=refused,
    )  # fmt: skip
    if export:
        return export
    context = {
        "filter": filters,
        "table": table,
        "total": total,
        "as_of": as_of,
        "arrears_months": settings.JANGKAU_ARREARS_MONTHS,
        "query": request.GET.urlencode(),
        "grouping": grouping,
    }
    return render(request, "outreach/gap.html", context, status=400 if refused else 200)
