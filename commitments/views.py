"""The simulator page of a regency/city, its scorecard, its province's ranking and the download of a commitment's
evidence."""

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
from commitments.models import Commitment, CommitmentKind, bpu_contribution
from commitments.selectors import city_scorecard, commitments_for, may_write, province_ranking, scoring_rules
from commitments.services import commitment_plan_create
from commitments.simulator import default_deadline, simulate, workers_to_fund
from config.formatting import format_number, format_rupiah
from regions.models import Province
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


FIRST_SCORED_YEAR = 2000


def score_year(request):
    """The ?year= asked for (default this year) and whether it was refused (with a message; the page then shows
    this year)."""
    this_year = timezone.localdate().year
    given = request.GET.get("year", "").strip()
    if not given:
        return this_year, False
    if given.isascii() and given.isdigit() and FIRST_SCORED_YEAR <= int(given) <= this_year:
        return int(given), False
    messages.error(
        request,
        _("Tahun %(value)s tidak bisa dipakai: isi tahun antara %(low)s dan %(high)s.")
        % {"value": given[:20], "low": FIRST_SCORED_YEAR, "high": this_year},
    )
    return this_year, True


def explain(action, *, kind, rank, province):
    """The one sentence saying why the first action is the one to take."""
    values = {
        "kind": kind,
        "gain": format_number(action.gain, 2),
        "rank": rank,
        "rank_after": action.rank_after,
        "province": province,
    }
    if action.rank_after < rank:
        moves = _("menaikkan peringkat di %(province)s dari %(rank)s ke %(rank_after)s") % values
    else:
        moves = _("peringkat di %(province)s tetap %(rank)s") % values
    values["moves"] = moves
    if not action.cost:
        return (
            _(
                "Langkah termurah dengan tambahan skor terbesar: komitmen „%(kind)s” yang berlaku, tanpa biaya iuran, "
                "menambah %(gain)s poin; %(moves)s."
            )
            % values
        )
    values.update(workers=format_number(action.workers), months=action.months, cost=format_rupiah(action.cost))
    return (
        _(
            "Tambahan skor terbanyak per rupiah: „%(kind)s” untuk iuran %(workers)s pekerja BPU selama %(months)s bulan "
            "(%(cost)s) menambah %(gain)s poin; %(moves)s."
        )
        % values
    )


@login_required
def scorecard(request, code):
    """Scores of a regency/city for a year (Paritrana-style aspects) from the stored evidence rows, and what would
    move it up in its province's ranking."""
    city = get_object_or_404(cities_for(request.user), code=code)
    year, refused = score_year(request)
    today = timezone.localdate()
    card = city_scorecard(
        request.user, city, year=year, months=SimulatorForm.DEFAULT_MONTHS, contribution=bpu_contribution(today)
    )
    names = dict(CommitmentKind.objects.values_list("code", "name"))
    actions = [(action, names.get(action.kind, action.kind)) for action in card.actions] if card else []
    sentence = ""
    if actions:
        best, kind = actions[0]
        sentence = explain(best, kind=kind, rank=card.rank, province=city.province.name)
    context = {
        "city": city,
        "year": year,
        "card": card,
        "actions": actions,
        "sentence": sentence,
        "contribution": bpu_contribution(today),
    }
    return render(request, "commitments/scorecard.html", context, status=400 if refused else 200)


@login_required
def ranking(request, code):
    """The ranking of a province's regencies/cities by total score (see commitments.selectors.province_ranking
    for who sees which rows)."""
    visible = cities_for(request.user).values("province_id")
    province = get_object_or_404(Province.objects.filter(code__in=visible), code=code)
    year, refused = score_year(request)
    rules = scoring_rules()
    rows, totals = province_ranking(request.user, province.code, year=year, rules=rules)
    aspects = list(dict.fromkeys((rule.aspect, rule.aspect_name) for rule in rules))
    context = {"province": province, "year": year, "rows": rows, "scored": len(totals), "aspects": aspects}
    return render(request, "commitments/ranking.html", context, status=400 if refused else 200)
