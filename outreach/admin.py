"""Admin back office for employer reports and visits, scoped to the user's regions (staff only)."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.formatting import format_rupiah
from imports.admin import ImportButtonMixin
from imports.admin_filters import ImportJobFilter
from outreach.models import EmployerReport, Visit
from outreach.selectors import company_city, employer_reports_for, open_visits, visits_for, week_end
from participants.admin import RefreshesFigures
from participants.selectors import employers_for
from regions.admin import CityListFilter, OfficeFilter, ProvinceFilter, ScopedAdmin, ScopedHistoryAdmin
from regions.selectors import cities_for, officers_for


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
class EmployerReportAdmin(RefreshesFigures, ImportButtonMixin, ScopedAdmin):
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


class VisitForm(forms.ModelForm):
    """The company is typed as an NPP or a reported company id; its city (the visit's scope) follows from it."""

    class Meta:
        model = Visit
        fields = ["company", "date", "channel", "outcome", "officer", "next_step", "due_date", "notes"]

    user = None  # set per request by VisitAdmin.get_form

    def clean_company(self):
        company = self.cleaned_data["company"].strip()
        city = company_city(company)
        if city is None or not cities_for(self.user).filter(code=city).exists():
            # the same words in and out of scope: the form is no oracle of other regions' NPPs
            raise forms.ValidationError(_("NPP atau ID perusahaan tidak dikenal di wilayah Anda."))
        self.instance.city_id = city
        return company


class DueFilter(admin.SimpleListFilter):
    title = _("tenggat")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", _("Terlewat")), ("week", _("Sampai akhir minggu ini")), ("open", _("Semua yang terbuka"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return open_visits(queryset.filter(due_date__lt=today))
        if self.value() == "week":
            return open_visits(queryset.filter(due_date__lte=week_end(today)))
        if self.value() == "open":
            return open_visits(queryset)
        return queryset


@admin.register(Visit)
class VisitAdmin(ImportButtonMixin, ScopedHistoryAdmin):
    import_kind = "visits"
    scope_selector = visits_for
    choice_selectors = {**ScopedAdmin.choice_selectors, "officer": officers_for}
    form = VisitForm
    list_display = ["date", "company", "city", "channel", "outcome", "officer", "next_step", "due_date"]
    list_filter = [DueFilter, "outcome", "channel", ProvinceFilter, OfficeFilter, CityListFilter, ImportJobFilter]
    list_select_related = ["city", "officer"]
    search_fields = ["=company", "next_step"]
    date_hierarchy = "date"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_changeform_initial_data(self, request):
        return {"officer": request.user.pk, "date": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def response_add(self, request, obj, post_url_continue=None):
        """From a worklist's "Catat kontak" (?_return=worklist): back to the officer's steps due."""
        if request.GET.get("_return") == "worklist" and "_continue" not in request.POST and "_addanother" not in request.POST:
            self.message_user(request, _("Kontak dengan %(company)s dicatat.") % {"company": obj.company}, messages.SUCCESS)
            return redirect(f"{reverse('worklist')}?list=due")
        return super().response_add(request, obj, post_url_continue)
