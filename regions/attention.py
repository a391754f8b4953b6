"""The staff page "Perlu perhatian" (/perhatian/): what needs someone's action in the user's scope, each item
with its count and a link to the people, the import job or the city behind it.

- BSU recipients held in a status they can still leave for more than N days, per city and status;
- the user's import files that failed, were refused whole, or stopped running (their worker died);
- problem accounts per city: recipients whose account is invalid, account numbers registered for another NIK;
- cities whose UCJ will not reach this year's target at the last 12 months' pace.

Officials get 404: the page lists people, and they have their own city page. Every figure comes from the
scoping selectors and the pre-aggregated figures, so the page costs a bounded number of queries.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from imports.models import ImportJob
from imports.selectors import import_jobs_for
from imports.services import stuck_jobs
from regions.filters import scoped_filter
from regions.maps import PACE_AT_RISK, PACE_LABELS, PACE_OFF_TRACK, pace_class
from regions.selectors import may_see_personal_data
from regions.ucj import coverage_rows, pace
from subsidies.admin_filters import recipient_list_url, shared_accounts_url
from subsidies.filters import DisbursementFilter
from subsidies.models import RecipientStatus
from subsidies.selectors import attention_figures, shared_accounts_by_city

# Long lists are cut (the largest first): the national scope has 514 cities; /bsu/ and /ucj/ list them all.
MOST_ROWS = 100
RECENT_IMPORTS = dt.timedelta(days=30)
MOST_IMPORTS = 20


@dataclass
class Section:
    rows: list = field(default_factory=list)
    total: int = 0  # people (or cities, jobs) in every row, before the list is cut
    hidden: int = 0  # rows left out of the list

    @classmethod
    def of(cls, rows, *, total, key):
        rows = sorted(rows, key=key)
        return cls(rows=rows[:MOST_ROWS], total=total, hidden=max(len(rows) - MOST_ROWS, 0))


@dataclass
class Attention:
    stuck: Section
    imports: list
    accounts: Section
    pace: Section

    @property
    def anything(self):
        return bool(self.stuck.rows or self.imports or self.accounts.rows or self.pace.rows)


def attention_for(user, *, cities, programme, stuck_days, as_of):
    """What needs attention in `cities` ((code, name, province code) tuples from `cities_for`)."""
    cities = list(cities)
    names = {code: name for code, name, _province in cities}
    codes = list(names)
    stuck, accounts = Section(), Section()
    if programme is not None:
        held, invalid = attention_figures(programme, codes, stuck_days=stuck_days)
        stuck = _stuck_section(held, names, programme=programme, stuck_days=stuck_days)
        accounts = _account_section(invalid, shared_accounts_by_city(user, codes), names, programme=programme)
    return Attention(
        stuck=stuck, imports=_imports(user), accounts=accounts, pace=_pace_section(coverage_rows(cities, as_of=as_of), as_of)
    )


def _stuck_section(held, names, *, programme, stuck_days):
    rows = [
        {
            "code": city,
            "name": names[city],
            "status": RecipientStatus(status),
            "number": number,
            "oldest": oldest,
            "url": recipient_list_url(programme=programme, status=status, stuck_days=stuck_days, city=city),
        }
        for (city, status), (number, oldest) in held.items()
    ]
    order = RecipientStatus.values.index  # along the pipeline
    return Section.of(rows, total=sum(row["number"] for row in rows), key=lambda r: (-r["number"], r["code"], order(r["status"])))


def _account_section(invalid, shared, names, *, programme):
    rows = []
    for city in sorted(set(invalid) | set(shared)):
        row = {"code": city, "name": names[city], "invalid": invalid.get(city, 0), "shared": shared.get(city, 0)}
        if row["invalid"]:
            row["invalid_url"] = recipient_list_url(programme=programme, status=RecipientStatus.ACCOUNT_INVALID, city=city)
        if row["shared"]:
            row["shared_url"] = shared_accounts_url(city=city)
        rows.append(row)
    total = sum(row["invalid"] + row["shared"] for row in rows)
    return Section.of(rows, total=total, key=lambda r: (-(r["invalid"] + r["shared"]), r["code"]))


def _imports(user):
    """The user's import jobs that failed or were refused lately, and those whose worker stopped."""
    jobs = import_jobs_for(user)
    since = timezone.now() - RECENT_IMPORTS
    failed = list(
        jobs.filter(status__in=(ImportJob.Status.FAILED, ImportJob.Status.REFUSED), created_at__gte=since).order_by(
            "-created_at"
        )[:MOST_IMPORTS]
    )
    stopped_ids = [job.pk for job in stuck_jobs()]
    stopped = list(jobs.filter(pk__in=stopped_ids).order_by("-created_at")[:MOST_IMPORTS]) if stopped_ids else []
    return [(job, reverse("admin:imports_importjob_job", args=[job.pk]), True) for job in stopped] + [
        (job, reverse("admin:imports_importjob_job", args=[job.pk]), False) for job in failed
    ]


def _pace_section(rows, as_of):
    behind = []
    for row in rows:
        reach_date, state = pace(row, as_of=as_of)
        css_class = pace_class(reach_date, state, as_of=as_of)
        if css_class in (PACE_AT_RISK, PACE_OFF_TRACK):
            behind.append(
                {
                    "row": row,
                    "reach_date": reach_date,
                    "state": PACE_LABELS[css_class],
                    "css_class": css_class,
                    "url": reverse("city", args=[row.code]),
                }
            )
    return Section.of(
        behind, total=len(behind), key=lambda r: (r["css_class"] != PACE_OFF_TRACK, r["row"].ucj_percent, r["row"].code)
    )


ATTENTION_FILTERS = ("province", "office", "programme", "stuck_days")


@login_required
def attention_page(request):
    if not may_see_personal_data(request.user):
        raise Http404  # officials never see people; their home is their city page
    filters = scoped_filter(request, DisbursementFilter)
    programme = filters.programme_choice
    stuck_days = filters.stuck_days_value
    cities = filters.qs.order_by("code").values_list("code", "name", "province_id")
    attention = attention_for(request.user, cities=cities, programme=programme, stuck_days=stuck_days, as_of=timezone.localdate())
    context = {
        "filter": filters,
        "fields": [filters.form[name] for name in ATTENTION_FILTERS],
        "programme": programme,
        "stuck_days": stuck_days,
        "attention": attention,
        "recent_days": RECENT_IMPORTS.days,
    }
    return render(request, "regions/attention.html", context)
