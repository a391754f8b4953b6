"""BSU pages: the disbursement table per regency/city and the NIK lookup at the branch counter."""

import functools

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from config.spreadsheets import export_response
from regions.filters import scoped_filter
from regions.selectors import GROUPINGS, may_see_personal_data
from regions.views import grouped
from subsidies.figures import (
    BSU_CSV_HEADER,
    batches,
    disbursement_rows,
    export_row,
    funnel_chart,
    rollup,
    stuck_by_status,
)
from subsidies.filters import DisbursementFilter
from subsidies.lookup import worker_lookup
from subsidies.tables import DisbursementTable

ROWS_PER_PAGE = 50


@login_required
def disbursement_table(request):
    filters = scoped_filter(request, DisbursementFilter)
    programme = filters.programme_choice
    if programme is None:
        raise Http404
    stuck_days = filters.stuck_days_value
    cities = list(filters.qs.order_by("code").values_list("code", "name", "province_id"))
    rows = disbursement_rows(programme, cities, stuck_days=stuck_days)
    amount = programme.amount_total
    grouping = request.GET.get("group")
    if grouping in GROUPINGS:
        total = functools.partial(rollup, amount_each=amount)
        rows = grouped(rows, grouping, cities, request.user, total, query=f"&programme={programme.code}")
    if export := export_response(request, f"bsu-{programme.code}", BSU_CSV_HEADER, (export_row(r) for r in rows)):
        return export
    codes = [code for code, *_rest in cities]
    total = rollup(rows, code="", name=_("Total"), amount_each=amount)
    table = DisbursementTable(rows, totals=total, order_by=request.GET.get("sort"))
    RequestConfig(request, paginate={"per_page": ROWS_PER_PAGE}).configure(table)
    context = {
        "filter": filters,
        "programme": programme,
        "table": table,
        "total": total,
        "funnel": funnel_chart(total),
        "stuck": stuck_by_status(programme, codes, stuck_days=stuck_days),
        "stuck_days": stuck_days,
        "batches": batches(programme, codes),
        "query": request.GET.urlencode(),
        "grouping": grouping if grouping in GROUPINGS else "",
    }
    return render(request, "subsidies/bsu.html", context)


@login_required
def nik_lookup(request):
    """Branch and regional staff look up a worker's BSU statuses; officials have no such page. The NIK
    is posted, never put in the URL, so it stays out of browser history and access logs."""
    if not may_see_personal_data(request.user):
        raise Http404
    nik = request.POST.get("nik", "").strip() if request.method == "POST" else ""
    context = {"nik": nik, "searched": bool(nik)}
    if nik:
        context["worker"], context["statuses"], context["account"] = worker_lookup(request.user, nik)
    return render(request, "subsidies/lookup.html", context)
