"""Published figures pages: the month's snapshots of the user's cities (/figures/) and one snapshot version
(/figures/<id>/) with its sign-off, why UCJ moved, its flags and its byte-stable export."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from config.spreadsheets import csv_lines
from published import services
from published.models import Snapshot
from published.selectors import coverage_of, snapshots_for, versions_of, waterfall
from regions.selectors import may_see_personal_data

S = Snapshot.Status
FLAG_TEXTS = {  # lazy: read in the language of each request
    "zscore": gettext_lazy("Perubahan bersih bulan ini tidak wajar (skor-z termodifikasi %(value)s)."),
    "deactivation": gettext_lazy("Peserta keluar dalam sebulan: %(value)s %% dari peserta aktif."),
    "over_potential": gettext_lazy("Peserta aktif melebihi potensi tenaga kerja (%(value)s lebih)."),
    "old_estimate": gettext_lazy("Estimasi potensi dari tahun %(value)s, lebih lama dari tahun angka ini."),
    "no_estimate": gettext_lazy("Kota ini belum punya estimasi potensi tenaga kerja."),
}


def flag_texts(snapshot):
    return [str(FLAG_TEXTS[flag["code"]]) % {"value": flag.get("value", "")} for flag in snapshot.data["flags"]]


EXPORT_HEADER = [
    "snapshot_id",
    "content_hash",
    "city_code",
    "city_name",
    "period",
    "version",
    "as_of",
    "active_pu",
    "active_bpu",
    "active_total",
    "potential_pu",
    "potential_bpu",
    "potential_total",
    "potential_source",
    "potential_year",
    "target_percent",
    "ucj_percent",
    "ucj_pu_percent",
    "ucj_bpu_percent",
]
MOVEMENT_COLUMNS = [
    "joins_pu",
    "leaves_pu",
    "moves_pu",
    "joins_bpu",
    "leaves_bpu",
    "moves_bpu",
    "delta_active",
    "delta_potential",
    "delta_pp",
    "numerator_pp",
    "denominator_pp",
]


def _number(value):
    """Stored percentage points are text ("-0.23"): written as numbers (a text cell starting with "-" would be
    guarded against formulas)."""
    return Decimal(value) if isinstance(value, str) else value


def export_bytes(snapshot):
    """The snapshot's CSV: made from its frozen figures only, so the same bytes whenever it is downloaded."""
    data, ucj, move = snapshot.data, snapshot.data["ucj"], snapshot.data["movement"] or {}
    header, row = (
        list(EXPORT_HEADER),
        [
            snapshot.pk,
            snapshot.content_hash,
            ucj["code"],
            ucj["name"],
            data["period"],
            snapshot.version,
            data["as_of"],
            *(ucj[name] if name == "potential_source" else _number(ucj[name]) for name in EXPORT_HEADER[7:]),
        ],
    )
    header += MOVEMENT_COLUMNS
    row += [_number(move.get(name)) for name in MOVEMENT_COLUMNS]
    for bsu in data["bsu"]:
        code = bsu["programme"]
        for status, number in bsu["counts"].items():
            header.append(f"{code}_{status.lower()}")
            row.append(number)
        header += [f"{code}_recipients", f"{code}_amount_disbursed", f"{code}_disbursed_percent"]
        row += [bsu["recipients"], bsu["amount_disbursed"], _number(bsu["disbursed_percent"])]
    return "".join(csv_lines(header, [row])).encode()


@login_required
def snapshot_list(request):
    """The month's latest snapshot version of every city in the scope (officials: published ones), its status and
    flags; a period switch."""
    snapshots = snapshots_for(request.user)
    periods = list(snapshots.order_by("-period").values_list("period", flat=True).distinct()[:36])
    chosen = request.GET.get("period")
    try:
        period = services.period_of(chosen) if chosen else (periods[0] if periods else None)
    except ValueError:
        messages.error(request, _("Periode harus berformat TTTT-BB, mis. 2025-06."))
        period = periods[0] if periods else None
        refused = True
    else:
        refused = False
    latest = {}
    for snapshot in snapshots.filter(period=period).select_related("city").order_by("city", "-version"):
        latest.setdefault(snapshot.city_id, snapshot)
    rows = [(snapshot, flag_texts(snapshot)) for snapshot in latest.values()]
    context = {
        "rows": rows,
        "period": period,
        "periods": periods,
        "counts": {status.label: sum(s.status == status for s in latest.values()) for status in S},
        "staff": may_see_personal_data(request.user),
    }
    return render(request, "published/list.html", context, status=400 if refused else 200)


@login_required
@require_http_methods(["GET", "POST"])
def snapshot_detail(request, pk):
    snapshot = get_object_or_404(snapshots_for(request.user).select_related("city"), pk=pk)
    if request.method == "POST":
        return _step(request, snapshot)
    if request.GET.get("_export") == "csv":
        response = HttpResponse(export_bytes(snapshot), content_type="text/csv")
        filename = f"angka-resmi-{snapshot.city_id}-{snapshot.period:%Y-%m}-v{snapshot.version}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    staff = may_see_personal_data(request.user)
    versions = list(versions_of(request.user, snapshot))
    context = {
        "snapshot": snapshot,
        "row": coverage_of(snapshot),
        "move": snapshot.data["movement"],
        "waterfall": waterfall(snapshot),
        "flags": flag_texts(snapshot),
        "bsu": snapshot.data["bsu"],
        "versions": versions,
        "steps": snapshot.steps.select_related("user") if staff else None,
        "staff": staff,
        "may_verify": services.may_verify(request.user, snapshot) and snapshot.status == S.PROVISIONAL,
        "may_publish": services.may_publish(request.user, snapshot) and snapshot.status == S.VERIFIED,
        "may_reopen": services.may_publish(request.user, snapshot) and snapshot.status == S.PUBLISHED,
        "may_note": staff
        and snapshot.flagged
        and snapshot.status != S.PUBLISHED
        and versions_of(request.user, snapshot)[0] == snapshot,
    }
    return render(request, "published/detail.html", context)


ACTIONS = {
    "verify": services.snapshot_verify,
    "publish": services.snapshot_publish,
}


class StepForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("verify", "publish", "reopen", "note")])
    note = forms.CharField(required=False, max_length=500)  # Django refuses NUL characters in it


def _step(request, snapshot):
    """A sign-off step from the snapshot page; refused steps say why, out-of-scope ones were 404 already."""
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Langkah tidak dapat diproses: %(errors)s") % {"errors": " ".join(m for ms in form.errors.values() for m in ms)},
        )
        return redirect("snapshot", pk=snapshot.pk)
    action, note = form.cleaned_data["action"], form.cleaned_data["note"]
    try:
        if action in ACTIONS:
            ACTIONS[action](snapshot=snapshot, user=request.user, note=note)
            messages.success(request, _("Langkah dicatat."))
        elif action == "reopen":
            new = services.snapshot_reopen(snapshot=snapshot, user=request.user, reason=note)
            messages.success(request, _("Versi %(version)s dibuat; versi lama tetap dapat dibuka.") % {"version": new.version})
            return redirect("snapshot", pk=new.pk)
        else:
            services.flag_note_save(snapshot=snapshot, user=request.user, note=note)
            messages.success(request, _("Catatan tindak lanjut disimpan."))
    except PermissionDenied as error:
        messages.error(request, str(error) or _("Anda tidak berwenang untuk langkah ini."))
        return render(request, "403.html", status=403)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("snapshot", pk=snapshot.pk)
