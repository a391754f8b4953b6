"""Writes of commitments: saving a simulation as a planned commitment; recomputing the scorecard's evidence."""

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments.models import Commitment, CommitmentKind, ScoreEvidence, ScoreIndicator
from commitments.scoring import Facts, score_all, year_as_of
from commitments.selectors import commitment_progress, scoring_rules
from participants.models import Employer
from published.models import Snapshot
from published.selectors import coverage_of
from regions.models import City
from regions.ucj import coverage_rows

PLAN_KIND = "apbd"  # a simulation funds workers' contributions: an APBD allocation


def _plan_code(city, year):
    """RENCANA-6172-2027-01, -02, ...: the next free number of that city and year."""
    prefix = f"RENCANA-{city.code.replace('.', '')}-{year}-"
    taken = set(Commitment.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    number = 1
    while f"{prefix}{number:02d}" in taken:
        number += 1
    return f"{prefix}{number:02d}"


@transaction.atomic
def commitment_plan_create(*, city, year, workers, months, contribution, target_group=None, actor=None):
    """A `planned` commitment of a regency/city from the simulator: N workers x M months x C rupiah."""
    kind = CommitmentKind.objects.filter(code=PLAN_KIND).first() or CommitmentKind.objects.filter(funds_workers=True).first()
    commitment = Commitment(
        code=_plan_code(city, year),
        city=city,
        kind=kind,
        target_group=target_group,
        year=year,
        promised_workers=workers,
        contribution_per_month=contribution,
        months=months,
        budget=workers * months * contribution,
        status=Commitment.Status.PLANNED,
        notes=_("Disimpan dari simulasi oleh %(user)s pada %(date)s.")
        % {"user": actor.get_username() if actor else "-", "date": timezone.localdate().strftime("%d/%m/%Y")},
    )
    commitment.full_clean()
    commitment.save()
    return commitment


def pemda_facts(cities, *, year, as_of):
    """{city code: scoring.Facts} of regencies/cities (City rows) for a year, read at as_of.

    Commitments: each city's own (not its province's: the province is another Pemda) of that year or before,
    with their active funded workers at as_of (commitments.selectors.commitment_progress). Figures: the latest
    published snapshot of that year up to as_of when one exists (figures that never change), else the live
    figures at as_of (regions.ucj.coverage_rows); employers registered by the figures' date."""
    cities = list(cities)
    codes = [city.code for city in cities]
    commitments = Commitment.objects.filter(city__in=codes, year__lte=year).select_related("kind").order_by("year", "code")
    own = {code: [] for code in codes}
    for progress in commitment_progress(commitments, as_of=as_of):
        c = progress.commitment
        own[c.city_id].append(
            {"id": c.pk, "code": c.code, "kind": c.kind.code, "status": c.status, "year": c.year}
            | {"promised": c.promised_workers, "budget": c.budget, "active": progress.active_workers}
        )
    published = {}
    snapshots = Snapshot.objects.filter(
        city__in=codes, status=Snapshot.Status.PUBLISHED, period__year=year, as_of__lte=as_of
    ).order_by("city", "-period", "-version")
    for snapshot in snapshots:
        published.setdefault(snapshot.city_id, snapshot)
    live = {row.code: row for row in coverage_rows([(c.code, c.name, c.province_id) for c in cities], as_of=as_of)}
    dates = {code: published[code].as_of if code in published else as_of for code in codes}
    counted = {}
    for day in set(dates.values()):  # one grouped count per date read (live, or a snapshot's)
        registered = Employer.objects.filter(
            Q(registered_on__isnull=True) | Q(registered_on__lte=day), city__in=[c for c in codes if dates[c] == day]
        )
        counted.update(registered.values_list("city").annotate(n=Count("id")).order_by())
    facts = {}
    for code in codes:
        snapshot = published.get(code)
        row = coverage_of(snapshot) if snapshot else live[code]
        facts[code] = Facts(
            year=year,
            commitments=own[code],
            figures={
                "source": "snapshot" if snapshot else "live",
                "snapshot": snapshot.pk if snapshot else None,
                "period": snapshot.period.strftime("%Y-%m") if snapshot else None,
                "as_of": dates[code].isoformat(),
                "active_pu": row.active_pu,
                "active_bpu": row.active_bpu,
                "potential_pu": row.potential_pu,
                "potential_bpu": row.potential_bpu,
                "active_12m_ago": row.active_12m_ago,
                "employers": counted.get(code, 0),
            },
        )
    return facts


class ScoreRefusal(ValueError):
    """A year or province the scores cannot be computed for (the message says why, in Indonesian)."""


@transaction.atomic
def scores_refresh(*, province_code, year, today=None):
    """Recomputes the evidence rows of every regency/city of a province for a year (figures read on 31 December,
    or today for the current year) and returns how many were written. The old rows of those cities and that
    year are replaced as a whole: a failure leaves the previous ones."""
    today = today or timezone.localdate()
    if year > today.year:
        raise ScoreRefusal(_("Skor tahun %(year)s belum bisa dihitung: tahun itu belum dimulai.") % {"year": year})
    cities = list(City.objects.filter(province_id=province_code).order_by("code"))
    if not cities:
        raise ScoreRefusal(_("Provinsi %(code)s tidak dikenal.") % {"code": province_code})
    as_of = year_as_of(year, today)
    rules = scoring_rules()
    indicator_ids = dict(ScoreIndicator.objects.values_list("code", "pk"))
    rows = [
        ScoreEvidence(
            city_id=code, year=year, indicator_id=indicator_ids[indicator], raw_value=value, score=score, basis=basis, as_of=as_of
        )
        for code, facts in pemda_facts(cities, year=year, as_of=as_of).items()
        for indicator, (value, score, basis) in score_all(rules, facts).items()
    ]
    ScoreEvidence.objects.filter(city__in=[city.code for city in cities], year=year).delete()
    ScoreEvidence.objects.bulk_create(rows)
    return len(rows)
