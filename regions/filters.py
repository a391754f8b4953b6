"""Filters of the coverage table (django-filter over the regencies/cities in the user's scope)."""

from functools import cached_property

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.parsing import EARLIEST_MEMBERSHIP, one_year_ahead, shown
from regions.models import City, Office, Province
from regions.selectors import cities_for, offices_for, role_of

GROUP_OPTIONS = (
    ("province", _("per provinsi")),
    ("kanwil", _("per kantor wilayah")),
    ("office", _("per kantor cabang")),
)


class CachedChoices(forms.models.ModelChoiceIterator):
    """Choices of a ModelChoiceField read through its queryset's result cache (Django's own iterator queries
    again at every use)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class RegionFilter(django_filters.FilterSet):
    """Province, office and kind over the regencies/cities in the user's scope."""

    province = django_filters.ModelChoiceFilter(label=_("Provinsi"), queryset=Province.objects.none(), empty_label=_("Semua"))
    office = django_filters.ModelChoiceFilter(
        label=_("Kantor"), queryset=Office.objects.none(), method="filter_office", empty_label=_("Semua"), to_field_name="code"
    )
    kind = django_filters.ChoiceFilter(label=_("Kabupaten/kota"), choices=City.Kind.choices, empty_label=_("Semua"))

    class Meta:
        model = City
        fields = ["province", "kind"]

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, queryset=cities_for(user), **kwargs)
        provinces = cities_for(user).values("province")
        self.filters["province"].queryset = Province.objects.filter(code__in=provinces)
        self.filters["office"].queryset = offices_for(user)

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for name in ("province", "office"):  # their rows are read once, for the options and for group_options
                field = form.fields[name]
                field.iterator = CachedChoices
                field.widget.choices = field.choices
        return self._form

    @cached_property
    def group_options(self):
        """The groupings worth offering, [(value, label)]: only those of which the user's scope holds more than
        one group (a branch sees no "per kantor cabang", a kanwil's staff no "per kantor wilayah"). Counted from
        the province and office choices of the form (no query of its own)."""
        offices = list(self.form.fields["office"].queryset)
        counts = {
            "province": len(list(self.form.fields["province"].queryset)),
            "kanwil": sum(office.kind == Office.Kind.KANWIL for office in offices),
            "office": sum(office.kind == Office.Kind.CABANG for office in offices),
        }
        return [(value, label) for value, label in GROUP_OPTIONS if counts[value] > 1]

    def filter_office(self, queryset, name, office):
        if office.kind == Office.Kind.KANWIL:
            return queryset.filter(offices__parent=office).distinct()
        return queryset.filter(offices=office)

    def keep(self, queryset, name, value):
        return queryset  # a value choosing the figures, not the rows

    @property
    def out_of_scope(self):
        """A province or office outside the user's scope was asked for (the page answers 404)."""
        return self.is_bound and not self.form.is_valid() and bool({"province", "office"} & set(self.form.errors))

    @property
    def input_errors(self):
        """Messages for values that cannot be used, e.g. a date out of range (out-of-scope ones answer 404)."""
        if not self.is_bound or self.form.is_valid():
            return []
        return [
            f"{self.form.fields[name].label}: {message}"
            for name, messages in self.form.errors.items()
            if name not in ("province", "office")
            for message in messages
        ]

    def value(self, name, default):
        if self.is_bound and self.form.is_valid() and self.form.cleaned_data.get(name) not in (None, ""):
            return self.form.cleaned_data[name]
        return default


class AsOfField(forms.DateField):
    """The date figures are asked for: from 1977 (Astek, where memberships start) to a year ahead.
    Beyond that the figures are meaningless and date arithmetic overflows (year 0 or 10000)."""

    def validate(self, value):
        super().validate(value)
        if value is not None and not EARLIEST_MEMBERSHIP <= value <= one_year_ahead():
            raise ValidationError(
                _("Tanggal harus antara %(earliest)s dan %(latest)s."),
                code="out_of_range",
                params={"earliest": shown(EARLIEST_MEMBERSHIP), "latest": shown(one_year_ahead())},
            )


class AsOfFilter(django_filters.DateFilter):
    field_class = AsOfField


class CityFilter(RegionFilter):
    as_of = AsOfFilter(
        label=_("Per tanggal"),
        method="keep",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )

    def __init__(self, data=None, *args, user, **kwargs):
        if data is not None and not data.get("as_of"):  # the date field shows the date the figures are for
            data = data.copy()
            data["as_of"] = timezone.localdate().isoformat()
        super().__init__(data, *args, user=user, **kwargs)
        self.form.fields["as_of"].widget.attrs.update(min=EARLIEST_MEMBERSHIP.isoformat(), max=one_year_ahead().isoformat())
        self.form.fields["as_of"].initial = timezone.localdate()  # the picker opens on the date the figures are for

    @property
    def as_of_date(self):
        return self.value("as_of", timezone.localdate())


def scoped_filter(request, filter_class):
    """The filter of a figures page; 404 for a user without a role or a filter value out of scope."""
    if role_of(request.user) is None:
        raise Http404
    filters = filter_class(request.GET or None, user=request.user)
    if filters.out_of_scope:
        raise Http404
    return filters
