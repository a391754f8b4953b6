"""Charts of the region pages drawn on the server as inline SVG: numbers in, drawable geometry out.

A view passes figures; these functions return coordinates (user units of the SVG's viewBox) and CSS classes;
templates/regions/*.html draw them. Colours come from CSS classes or presentation attributes (strict CSP: no
style attributes, no scripts); the UCJ band fills of bar charts are served with the bands CSS
(`regions.maps.band_fill_rules`). Numbers stay numbers here: the templates format them the Indonesian way.
"""

import math
import re
from dataclasses import dataclass
from decimal import Decimal

BAR_CHART = "bar-chart"  # class of the bar charts' <svg>: the band fills are served for it


# Trend: UCJ per month end ---------------------------------------------------------------------------------------


def trend_chart(series, target):
    """Geometry of the trend chart: `series` is [(month end, active, UCJ % or None)], `target` a UCJ % or None."""
    width, height, left, bottom = 640, 220, 40, 30
    values = [float(p) for _d, _a, p in series if p is not None]
    top = max([*values, float(target or 0), 1.0]) * 1.15
    step = (width - left - 10) / max(len(series) - 1, 1)

    def y(value):
        return round(height - bottom - (value / top) * (height - bottom - 10), 1)

    points = [(round(left + i * step, 1), y(float(p)), d, a, p) for i, (d, a, p) in enumerate(series) if p is not None]
    ticks = [(y(v), v) for v in (0, round(top / 2), round(top))]
    last = len(series) - 1
    labels = [(round(left + i * step, 1), d) for i, (d, _a, _p) in enumerate(series) if (last - i) % 6 == 0 and i != last]
    return {
        "width": width,
        "height": height,
        "left": left,
        "baseline": height - bottom,
        "polyline": " ".join(f"{x},{yy}" for x, yy, *_rest in points),
        "points": points,
        "ticks": ticks,
        "labels": labels,
        "target_y": y(float(target)) if target else None,
    }


# Horizontal bars: a ranking of cities, or a city beside its province and kanwil ----------------------------------


@dataclass(frozen=True)
class BarItem:
    """One bar as a view knows it: a label, a UCJ % (None: unknown, not drawn), an optional target %, the bar's
    CSS class (a UCJ band), an optional link and tooltip."""

    label: str
    value: Decimal | None
    target: Decimal | None = None
    css_class: str = ""
    url: str = ""
    title: str = ""


@dataclass(frozen=True)
class Bar:
    label: str  # shortened to fit the label column; `title` keeps the full text
    title: str
    value: Decimal
    target: Decimal | None
    css_class: str
    url: str
    rank: int  # 1 = highest UCJ
    row_y: float  # top of the row (the whole row is the link's target)
    y: float  # top of the bar
    text_y: float  # baseline of the row's texts
    width: float
    target_x: float | None
    tick_top: float  # the target tick juts out of the bar
    tick_bottom: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int  # where the bars start (labels end just before)
    label_x: int  # right end of the labels
    value_x: int  # right end of the values column
    row_height: int
    bar_height: int
    bars: list[Bar]
    ticks: list[tuple[float, int]]  # (x, percent) of the vertical grid lines
    axis_y: float  # baseline of the tick labels
    plot_bottom: float
    gap_y: float | None = None  # where the "… n more …" row sits when the middle of a ranking is left out
    shown: int = 0
    ranked: int = 0  # items with a known UCJ
    left_out: int = 0  # ranked items not drawn (the middle of a long ranking)
    unknown: int = 0  # items without a UCJ (no workforce estimate): never drawn
    total: int = 0
    has_target: bool = False


RANKING_ALL_UP_TO = 60  # a Kanwil (Kalimantan: 56 regencies/cities) fits whole; the nation does not
RANKING_ENDS = 20  # beyond that: the highest and the lowest this many
LABEL_CHARS = 27  # what fits the ranking's 180-unit label column at 12 units a letter


def short_label(name, limit=LABEL_CHARS):
    """'Kabupaten Kepulauan Siau Tagulandang Biaro' -> 'Kab. Kepulauan Siau…' (cut at a word; the tooltip keeps
    the whole name)."""
    text = re.sub(r"^Kabupaten ", "Kab. ", name)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and cut.rfind(" ") > limit // 2:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip() + "…"


def _scale_top(values):
    """The axis' right end: the largest value rounded up to a tidy step (at least 10 %)."""
    largest = max([float(v) for v in values] + [10.0])
    step = 10 if largest <= 100 else 50
    return int(math.ceil(largest / step) * step)


def _tick_step(top):
    for step in (5, 10, 20, 25, 50, 100):
        if top / step <= 6:
            return step
    return int(math.ceil(top / 6 / 100) * 100)


def bar_chart(
    items,
    *,
    ranked=False,
    all_up_to=RANKING_ALL_UP_TO,
    ends=RANKING_ENDS,
    width=560,
    label_width=180,
    row_height=20,
    bar_height=13,
):
    """Horizontal UCJ bars of `items` (BarItem), each with its target as a tick.

    ranked=True sorts them by UCJ, highest first (then by label), and when there are more than `all_up_to`, keeps
    the `ends` highest and the `ends` lowest with a gap row between them. Items with an unknown UCJ are counted in
    `unknown`, never drawn.
    """
    items = list(items)
    known = [item for item in items if item.value is not None]
    if ranked:
        known.sort(key=lambda item: (-item.value, item.label))
    ranks = list(enumerate(known, start=1))
    left_out = 0
    if ranked and len(ranks) > all_up_to:
        left_out = len(ranks) - 2 * ends
        ranks = [*ranks[:ends], None, *ranks[-ends:]]
    top_margin, axis_room, value_room = 6, 22, 66
    plot_width = width - label_width - value_room
    top = _scale_top([item.value for item in known] + [item.target for item in known if item.target is not None])

    def x(value):
        return round(label_width + float(value) / top * plot_width, 1)

    bars, gap_y = [], None
    for row, ranked_item in enumerate(ranks):
        y = top_margin + row * row_height
        if ranked_item is None:
            gap_y = y + row_height / 2 + 4
            continue
        rank, item = ranked_item
        bar_width = max(round(x(min(item.value, top)) - label_width, 1), 0)
        bars.append(
            Bar(
                label=short_label(item.label, int((label_width - 6) / 6.3)),
                title=item.title or item.label,
                value=item.value,
                target=item.target,
                css_class=item.css_class,
                url=item.url,
                rank=rank,
                row_y=y,
                y=y + (row_height - bar_height) / 2,
                text_y=y + row_height / 2 + 4,
                width=bar_width,
                target_x=x(min(item.target, top)) if item.target is not None else None,
                tick_top=y + 1,
                tick_bottom=y + row_height - 1,
            )
        )
    plot_bottom = top_margin + len(ranks) * row_height
    step = _tick_step(top)
    return BarChart(
        width=width,
        height=int(plot_bottom + axis_room),
        left=label_width,
        label_x=label_width - 6,
        value_x=width - 4,
        row_height=row_height,
        bar_height=bar_height,
        bars=bars,
        ticks=[(x(value), value) for value in range(0, top + 1, step)],
        axis_y=plot_bottom + 15,
        plot_bottom=plot_bottom,
        gap_y=gap_y,
        shown=len(bars),
        ranked=len(known),
        left_out=left_out,
        unknown=len(items) - len(known),
        total=len(items),
        has_target=any(bar.target_x is not None for bar in bars),
    )


# Waterfall: how a percentage moved from one month to the next ------------------------------------------------------


@dataclass(frozen=True)
class Step:
    label: str
    value: Decimal  # the step's change (or, for the ends, the level)
    x: float
    y: float
    height: float
    css_class: str  # "level", "up" or "down"
    is_level: bool


def waterfall_chart(start, steps, end, *, labels=("", ""), width=560, height=200):
    """Geometry of a waterfall from `start` to `end` (percentages) through `steps` [(label, change)], whose
    changes add up to end - start; the ends are drawn as levels from the axis' floor (a little below the lower
    level, so small changes stay visible), each step as a floating bar."""
    running, tops = Decimal(start), [Decimal(start), Decimal(end)]
    for _label, change in steps:
        running += Decimal(change)
        tops.append(running)
    # zoomed to the levels' neighbourhood: a month's change is a fraction of a point on a level of 20-50 %
    span = max(max(tops) - min(tops), Decimal("0.2"))
    low = max(Decimal(0), min(tops) - 2 * span) if min(tops) >= 0 else min(tops) - span
    high = max(tops) + span / 2
    left, bottom, column = 10, 34, (width - 20) / (len(steps) + 2)

    def y(value):
        return round(float((high - Decimal(value)) / (high - low)) * (height - bottom - 10) + 10, 1)

    bars, running = [], Decimal(start)
    bars.append(Step(labels[0], Decimal(start), left, y(start), round(y(low) - y(start), 1), "level", True))
    for index, (label, change) in enumerate(steps, start=1):
        change = Decimal(change)
        top, base = max(running, running + change), min(running, running + change)
        bars.append(
            Step(
                label,
                change,
                round(left + index * column, 1),
                y(top),
                max(round(y(base) - y(top), 1), 1),
                "up" if change >= 0 else "down",
                False,
            )
        )
        running += change
    bars.append(
        Step(
            labels[1], Decimal(end), round(left + (len(steps) + 1) * column, 1), y(end), round(y(low) - y(end), 1), "level", True
        )
    )
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "bar_width": round(column * 0.6, 1),
        "baseline": y(low),
        "label_y": height - 18,
    }
