"""Admin for BSU programmes (their rules are data) and recipients (scoped, read-only: changes go
through the pipeline service)."""

from django.contrib import admin

from participants.selectors import workers_for
from regions.admin import ScopedAdmin
from subsidies.models import Programme, Recipient, StatusChange


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
    @staticmethod
    def scope_selector(user):
        return Recipient.objects.filter(worker__in=workers_for(user).values("pk"))

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
