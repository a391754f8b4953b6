"""Reads of published figures, scoped like the cities: staff see every version of their cities; officials only
published versions of their own city."""

from decimal import Decimal

from django.utils.translation import gettext as _

from published.models import Snapshot
from regions import charts
from regions.selectors import cities_for, may_see_personal_data
from regions.ucj import Coverage

S = Snapshot.Status


def snapshots_for(user):
    snapshots = Snapshot.objects.filter(city__in=cities_for(user).values("code"))
    return snapshots if may_see_personal_data(user) else snapshots.filter(status=S.PUBLISHED)


def latest_published(user, city_code):
    """The snapshot officials are shown for a city: the latest published version of its latest published month."""
    return snapshots_for(user).filter(city_id=city_code, status=S.PUBLISHED).order_by("-period", "-version").first()


def versions_of(user, snapshot):
    """Every version of the snapshot's city and month the user may see, newest first."""
    return snapshots_for(user).filter(city_id=snapshot.city_id, period=snapshot.period).order_by("-version")


def latest_snapshot(user, city_code):
    """The newest snapshot of a city the user may see (staff: any status), or None."""
    return snapshots_for(user).filter(city_id=city_code).order_by("-period", "-version").first()


def coverage_of(snapshot, bands=()):
    """The snapshot's UCJ figures as the pages' Coverage row."""
    ucj = snapshot.data["ucj"]
    return Coverage(
        code=ucj["code"],
        name=ucj["name"],
        province_code=ucj["province_code"],
        active_pu=ucj["active_pu"],
        active_bpu=ucj["active_bpu"],
        potential_pu=ucj["potential_pu"],
        potential_bpu=ucj["potential_bpu"],
        target_percent=None if ucj["target_percent"] is None else Decimal(ucj["target_percent"]),
        source=ucj["potential_source"],
        year=ucj["potential_year"],
        active_12m_ago=ucj["active_12m_ago"],
        bands=list(bands),
    )


def waterfall(snapshot):
    """Why UCJ moved, as a waterfall in percentage points (None without a previous month or a potential)."""
    move = snapshot.data["movement"]
    if not move or move.get("delta_pp") is None:
        return None
    steps = [
        (_("Masuk"), move["joins_pp"]),
        (_("Keluar"), move["leaves_pp"]),
        (_("Pindah/koreksi"), move["moves_pp"]),
        (_("Potensi baru"), move["denominator_pp"]),
    ]
    return charts.waterfall_chart(move["ucj_before"], steps, move["ucj_after"], labels=(_("Bulan lalu"), _("Bulan ini")))
