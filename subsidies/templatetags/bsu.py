"""The BSU panel of a city page: figures only (no names), the same for staff and officials."""

from django import template

from subsidies.figures import DEFAULT_STUCK_DAYS, disbursement_rows, funnel_chart
from subsidies.models import Programme

register = template.Library()


@register.inclusion_tag("subsidies/panel.html")
def bsu_panel(city):
    programme = Programme.objects.first()
    if programme is None:
        return {"programme": None}
    (row,) = disbursement_rows(programme, [(city.code, city.name)], stuck_days=DEFAULT_STUCK_DAYS)
    return {
        "programme": programme,
        "row": row,
        "funnel": funnel_chart(row, width=350, label_width=125),
        "stuck_days": DEFAULT_STUCK_DAYS,
    }
