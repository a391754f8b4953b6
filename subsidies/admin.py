"""Admin for BSU programmes (their rules are data) and recipients (scoped, read-only: changes go
through the pipeline service)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from config.formatting import format_number, format_rupiah
from imports.admin import ImportButtonMixin
from imports.admin_filters import ImportJobFilter
from participants.selectors import workers_for
from regions.admin import CityListFilter, OfficeFilter, ProvinceFilter, ScopedAdmin, ScopedHistoryAdmin
from regions.models import Access
from regions.selectors import role_of
from subsidies.admin_filters import BankAccountCityFilter, StuckFilter
from subsidies.forms import TransitionForm
from subsidies.models import (
    BankAccount,
    ExclusionEntry,
    ExclusionKind,
    ExclusionList,
    Payment,
    Programme,
    ProvinceChannel,
    Recipient,
    RecipientStatus,
    StatusChange,
    mask_account,
)
from subsidies.money import payment_recovery_mark, payment_recovery_record, pos_pickup_expire
from subsidies.screening import wage_cap_text
from subsidies.selectors import bank_accounts_for, recipients_for
from subsidies.services import recipient_transition
from subsidies.tasks import refresh_bsu_figures, screen_programme


class ExcludedKindInline(admin.TabularInline):
    """The kinds of exclusion lists whose NIKs the programme screens out (data, e.g. PKH, ASN, TNI, POLRI)."""

    model = ExclusionKind.programmes.through
    extra = 0
    verbose_name = _("jenis daftar pengecualian")
    verbose_name_plural = _("dikecualikan: NIK pada daftar berjenis")


class ProvinceChannelInline(admin.TabularInline):
    """Provinces a programme pays through one bank (Aceh: BSI)."""

    model = ProvinceChannel
    extra = 0
    autocomplete_fields = ["province"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "regulation", "amount_display", "months", "wage_cap_display", "membership_cutoff"]
    search_fields = ["code", "name"]
    actions = ["screen", "expire_pos_pickups"]
    inlines = [ExcludedKindInline, ProvinceChannelInline]

    @admin.display(description=_("bantuan per bulan"), ordering="amount_per_month")
    def amount_display(self, programme):
        return format_rupiah(programme.amount_per_month)

    @admin.display(description=_("batas upah"), ordering="wage_cap")
    def wage_cap_display(self, programme):
        return format_rupiah(programme.wage_cap)

    @admin.action(description=_("Saring semua pekerja (di latar belakang)"), permissions=["change"])
    def screen(self, request, queryset):
        for programme in queryset:
            screen_programme.enqueue(programme.pk, request.user.pk)
            messages.info(
                request,
                gettext_now("Penyaringan %(code)s berjalan di latar belakang; angka /bsu/ diperbarui setelah selesai.")
                % {"code": programme.code},
            )

    @admin.action(
        description=_("Kembalikan ke kas negara: penerima Pos yang tidak mengambil sampai batas"), permissions=["change"]
    )
    def expire_pos_pickups(self, request, queryset):
        """The same step as the scheduled task, started by hand; each recipient gets its status change."""
        for programme in queryset:
            if programme.pos_pickup_deadline is None or timezone.localdate() <= programme.pos_pickup_deadline:
                messages.warning(
                    request,
                    gettext_now("%(code)s: batas pengambilan di Pos belum lewat; tidak ada yang dikembalikan.")
                    % {"code": programme.code},
                )
                continue
            moved = pos_pickup_expire(programme=programme, actor=request.user)
            messages.success(
                request,
                gettext_now("%(code)s: %(n)s penerima Pos yang tidak mengambil dikembalikan ke kas negara.")
                % {"code": programme.code, "n": format_number(moved)},
            )
            if moved:
                transaction.on_commit(refresh_bsu_figures.enqueue)


class StatusChangeInline(admin.TabularInline):
    """The recipient's status history, oldest first, in words (the audit rows keep the codes)."""

    model = StatusChange
    extra = 0
    can_delete = False
    fields = [
        "at_display",
        "from_label",
        "to_label",
        "actor_display",
        "job_display",
        "reason_display",
        "reference_display",
        "amount_display",
    ]
    readonly_fields = fields
    ordering = ["at", "pk"]
    template = "admin/subsidies/recipient/status_history.html"
    verbose_name = _("perubahan status")
    verbose_name_plural = _("riwayat status")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "import_job")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("waktu"))
    def at_display(self, change):
        return date_format(timezone.localtime(change.at), "DATETIME_FORMAT")

    @admin.display(description=_("dari status"))
    def from_label(self, change):
        return RecipientStatus(change.from_status).label if change.from_status else "-"

    @admin.display(description=_("menjadi"))
    def to_label(self, change):
        return RecipientStatus(change.to_status).label

    @admin.display(description=_("oleh"))
    def actor_display(self, change):
        return change.actor or "-"

    @admin.display(description=_("impor"))
    def job_display(self, change):
        return f"#{change.import_job.pk} {change.import_job.filename}" if change.import_job else "-"

    @admin.display(description=_("alasan"))
    def reason_display(self, change):
        return change.reason or "-"

    @admin.display(description=_("referensi"))
    def reference_display(self, change):
        return change.reference or "-"

    @admin.display(description=_("jumlah"))
    def amount_display(self, change):
        return format_rupiah(change.amount) or "-"


class PaymentInline(admin.TabularInline):
    """Each determination of the recipient and what became of its money, with any recovery."""

    model = Payment
    extra = 0
    can_delete = False
    fields = [
        "batch",
        "channel",
        "amount",
        "outcome",
        "outcome_channel",
        "outcome_amount",
        "recovery_owed",
        "recovered",
        "recovered_on",
    ]
    readonly_fields = fields
    ordering = ["batch"]
    verbose_name_plural = _("penyaluran per batch")

    def has_add_permission(self, request, obj=None):
        return False


class RecoveryForm(forms.Form):
    payment = forms.IntegerField(widget=forms.HiddenInput)
    amount_owed = forms.IntegerField(label=_("Harus dikembalikan (Rp)"), required=False, min_value=1)
    reason = forms.CharField(label=_("Alasan penagihan"), required=False, max_length=300)
    recovered = forms.IntegerField(label=_("Pengembalian diterima (Rp)"), required=False, min_value=1)
    recovered_on = forms.DateField(label=_("Tanggal pengembalian"), required=False)


@admin.register(Recipient)
class RecipientAdmin(ScopedAdmin):
    scope_selector = recipients_for

    list_display = ["worker", "status", "city", "programme_code", "batch", "channel", "status_since"]
    list_filter = ["programme", "status", "batch", StuckFilter, ProvinceFilter, OfficeFilter, CityListFilter]
    list_select_related = ["worker", "city", "programme"]
    search_fields = ["=worker__nik"]
    readonly_fields = ["programme", "worker", "city", "status", "status_since", "batch", "channel", "failed_rules", "cap_display"]
    exclude = ["wage_cap", "wage_cap_region"]
    inlines = [StatusChangeInline, PaymentInline]

    @admin.display(description=_("batas upah saat disaring"))
    def cap_display(self, recipient):
        return wage_cap_text(recipient) or "-"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("program"), ordering="programme__code")
    def programme_code(self, recipient):
        return recipient.programme.code

    def get_urls(self):
        view = self.admin_site.admin_view(self.transition_view)
        recovery = self.admin_site.admin_view(self.recovery_view)
        return [
            path("<path:object_id>/transition/", view, name="subsidies_recipient_transition"),
            path("<path:object_id>/recovery/", recovery, name="subsidies_recipient_recovery"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        recipient = self.get_object(request, unquote(object_id))
        extra = {}
        if recipient is not None and self.has_change_permission(request, recipient):
            extra["transition_form"] = TransitionForm(current=recipient.status)
            paid = recipient.payments.filter(outcome=RecipientStatus.DISBURSED).order_by("-batch").first()
            if paid is not None:
                extra["recovery"] = (paid, RecoveryForm(initial={"payment": paid.pk, "amount_owed": paid.recovery_owed}))
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def transition_view(self, request, object_id):
        """One step along the pipeline through the same service as the imports; a decision taken on a
        stale page is refused with a conflict message."""
        recipient = self.get_object(request, unquote(object_id))
        if recipient is None:
            raise Http404  # outside the scope, like every other page
        if request.method != "POST" or not self.has_change_permission(request, recipient):
            raise PermissionDenied
        form = TransitionForm(request.POST, current=request.POST.get("expected", recipient.status))
        if form.is_valid():
            data = form.cleaned_data
            try:
                recipient_transition(
                    recipient=recipient,
                    to_status=data["to_status"],
                    expected=data["expected"],
                    actor=request.user,
                    batch=data["batch"],
                    channel=data["channel"],
                    reason=data["reason"],
                    reference=data["reference"],
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, gettext_now("Status diperbarui."))
                transaction.on_commit(refresh_bsu_figures.enqueue)
        else:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
        return redirect(reverse("admin:subsidies_recipient_change", args=[recipient.pk]))

    def recovery_view(self, request, object_id):
        """Marks a disbursement for recovery (amount owed, reason) or records money recovered; the status
        stays (the pipeline is not reopened), the step goes into the history."""
        recipient = self.get_object(request, unquote(object_id))
        if recipient is None:
            raise Http404
        if request.method != "POST" or not self.has_change_permission(request, recipient):
            raise PermissionDenied
        form = RecoveryForm(request.POST)
        back = redirect(reverse("admin:subsidies_recipient_change", args=[recipient.pk]))
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return back
        data = form.cleaned_data
        payment = recipient.payments.filter(pk=data["payment"]).first()
        if payment is None:
            raise Http404
        try:
            if data["recovered"]:
                payment_recovery_record(
                    payment=payment, amount=data["recovered"], on=data["recovered_on"] or timezone.localdate(), actor=request.user
                )
            else:
                payment_recovery_mark(payment=payment, amount_owed=data["amount_owed"], reason=data["reason"], actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, gettext_now("Penagihan kembali dicatat."))
        return back


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
class BankAccountAdmin(ImportButtonMixin, ScopedHistoryAdmin):
    """Account numbers in full only for branch staff (of the scope: the rows are scoped); masked to the
    last 4 digits for everyone else, who cannot edit them either."""

    import_kind = "bank_accounts"
    scope_selector = bank_accounts_for
    choice_selectors = {"worker": workers_for}
    list_display = ["worker", "bank", "number_display", "account_name", "shared_display"]
    list_filter = ["bank", SharedAccountFilter, BankAccountCityFilter, ImportJobFilter]
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

    def history_value(self, request, field_name, value):
        if field_name == "account_number" and not self.sees_numbers(request):
            return mask_account(str(value))
        return value

    @admin.display(description=_("nomor rekening"))
    def number_display(self, account):
        return mask_account(account.account_number)

    @admin.display(description=_("dipakai NIK lain"), boolean=True)
    def shared_display(self, account):
        return account.shared


@admin.register(ExclusionKind)
class ExclusionKindAdmin(admin.ModelAdmin):
    """Kinds of exclusion lists and the programmes each excludes from (admins: the lists are national)."""

    list_display = ["code", "name"]
    filter_horizontal = ["programmes"]


@admin.register(ExclusionList)
class ExclusionListAdmin(admin.ModelAdmin):
    """A list's name and source make the screening reason ("Terdaftar sebagai penerima PKH 2025 (Kemensos)");
    its period applies to the NIKs imported without one."""

    list_display = ["code", "kind", "name", "source", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(ExclusionEntry)
class ExclusionEntryAdmin(ImportButtonMixin, admin.ModelAdmin):
    """Millions of NIKs: searched by exact NIK, no full count; written by the `exclusions` import."""

    import_kind = "exclusions"
    list_display = ["nik", "exclusion_list", "valid_from", "valid_to"]
    list_filter = ["exclusion_list", ImportJobFilter]
    list_select_related = ["exclusion_list"]
    search_fields = ["=nik"]
    show_full_result_count = False
    raw_id_fields = ["exclusion_list"]
