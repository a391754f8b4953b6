"""Admin back office for regions and offices, and the scoping base class every scoped admin uses."""

import zlib

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from config.formatting import format_number, format_percent, format_rupiah
from imports.admin import ImportButtonMixin
from imports.kinds import registry
from imports.pipeline import key_text
from imports.selectors import import_history, import_jobs_for, record_import_changes
from imports.services import import_history_forget
from regions.models import Access, City, MinimumWage, Office, Province, UcjBand, WorkforceEstimate
from regions.selectors import cities_for, offices_for


class ScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose rows and foreign-key choices come from the scoping selectors.

    ``scope_selector`` returns the rows a user may see; ``choice_selectors`` maps a foreign-key
    field name to the selector of its target, so nobody can pick a city or employer out of scope.
    """

    scope_selector = None
    choice_selectors = {"city": cities_for, "branch": offices_for, "office": offices_for}
    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request):
        queryset = type(self).scope_selector(request.user)
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        selector = self.choice_selectors.get(db_field.name)
        if selector is not None:
            kwargs["queryset"] = selector(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_object(self, request, object_id, from_field=None):
        """Once per request: the scope check, the view and Django's form view all ask for the same row."""
        fetched = request.__dict__.setdefault("_jangkau_objects", {})
        key = (self.model, object_id, from_field)
        if key not in fetched:
            fetched[key] = super().get_object(request, object_id, from_field)
        return fetched[key]

    def in_scope_or_404(self, request, object_id):
        """An object outside the scope answers 404, like a region page, not Django's redirect."""
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self.in_scope_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self.in_scope_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self.in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def lookup_allowed(self, lookup, value, request=None):
        """Only the filters the list offers. Django also accepts any lookup on a local field, so
        ?account_number__startswith=1 ... rebuilt a hidden account number digit by digit."""
        parameters, fields = set(), {self.date_hierarchy}
        for item in self.get_list_filter(request) if request is not None else self.list_filter:
            if isinstance(item, type) and issubclass(item, admin.SimpleListFilter):
                parameters.add(item.parameter_name)  # its own parameter only: ?import_job__in= is no filter of ours
            else:
                fields.add(item[0] if isinstance(item, list | tuple) else item)
        if lookup not in parameters and lookup.split(LOOKUP_SEP)[0] not in fields:
            return False
        return super().lookup_allowed(lookup, value, request)


class MaskingContextHelper(HistoricalRecordContextHelper):
    """History diffs through the admin's masking of personal fields (an account number's last 4 digits)."""

    def __init__(self, model, historical_record, *, mask):
        super().__init__(model, historical_record)
        self.mask = mask

    def prepare_delta_change_value(self, change, value):
        return self.mask(change.field, super().prepare_delta_change_value(change, value))


class ScopedHistoryAdmin(ScopedAdmin, SimpleHistoryAdmin):
    """A scoped admin showing the record's history: django-simple-history's record of every admin edit and
    what imports changed (RowChange), both through `history_value`, which masks what the user may not see.
    Reverting a version is switched off (SIMPLE_HISTORY_REVERT_DISABLED): a change goes through the form."""

    object_history_template = "admin/scoped_history.html"
    object_history_list_template = "admin/scoped_history_list.html"

    def history_value(self, request, field_name, value):
        """A value as this user may see it in the history (subclasses mask personal fields)."""
        return value

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A past version, to read only: simple-history saves it back on any POST (its revert is only hidden)."""
        self.in_scope_or_404(request, object_id)
        if request.method != "GET":
            raise PermissionDenied
        if not (version_id.isascii() and version_id.isdigit()):
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskingContextHelper(
            self.model, historical_record, mask=lambda name, value: self.history_value(request, name, value)
        )

    def history_view(self, request, object_id, extra_context=None):
        self.in_scope_or_404(request, object_id)
        obj = self.get_object(request, unquote(object_id))
        kind = registry.get(getattr(self, "import_kind", None) or "")
        imports = []
        if kind is not None:
            key = key_text(tuple(getattr(obj, name) for name in kind.key_fields))
            imports = import_history(self.model, record_import_changes(kind.name, key), self.history_value, request)
        # Link only to the job pages this user may open (staff see the jobs they uploaded).
        openable = set(import_jobs_for(request.user).filter(pk__in=[job.pk for job, _c in imports]).values_list("pk", flat=True))
        context = {**(extra_context or {}), "import_changes": imports, "openable_jobs": openable}
        return super().history_view(request, object_id, context)

    def delete_model(self, request, obj):
        if kind := registry.get(getattr(self, "import_kind", None) or ""):
            import_history_forget(kind=kind, records=[obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        if kind := registry.get(getattr(self, "import_kind", None) or ""):
            import_history_forget(kind=kind, records=queryset)
        super().delete_queryset(request, queryset)

    def save_model(self, request, obj, form, change):
        # The trace names the import that last wrote the row; after a person's edit (in the history) it is
        # no longer that import's to revert.
        if getattr(obj, "import_job_id", None) is not None:
            obj.import_job = None
        super().save_model(request, obj, form, change)


class ProvinceFilter(admin.SimpleListFilter):
    """Province filter listing only the provinces in the user's scope."""

    title = _("provinsi")
    parameter_name = "province"
    province_lookup = "city__province_id"

    def lookups(self, request, model_admin):
        provinces = cities_for(request.user).values_list("province__code", "province__name").distinct()
        return sorted(set(provinces))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.province_lookup: self.value()})
        return queryset


class OfficeFilter(admin.SimpleListFilter):
    """Branch office filter: the rows of the cities a cabang serves."""

    title = _("kantor cabang")
    parameter_name = "office"

    def lookups(self, request, model_admin):
        return [(o.code, str(o)) for o in offices_for(request.user).filter(kind=Office.Kind.CABANG)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(city__offices__code=self.value()).distinct()
        return queryset


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class CityListFilter(admin.SimpleListFilter):
    """Regency/city filter: the user's cities, within the province or branch office chosen. It appears once
    the list is short enough to scan (a national user picks a province first)."""

    title = _("kabupaten/kota")
    parameter_name = "city"
    longest_list = 60

    def lookups(self, request, model_admin):
        cities = cities_for(request.user)
        if province := request.GET.get(ProvinceFilter.parameter_name):
            cities = cities.filter(province_id=province)
        if office := request.GET.get(OfficeFilter.parameter_name):
            cities = cities.filter(offices__code=office)
        choices = list(cities.order_by("code").values_list("code", "name")[: self.longest_list + 1])
        return [] if len(choices) > self.longest_list else [(code, f"{code} {name}") for code, name in choices]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(city_id=self.value())
        return queryset


class CityProvinceFilter(ProvinceFilter):
    province_lookup = "province_id"


@admin.register(City)
class CityAdmin(ScopedAdmin):
    scope_selector = cities_for
    list_display = ["code", "name", "kind", "province", "officials_see_employers"]
    list_filter = ["kind", CityProvinceFilter, "officials_see_employers"]
    list_select_related = ["province"]
    search_fields = ["code", "name"]


@admin.register(Office)
class OfficeAdmin(ImportButtonMixin, ScopedAdmin):
    import_kind = "offices"
    scope_selector = offices_for
    list_display = ["code", "name", "kind", "parent", "city_count"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["cities"]
    choice_selectors = {"parent": offices_for}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(city_total=Count("cities"))

    @admin.display(description=_("jumlah kab/kota"), ordering="city_total")
    def city_count(self, office):
        return format_number(office.city_total)


@admin.register(MinimumWage)
class MinimumWageAdmin(ImportButtonMixin, admin.ModelAdmin):
    import_kind = "minimum_wages"
    list_display = ["__str__", "year", "amount_display"]
    list_filter = ["year"]
    list_select_related = ["province", "city"]
    autocomplete_fields = ["province", "city"]
    search_fields = ["city__name", "province__name", "city__code", "province__code"]

    @admin.display(description=_("jumlah"), ordering="amount")
    def amount_display(self, wage):
        return format_rupiah(wage.amount)


@admin.register(WorkforceEstimate)
class WorkforceEstimateAdmin(ImportButtonMixin, ScopedAdmin):
    import_kind = "workforce"

    @staticmethod
    def scope_selector(user):
        return WorkforceEstimate.objects.filter(city__in=cities_for(user).values("code"))

    list_display = ["city", "year", "potential_pu_display", "potential_bpu_display", "target_display", "source"]
    list_filter = ["year", ProvinceFilter]
    list_select_related = ["city"]
    search_fields = ["city__name", "=city__code"]
    autocomplete_fields = ["city"]

    @admin.display(description=_("potensi PU"), ordering="potential_pu")
    def potential_pu_display(self, estimate):
        return format_number(estimate.potential_pu)

    @admin.display(description=_("potensi BPU"), ordering="potential_bpu")
    def potential_bpu_display(self, estimate):
        return format_number(estimate.potential_bpu)

    @admin.display(description=_("target"), ordering="target_percent")
    def target_display(self, estimate):
        return format_percent(estimate.target_percent)


@admin.register(UcjBand)
class UcjBandAdmin(admin.ModelAdmin):
    """The colour bands of the UCJ legend and map (data, as the dashboards read them). Each swatch is the
    band's own class from the dashboards' band stylesheet: no inline style under the CSP."""

    list_display = ["min_percent_display", "label", "colour_swatch"]
    list_display_links = ["min_percent_display", "label"]
    ordering = ["min_percent"]

    @property
    def media(self):
        # The stylesheet is cached by browsers for a while: its address changes with the colours.
        version = zlib.crc32(repr(list(UcjBand.objects.values_list("pk", "colour"))).encode())
        return super().media + forms.Media(css={"all": [f"{reverse('ucj-bands-css')}?v={version}"]})

    @admin.display(description=_("mulai dari"), ordering="min_percent")
    def min_percent_display(self, band):
        return format_percent(band.min_percent)

    @admin.display(description=_("warna"))
    def colour_swatch(self, band):
        return format_html('<span class="band-dot band-{}"></span> <code>{}</code>', band.pk, band.colour)


class AccessInline(admin.StackedInline):
    model = Access
    can_delete = False
    autocomplete_fields = ["office", "city"]
    verbose_name_plural = pgettext_lazy("jamak", "peran dan cakupan")


admin.site.unregister(User)


@admin.register(User)
class JangkauUserAdmin(UserAdmin):
    inlines = [AccessInline]
    list_display = ["username", "first_name", "last_name", "role", "is_active", "last_login"]
    list_select_related = ["access"]

    @admin.display(description=_("peran"))
    def role(self, user):
        access = getattr(user, "access", None)
        return access.get_role_display() if access else "-"
