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


class NumberColumn(tables.Column):
    attrs = {"td": {"class": "num"}, "th": {"class": "num"}}

    def render(self, value):
        return format_number(value)


class PercentColumn(NumberColumn):
    def render(self, value):
        return format_percent(value)


class CoverageTable(tables.Table):
    name = tables.Column(verbose_name=_("Kabupaten/kota"), order_by=("name",))
    active_pu = NumberColumn(verbose_name=_("Aktif PU"))
    active_bpu = NumberColumn(verbose_name=_("Aktif BPU"))
    active_total = NumberColumn(verbose_name=_("Aktif total"))
    potential_total = NumberColumn(verbose_name=_("Potensi"))
    ucj_percent = PercentColumn(verbose_name=_("UCJ"))
    ucj_pu_percent = PercentColumn(verbose_name=_("UCJ PU"))
    ucj_bpu_percent = PercentColumn(verbose_name=_("UCJ BPU"))
    gap = NumberColumn(verbose_name=_("Belum terlindungi"))
    change_12m = NumberColumn(verbose_name=_("Perubahan 12 bulan"))

    class Meta:
        attrs = {"class": "data ucj"}
        orderable = True
        template_name = "django_tables2/table.html"
        empty_text = _("Tidak ada kabupaten/kota untuk filter ini.")

    def render_name(self, record):
        url = record.url or reverse("city", args=[record.code])
        return format_html('<a href="{}">{}</a> <small class="muted">{}</small>', url, record.name, record.code)

    def render_ucj_percent(self, record):
        if record.ucj_percent is None:
            return format_html('<span class="muted">{}</span>', _("belum ada data potensi"))
        band = record.band
        flag = (
            format_html(' <span class="flag" title="{}">⚠</span>', _("Peserta aktif melebihi potensi: periksa data"))
            if record.over_potential
            else ""
        )
        bar = ""
        if record.target_progress is not None:
            bar = format_html(
                '<progress class="target" max="100" value="{}" title="{}"></progress>',
                record.target_progress,
                _("%(p)s dari target %(t)s")
                % {"p": format_percent(record.ucj_percent), "t": format_percent(record.target_percent)},
            )
        return format_html(
            '<span class="band-dot band-{}"></span>{}{}{}', band.pk if band else 0, format_percent(record.ucj_percent), flag, bar
        )

    def render_change_12m(self, value):
        return f"{'+' if value > 0 else ''}{format_number(value)}"
