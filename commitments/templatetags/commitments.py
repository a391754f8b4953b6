"""The commitments panel of a city page: the commitments of the regency/city and of its province, each with its
progress (aggregates only: counts and rupiah, never who is funded), the same for staff and officials."""

from django import template

from commitments.selectors import commitment_progress, commitments_of_city

register = template.Library()


@register.inclusion_tag("commitments/panel.html", takes_context=True)
def commitments_panel(context):
    """Context of templates/commitments/panel.html from the city page's own: `city`, `as_of` and the request."""
    city, as_of = context["city"], context["as_of"]
    commitments = commitments_of_city(context["request"].user, city)
    return {"city": city, "as_of": as_of, "progress": commitment_progress(commitments, as_of=as_of)}
