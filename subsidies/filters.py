"""Filters of the BSU table: the region filters plus the programme and the ageing threshold."""

import django_filters
from django.utils.translation import gettext_lazy as _

from regions.filters import RegionFilter
from subsidies.figures import DEFAULT_STUCK_DAYS
from subsidies.models import Programme


class DisbursementFilter(RegionFilter):
    programme = django_filters.ModelChoiceFilter(
        label=_("Program"), queryset=Programme.objects.all(), method="keep", to_field_name="code", empty_label=None
    )
    stuck_days = django_filters.NumberFilter(label=_("Tertahan lebih dari (hari)"), method="keep", min_value=1, max_value=365)

    @property
    def programme_choice(self):
        """The chosen programme, else the latest (None before any exists)."""
        return self.value("programme", None) or Programme.objects.first()

    @property
    def stuck_days_value(self):
        return int(self.value("stuck_days", DEFAULT_STUCK_DAYS))
