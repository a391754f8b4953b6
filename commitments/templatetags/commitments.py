"""The commitments panel of a city page: the commitments of the regency/city and of its province, each with its
progress (aggregates only: counts and rupiah, never who is funded), the same for staff and officials; the
scorecard's value formatting."""

from django import template
from django.utils.translation import gettext as _

from commitments.selectors import commitment_progress, commitments_of_city
from config.formatting import format_number, format_percent

register = template.Library()


@register.inclusion_tag("commitments/panel.html", takes_context=True)
def commitments_panel(context):
    """Context of templates/commitments/panel.html from the city page's own: `city`, `as_of` and the request."""
    city, as_of = context["city"], context["as_of"]
    commitments = commitments_of_city(context["request"].user, city)
    return {"city": city, "as_of": as_of, "progress": commitment_progress(commitments, as_of=as_of)}


@register.filter
def score_value(value, formula):
    """An indicator's raw value the Indonesian way, in its formula's unit: '2', '1.400 orang', '5,74 %', '7,25'."""
    if value is None:
        return "\u2013"  # en dash, as the pages show an unknown figure
    if formula == "in_force":
        return format_number(value)
    if formula == "enrolled":
        return _("%(n)s orang") % {"n": format_number(value)}
    if formula == "employers":
        return format_number(value, 2)
    return format_percent(value)
