"""The demo's kept rapor (`load_demo`): the last published month of Kanwil Kalimantan's regencies/cities, queued
for the background worker (`make run` starts it)."""

from published.models import Snapshot
from rapor.tasks import rapor_month_enqueue
from regions.models import Office


def rapor_demo_enqueue():
    """Queues the rapor of the demo cities' latest published month; returns "period=YYYY-MM cities=N"."""
    codes = sorted(
        Office.objects.filter(parent__code="KALIMANTAN", cities__isnull=False).values_list("cities__code", flat=True).distinct()
    )
    latest = Snapshot.objects.filter(city__in=codes, status=Snapshot.Status.PUBLISHED).order_by("-period").first()
    if latest is None:
        return "period=- cities=0"
    rapor_month_enqueue(latest.period, city_codes=codes)
    return f"period={latest.period:%Y-%m} cities={len(codes)}"
