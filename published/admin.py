"""Admin of the data-quality thresholds applied at the monthly close (admins only: no role group holds them)."""

from django.contrib import admin

from published.models import FlagThreshold


@admin.register(FlagThreshold)
class FlagThresholdAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "value"]
    readonly_fields = ["code"]

    def has_add_permission(self, request):
        return False  # the close reads known codes only

    def has_delete_permission(self, request, obj=None):
        return False
