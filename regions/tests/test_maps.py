"""UCJ choropleth: one shape per regency, framing and scope, a CSP-safe partial, page weight, fills and pace."""

import datetime as dt
import re
from collections import Counter
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string

from regions import maps
from regions.models import City, UcjBand
from regions.ucj import Coverage, pace

pytestmark = pytest.mark.django_db

KALIMANTAN = ("61", "62", "63", "64", "65")
# Rendered national partial (514 linked cities with a realistic tooltip): measured ~200 KB, path data ~109 KB.
NATIONAL_PARTIAL_MAX_BYTES = 250_000
NATIONAL_PATH_MAX_BYTES = 150_000


def cells_of(cities, *, css_class="band-1", linked=True):
    return [
        maps.Cell(
            code=city.code,
            name=city.name,
            css_class=css_class,
            url=f"/cities/{city.code}/" if linked else None,
            title=f"{city.name} — UCJ 22,78 % (16.684 aktif dari potensi 73.236)",
        )
        for city in cities
    ]


def in_scope(geometry):
    return [shape for shape in geometry.shapes if shape.css_class != maps.OUT_OF_SCOPE]


def out_of_scope(geometry):
    return [shape for shape in geometry.shapes if shape.css_class == maps.OUT_OF_SCOPE]


def test_every_city_has_exactly_one_shape_and_every_shape_one_city(reference_regions):
    codes = set(City.objects.values_list("code", flat=True))
    assert len(codes) == 514
    assert maps.shape_codes() == codes  # no city without a shape, no shape without a city

    geometry = maps.choropleth(cells_of(City.objects.all()))

    drawn = Counter(shape.code for shape in geometry.shapes)
    assert set(drawn) == codes
    assert set(drawn.values()) == {1}
    assert all(re.fullmatch(r"(M[-\d. ]+l[-\d. ]+z)+", shape.d) for shape in geometry.shapes)
    assert not out_of_scope(geometry)


def test_kalimantan_frames_its_56_cities_and_greys_only_neighbours_inside_the_box(reference_regions):
    kalimantan = City.objects.filter(province_id__in=KALIMANTAN)
    geometry = maps.choropleth(cells_of(kalimantan))

    assert sorted(shape.code for shape in in_scope(geometry)) == sorted(city.code for city in kalimantan)
    assert len(in_scope(geometry)) == 56
    boxes = maps.boundaries().bboxes
    west = min(boxes[city.code][0] for city in kalimantan)
    east = max(boxes[city.code][2] for city in kalimantan)
    south = min(boxes[city.code][1] for city in kalimantan)
    north = max(boxes[city.code][3] for city in kalimantan)
    pad = max(east - west, north - south) * maps.MARGIN
    grey = {shape.code for shape in out_of_scope(geometry)}
    for code in grey:
        x0, y0, x1, y1 = boxes[code]
        assert x0 <= east + pad, code
        assert x1 >= west - pad, code
        assert y0 <= north + pad, code
        assert y1 >= south - pad, code
    # Natuna (Kepulauan Riau) and Sulawesi Barat reach into the box; Java and Sumatra do not.
    assert {"21.03", "76.01"} <= grey
    assert not grey & {"31.71", "32.73", "12.71", "73.71"}
    assert not any(code[:2] in KALIMANTAN for code in grey)


def test_out_of_scope_city_is_grey_unlinked_and_shows_only_its_name(reference_regions, django_assert_num_queries):
    kalbar = list(City.objects.filter(province_id="61"))
    scope = cells_of(City.objects.filter(code__in=["61.72", "61.01"]))

    with django_assert_num_queries(1):  # the names of the grey cities, once
        geometry = maps.choropleth(scope, extent_codes=[city.code for city in kalbar], highlight={"61.72"})

    by_code = {shape.code: shape for shape in geometry.shapes}
    pontianak = by_code["61.71"]
    assert pontianak.css_class == maps.OUT_OF_SCOPE
    assert pontianak.href is None
    assert pontianak.title == "Kota Pontianak"
    assert geometry.has_out_of_scope
    singkawang = by_code["61.72"]
    assert singkawang.href == "/cities/61.72/"
    assert singkawang.css_class.split() == ["band-1", maps.HIGHLIGHT]
    assert geometry.shapes[-1] is singkawang  # drawn last: its outline is not covered by neighbours

    html = render_to_string("regions/map.html", {"map": geometry})
    assert '<a href="/cities/61.71/"' not in html
    assert "<title>Kota Pontianak</title></path>" in html
    assert '<a href="/cities/61.72/" tabindex="-1"><title>Kota Singkawang — UCJ 22,78 %' in html


def test_map_without_grey_cities_needs_no_query(reference_regions, django_assert_num_queries):
    cells = cells_of(City.objects.all())
    with django_assert_num_queries(0):
        geometry = maps.choropleth(cells)
    assert len(in_scope(geometry)) == 514


def test_partial_is_csp_safe_printable_and_credits_the_boundaries(reference_regions):
    bands = list(UcjBand.objects.all())
    cells = cells_of(City.objects.filter(province_id="61"))
    cells[0] = maps.Cell(cells[0].code, cells[0].name, "no-data", None, 'Kab. "<script>alert(1)</script>"')
    geometry = maps.choropleth(
        cells[:5], extent_codes=[cell.code for cell in cells], label="Peta UCJ Kalimantan Barat", legend=maps.band_legend(bands)
    )

    html = render_to_string("regions/map.html", {"map": geometry})

    assert "style=" not in html.lower()
    assert "<style" not in html.lower()
    assert "<script" not in html.lower()
    assert "javascript:" not in html.lower()
    assert '<figure class="map">' in html
    assert 'role="img" aria-label="Peta UCJ Kalimantan Barat"' in html
    assert f'viewBox="{geometry.view_box}"' in html
    assert html.count('fill-rule="evenodd"') == len(geometry.shapes)
    assert html.count("<a href=") == sum(1 for shape in geometry.shapes if shape.href)
    assert "<figcaption>" + maps.ATTRIBUTION in html
    assert "© BPS – Statistics Indonesia, via OCHA ROAP / HDX (2020), CC BY 3.0 IGO" in html  # noqa: RUF001
    for band in bands:
        assert f'class="band-{band.pk}"' in html  # a legend swatch per band
    assert 'class="out-of-scope"' in html  # and one for the grey cities
    assert 'class="province-border"' in html


def test_empty_geometry_renders_nothing():
    assert render_to_string("regions/map.html", {"map": None}).strip() == ""


def test_national_map_page_weight_stays_bounded(reference_regions):
    geometry = maps.choropleth(cells_of(City.objects.all()), legend=maps.band_legend(UcjBand.objects.all()))
    html = render_to_string("regions/map.html", {"map": geometry})

    path_bytes = sum(len(shape.d) for shape in geometry.shapes) + len(geometry.borders)
    assert path_bytes < NATIONAL_PATH_MAX_BYTES
    assert len(html.encode()) < NATIONAL_PARTIAL_MAX_BYTES
    assert geometry.width == 1000
    assert 300 < geometry.height < 500  # Indonesia is wide: the aspect follows the country


def test_tall_extent_fits_the_height_and_keeps_its_aspect(reference_regions):
    jakarta = City.objects.filter(province_id="31")
    geometry = maps.choropleth(cells_of(jakarta))
    assert geometry.height == 1000
    assert 500 < geometry.width < 1000
    assert geometry.view_box == f"0 0 {geometry.width} {geometry.height}"


def test_band_fill_rules_give_each_band_its_colour_and_refuse_anything_else(reference_regions):
    bands = list(UcjBand.objects.all())
    hostile = SimpleNamespace(pk=99, colour="red; } body { display: none")

    rules = maps.band_fill_rules([*bands, hostile])

    for band in bands:
        assert f".map .band-{band.pk} {{ fill: {band.colour}; }}" in rules
    assert "band-99" not in rules
    assert "body" not in rules


def coverage(*, target, active, year_ago, potential=1000):
    return Coverage(
        code="61.72",
        name="Kota Singkawang",
        active_pu=active,
        potential_pu=potential,
        potential_bpu=0 if potential is not None else None,
        target_percent=None if target is None else Decimal(target),
        active_12m_ago=year_ago,
    )


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (coverage(target="10", active=100, year_ago=50), maps.PACE_REACHED),
        # 10 more needed at 5 a month: August 2025, within the target year
        (coverage(target="10", active=90, year_ago=30), maps.PACE_ON_TRACK),
        # 60 more needed at 1 a month: 2030, after this year's target
        (coverage(target="10", active=40, year_ago=28), maps.PACE_AT_RISK),
        (coverage(target="10", active=40, year_ago=45), maps.PACE_OFF_TRACK),
        (coverage(target=None, active=40, year_ago=28), maps.PACE_UNKNOWN),
        (coverage(target="10", active=40, year_ago=28, potential=None), maps.PACE_UNKNOWN),
    ],
)
def test_pace_class_compares_the_reach_date_with_the_end_of_the_target_year(row, expected):
    as_of = dt.date(2025, 6, 30)
    assert maps.pace_class(*pace(row, as_of=as_of), as_of=as_of) == expected


def test_pace_class_boundary_is_the_last_day_of_the_year():
    as_of = dt.date(2025, 3, 31)
    assert maps.pace_class(dt.date(2025, 12, 31), "on_pace", as_of=as_of) == maps.PACE_ON_TRACK
    assert maps.pace_class(dt.date(2026, 1, 1), "on_pace", as_of=as_of) == maps.PACE_AT_RISK


def test_coverage_cells_colour_link_and_explain_each_city(reference_regions):
    bands = list(UcjBand.objects.all())
    row = Coverage(code="61.72", name="Kota Singkawang", active_pu=16684, potential_pu=73236, potential_bpu=0, bands=bands)
    unknown = Coverage(code="61.71", name="Kota Pontianak", active_pu=5, bands=bands)

    by_band, no_data = maps.coverage_cells([row, unknown])
    (by_pace,) = maps.coverage_cells([row], colour="pace", as_of=dt.date(2025, 6, 30))

    assert by_band.css_class == f"band-{row.band.pk}"
    assert by_band.url == "/cities/61.72/"
    assert "22,78 %" in by_band.title
    assert "16.684" in by_band.title
    assert "73.236" in by_band.title
    assert no_data.css_class == maps.NO_DATA
    assert "22,78" not in no_data.title
    assert by_pace.css_class == maps.PACE_UNKNOWN  # no target, no history
