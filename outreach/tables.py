"""The gap breakdown table (django-tables2, like the UCJ table) and its export columns."""

from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from config.formatting import format_number
from regions.tables import FiguresTable, figure_column, name_column, number_cell, region_link

GAP_CSV_HEADER = [
    "city_code",
    "city_name",
    "uncovered_pu",
    "uncovered_bpu",
    "pds_workers",
    "pwbd_workers",
    "pu_unexplained",
    "employers_in_arrears",
    "workers_at_stake",
]


def export_row(row):
    """Machine values for CSV/XLSX: plain digits, None (an empty cell) where the potential is unknown."""
    return [row.code, row.name, *(getattr(row, name) for name in GAP_CSV_HEADER[2:])]


def _unexplained_cell(row):
    value = format_number(row.pu_unexplained)
    if not row.explained_exceeds_gap:
        return value
    return format_html(
        '{} <span class="flag" title="{}">⚠</span> <small class="muted">{}</small>',
        value,
        _("PDS + PWBD melebihi kesenjangan PU: periksa potensi tenaga kerja atau laporan perusahaan."),
        _("PDS + PWBD melebihi kesenjangan"),
    )


GAP_NUMBERS = ("uncovered_pu", "uncovered_bpu", "pds_workers", "pwbd_workers", "employers_in_arrears", "workers_at_stake")
GAP_CELLS = {
    "name": region_link,
    "pu_unexplained": _unexplained_cell,
    **{name: number_cell(name) for name in GAP_NUMBERS},
}


class GapTable(FiguresTable):
    cells = GAP_CELLS
    name = name_column(_("Total"))
    uncovered_pu = figure_column(_("Belum terlindungi PU"), "uncovered_pu")
    uncovered_bpu = figure_column(_("Belum terlindungi BPU"), "uncovered_bpu")
    pds_workers = figure_column(_("Belum didaftarkan perusahaan terdaftar (PDS)"), "pds_workers")
    pwbd_workers = figure_column(_("Pekerja perusahaan belum daftar (PWBD)"), "pwbd_workers")
    pu_unexplained = figure_column(_("Sisa PU belum terjelaskan"), "pu_unexplained")
    employers_in_arrears = figure_column(_("Perusahaan menunggak iuran"), "employers_in_arrears")
    workers_at_stake = figure_column(_("Pekerja terancam nonaktif"), "workers_at_stake")

    class Meta(FiguresTable.Meta):
        attrs = {"class": "data gap"}
