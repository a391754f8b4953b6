"""Template filters for Indonesian formatting: {{ n|angka }}, {{ p|persen }}, {{ m|rupiah }}."""

from django import template

from config.formatting import format_number, format_percent, format_rupiah

register = template.Library()
register.filter("angka", format_number)
register.filter("persen", format_percent)
register.filter("rupiah", format_rupiah)
register.filter("figure_cells", lambda row: row.table.cells_of(row))  # regions.tables.FiguresTable
