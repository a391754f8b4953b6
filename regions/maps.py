"""Choropleth maps of the regencies/cities, drawn on the server as inline SVG.

A view passes per-city data (`Cell`s); `choropleth()` projects the boundaries kept in regions/geo/ (loaded once
per process) and returns drawable geometry (`MapGeometry`); templates/regions/map.html draws it. Colours come
only from CSS classes (strict CSP: no inline styles, no scripts); the UCJ band fills are served as CSS by
`band_fill_rules()`, the pace colours are fixed in static/css/jangkau.css.

Projection: equirectangular, x scaled by cos(mid-latitude), y flipped, on an integer pixel grid. Outlines are
written as relative path commands; rings that shrink below one square pixel are dropped (never a regency's last
one), which keeps the national map near 120 KB of path data.
"""

import datetime as dt
import functools
import gzip
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from math import cos, radians
from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.formatting import format_number, format_percent
from regions.models import City
from regions.ucj import pace

ATTRIBUTION = (
    "Boundaries: © BPS – Statistics Indonesia, via OCHA ROAP / HDX (2020), CC BY 3.0 IGO. "  # noqa: RUF001 -- verbatim
    "Simplified and re-keyed to Kemendagri codes."
)
SHAPES_FILE = Path(__file__).with_name("geo") / "regencies.json.gz"

OUT_OF_SCOPE = "out-of-scope"  # drawn grey, unlinked, name only: a city outside the user's scope
NO_DATA = "no-data"  # in scope, but no UCJ (no workforce estimate)
HIGHLIGHT = "highlight"  # the city a page is about: thicker outline, drawn last
PACE_REACHED = "pace-reached"
PACE_ON_TRACK = "pace-on-track"
PACE_AT_RISK = "pace-at-risk"
PACE_OFF_TRACK = "pace-off-track"
PACE_UNKNOWN = "pace-unknown"

MARGIN = 0.03  # of the extent's larger side, around the framed cities
MIN_RING_AREA = 1.0  # square pixels; smaller rings are invisible at that scale
FALLBACK_DECIMALS = (1, 2, 3)  # finer grids tried for a regency whose every ring fell below one pixel
_HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class Cell:
    """What the view knows about one city: its colour class, its page (None: not linked) and its tooltip."""

    code: str
    name: str
    css_class: str = NO_DATA
    url: str | None = None
    title: str = ""  # tooltip; the name when empty


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    d: str
    css_class: str
    href: str | None
    title: str


@dataclass(frozen=True)
class LegendItem:
    css_class: str
    label: str
    min_percent: Decimal | None = None  # shown as "≥ 20,00 %" before the label


@dataclass(frozen=True)
class MapGeometry:
    view_box: str
    width: int
    height: int
    shapes: list[Shape]
    borders: str = ""  # one path: the land borders between provinces
    label: str = ""  # the accessible name of the map
    legend: list[LegendItem] = field(default_factory=list)
    attribution: str = ATTRIBUTION

    @property
    def has_out_of_scope(self):
        return any(shape.css_class == OUT_OF_SCOPE for shape in self.shapes)


@dataclass(frozen=True)
class _Ring:
    points: tuple  # ((lon, lat), ...) without the closing point
    bbox: tuple  # (min lon, min lat, max lon, max lat)
    area: float  # deg², unsigned


@dataclass(frozen=True)
class _Boundaries:
    regencies: dict  # code -> [_Ring], sorted by code (a kota is drawn after the kabupaten around it)
    bboxes: dict  # code -> bbox
    borders: list  # [_Ring] as open polylines (area 0)


def _bbox(points):
    xs = [x for x, _y in points]
    ys = [y for _x, y in points]
    return min(xs), min(ys), max(xs), max(ys)


def _union(boxes):
    boxes = list(boxes)
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def _overlaps(a, b):
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _area(points):
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True))) / 2


@functools.cache
def boundaries():
    """The shapes of regions/geo/regencies.json.gz, read once per process."""
    with gzip.open(SHAPES_FILE, "rt", encoding="utf-8") as file:
        data = json.load(file)
    regencies, bboxes = {}, {}
    for code, polygons in sorted(data["regencies"].items()):
        rings = []
        for polygon in polygons:
            for ring in polygon:
                points = tuple(tuple(point) for point in ring[:-1])
                rings.append(_Ring(points, _bbox(points), _area(points)))
        regencies[code] = rings
        bboxes[code] = _union(ring.bbox for ring in rings)
    borders = [_Ring(tuple(map(tuple, line)), _bbox(line), 0.0) for line in data["province_borders"]]
    return _Boundaries(regencies, bboxes, borders)


def shape_codes():
    """Every Kemendagri code that has a shape."""
    return set(boundaries().regencies)


class _Projection:
    def __init__(self, box, width, max_height):
        min_lon, min_lat, max_lon, max_lat = box
        pad = max(max_lon - min_lon, max_lat - min_lat, 0.05) * MARGIN
        self.min_lon, self.max_lat = min_lon - pad, max_lat + pad
        span_lon, span_lat = max_lon - min_lon + 2 * pad, max_lat - min_lat + 2 * pad
        self.k = cos(radians((min_lat + max_lat) / 2))
        self.scale = min(width / (span_lon * self.k), max_height / span_lat)
        self.width = round(span_lon * self.k * self.scale)
        self.height = round(span_lat * self.scale)
        self.box = (self.min_lon, self.max_lat - span_lat, self.min_lon + span_lon, self.max_lat)

    def grid(self, points, decimals):
        """Points on a grid of 10**-decimals px, consecutive duplicates dropped."""
        factor = self.scale * 10**decimals
        result = []
        for lon, lat in points:
            point = (round((lon - self.min_lon) * self.k * factor), round((self.max_lat - lat) * factor))
            if not result or point != result[-1]:
                result.append(point)
        return result


def _number(value, decimals):
    if not decimals:
        return str(value)
    return f"{value / 10**decimals:.{decimals}f}".rstrip("0").rstrip(".")


def _path(points, decimals, *, closed):
    """`M x y l dx dy ...` (relative moves are short, and exact on the grid)."""
    x, y = points[0]
    numbers = []
    for nx, ny in points[1:]:
        numbers += [_number(nx - x, decimals), _number(ny - y, decimals)]
        x, y = nx, ny
    moves = "".join(n if n.startswith("-") else f" {n}" for n in numbers).lstrip()
    return f"M{_number(points[0][0], decimals)} {_number(points[0][1], decimals)}l{moves}{'z' if closed else ''}"


def _ring_path(projection, ring, decimals=0):
    points = projection.grid(ring.points, decimals)
    if len(points) > 1 and points[-1] == points[0]:
        points.pop()
    if len(points) < 3 or _area(points) / 100**decimals < MIN_RING_AREA:
        return None
    return _path(points, decimals, closed=True)


def _regency_path(projection, rings):
    visible = [ring for ring in rings if _overlaps(ring.bbox, projection.box)]
    paths = [path for ring in visible if (path := _ring_path(projection, ring))]
    if paths or not visible:
        return "".join(paths)
    # Every ring is below a pixel (a small kota on the national map): keep its largest ring on a finer grid.
    largest = max(visible, key=lambda ring: ring.area)
    for decimals in FALLBACK_DECIMALS:
        points = projection.grid(largest.points, decimals)
        if len(points) >= 3:
            return _path(points, decimals, closed=True)
    return ""


@functools.lru_cache(maxsize=32)
def _frame(extent, width, max_height):
    """Projected outlines of every regency inside the box framing `extent` (a sorted tuple of codes)."""
    shapes = boundaries()
    projection = _Projection(_union(shapes.bboxes[code] for code in extent), width, max_height)
    paths = {}
    for code, rings in shapes.regencies.items():
        if _overlaps(shapes.bboxes[code], projection.box) and (path := _regency_path(projection, rings)):
            paths[code] = path
    borders = []
    for line in shapes.borders:
        if _overlaps(line.bbox, projection.box) and len(points := projection.grid(line.points, 0)) > 1:
            borders.append(_path(points, 0, closed=False))
    return projection.width, projection.height, paths, "".join(borders)


def choropleth(cells, *, extent_codes=None, highlight=(), label="", legend=(), width=1000, max_height=None):
    """Geometry of a map colouring `cells` (the user's cities), framed on `extent_codes` (default: the cells).

    Every regency inside the frame is drawn; those not among `cells` are out of the user's scope: grey, no link,
    their name as the only tooltip. `highlight` (codes) get a thicker outline and are drawn last. The SVG fits in
    `width` x `max_height` (default: square) user units; the page scales it to its container.
    """
    shapes = boundaries()
    cells = {cell.code: cell for cell in cells if cell.code in shapes.regencies}
    extent = sorted(code for code in (cells if extent_codes is None else extent_codes) if code in shapes.regencies)
    w, h, paths, borders = _frame(tuple(extent or shapes.regencies), width, max_height or width)
    outside = [code for code in paths if code not in cells]
    names = dict(City.objects.filter(code__in=outside).values_list("code", "name")) if outside else {}
    highlight = {highlight} if isinstance(highlight, str) else set(highlight)
    layers = ([], [], [])  # out of scope, in scope, highlighted: the highlight's outline is not hidden by neighbours
    for code, d in paths.items():
        cell = cells.get(code)
        if cell is None:
            name = names.get(code, code)
            layers[0].append(Shape(code, name, d, OUT_OF_SCOPE, None, name))
        elif code in highlight:
            css_class = f"{cell.css_class} {HIGHLIGHT}"
            layers[2].append(Shape(code, cell.name, d, css_class, cell.url or None, cell.title or cell.name))
        else:
            layers[1].append(Shape(code, cell.name, d, cell.css_class, cell.url or None, cell.title or cell.name))
    return MapGeometry(f"0 0 {w} {h}", w, h, [*layers[0], *layers[1], *layers[2]], borders, str(label), list(legend))


# UCJ bands -----------------------------------------------------------------------------------------------------


def band_class(band):
    """The CSS class of a UCJ band (`Coverage.band`); NO_DATA when the UCJ is unknown."""
    return f"band-{band.pk}" if band is not None else NO_DATA


def band_fill_rules(bands, containers=("map",)):
    """CSS fills of the UCJ bands inside SVG drawings (`.map .band-3 { fill: #aabbcc; }`), one rule per container
    class (the map, the bar charts), to serve with `.band-N`; a colour that is not #RRGGBB is left out."""
    return "\n".join(
        f".{container} .band-{band.pk} {{ fill: {band.colour}; }}"
        for band in bands
        if _HEX_COLOUR.match(band.colour or "")
        for container in containers
    )


def band_legend(bands):
    return [LegendItem(f"band-{band.pk}", band.label, band.min_percent) for band in bands]


# Pace towards the target ---------------------------------------------------------------------------------------

PACE_LABELS = {
    PACE_REACHED: gettext_lazy("target tercapai"),
    PACE_ON_TRACK: gettext_lazy("sesuai laju, tercapai tahun ini"),
    PACE_AT_RISK: gettext_lazy("berisiko, tercapai setelah tahun ini"),
    PACE_OFF_TRACK: gettext_lazy("tidak tercapai dengan laju saat ini"),
    PACE_UNKNOWN: gettext_lazy("tanpa data"),
}


def pace_class(reach_date, reach_state, *, as_of):
    """The map class of `regions.ucj.pace(row, as_of=as_of)`'s result.

    The target is a yearly one (the workforce estimate's `target_percent` for the as-of year), so:
    - "reached"                                       -> pace-reached
    - "on_pace", reached by 31 December of as_of.year -> pace-on-track
    - "on_pace", reached only in a later year         -> pace-at-risk (this year's target is missed at this pace)
    - "not_at_this_pace" (no growth, or > 50 years)   -> pace-off-track
    - "unknown" (no target, potential or history)     -> pace-unknown
    """
    if reach_state == "reached":
        return PACE_REACHED
    if reach_state == "on_pace" and reach_date is not None:
        return PACE_ON_TRACK if reach_date <= dt.date(as_of.year, 12, 31) else PACE_AT_RISK
    if reach_state == "not_at_this_pace":
        return PACE_OFF_TRACK
    return PACE_UNKNOWN


def pace_legend():
    return [LegendItem(css_class, label) for css_class, label in PACE_LABELS.items()]


# From UCJ rows to cells -----------------------------------------------------------------------------------------


def coverage_title(row):
    """Tooltip of one city: name, UCJ and the counts it comes from."""
    if row.ucj_percent is None:
        return _("%(name)s — UCJ belum diketahui (%(active)s peserta aktif)") % {
            "name": row.name,
            "active": format_number(row.active_total),
        }
    return _("%(name)s — UCJ %(ucj)s (%(active)s aktif dari potensi %(potential)s)") % {
        "name": row.name,
        "ucj": format_percent(row.ucj_percent),
        "active": format_number(row.active_total),
        "potential": format_number(row.potential_total),
    }


def coverage_cells(rows, *, colour="band", as_of=None, link=True):
    """Cells of per-city `regions.ucj.Coverage` rows (not roll-ups), coloured by UCJ band or, with
    colour="pace" (needs as_of), by pace towards this year's target; each linked to its city page."""
    cells = []
    for row in rows:
        css_class = pace_class(*pace(row, as_of=as_of), as_of=as_of) if colour == "pace" else band_class(row.band)
        url = reverse("city", args=[row.code]) if link else None
        cells.append(Cell(row.code, row.name, css_class, url, coverage_title(row)))
    return cells
