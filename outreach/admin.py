"""Admin back office for employer reports, scoped to the user's regions (staff only)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from config.formatting import format_rupiah
from imports.admin import ImportButtonMixin
from imports.admin_filters import ImportJobFilter
from outreach.models import EmployerReport
from outreach.selectors import employer_reports_for
from participants.selectors import employers_for
from regions.admin import CityListFilter, OfficeFilter, ProvinceFilter, ScopedAdmin


class RegisteredFilter(admin.SimpleListFilter):
    title = _("terdaftar di BPJS")
    parameter_name = "registered"

    def lookups(self, request, model_admin):
        return [("yes", _("Terdaftar (ada NPP)")), ("no", _("Belum terdaftar (PWBD)"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(employer__isnull=self.value() == "no")
        return queryset


@admin.register(EmployerReport)
class EmployerReportAdmin(ImportButtonMixin, ScopedAdmin):
    import_kind = "employer_reports"
    scope_selector = employer_reports_for
    choice_selectors = {**ScopedAdmin.choice_selectors, "employer": employers_for}
    list_display = ["company_id", "source", "name", "city", "employer", "reported_workers", "wage_display", "report_date"]
    list_filter = [RegisteredFilter, "source", ProvinceFilter, OfficeFilter, CityListFilter, ImportJobFilter]
    list_select_related = ["city", "employer"]
    search_fields = ["=company_id", "name", "=employer__npp"]
    autocomplete_fields = ["city", "employer"]
    exclude = ["import_job"]  # a trace written by imports; its choices would list every user's jobs

    @admin.display(description=_("total upah dilaporkan"), ordering="reported_wage_total")
    def wage_display(self, report):
        return format_rupiah(report.reported_wage_total)
