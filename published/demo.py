"""Demo of published figures: the last 24 months of Kanwil Kalimantan's 56 regencies/cities closed, verified
and published, flagged months published with a follow-up note, and one month reopened as version 2 with its
reason, so /figures/, the officials' city page and the API show real history on `make run`.

Months are closed with today's data (the demo has no history of its own), through the same `month_data` and
`snapshot_create` as the monthly close; the sign-off steps name the demo's branch and Kanwil accounts where
they exist. Idempotent: a database that already holds Kalimantan snapshots is left alone.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from published.models import Snapshot, SnapshotStep
from published.services import month_data, previous_period, snapshot_create, snapshot_reopen
from regions.models import Office

MONTHS = 24
REOPENED_CITY = "64.07"  # Kutai Barat: the contractor's arrears story (participants/demo_data.py)
REOPEN_REASON = "Koreksi: impor status iuran PT Bara Kutai Barat Perkasa diterima setelah penutupan."
FLAG_NOTE = "Diperiksa bersama Kanwil: perubahan nyata (tunggakan/rekrutmen besar), bukan salah data."


def _user(username):
    return get_user_model().objects.filter(username=username).first()


@transaction.atomic
def published_demo_load(today=None):
    """Closes and publishes the demo months; returns {"snapshots": n, "flagged": n, "reopened": n}."""
    codes = sorted(
        Office.objects.filter(parent__code="KALIMANTAN")
        .values_list("cities__code", flat=True)
        .distinct()
        .exclude(cities__code=None)
    )
    existing = Snapshot.objects.filter(city__in=codes)
    if not existing.exists():
        branch, kanwil = _user("cabang.singkawang"), _user("kanwil.kalimantan")
        period = (today or timezone.localdate()).replace(day=1)
        periods = []
        for _month in range(MONTHS):
            period = previous_period(period)
            periods.insert(0, period)
        for period in periods:  # oldest first: each month's "why UCJ moved" reads the month before
            for code, data in month_data(period, city_codes=codes):
                snapshot = snapshot_create(code=code, period=period, version=1, data=data, user=None)
                _sign_off(snapshot, branch, kanwil)
        if kanwil is not None:  # reopening is the Kanwil's step (not without the demo accounts)
            latest = Snapshot.objects.get(city_id=REOPENED_CITY, period=periods[-1], version=1)
            _sign_off(snapshot_reopen(snapshot=latest, user=kanwil, reason=REOPEN_REASON), branch, kanwil)
    return {
        "snapshots": existing.count(),
        "flagged": existing.filter(flagged=True).count(),
        "reopened": existing.filter(version__gt=1).count(),
    }


def _sign_off(snapshot, branch, kanwil):
    """VERIFIED then PUBLISHED, recorded as the steps the services write (the demo's users may not serve every
    city, so the statuses are set here rather than through the role checks)."""
    SnapshotStep.objects.create(snapshot=snapshot, action=SnapshotStep.Action.VERIFIED, user=branch)
    note = FLAG_NOTE if snapshot.flagged else ""
    SnapshotStep.objects.create(snapshot=snapshot, action=SnapshotStep.Action.PUBLISHED, user=kanwil, note=note)
    snapshot.status = Snapshot.Status.PUBLISHED
    snapshot.flag_note = note
    snapshot.save(update_fields=["status", "flag_note"])
