"""The BSU disbursement table (django-tables2), sharing the figures-table machinery of the UCJ table.

Thirteen figure columns fit a 1366 px screen with short headers (the full name in `<abbr title>`); the
CSV export keeps its own column names. For staff, every count of people links to the admin list of
those recipients; officials get the same numbers as plain text.
"""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from config.formatting import format_number, format_rupiah
from regions.tables import NUMBER_CELL, FiguresTable, name_column, percent_cell, region_link
from subsidies.admin_filters import SCREENED_IN
from subsidies.figures import DEFAULT_STUCK_DAYS, STATUS_COLUMNS
from subsidies.models import RecipientStatus

S = RecipientStatus
# The funnel (on /bsu/ and the city panel) is drawn for a phone first: 350 units wide, its text stays about
# 13 px on a 390 px screen; the stylesheet caps its width on wide screens.
FUNNEL_SIZE = {"width": 350, "label_width": 130}
COUNTED = [*STATUS_COLUMNS, "recipients", "stuck"]


def _amount_cell(row):
    return format_rupiah(row.amount_disbursed)


BSU_CELLS = {
    "name": region_link,
    "amount_disbursed": _amount_cell,
    "disbursed_percent": percent_cell("disbursed_percent"),
    **{name: (lambda row, name=name: format_number(getattr(row, name))) for name in COUNTED},
}


def linked_cells(people_url):
    """BSU_CELLS whose counts of people link to `people_url(row, **lookup)` (None: no link, e.g. a roll-up the
    admin list cannot filter by); a zero links nowhere."""

    def count_cell(name, lookup):
        def cell(row):
            number = getattr(row, name)
            url = people_url(row, **lookup) if number else None
            text = format_number(number)
            return format_html('<a href="{}">{}</a>', url, text) if url else text

        return cell

    lookups = {name: {"status": name.upper()} for name in STATUS_COLUMNS}
    lookups["recipients"] = {"statuses": SCREENED_IN}
    lookups["stuck"] = {"stuck": True}
    return {**BSU_CELLS, **{name: count_cell(name, lookup) for name, lookup in lookups.items()}}


def _total_cell(table, bound_column):
    return getattr(table.totals, bound_column.name)


class FigureColumn(tables.Column):
    """A figures column (pre-formatted text, sorted by the raw value, totals in the footer) whose header is a
    short label with the full name in `<abbr title>` when the two differ."""

    def __init__(self, short, name, full=None, **kwargs):
        self.short, self.full = short, full
        super().__init__(
            verbose_name=full or short, accessor=name, order_by=f"{name}_sort", attrs=NUMBER_CELL, footer=_total_cell, **kwargs
        )

    @property
    def header(self):
        if self.full is None:
            return self.short
        return format_html('<abbr title="{}">{}</abbr>', self.full, self.short)


def stuck_column(stuck_days):
    return FigureColumn(_("Tertahan"), "stuck", _("Tertahan lebih dari %(days)s hari") % {"days": stuck_days})


class DisbursementTable(FiguresTable):
    cells = BSU_CELLS
    name = name_column(_("Total"))
    screened_out = FigureColumn(_("TMS"), "screened_out", S.SCREENED_OUT.label)
    recipients = FigureColumn(_("Lolos saring"), "recipients", _("Lolos saring: semua kecuali yang tidak memenuhi syarat"))
    candidate = FigureColumn(_("Calon"), "candidate", S.CANDIDATE.label)
    verified = FigureColumn(_("Lolos verif."), "verified", S.VERIFIED.label)
    rejected = FigureColumn(_("Ditolak"), "rejected", S.REJECTED.label)
    account_invalid = FigureColumn(_("Rek. bermasalah"), "account_invalid", S.ACCOUNT_INVALID.label)
    determined = FigureColumn(_("Ditetapkan"), "determined")
    disbursed = FigureColumn(_("Tersalur"), "disbursed", S.DISBURSED.label)
    returned = FigureColumn(_("Kembali"), "returned", S.RETURNED.label)
    disbursed_percent = FigureColumn(_("Salur %"), "disbursed_percent", _("% tersalurkan dari yang lolos saring"))
    amount_disbursed = FigureColumn(_("Dana tersalurkan"), "amount_disbursed")
    stuck = stuck_column(DEFAULT_STUCK_DAYS)

    def __init__(self, rows, *, totals, stuck_days=DEFAULT_STUCK_DAYS, people_url=None, **kwargs):
        if people_url is not None:
            self.cells = linked_cells(people_url)
        super().__init__(rows, totals=totals, extra_columns=[("stuck", stuck_column(stuck_days))], **kwargs)

    class Meta(FiguresTable.Meta):
        attrs = {"class": "data bsu"}
