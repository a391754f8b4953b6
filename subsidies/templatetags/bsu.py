"""The BSU panel of a city page: figures only (no names), the same numbers for staff and officials; staff
get each count of people as a link to the admin list of those recipients or accounts."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from config.formatting import format_number
from regions.selectors import may_see_personal_data
from subsidies.admin_filters import SCREENED_IN, recipient_list_url, shared_accounts_url
from subsidies.figures import DEFAULT_STUCK_DAYS, disbursement_rows, funnel_chart, stuck_by_status
from subsidies.models import Programme, RecipientStatus
from subsidies.selectors import pos_waiting, shared_accounts_by_city
from subsidies.tables import FUNNEL_SIZE

register = template.Library()
S = RecipientStatus


def linked_number(number, url):
    text = format_number(number)
    return format_html('<a href="{}">{}</a>', url, text) if url and number else text


@register.inclusion_tag("subsidies/panel.html", takes_context=True)
def bsu_panel(context, city):
    programme = Programme.objects.first()
    if programme is None:
        return {"programme": None}
    stuck_days = DEFAULT_STUCK_DAYS
    (row,) = disbursement_rows(programme, [(city.code, city.name)], stuck_days=stuck_days)
    stuck = stuck_by_status(programme, [city.code], stuck_days=stuck_days) if row.stuck else []
    user = context["request"].user
    staff = may_see_personal_data(user)

    def people(**lookup):
        return recipient_list_url(programme=programme, city=city.code, **lookup) if staff else None

    shared = shared_accounts_by_city(user, [city.code]).get(city.code, 0) if staff and row.screened else None
    pickup = None
    if programme.pos_pickup_deadline and row.screened:
        pickup = {
            "waiting": pos_waiting(programme, [city.code]).get(city.code, 0),
            "deadline": date_format(programme.pos_pickup_deadline, "j F"),
            "passed": timezone.localdate() > programme.pos_pickup_deadline,
        }
    links = {
        "recipients": people(statuses=SCREENED_IN),
        "disbursed": people(status=S.DISBURSED),
        "stuck": people(stuck_days=stuck_days),
        "account_invalid": people(status=S.ACCOUNT_INVALID),
        "screened_out": people(status=S.SCREENED_OUT),
        "shared": shared_accounts_url(city=city.code) if staff else None,
    }
    return {
        "programme": programme,
        "row": row,
        "funnel": funnel_chart(row, **FUNNEL_SIZE),
        "stuck_days": stuck_days,
        "stuck": [(status, number, people(status=status, stuck_days=stuck_days)) for status, number, _oldest in stuck],
        "shared": shared,
        "pickup": pickup,
        "links": links,
        # the headline sentence keeps its translation; its numbers become links for staff
        "disbursed_text": linked_number(row.disbursed, links["disbursed"]),
        "recipients_text": linked_number(row.recipients, links["recipients"]),
    }
