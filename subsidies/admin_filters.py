"""List filters of the BSU admin lists that the dashboards drill down to, and the links into those lists.

The admin accepts only query parameters of the filters it offers (`ScopedAdmin.lookup_allowed`), so the
parameter names live here, next to the filters, and every page builds its links with these functions.
"""

import datetime as dt
import functools
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.admin import CityListFilter
from regions.selectors import cities_for
from subsidies.figures import stuck_before
from subsidies.models import OPEN_STATUSES, RecipientStatus

# The parameters Django generates for RecipientAdmin.list_filter = ["programme", "status", ...] and ours.
PROGRAMME = "programme__id__exact"
STATUS = "status__exact"
STATUSES = "status__in"  # accepted through the offered `status` filter; comma-separated
STUCK = "stuck"
BATCH = "batch__exact"
SHARED = "shared"
MAX_STUCK_DAYS = 3650
SCREENED_IN = tuple(status for status in RecipientStatus.values if status != RecipientStatus.SCREENED_OUT)


def stuck_since(days):
    """The moment before which a recipient entered its status to count as held more than `days` days: local
    midnight of the day `subsidies.figures.stuck_before` names, so the list and the figures agree."""
    return timezone.make_aware(dt.datetime.combine(stuck_before(days), dt.time.min))


class StuckFilter(admin.SimpleListFilter):
    """Recipients in a status they can still leave (OPEN_STATUSES) for more than N days: `?stuck=N`."""

    title = _("tertahan")
    parameter_name = STUCK
    offered_days = (7, 14, 30, 60, 90)

    def days(self):
        value = self.value()
        if value is None:
            return None
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_STUCK_DAYS:
            raise IncorrectLookupParameters(f"stuck={value!r}")
        return int(value)

    def lookups(self, request, model_admin):
        chosen = self.value()
        days = set(self.offered_days)
        if chosen and chosen.isascii() and chosen.isdigit() and 1 <= int(chosen) <= MAX_STUCK_DAYS:
            days.add(int(chosen))  # a threshold chosen on /bsu/: listed, so that Django applies the filter
        return [(str(n), _("lebih dari %(days)s hari") % {"days": n}) for n in sorted(days)]

    def queryset(self, request, queryset):
        days = self.days()
        if days is None:
            return queryset
        return queryset.filter(status__in=OPEN_STATUSES, status_since__lt=stuck_since(days))


class BankAccountCityFilter(CityListFilter):
    """The accounts of one regency/city's workers (`?city=CODE`). The chosen city stays listed even when
    the scope has too many cities to list: Django ignores a filter that lists nothing."""

    def lookups(self, request, model_admin):
        choices = super().lookups(request, model_admin)
        chosen = self.value()
        if chosen and chosen not in {code for code, _label in choices}:
            city = cities_for(request.user).filter(code=chosen).values_list("code", "name").first()
            if city is not None:
                choices = [*choices, (city[0], f"{city[0]} {city[1]}")]
        return choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(worker__city_id=self.value())
        return queryset


def region_parameters(*, city=None, province=None, office=None):
    """The region part of a recipient list link. A city link names its province too: the admin's city filter
    lists (and so applies) a city only once the list of choices is short enough, i.e. within a province."""
    parameters = {}
    if province:
        parameters["province"] = province
    if office:
        parameters["office"] = office
    if city:
        parameters["city"] = city
        parameters.setdefault("province", city.split(".")[0])
    return parameters


def recipient_list_url(*, programme, status=None, statuses=None, stuck_days=None, batch=None, **region):
    """The admin list of a programme's recipients, narrowed by status (one, or several), by "stuck more
    than N days", by batch and by region (`city`, `province` or `office` code)."""
    parameters = {PROGRAMME: programme.pk}
    if status:
        parameters[STATUS] = status
    if statuses:
        parameters[STATUSES] = ",".join(statuses)
    if batch is not None:
        parameters[BATCH] = batch
    if stuck_days:
        parameters[STUCK] = stuck_days
    parameters.update(region_parameters(**region))
    return f"{_changelist(get_script_prefix())}?{urlencode(parameters)}"


@functools.lru_cache(maxsize=8)
def _changelist(_prefix):
    """The recipients' admin list (per script prefix, which `reverse` includes): /bsu/ links every count of
    its table there, 500 links a page."""
    return reverse("admin:subsidies_recipient_changelist")


def shared_accounts_url(*, city=None):
    """The admin list of bank accounts whose number is registered for another NIK too (of one city)."""
    parameters = {SHARED: "1"}
    if city:
        parameters["city"] = city
    return f"{reverse('admin:subsidies_bankaccount_changelist')}?{urlencode(parameters)}"
