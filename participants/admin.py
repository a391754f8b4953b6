"""Admin back office for employers and workers, scoped to the user's regions."""

from django.contrib import admin
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.selectors import commitments_for
from config.formatting import format_rupiah
from imports.admin import ImportButtonMixin
from imports.admin_filters import ImportJobFilter
from participants.models import Employer, PersonalDataAccess, Worker
from participants.selectors import active_on, employers_for, workers_for
from participants.tasks import refresh_enqueue
from participants.validators import KPJ_LENGTH
from regions.admin import CityListFilter, OfficeFilter, ProvinceFilter, ScopedAdmin, ScopedHistoryAdmin

NIK_DIGITS = 16
# The first 4 digits of a NIK name a regency/city and 6 a district: a shorter prefix lists a whole city.
MIN_NIK_PREFIX = 6


class ActiveFilter(admin.SimpleListFilter):
    title = _("status kepesertaan")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", _("Aktif hari ini")), ("no", _("Tidak aktif"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.filter(active_on(today))
        if self.value() == "no":
            return queryset.exclude(active_on(today))
        return queryset


class RefreshesFigures:
    """Admin mixin: a saved or deleted record queues the refresh of the figures of what it touched, the old
    and new values of `touch_fields` (the dashboards follow)."""

    touch_fields = ("city_id",)

    def _touched(self, *records):
        return {name: sorted({r[name] for r in records if r[name] is not None}) for name in self.touch_fields}

    def _refresh_after_commit(self, *records):
        touched = self._touched(*records)
        transaction.on_commit(lambda: refresh_enqueue(touched))

    def save_model(self, request, obj, form, change):
        before = type(obj).objects.filter(pk=obj.pk).values(*self.touch_fields).first() if change else None
        super().save_model(request, obj, form, change)
        self._refresh_after_commit(*filter(None, [before, {name: getattr(obj, name) for name in self.touch_fields}]))

    def delete_model(self, request, obj):
        self._refresh_after_commit({name: getattr(obj, name) for name in self.touch_fields})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._refresh_after_commit(*queryset.values(*self.touch_fields))
        super().delete_queryset(request, queryset)


@admin.register(Employer)
class EmployerAdmin(RefreshesFigures, ImportButtonMixin, ScopedHistoryAdmin):
    import_kind = "employers"
    scope_selector = employers_for
    list_display = ["npp", "name", "city", "branch", "sector", "registered_on", "paid_until_month"]
    list_filter = [ProvinceFilter, OfficeFilter, CityListFilter, "sector", ImportJobFilter]
    list_select_related = ["city", "branch"]
    search_fields = ["=npp", "name"]
    autocomplete_fields = ["city", "branch"]
    exclude = ["import_job"]  # a trace written by imports; its choices would list every user's jobs

    @admin.display(description=_("iuran sampai"), ordering="paid_until")
    def paid_until_month(self, employer):
        """The month only (MM/YYYY): the stored day is always the first."""
        return employer.paid_until.strftime("%m/%Y") if employer.paid_until else None


@admin.register(Worker)
class WorkerAdmin(RefreshesFigures, ImportButtonMixin, ScopedHistoryAdmin):
    touch_fields = ("city_id", "employer_id")
    import_kind = "workers"
    scope_selector = workers_for
    choice_selectors = {**ScopedAdmin.choice_selectors, "employer": employers_for, "commitment": commitments_for}
    list_display = ["nik", "name", "segment_code", "city", "employer", "wage_display", "member_since", "member_until"]
    list_filter = ["segment", ActiveFilter, ProvinceFilter, OfficeFilter, CityListFilter, ImportJobFilter]
    list_select_related = ["city", "employer"]
    search_fields = ["=nik", "=kpj", "name", "=employer__npp"]
    search_help_text = _("NIK (lengkap, atau paling sedikit 6 digit awalnya), nomor KPJ, nama, atau NPP.")
    autocomplete_fields = ["city", "employer"]
    fieldsets = [
        (None, {"fields": ["nik", "kpj", "name", "birth_date", "sex"]}),
        (_("Kepesertaan"), {"fields": ["segment", "city", "employer", "wage", "member_since", "member_until", "programs"]}),
        (_("Pembayar iuran"), {"fields": ["payer", "commitment"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        """The first digits of a NIK (at least MIN_NIK_PREFIX) find the workers whose NIK starts with them.

        Django's `^nik` would be UPPER(nik) LIKE 'X%', which no index of this table serves (NIK is unique
        through a plain btree, not a pattern index), so the prefix is also written as the range of the
        16-digit NIKs that start with it: the unique index answers that on PostgreSQL and SQLite alike.
        """
        term = search_term.strip()
        digits = term.isascii() and term.isdigit() and len(term) >= MIN_NIK_PREFIX
        if not (digits and len(term) < NIK_DIGITS):
            results, duplicates = super().get_search_results(request, queryset, search_term)
        else:
            found = Q(nik__gte=term.ljust(NIK_DIGITS, "0"), nik__lte=term.ljust(NIK_DIGITS, "9"), nik__startswith=term)
            # The other exact searches stay, each on an index (an OR across a join would scan the table).
            if employers := list(Employer.objects.filter(npp=term).values_list("pk", flat=True)):
                found |= Q(employer_id__in=employers)
            if len(term) == KPJ_LENGTH:  # a KPJ number has no index, but was searched like this before
                found |= Q(kpj=term)
            results, duplicates = queryset.filter(found), False
        if digits:  # a NIK (or its first digits) looked up, like at the counter: on the personal-data log
            PersonalDataAccess.objects.create(
                user=request.user, action=PersonalDataAccess.Action.LOOKUP, subject=term[:200], found=results.exists()
            )
        return results, duplicates

    @admin.display(description=_("segmen"), ordering="segment")
    def segment_code(self, worker):
        """PU / BPU / JAKON / PMI: the long names made the list scroll sideways (the filter names them)."""
        return worker.segment

    @admin.display(description=_("upah"), ordering="wage")
    def wage_display(self, worker):
        return format_rupiah(worker.wage)


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """Who looked up which NIK or downloaded personal data: read-only, for administrators."""

    list_display = ["at", "user", "action", "subject", "found"]
    list_filter = ["action", "found"]
    search_fields = ["=subject", "user__username"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
