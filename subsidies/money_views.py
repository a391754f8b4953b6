"""Staff pages of BSU money: the batch reconciliation (/bsu/batches/, with its export) and the account risk
review queue (/bsu/tinjauan/). Officials get 404 on both: the reconciliation lists recipients by NIK and
the queue is personal data; their city page shows the aggregate Pos countdown instead."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.spreadsheets import export_response
from regions.selectors import cities_for, may_see_personal_data
from subsidies.models import Programme, RiskReview
from subsidies.money import pickup_deadline_text
from subsidies.reconciliation import CSV_HEADER, reconciliation, with_mismatches
from subsidies.risk import risk_review_clear, risk_review_confirm_rejection, risk_review_propose_rejection
from subsidies.selectors import payments_for, pos_waiting, risk_queue_for
from subsidies.tasks import refresh_bsu_figures

QUEUE_PAGE = 100  # recipients shown at once; the count above the list is complete
EXPORT_LABELS = {
    "batch": gettext_lazy("Batch"),
    "channel": gettext_lazy("Kanal"),
    "determined": gettext_lazy("Ditetapkan"),
    "determined_amount": gettext_lazy("Ditetapkan (Rp)"),
    "paid_by_bank": gettext_lazy("Dibayar bank"),
    "paid_by_bank_amount": gettext_lazy("Dibayar bank (Rp)"),
    "collected_at_pos": gettext_lazy("Diambil di Pos"),
    "collected_at_pos_amount": gettext_lazy("Diambil di Pos (Rp)"),
    "returned": gettext_lazy("Dikembalikan"),
    "returned_amount": gettext_lazy("Dikembalikan (Rp)"),
    "returned_to_treasury": gettext_lazy("Ke kas negara"),
    "returned_to_treasury_amount": gettext_lazy("Ke kas negara (Rp)"),
    "open": gettext_lazy("Belum selesai"),
    "open_amount": gettext_lazy("Belum selesai (Rp)"),
    "mismatch": gettext_lazy("Selisih"),
    "mismatch_amount": gettext_lazy("Selisih (Rp)"),
    "balanced": gettext_lazy("Seimbang"),
}


def _programme(request):
    code = request.GET.get("programme")
    if code:
        return get_object_or_404(Programme, code=code[:20])
    programme = Programme.objects.first()
    if programme is None:
        raise Http404
    return programme


@login_required
def batch_reconciliation(request):
    if not may_see_personal_data(request.user):
        raise Http404
    programme = _programme(request)
    batch = request.GET.get("batch", "").strip()
    if batch and not (batch.isdigit() and 0 < int(batch) < 1000):
        return HttpResponseBadRequest(_("Batch harus berupa angka 1-999."), content_type="text/plain; charset=utf-8")
    batch = int(batch) if batch else None
    payments = payments_for(request.user).filter(programme=programme)
    lines = reconciliation(payments, batch=batch)
    export = export_response(
        request, f"rekonsiliasi-{programme.code}", CSV_HEADER, (line.csv_row() for line in lines), labels=EXPORT_LABELS
    )
    if export:
        return export
    with_mismatches(lines, payments.filter(batch=batch) if batch else payments)
    codes = cities_for(request.user).values_list("code", flat=True)
    context = {
        "programme": programme,
        "programmes": Programme.objects.values_list("code", "name"),
        "batch": batch,
        "lines": lines,
        "unbalanced": sum(not line.balanced for line in lines),
        "deadline": pickup_deadline_text(programme),
        "pos_waiting": sum(pos_waiting(programme, codes).values()),
        "query": request.GET.urlencode(),
    }
    return render(request, "subsidies/batches.html", context)


class ReviewForm(forms.Form):
    DECISIONS = ("clear", "propose_rejection", "confirm_rejection")

    recipient = forms.IntegerField(min_value=1)
    decision = forms.ChoiceField(choices=[(d, d) for d in DECISIONS])
    note = forms.CharField(required=False, max_length=300)


@login_required
def risk_review_queue(request):
    if not may_see_personal_data(request.user):
        raise Http404
    queue = risk_queue_for(request.user)
    if request.method == "POST":
        return _review(request, queue)
    recipients = list(queue[:QUEUE_PAGE])
    proposals = {
        review.recipient_id: review
        for review in RiskReview.objects.filter(
            recipient_id__in=[r.pk for r in recipients],
            decision=RiskReview.Decision.REJECTED,
            confirmed_by__isnull=True,
            signals__isnull=False,
        ).select_related("proposed_by")
    }
    rows = [{"recipient": r, "signals": r.open_signals, "proposal": proposals.get(r.pk)} for r in recipients]
    context = {
        "rows": rows,
        "total": queue.count(),
        "shown": len(rows),
        "may_decide": request.user.has_perm("subsidies.change_recipient"),
    }
    return render(request, "subsidies/review_queue.html", context)


def _review(request, queue):
    if not request.user.has_perm("subsidies.change_recipient"):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Permintaan tinjauan tidak lengkap; muat ulang halaman."))
        return redirect("bsu-review")
    data = form.cleaned_data
    recipient = queue.filter(pk=data["recipient"]).first()
    if recipient is None:
        raise Http404  # outside the scope, or no longer in the queue
    try:
        if data["decision"] == "clear":
            risk_review_clear(recipient=recipient, actor=request.user, note=data["note"])
            done = _("Penerima %(nik)s dinyatakan aman dan boleh ditetapkan.")
        elif data["decision"] == "propose_rejection":
            risk_review_propose_rejection(recipient=recipient, actor=request.user, note=data["note"])
            done = _("Penolakan rekening %(nik)s diusulkan; menunggu konfirmasi orang lain.")
        else:
            review = RiskReview.objects.filter(
                recipient=recipient, decision=RiskReview.Decision.REJECTED, confirmed_by__isnull=True, signals__isnull=False
            ).first()
            if review is None:
                raise ValidationError(_("Tidak ada usulan penolakan untuk penerima ini."))
            risk_review_confirm_rejection(review=review, actor=request.user)
            done = _("Penolakan rekening %(nik)s dikonfirmasi; bantuan disalurkan lewat Pos.")
            transaction.on_commit(refresh_bsu_figures.enqueue)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done % {"nik": recipient.worker.nik})
    return redirect("bsu-review")
