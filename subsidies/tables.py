"""The BSU disbursement table (django-tables2), sharing the figures-table machinery of the UCJ table."""

from django.utils.translation import gettext_lazy as _

from config.formatting import format_rupiah
from regions.tables import FiguresTable, figure_column, name_column, number_cell, percent_cell, region_link
from subsidies.figures import STATUS_COLUMNS
from subsidies.models import RecipientStatus

COUNTED = [*STATUS_COLUMNS, "recipients", "stuck"]
BSU_CELLS = {
    "name": region_link,
    "amount_disbursed": lambda row: format_rupiah(row.amount_disbursed),
    "disbursed_percent": percent_cell("disbursed_percent"),
    **{name: number_cell(name) for name in COUNTED},
}


class DisbursementTable(FiguresTable):
    cells = BSU_CELLS
    name = name_column(_("Total"))
    screened_out = figure_column(RecipientStatus.SCREENED_OUT.label, "screened_out")
    recipients = figure_column(_("Lolos saring"), "recipients")
    candidate = figure_column(RecipientStatus.CANDIDATE.label, "candidate")
    verified = figure_column(RecipientStatus.VERIFIED.label, "verified")
    rejected = figure_column(RecipientStatus.REJECTED.label, "rejected")
    account_invalid = figure_column(RecipientStatus.ACCOUNT_INVALID.label, "account_invalid")
    determined = figure_column(RecipientStatus.DETERMINED.label, "determined")
    disbursed = figure_column(RecipientStatus.DISBURSED.label, "disbursed")
    returned = figure_column(RecipientStatus.RETURNED.label, "returned")
    disbursed_percent = figure_column(_("% tersalurkan"), "disbursed_percent")
    amount_disbursed = figure_column(_("Dana tersalurkan"), "amount_disbursed")
    stuck = figure_column(_("Tertahan"), "stuck")

    class Meta(FiguresTable.Meta):
        attrs = {"class": "data bsu"}
