"""Admin back office of Pemda commitments (branch and regional staff of the scope) and of their reference data
(kinds, target groups, contribution rates, the scorecard's aspects, indicators, weights and bands:
administrators)."""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment, CommitmentKind, ContributionRate, ScoreAspect, ScoreBand, ScoreIndicator, TargetGroup
from commitments.selectors import commitment_progress, commitments_for, may_write
from config.formatting import format_number, format_percent, format_rupiah
from imports.admin import ImportButtonMixin
from imports.admin_filters import ImportJobFilter
from regions.admin import ProvinceFilter, ScopedAdmin, ScopedHistoryAdmin
from regions.models import Access, Province
from regions.selectors import role_of


def provinces_for(user):
    """Provinces a user may give a commitment to: admins only (see commitments.selectors.may_write)."""
    return Province.objects.all() if role_of(user) == Access.Role.ADMIN else Province.objects.none()


class EvidenceLink:
    """The stored file as the file widget shows it, linked to the scoped download instead of /media/."""

    def __init__(self, file):
        self.file = file
        self.url = reverse("commitment-evidence", args=[file.instance.pk])

    def __str__(self):
        return self.file.name


class EvidenceInput(forms.ClearableFileInput):
    def format_value(self, value):
        value = super().format_value(value)
        return EvidenceLink(value) if value and getattr(value.instance, "pk", None) else value


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = [  # not the import trace: its choices would list every user's jobs
            "code",
            "province",
            "city",
            "kind",
            "target_group",
            "year",
            "status",
            "promised_workers",
            "contribution_per_month",
            "months",
            "budget",
            "reference",
            "evidence",
            "notes",
        ]
        widgets = {"evidence": EvidenceInput}

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip().upper()


class PemdaProvinceFilter(ProvinceFilter):
    """A province's own commitments and those of its regencies/cities."""

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(Q(province_id=self.value()) | Q(city__province_id=self.value()))
        return queryset


@admin.register(Commitment)
class CommitmentAdmin(ImportButtonMixin, ScopedHistoryAdmin):
    import_kind = "commitments"
    scope_selector = commitments_for
    choice_selectors = {**ScopedAdmin.choice_selectors, "province": provinces_for}
    form = CommitmentForm
    list_display = ["code", "pemda_display", "kind", "target_group", "year", "status", "promised_display", "budget_display"]
    list_filter = ["status", "kind", "year", PemdaProvinceFilter, ImportJobFilter]
    list_select_related = ["city", "province", "kind", "target_group"]
    search_fields = ["=code", "reference", "city__name", "province__name"]
    autocomplete_fields = ["city"]
    readonly_fields = ["progress_display"]
    fieldsets = [
        (None, {"fields": ["code", "province", "city", "kind", "target_group", "year", "status"]}),
        (_("Pembiayaan"), {"fields": ["promised_workers", "contribution_per_month", "months", "budget", "progress_display"]}),
        (_("Bukti"), {"fields": ["reference", "evidence", "notes"]}),
    ]

    def has_change_permission(self, request, obj=None):
        """A province's commitment is read by the staff of its regencies/cities, written by admins."""
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_write(request.user, obj))

    @admin.display(description=_("Pemda"), ordering="city")
    def pemda_display(self, commitment):
        return str(commitment.pemda)

    @admin.display(description=_("pekerja dijanjikan"), ordering="promised_workers")
    def promised_display(self, commitment):
        return format_number(commitment.promised_workers)

    @admin.display(description=_("anggaran"), ordering="budget")
    def budget_display(self, commitment):
        return format_rupiah(commitment.budget)

    @admin.display(description=_("realisasi hari ini"))
    def progress_display(self, commitment):
        if commitment.pk is None:
            return "-"
        (progress,) = commitment_progress([commitment], as_of=timezone.localdate())
        return _("%(active)s peserta aktif (%(share)s dari yang dijanjikan); terpakai %(spent)s") % {
            "active": format_number(progress.active_workers),
            "share": format_percent(progress.share) or "-",
            "spent": format_rupiah(progress.spent),
        }


@admin.register(CommitmentKind)
class CommitmentKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "funds_workers", "position"]
    ordering = ["position", "code"]


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "position"]
    ordering = ["position", "code"]


@admin.register(ContributionRate)
class ContributionRateAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "declared_income_display", "jkk_percent", "jkm_display", "monthly_display", "source"]

    @admin.display(description=_("penghasilan"), ordering="declared_income")
    def declared_income_display(self, rate):
        return format_rupiah(rate.declared_income)

    @admin.display(description=_("JKM"), ordering="jkm")
    def jkm_display(self, rate):
        return format_rupiah(rate.jkm)

    @admin.display(description=_("iuran per bulan"))
    def monthly_display(self, rate):
        return format_rupiah(rate.monthly)


@admin.register(ScoreAspect)
class ScoreAspectAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "weight", "position"]
    ordering = ["position", "code"]


class ScoreBandInline(admin.TabularInline):
    model = ScoreBand
    extra = 1


@admin.register(ScoreIndicator)
class ScoreIndicatorAdmin(admin.ModelAdmin):
    """Weights and bands are ours (the Paritrana Award's are not public). A weight counts at once on the pages;
    a band counts from the next `refresh_scores`, which stores the scores it gives."""

    list_display = ["code", "name", "aspect", "formula", "weight", "position"]
    list_filter = ["aspect"]
    list_select_related = ["aspect"]
    filter_horizontal = ["kinds"]
    inlines = [ScoreBandInline]
    ordering = ["aspect__position", "position", "code"]
