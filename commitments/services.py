"""Writes of commitments: saving a simulation as a planned commitment."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments.models import Commitment, CommitmentKind

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
