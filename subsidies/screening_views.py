"""Screening runs for staff: each run's counts and who entered or left the candidate set since the previous
run, with the rules that made the difference; exported as CSV (NIKs: staff of the scope, every download
recorded). Officials have no such pages."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from config.spreadsheets import export_response
from participants.models import PersonalDataAccess
from regions.selectors import may_see_personal_data
from subsidies.models import ScreeningRun
from subsidies.selectors import screening_changes_for

DIFF_CSV_HEADER = ("run", "programme", "nik", "name", "city_code", "change", "rules", "reasons")
PAGE_SIZE = 100


def _staff_only(request):
    if not may_see_personal_data(request.user):
        raise Http404


@login_required
def screening_runs(request):
    """Every run, newest first, with the entries and exits among the user's workers (one query each)."""
    _staff_only(request)
    runs = list(ScreeningRun.objects.select_related("programme", "actor")[:200])
    in_scope = (
        screening_changes_for(request.user)
        .filter(run__in=[run.pk for run in runs])
        .values("run")
        .annotate(n_in=Count("pk", filter=Q(entered=True)), n_out=Count("pk", filter=Q(entered=False)))
        .order_by()
    )
    counts = {row["run"]: (row["n_in"], row["n_out"]) for row in in_scope}
    rows = [(run, *counts.get(run.pk, (0, 0))) for run in runs]
    return render(request, "subsidies/screenings.html", {"rows": rows})


@login_required
def screening_run(request, pk):
    """One run's entries and exits among the user's workers; `?_export=csv` downloads them all."""
    _staff_only(request)
    run = get_object_or_404(ScreeningRun.objects.select_related("programme", "actor"), pk=pk)
    changes = (
        screening_changes_for(request.user)
        .filter(run=run)
        .select_related("worker__city")
        .order_by("-entered", "worker__city_id", "worker__nik")
    )
    if request.GET.get("_export") == "csv":
        PersonalDataAccess.objects.create(
            user=request.user, action=PersonalDataAccess.Action.EXPORT, subject=f"penyaringan #{run.pk}: perubahan"
        )
        rows = (
            (
                run.pk,
                run.programme.code,
                change.worker.nik,
                change.worker.name,
                change.worker.city_id,
                "entered" if change.entered else "left",
                " ".join(code for code, _message in change.rules),
                "; ".join(message for _code, message in change.rules),
            )
            for change in changes.iterator(chunk_size=2000)
        )
        return export_response(request, f"penyaringan-{run.pk}", DIFF_CSV_HEADER, rows)
    page = Paginator(changes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "subsidies/screening_run.html", {"run": run, "page": page})
