"""The simulator page of a regency/city and the download of a commitment's evidence."""

from pathlib import PurePath
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments.forms import SimulatorForm
from commitments.models import Commitment, bpu_contribution
from commitments.selectors import commitments_for, may_write
from commitments.services import commitment_plan_create
from commitments.simulator import default_deadline, simulate, workers_to_fund
from regions.selectors import cities_for
from regions.ucj import coverage_rows

SIMULATION_FIELDS = ("workers", "months", "contribution", "group", "deadline")


def may_save_plan(user, city):
    """Staff of the regency/city's scope with the right to add commitments (never an official)."""
    return user.has_perm("commitments.add_commitment") and may_write(user, Commitment(city_id=city.code))


@login_required
def simulator(request, code):
    city = get_object_or_404(cities_for(request.user), code=code)
    today = timezone.localdate()
    (row,) = coverage_rows([(city.code, city.name, city.province_id)], as_of=today)
    may_save = may_save_plan(request.user, city)
    if request.method == "POST" and not may_save:
        raise PermissionDenied
    form = SimulatorForm(request.POST if request.method == "POST" else request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {}
    workers = data.get("workers")
    months = data.get("months") or SimulatorForm.DEFAULT_MONTHS
    contribution = data.get("contribution") or bpu_contribution(today)
    deadline = data.get("deadline") or default_deadline(row, today)
    if request.method == "POST":  # save, then back to the simulation (its figures in the address)
        if valid and workers:
            commitment = commitment_plan_create(
                city=city,
                year=data.get("year") or today.year,
                workers=workers,
                months=months,
                contribution=contribution,
                target_group=data.get("group"),
                actor=request.user,
            )
            messages.success(request, _("Disimpan sebagai komitmen rencana %(code)s.") % {"code": commitment.code})
        else:
            labels = {name: field.label for name, field in form.fields.items()}
            problems = "; ".join(f"{labels.get(name, name)}: {' '.join(errors)}" for name, errors in form.errors.items())
            messages.error(request, _("Tidak disimpan. %(problems)s") % {"problems": problems or _("Isi jumlah pekerja.")})
        query = {name: request.POST[name] for name in SIMULATION_FIELDS if request.POST.get(name)}
        return redirect(f"{reverse('simulator', args=[city.code])}?{urlencode(query)}")
    context = {
        "city": city,
        "today": today,
        "row": row,
        "form": form,
        "simulation": simulate(row, workers=workers, months=months, contribution=contribution, as_of=today)
        if workers and valid
        else None,
        "reverse": workers_to_fund(row, deadline=deadline, as_of=today, months=months, contribution=contribution),
        "months": months,
        "contribution": contribution,
        "default_contribution": bpu_contribution(today),
        "may_save": may_save,
        "year": data.get("year") or today.year,
        "group": data.get("group"),
    }
    return render(request, "commitments/simulator.html", context, status=200 if valid else 400)


@login_required
def evidence(request, pk):
    """A commitment's evidence document, to whoever may see the commitment (regulations and budget documents,
    no personal data)."""
    commitment = get_object_or_404(commitments_for(request.user), pk=pk)
    if not commitment.evidence:
        raise Http404
    try:
        handle = commitment.evidence.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=PurePath(commitment.evidence.name).name)
