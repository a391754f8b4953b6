"""Region pages: each role's home, the coverage table and one regency/city."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django_tables2 import RequestConfig

from config.pagecache import cached_page
from config.spreadsheets import export_response
from outreach.selectors import reported_gaps
from participants.selectors import largest_employers
from published.selectors import coverage_of, latest_snapshot, waterfall
from regions import charts, maps
from regions.filters import CityFilter, scoped_filter
from regions.models import Access, UcjBand
from regions.selectors import GROUPINGS, access_of, cities_for, city_groups, may_see_personal_data, role_of
from regions.tables import UCJ_CSV_HEADER, CoverageTable, export_row
from regions.ucj import city_surroundings, coverage_rows, needs, pace, rollup, surrounding_cities, trend


@login_required
def home(request):
    role = role_of(request.user)
    if role == Access.Role.OFFICIAL:
        return redirect("city", code=access_of(request.user).city_id)
    if role is None:
        return render(request, "regions/no_access.html", status=403)
    return redirect("ucj")


@login_required
def ucj_table(request):
    filters = scoped_filter(request, CityFilter)
    refused = refuse_input(request, filters)
    cities = filters.qs.order_by("code").values_list("code", "name", "province_id")
    own_city = access_of(request.user).city_id if role_of(request.user) == Access.Role.OFFICIAL else None

    def build():
        as_of = filters.as_of_date
        snapshot, published, shown = published_choice(request, own_city) if own_city else (None, False, {"staff": True})
        if published:  # an official's one city, as published; the file names its snapshot
            as_of = snapshot.as_of
            city_rows = [coverage_of(snapshot, UcjBand.objects.all())]
            filename = f"ucj-{as_of}-angka-resmi-{snapshot.pk}-{snapshot.short_hash}"
        else:
            city_rows = coverage_rows(cities, as_of=as_of)
            filename = f"ucj-{as_of}"
        grouping = grouping_of(request)
        export, table, total = figures_page(
            request, city_rows, cities, grouping=grouping, roll_up=rollup, table_class=CoverageTable,
            export=(filename, UCJ_CSV_HEADER, export_row), refused=refused,
        )  # fmt: skip
        if export:
            return export
        return {
            "filter": filters,
            "table": table,
            "total": total,
            "as_of": as_of,
            "bands": total.bands,
            "query": request.GET.urlencode(),
            "grouping": grouping,
            "ranking": charts.bar_chart(ranking_items(city_rows), ranked=True),
            **shown,
            **map_context(request, city_rows, as_of=as_of, extent_codes=[row.code for row in city_rows]),
        }

    if exporting(request, refused):
        return build()
    codes = [code for code, _name, _province in cities]
    return cached_page(request, "regions/ucj.html", cities=codes, build=build, status=400 if refused else 200)


def exporting(request, refused=False):
    """A ?_export= download (never from the page cache); a refused filter shows the page instead."""
    return not refused and request.GET.get("_export") in ("csv", "xlsx")


def ranking_items(rows):
    """Bars of the ranking chart: per-city rows (not roll-ups), each linked to its city page."""
    return [
        charts.BarItem(
            label=row.name,
            value=row.ucj_percent,
            target=row.target_percent,
            css_class=maps.band_class(row.band),
            url=reverse("city", args=[row.code]),
            title=maps.coverage_title(row),
        )
        for row in rows
    ]


MAP_COLOURS = ("band", "pace")


def map_context(request, rows, *, as_of, extent_codes, highlight=()):
    """The UCJ map of `rows` (per-city figures the user may see; other cities in the frame are grey) coloured by
    UCJ band or, with ?colour=pace, by pace towards this year's target; and the links switching between the two."""
    colour = request.GET.get("colour") if request.GET.get("colour") in MAP_COLOURS else "band"
    legend = maps.pace_legend() if colour == "pace" else maps.band_legend(rows[0].bands if rows else [])
    geometry = maps.choropleth(
        maps.coverage_cells(rows, colour=colour, as_of=as_of), extent_codes=extent_codes, highlight=highlight, legend=legend
    )
    links = []
    for value, label in (("band", _("Tingkat UCJ")), ("pace", _("Laju menuju target"))):
        query = request.GET.copy()
        query["colour"] = value
        query.pop("page", None)
        links.append((label, f"?{query.urlencode()}", value == colour))
    return {"ucj_map": geometry, "map_colours": links}


# 50 rows a page: rendering is what costs at national scope (514 rows took ~1 s); totals and exports always
# cover every filtered city.
FIGURE_ROWS_PER_PAGE = 50


def grouping_of(request):
    """The ?group= roll-up asked for (province, kanwil, office), or "" for one row per city."""
    value = request.GET.get("group")
    return value if value in GROUPINGS else ""


def figures_page(request, rows, cities, *, grouping, roll_up, table_class, export, refused=False, query="", **table_options):
    """What the figures tables (/ucj/, /bsu/, /gap/) share: the rows rolled up per `grouping` with
    `roll_up(rows, code=, name=)`, then either the ?_export= download of every row (`export` = file name, CSV
    header, row function) or the totals and a paginated table. Returns (download, table, total).

    The total is rolled up from the per-city rows, once per city: a city served by two offices is in both
    offices' rows, and a city of no office in a row of its own, but in the total once, whatever the grouping."""
    total = roll_up(list({row.code: row for row in rows}.values()), code="", name=_("Total"))
    if grouping:
        ungrouped_url = f"?{query_with(request, group=None, page=None)}"
        rows = grouped(rows, grouping, cities, request.user, roll_up, query=query, ungrouped_url=ungrouped_url)
    filename, header, row_of = export
    if not refused and (download := export_response(request, filename, header, (row_of(row) for row in rows))):
        return download, None, None
    table = table_class(rows, totals=total, order_by=request.GET.get("sort"), grouping=grouping, **table_options)
    RequestConfig(request, paginate={"per_page": FIGURE_ROWS_PER_PAGE}).configure(table)
    return None, table, total


def refuse_input(request, filters):
    """Shows why a filter value cannot be used (the page falls back to its default); True when one was refused."""
    for message in filters.input_errors:
        messages.error(request, message)
    return bool(filters.input_errors)


def grouped(rows, grouping, cities, user, total, query="", ungrouped_url="?"):
    """The same figures rolled up per province, kanwil or branch office by `total(rows, code=, name=)`
    (summed counts); each roll-up links to the filter showing its cities (plus `query`). The cities in no
    office group have no such filter: their row links to `ungrouped_url`, the table of one row per city."""
    by_code = {row.code: row for row in rows}
    result = []
    for code, name, parameter, members in city_groups(grouping, cities, user):
        row = total([by_code[c] for c in members], code=code, name=name)
        row.url = f"?{parameter}={code}{query}" if parameter else ungrouped_url
        result.append(row)
    return result


@login_required
def city_detail(request, code):
    city = get_object_or_404(cities_for(request.user), code=code)
    filters = CityFilter(request.GET or None, user=request.user)
    refused = refuse_input(request, filters)

    def build():
        snapshot, published, shown = published_choice(request, city.code)
        staff = shown["staff"]
        as_of = snapshot.as_of if published else filters.as_of_date
        # The city among the province's cities the user may see (the others are drawn grey on the map), and the
        # province's and kanwil's totals (aggregates of every city in them, whoever looks).
        rows, totals = city_surroundings(city, visible=cities_for(request.user), as_of=as_of)
        (row,) = [r for r in rows if r.code == city.code]
        series = trend(city, as_of=as_of)
        if published:  # the published figures replace today's reading of that day, on the headline, map and trend
            row = coverage_of(snapshot, row.bands)
            rows = [row if r.code == city.code else r for r in rows]
            series[-1] = (as_of, row.active_total, row.ucj_percent)
            filters.form.fields["as_of"].initial = as_of
        reach_date, reach_state = pace(row, as_of=as_of)
        pds, pwbd = (found.get(city.code) or 0 for found in reported_gaps([city.code], as_of=as_of))
        comparison = comparison_rows(row, totals)
        print_layout = request.GET.get("print") == "1"
        context = {
            "city": city,
            "row": row,
            "as_of": as_of,
            "filter": filters,
            "reach_date": reach_date,
            "reach_state": reach_state,
            "needs": needs(row, as_of=as_of, plan_workers=pds + pwbd),
            "pds_workers": pds,
            "pwbd_workers": pwbd,
            "trend": charts.trend_chart(series, row.target_percent),
            "comparison": comparison,
            "comparison_chart": charts.bar_chart(
                (
                    charts.BarItem(label=name, value=r.ucj_percent, target=r.target_percent, css_class=maps.band_class(r.band))
                    for _level, name, r in comparison
                ),
                width=420,  # narrow enough to stay legible on a phone without scrolling
                label_width=130,
            ),
            "bands": row.bands,
            "employers": largest_employers(request.user, city=city, as_of=as_of) if staff else None,
            **shown,
            "snapshot_waterfall": waterfall(snapshot) if snapshot else None,
            "print_layout": print_layout,
            "print_url": f"?{query_with(request, print='1')}",
            "screen_url": f"?{query_with(request, print=None)}",
            **map_context(
                request,
                rows,
                as_of=as_of,
                extent_codes=[code for code in maps.shape_codes() if code.startswith(f"{city.province_id}.")],
                highlight=city.code,
            ),
        }
        return context

    print_layout = request.GET.get("print") == "1"
    codes = surrounding_cities(city).values_list("code", flat=True).distinct()  # the figures the page reads
    return cached_page(
        request,
        "regions/city.html",
        cities=list(codes),
        build=build,
        context={"city": city, "print_layout": print_layout},
        status=400 if refused else 200,
    )


def published_choice(request, city_code):
    """Which figures of a city a page shows: officials read the latest published month (figures that never
    change) unless they switch to today's provisional figures (?provisional=1) or pick a date; staff read
    today's and see the latest snapshot beside them. Returns (latest snapshot, shows it, template context)."""
    staff = may_see_personal_data(request.user)
    snapshot = latest_snapshot(request.user, city_code)
    shows = not staff and snapshot is not None and "as_of" not in request.GET and request.GET.get("provisional") != "1"
    return (
        snapshot,
        shows,
        {
            "staff": staff,
            "snapshot": snapshot,
            "shows_published": shows,
            "provisional_url": f"?{query_with(request, provisional='1', as_of=None)}",
            "published_url": f"?{query_with(request, provisional=None, as_of=None)}",
        },
    )


def comparison_rows(row, totals):
    """[(level label, name, Coverage)]: the city, then its province's and kanwil's roll-ups (aggregates only)."""
    levels = {"province": _("Provinsi"), "kanwil": _("Kantor wilayah")}
    return [(_("Kabupaten/kota"), row.name, row), *((levels[level], total.name, total) for level, total in totals)]


def query_with(request, **changes):
    """The page's query string with `changes` applied (None removes a parameter)."""
    query = request.GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return query.urlencode()


@cache_control(max_age=300)
def bands_css(request):
    """The UCJ colour bands as CSS classes: data edited in the admin, no inline styles in pages."""
    bands = list(UcjBand.objects.all())
    rules = [f".band-{band.pk} {{ background: {band.colour}; }}" for band in bands]
    return HttpResponse(
        "\n".join([*rules, maps.band_fill_rules(bands, containers=("map", charts.BAR_CHART))]), content_type="text/css"
    )
