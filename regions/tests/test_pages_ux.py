"""The region pages as each role reads them: the UCJ ranking chart, the city beside its province and kanwil,
the groupings each scope offers, the date field and the print layout."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from config.parsing import one_year_ahead
from participants.figures import figures_refresh
from participants.tests.factories import WorkerFactory
from regions import charts
from regions.models import City, UcjBand, WorkforceEstimate

pytestmark = pytest.mark.django_db

# One bar of the ranking chart: its link, label, band class and (optionally) its target tick.
BAR = re.compile(
    r'<a href="/cities/([\d.]+)/"><title>[^<]*</title><rect class="hit"[^>]*/><text class="label"[^>]*>([^<]*)</text>'
    r'<rect class="([^"]+)"[^>]*/>(<line class="target-tick")?'
)


def coverage(figures):
    """{code: (potential, active, target)}: a workforce estimate of this year and that many active BPU members."""
    year = timezone.localdate().year
    for code, (potential, active, target) in figures.items():
        WorkforceEstimate.objects.create(city_id=code, year=year, potential_pu=0, potential_bpu=potential, target_percent=target)
        WorkerFactory.create_batch(active, city_code=code, segment="BPU", employer=None, member_since=dt.date(2020, 1, 1))
    figures_refresh()


@pytest.fixture
def kalbar(users):
    """Kanwil K1 serves Singkawang (23 %), Sambas (10,33 %) and Pontianak (50,5 %); Mempawah (5,25 %, province 61)
    is served by no office; Balikpapan (41 %) belongs to kanwil K2."""
    coverage(
        {
            "61.72": (100, 23, 30),
            "61.01": (300, 31, 25),
            "61.71": (200, 101, None),
            "61.02": (400, 21, 20),
            "64.71": (100, 41, 45),
        }
    )


def section(page, section_id):
    start = page.index(f'id="{section_id}"')
    return page[start : page.index("</section>", start)]


def test_the_ranking_chart_sorts_the_scope_by_ucj_with_targets_and_links(kalbar, users, login):
    page = login(users["regional"]).get("/ucj/").content.decode()
    ranking = section(page, "peringkat")
    bars = BAR.findall(ranking)
    assert [(code, label) for code, label, _band, _tick in bars] == [
        ("61.71", "Kota Pontianak"),  # 50,50 %
        ("61.72", "Kota Singkawang"),  # 23 %
        ("61.01", "Kab. Sambas"),  # 10,33 %
    ]  # K1's cities only: not Balikpapan (K2), not Mempawah (no office)
    bands = {band.pk for band in UcjBand.objects.all()}
    table = page[page.index("<tbody") :].split("<tr")
    for code, _label, css_class, _tick in bars:  # coloured like the table's dot of the same city
        assert int(css_class.removeprefix("band-")) in bands
        (row,) = [row for row in table if f"/cities/{code}/" in row]
        assert f'class="band-dot {css_class}"' in row
    assert [bool(tick) for *_rest, tick in bars] == [False, True, True]  # Pontianak has no target
    assert "50,50 %" in ranking
    assert "style=" not in page


def test_the_ranking_is_bounded_for_the_nation(users, login):
    year = timezone.localdate().year
    codes = list(City.objects.order_by("code").values_list("code", flat=True)[:70])
    WorkforceEstimate.objects.bulk_create(
        WorkforceEstimate(city_id=code, year=year, potential_pu=i + 1, potential_bpu=0) for i, code in enumerate(codes)
    )
    page = login(users["admin"]).get("/ucj/").content.decode()
    ranking = section(page, "peringkat")
    assert len(BAR.findall(ranking)) == 2 * charts.RANKING_ENDS  # the 20 highest and the 20 lowest of 70
    assert "30 kabupaten/kota lain di tengah peringkat" in ranking
    assert "40 dari 70 kabupaten/kota" in ranking
    assert "444 kabupaten/kota belum punya data potensi" in ranking


def test_bar_chart_geometry_ranks_bounds_and_scales():
    items = [charts.BarItem(f"Kota {i:03d}", Decimal(i) / 10, Decimal(30)) for i in range(514)]
    items.append(charts.BarItem("Kota tanpa potensi", None))
    chart = charts.bar_chart(items, ranked=True)
    assert [bar.rank for bar in chart.bars] == [*range(1, 21), *range(495, 515)]
    assert [bar.value for bar in chart.bars][:3] == [Decimal("51.3"), Decimal("51.2"), Decimal("51.1")]
    assert (chart.left_out, chart.unknown, chart.ranked) == (474, 1, 514)
    assert chart.height < 1000  # bounded whatever the number of cities
    assert chart.ticks[-1][1] == 60  # 51.3 % rounds the axis up to 60 %
    full = chart.ticks[-1][0] - chart.left
    first = chart.bars[0]
    assert first.width == pytest.approx(full * 51.3 / 60, abs=0.1)
    assert first.target_x == pytest.approx(chart.left + full / 2, abs=0.1)
    kanwil = charts.bar_chart(items[:56], ranked=True)  # a Kanwil's 56 cities: all of them
    assert (kanwil.shown, kanwil.left_out, kanwil.gap_y) == (56, 0, None)
    assert charts.short_label("Kabupaten Administrasi Kepulauan Seribu") == "Kab. Administrasi…"


def test_the_city_is_compared_with_its_province_and_kanwil_totals(kalbar, users, login):
    page = login(users["official"]).get("/cities/61.72/").content.decode()
    comparison = section(page, "perbandingan")
    cells = [re.sub(r"<[^>]+>|\s+", " ", row).split() for row in re.findall(r"<tr class=[^>]*>(.*?)</tr>", comparison, re.S)]
    # roll-ups of counts: Kalimantan Barat 176 / 1.000 (not the mean of the four percents), Kanwil K1 155 / 600
    assert cells == [
        ["Kota", "Singkawang", "Kabupaten/kota", "23,00", "%", "23", "100"],
        ["Kalimantan", "Barat", "Provinsi", "17,60", "%", "176", "1.000"],
        ["Kanwil", "Kalimantan", "Kantor", "wilayah", "25,83", "%", "155", "600"],
    ]
    for other in ("Pontianak", "Sambas", "Mempawah", "Balikpapan"):  # no other city's name, nor its figures
        assert other not in comparison
    for figure in ("50,50 %", "10,33 %", "5,25 %", "41,00 %"):
        assert figure not in page
    assert 'class="target-tick"' in comparison  # the city's target on its bar


def test_a_branch_sees_the_same_totals_for_its_city(kalbar, users, login):
    comparison = section(login(users["branch"]).get("/cities/61.01/").content.decode(), "perbandingan")
    assert "17,60 %" in comparison
    assert "25,83 %" in comparison
    assert "10,33 %" in comparison  # Sambas itself


def group_options(page):
    match = re.search(r'<select name="group"[^>]*>(.*?)</select>', page, re.S)
    return None if match is None else re.findall(r'<option value="(\w*)"', match.group(1))


def test_groupings_are_offered_only_where_the_scope_has_more_than_one_group(users, login):
    assert group_options(login(users["admin"]).get("/ucj/").content.decode()) == ["", "province", "kanwil", "office"]
    # K1: two branches, one kanwil, one province
    assert group_options(login(users["regional"]).get("/ucj/").content.decode()) == ["", "office"]
    assert group_options(login(users["branch"]).get("/ucj/").content.decode()) is None
    assert group_options(login(users["official"]).get("/ucj/").content.decode()) is None


def first_header(page):
    head = re.search(r"<thead[^>]*>(.*?)</thead>", page[page.index('class="data ucj"') :], re.S).group(1)
    return re.sub(r"<[^>]+>|\s+", " ", re.search(r"<th[^>]*>(.*?)</th>", head, re.S).group(1)).strip()


def test_the_grouped_table_names_its_first_column_after_the_grouping(kalbar, users, login):
    client = login(users["admin"])
    assert first_header(client.get("/ucj/").content.decode()) == "Kabupaten/kota"
    assert first_header(client.get("/ucj/?group=province").content.decode()) == "Provinsi"
    assert first_header(client.get("/ucj/?group=kanwil").content.decode()) == "Kanwil"
    page = client.get("/ucj/?group=office").content.decode()
    assert first_header(page) == "Kantor cabang"
    assert "Cabang Singkawang" in page


def date_input(page):
    return re.search(r'<input type="date" name="as_of"[^>]*>', page).group(0)


def test_the_as_of_date_is_chosen_with_a_date_field(kalbar, users, login):
    client = login(users["regional"])
    today = timezone.localdate()
    field = date_input(client.get("/ucj/").content.decode())
    assert 'min="1977-01-01"' in field
    assert f'max="{one_year_ahead().isoformat()}"' in field
    assert f'value="{today.isoformat()}"' in field
    page = client.get("/cities/61.72/?as_of=2024-06-30&colour=pace").content.decode()
    form = page[page.index('class="filters as-of-form"') : page.index("</form>", page.index("as-of-form"))]
    assert 'value="2024-06-30"' in date_input(form)
    assert 'name="colour" value="pace"' in form  # the map's colouring survives a new date
    assert "per 30 Juni 2024" in page


def test_print_button_and_print_layout(kalbar, users, login):
    client = login(users["official"])
    page = client.get("/cities/61.72/?as_of=2025-06-12").content.decode()
    button = re.search(r'<a class="button secondary" href="([^"]*)" id="print-button">Cetak</a>', page)
    assert button is not None
    printed = client.get("/cities/61.72/" + button.group(1).replace("&amp;", "&")).content.decode()
    assert '<body class="print-layout">' in printed
    assert re.search(r'<script src="/static/js/print\.js[^"]*" defer></script>', printed)
    assert "<script>" not in printed
    assert "per 12 Juni 2025" in printed  # the same date as the page it was printed from
    assert "print-layout" not in page.split("<body", 1)[1][:40]
    css = client.get("/ucj/bands.css").content.decode()
    assert f".bar-chart .band-{UcjBand.objects.first().pk} {{ fill:" in css
