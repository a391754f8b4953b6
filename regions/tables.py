"""The coverage table (django-tables2) and its export columns."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from config.formatting import format_number, format_percent

UCJ_CSV_HEADER = [
    "city_code",
    "city_name",
    "province_code",
    "active_pu",
    "active_bpu",
    "active_total",
    "potential_pu",
    "potential_bpu",
    "potential_total",
    "ucj_percent",
    "ucj_pu_percent",
    "ucj_bpu_percent",
    "gap",
    "target_percent",
]


def export_row(row):
    """Machine values for CSV/XLSX: plain digits, `.` decimals, None for unknown."""
    return [getattr(row, "code" if name == "city_code" else "name" if name == "city_name" else name) for name in UCJ_CSV_HEADER]


NUMBER_CELL = {"td": {"class": "num"}, "th": {"class": "num"}, "tf": {"class": "num"}}
NUMBERS = ("active_pu", "active_bpu", "active_total", "potential_total", "gap")
PERCENTS = ("ucj_pu_percent", "ucj_bpu_percent")


def _sortable(value):
    """Unknown figures sort below every known one."""
    return (value is not None, value or 0)


def _ucj_cell(row):
    if row.ucj_percent is None:
        return format_html('<span class="muted">{}</span>', _("belum ada data potensi"))
    band = row.band
    flag = ""
    if row.over_potential:
        flag = format_html(' <span class="flag" title="{}">⚠</span>', _("Peserta aktif melebihi potensi: periksa data"))
    bar = ""
    if row.target_progress is not None:
        title = _("%(p)s dari target %(t)s") % {"p": format_percent(row.ucj_percent), "t": format_percent(row.target_percent)}
        bar = format_html('<progress class="target" max="100" value="{}" title="{}"></progress>', row.target_progress, title)
    return format_html(
        '<span class="band-dot band-{}"></span>{}{}{}', band.pk if band else 0, format_percent(row.ucj_percent), flag, bar
    )


def region_link(row):
    """A row's name linking to its city page, or to the filter a roll-up row sets in `url`."""
    url = row.url or reverse("city", args=[row.code])
    return format_html('<a href="{}">{}</a> <small class="muted">{}</small>', url, row.name, row.code)


def number_cell(name):
    return lambda row: format_number(getattr(row, name))


def percent_cell(name):
    return lambda row: format_percent(getattr(row, name))


def _change_cell(row):
    change = row.change_12m
    return "" if change is None else f"{'+' if change > 0 else ''}{format_number(change)}"


UCJ_CELLS = {
    "name": region_link,
    "ucj_percent": _ucj_cell,
    "change_12m": _change_cell,
    **{name: number_cell(name) for name in NUMBERS},
    **{name: percent_cell(name) for name in PERCENTS},
}


class DisplayRow:
    """A figures row as a table sees it: formatted text per column (`cells`: column -> formatter),
    formatted only when a cell of the current page is drawn, and a raw `<column>_sort` value for
    ordering every row."""

    def __init__(self, row, cells):
        self.row = row
        self.cells = cells

    def __getattr__(self, name):
        if name in ("row", "cells"):
            raise AttributeError(name)
        if name.endswith("_sort"):
            field = name.removesuffix("_sort")
            return self.row.name if field == "name" else _sortable(getattr(self.row, field))
        try:
            cell = self.cells[name]
        except KeyError:
            raise AttributeError(name) from None
        return cell(self.row)


def _total_cell(table, bound_column):
    return getattr(table.totals, bound_column.name)


def figure_column(label, name, **kwargs):
    """A column showing the pre-formatted text of `name`, sorted by its raw value; its footer shows
    the table's totals row in the same format."""
    return tables.Column(
        verbose_name=label, accessor=name, order_by=f"{name}_sort", attrs=NUMBER_CELL, footer=_total_cell, **kwargs
    )


GROUP_COLUMN_LABELS = {"province": _("Provinsi"), "kanwil": _("Kanwil"), "office": _("Kantor cabang")}


def name_column(total_label):
    return tables.Column(verbose_name=_("Kabupaten/kota"), order_by=("name_sort",), footer=total_label)


class FiguresTable(tables.Table):
    """Figures rows (one per regency/city or roll-up) and, in the footer, their `totals` row. Cells are
    formatted once per row by `DisplayRow` (no per-cell render calls: 50 rows of 10 columns took ~90 ms
    through django-tables2's render hooks)."""

    cells = {}

    def __init__(self, rows, *, totals, grouping="", **kwargs):
        super().__init__([DisplayRow(row, self.cells) for row in rows], **kwargs)
        self.totals = DisplayRow(totals, self.cells)
        if grouping in GROUP_COLUMN_LABELS:  # rows are roll-ups: the first column is named after them
            self.columns["name"].column.verbose_name = GROUP_COLUMN_LABELS[grouping]
        self._td_html = None

    def cells_of(self, bound_row):
        """[(the cell's attributes as HTML, its text)] of a row. django-tables2's own row template works each
        cell's attributes out anew (a fifth of the time of drawing /bsu/); a figures column's are the same
        for every row, so they are worked out once. The texts are pre-formatted: never localized again."""
        if self._td_html is None:
            self._td_html = {column.name: column.attrs["td"].as_html() for column in self.columns}
        td_html = self._td_html
        return [(td_html[column.name], cell) for column, cell in bound_row.items()]

    class Meta:
        orderable = True
        template_name = "regions/table.html"
        empty_text = _("Tidak ada kabupaten/kota untuk filter ini.")


class CoverageTable(FiguresTable):
    cells = UCJ_CELLS
    name = name_column(_("Total (kab/kota dengan data potensi)"))
    active_pu = figure_column(_("Aktif PU"), "active_pu")
    active_bpu = figure_column(_("Aktif BPU"), "active_bpu")
    active_total = figure_column(_("Aktif total"), "active_total")
    potential_total = figure_column(_("Potensi"), "potential_total")
    ucj_percent = figure_column(_("UCJ"), "ucj_percent")
    ucj_pu_percent = figure_column(_("UCJ PU"), "ucj_pu_percent")
    ucj_bpu_percent = figure_column(_("UCJ BPU"), "ucj_bpu_percent")
    gap = figure_column(_("Belum terlindungi"), "gap")
    change_12m = figure_column(_("Perubahan 12 bulan"), "change_12m")

    class Meta(FiguresTable.Meta):
        attrs = {"class": "data ucj"}
