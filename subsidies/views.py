"""BSU pages: the disbursement table per regency/city and the NIK lookup at the branch counter."""

import functools

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from config.pagecache import cached_page
from regions.filters import scoped_filter
from regions.models import Office
from regions.selectors import GROUPINGS, OUTSIDE_GROUP, UNSERVED_GROUP, may_see_personal_data
from regions.views import exporting, figures_page, grouping_of
from subsidies.admin_filters import SCREENED_IN, recipient_list_url
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
from subsidies.lookup import counter_lookup
from subsidies.models import RecipientStatus
from subsidies.tables import FUNNEL_SIZE, DisbursementTable


@login_required
def disbursement_table(request):
    filters = scoped_filter(request, DisbursementFilter)
    programme = filters.programme_choice
    if programme is None:
        raise Http404
    cities = list(filters.qs.order_by("code").values_list("code", "name", "province_id"))

    def build():
        stuck_days = filters.stuck_days_value
        grouping = grouping_of(request)
        # Staff drill down from every count of people to the admin list of those recipients; officials see
        # the same numbers without links.
        people = None
        if may_see_personal_data(request.user):
            people = PeopleLinks(programme, stuck_days, grouping=grouping, page_region=page_region(filters))
        export, table, total = figures_page(
            request, disbursement_rows(programme, cities, stuck_days=stuck_days), cities, grouping=grouping,
            roll_up=functools.partial(rollup, amount_each=programme.amount_total), table_class=DisbursementTable,
            export=(f"bsu-{programme.code}", BSU_CSV_HEADER, export_row), query=f"&programme={programme.code}",
            stuck_days=stuck_days, people_url=people and people.url,
        )  # fmt: skip
        if export:
            return export
        codes = [code for code, *_rest in cities]
        stuck = [
            (status, number, oldest, people and people.url(total, status=status, stuck=True))
            for status, number, oldest in stuck_by_status(programme, codes, stuck_days=stuck_days)
        ]
        return {
            "filter": filters,
            "programme": programme,
            "table": table,
            "total": total,
            "funnel": funnel_chart(total, **FUNNEL_SIZE),
            "stuck": stuck,
            "stuck_days": stuck_days,
            "batches": [{**b, "links": people and people.batch_links(total, b)} for b in batches(programme, codes)],
            "links": people and people.summary(total),
            "query": request.GET.urlencode(),
            "grouping": grouping,
        }

    if exporting(request):
        return build()
    codes = [code for code, *_rest in cities]
    return cached_page(request, "subsidies/bsu.html", cities=codes, build=build)


def page_region(filters):
    """The region of the page's filter as admin list parameters ({} = the whole scope), or None where the
    admin list cannot express it (a kanwil as office, or a regency/city kind)."""
    office = filters.value("office", None)
    if filters.value("kind", None) or (office is not None and office.kind != Office.Kind.CABANG):
        return None
    region = {}
    if province := filters.value("province", None):
        region["province"] = province.code
    if office is not None:
        region["office"] = office.code
    return region


class PeopleLinks:
    """Links from the counts of the BSU table (a city, a roll-up or the total row) to the admin list of the
    recipients they count."""

    def __init__(self, programme, stuck_days, *, grouping, page_region):
        self.programme, self.stuck_days = programme, stuck_days
        self.grouping, self.page_region = grouping, page_region

    def region(self, row):
        if not row.code:  # the total of the page
            return self.page_region
        if self.grouping == "province":
            return {"province": row.code}
        if self.grouping == "office":
            # the cities of no (visible) branch have no office filter to list their recipients by
            return None if row.code in (UNSERVED_GROUP, OUTSIDE_GROUP) else {"office": row.code}
        if self.grouping in GROUPINGS:
            return None  # a kanwil: the admin list filters branch offices only
        return {"city": row.code}

    def url(self, row, *, status=None, statuses=None, stuck=False, batch=None):
        region = self.region(row)
        if region is None:
            return None
        stuck_days = self.stuck_days if stuck else None
        return recipient_list_url(
            programme=self.programme, status=status, statuses=statuses, stuck_days=stuck_days, batch=batch, **region
        )

    def summary(self, total):
        return {
            "recipients": self.url(total, statuses=SCREENED_IN),
            "disbursed": self.url(total, status=RecipientStatus.DISBURSED),
            "stuck": self.url(total, stuck=True),
        }

    def batch_links(self, total, batch):
        return {
            name: self.url(total, status=name.upper(), batch=batch["batch"])
            for name in ("determined", "disbursed", "returned")
            if batch[name]
        }


@login_required
def nik_lookup(request):
    """Branch and regional staff look up a worker's BSU statuses; officials have no such page. The NIK
    is posted, never put in the URL, so it stays out of browser history and access logs."""
    if not may_see_personal_data(request.user):
        raise Http404
    typed = request.POST.get("nik", "").strip() if request.method == "POST" else ""
    context = {"nik": typed, "searched": bool(typed)}
    if typed:
        context["lookup"] = lookup = counter_lookup(request.user, typed)
        context.update(worker=lookup.worker, statuses=lookup.statuses, account=lookup.account_text)
    return render(request, "subsidies/lookup.html", context)
