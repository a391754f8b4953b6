"""Admin for BSU programmes (their rules are data) and recipients (scoped, read-only: changes go
through the pipeline service)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from imports.admin import ImportButtonMixin
from participants.selectors import workers_for
from regions.admin import ScopedAdmin
from regions.models import Access
from regions.selectors import role_of
from subsidies.models import BankAccount, Programme, Recipient, StatusChange, mask_account
from subsidies.selectors import bank_accounts_for, recipients_for


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "regulation", "amount_per_month", "months", "wage_cap", "membership_cutoff"]
    search_fields = ["code", "name"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "actor", "import_job", "reason", "reference", "amount"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Recipient)
class RecipientAdmin(ScopedAdmin):
    scope_selector = recipients_for

    list_display = ["worker", "programme", "status", "batch", "channel", "status_since"]
    list_filter = ["programme", "status", "batch"]
    list_select_related = ["worker", "programme"]
    search_fields = ["=worker__nik"]
    readonly_fields = ["programme", "worker", "status", "status_since", "batch", "channel", "failed_rules"]
    inlines = [StatusChangeInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SharedAccountFilter(admin.SimpleListFilter):
    title = _("nomor rekening dipakai NIK lain")
    parameter_name = "shared"

    def lookups(self, request, model_admin):
        return [("1", _("ya")), ("0", _("tidak"))]

    def queryset(self, request, queryset):
        if self.value() in ("0", "1"):
            return queryset.filter(shared=self.value() == "1")
        return queryset


@admin.register(BankAccount)
class BankAccountAdmin(ImportButtonMixin, ScopedAdmin):
    """Account numbers in full only for branch staff (of the scope: the rows are scoped); masked to the
    last 4 digits for everyone else, who cannot edit them either."""

    import_kind = "bank_accounts"
    scope_selector = bank_accounts_for
    choice_selectors = {"worker": workers_for}
    list_display = ["worker", "bank", "number_display", "account_name", "shared_display"]
    list_filter = ["bank", SharedAccountFilter]
    list_select_related = ["worker"]
    search_fields = ["=worker__nik"]
    autocomplete_fields = ["worker"]

    @staticmethod
    def sees_numbers(request):
        return role_of(request.user) == Access.Role.BRANCH

    def get_fields(self, request, obj=None):
        number = "account_number" if self.sees_numbers(request) else "number_display"
        return ["worker", "bank", number, "account_name"]

    def get_readonly_fields(self, request, obj=None):
        return [] if self.sees_numbers(request) else ["worker", "bank", "number_display", "account_name"]

    def get_search_fields(self, request):
        # searching by account number would reveal it to someone who may not see it
        return [*self.search_fields, "=account_number"] if self.sees_numbers(request) else self.search_fields

    def has_add_permission(self, request):
        return self.sees_numbers(request) and super().has_add_permission(request)

    def get_list_display(self, request):
        number = "account_number" if self.sees_numbers(request) else "number_display"
        return [number if name == "number_display" else name for name in self.list_display]

    @admin.display(description=_("nomor rekening"))
    def number_display(self, account):
        return mask_account(account.account_number)

    @admin.display(description=_("dipakai NIK lain"), boolean=True)
    def shared_display(self, account):
        return account.shared
