"""Writes of published figures: the monthly close, the sign-off steps and reopening as a new version.

A close freezes, per regency/city, what the pages show for the month's last day: UCJ counts with the potential
(its source and year) and the target, every programme's BSU counts and amounts per status (the statuses at
close time), why UCJ moved since the previous month's snapshot, and the data-quality flags. Workflow:
PROVISIONAL -> VERIFIED (branch staff of a branch serving the city, or an admin) -> PUBLISHED (regional staff of
a Kanwil whose branch serves it, or an admin; a flagged city needs a note). A published month is corrected by
reopening it: a new version, PROVISIONAL again, with its reason; the old version keeps its id and its bytes.
"""

import calendar
import datetime as dt
import itertools
import statistics
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from config.parsing import EARLIEST_MEMBERSHIP
from imports.models import ImportJob
from participants.figures import cumulative_counts
from published.models import FlagThreshold, Snapshot, SnapshotStep, content_hash
from regions.models import Access, City, Office
from regions.selectors import access_of, role_of
from regions.ucj import coverage_rows, month_ends
from subsidies.figures import disbursement_rows
from subsidies.models import Programme

S = Snapshot.Status
A = SnapshotStep.Action
DEFAULT_THRESHOLDS = {"zscore": Decimal("3.5"), "deactivation": Decimal("10")}
HISTORY_MONTHS = 24  # the monthly net changes the modified z-score compares


def period_of(text):
    """'2025-06' -> date(2025, 6, 1); ValueError otherwise."""
    year, month = text.split("-")
    return dt.date(int(year), int(month), 1)


def month_end(period):
    return period.replace(day=calendar.monthrange(period.year, period.month)[1])


def previous_period(period):
    return (period - dt.timedelta(days=1)).replace(day=1)


def _text(value):
    return None if value is None else str(value)


def pp(value):
    """A percentage-point value rounded half-up to 2 decimals."""
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def thresholds():
    stored = dict(FlagThreshold.objects.values_list("code", "value"))
    return {code: stored.get(code, default) for code, default in DEFAULT_THRESHOLDS.items()}


def reference_snapshots(city_codes, period):
    """{city: the snapshot a month is compared with}: the latest published version of `period`, else its
    latest version."""
    chosen = {}
    for snapshot in Snapshot.objects.filter(city__in=city_codes, period=period).order_by("city", "-version"):
        current = chosen.get(snapshot.city_id)
        if current is None or (snapshot.status == S.PUBLISHED and current.status != S.PUBLISHED):
            chosen[snapshot.city_id] = snapshot
    return chosen


def movement(ucj, previous, counts, *, as_of, before):
    """Why UCJ moved since the `previous` snapshot (None without one).

    Per segment group: joins and leaves between the two month ends from today's data (memberships started,
    memberships ended), and the rest of the change of the published count ("moves": segment moves between PU and
    BPU, and late corrections of earlier months), so joins - leaves + moves = the published change exactly.
    UCJ's change (published after - published before, in percentage points) splits into the numerator effect,
    (active after - active before) / potential before x 100 rounded half-up, and the denominator effect (a new
    workforce estimate), which takes the rest: the two add up exactly. In the waterfall, joins and leaves are
    each rounded the same way and the moves take the numerator's rest.
    """
    if previous is None:
        return None
    old = previous.data["ucj"]
    code = ucj["code"]
    parts = {}
    for group, name in (("PU", "pu"), ("BPU", "bpu")):
        joined_after, left_after = counts.get((code, group, as_of), (0, 0))
        joined_before, left_before = counts.get((code, group, before), (0, 0))
        joins, leaves = joined_after - joined_before, left_after - left_before
        published_change = ucj[f"active_{name}"] - old[f"active_{name}"]
        parts |= {f"joins_{name}": joins, f"leaves_{name}": leaves, f"moves_{name}": published_change - (joins - leaves)}
    result = {
        "previous_id": previous.pk,
        "previous_version": previous.version,
        "previous_as_of": previous.data["as_of"],
        **parts,
        "active_before": old["active_total"],
        "active_after": ucj["active_total"],
        "delta_active": ucj["active_total"] - old["active_total"],
        "potential_before": old["potential_total"],
        "potential_after": ucj["potential_total"],
        "delta_potential": None,
        "ucj_before": old["ucj_percent"],
        "ucj_after": ucj["ucj_percent"],
    }
    if old["potential_total"] and ucj["potential_total"] and old["ucj_percent"] and ucj["ucj_percent"]:
        before_potential = Decimal(old["potential_total"])
        delta = Decimal(ucj["ucj_percent"]) - Decimal(old["ucj_percent"])
        numerator = pp(Decimal(result["delta_active"]) * 100 / before_potential)
        joins = pp(Decimal(parts["joins_pu"] + parts["joins_bpu"]) * 100 / before_potential)
        leaves = pp(Decimal(parts["leaves_pu"] + parts["leaves_bpu"]) * 100 / before_potential)
        result |= {
            "delta_potential": ucj["potential_total"] - old["potential_total"],
            "delta_pp": str(delta),
            "numerator_pp": str(numerator),
            "denominator_pp": str(delta - numerator),
            "joins_pp": str(joins),
            "leaves_pp": str(-leaves),
            "moves_pp": str(numerator - joins + leaves),
        }
    return result


def modified_z(values):
    """The modified z-score of the last of `values` (DHIS2's outlier method): 0.6745 (x - median) / MAD, MAD the
    median absolute deviation. When more than half the values are equal (MAD 0) the mean absolute deviation
    stands in: (x - median) / (1.253314 x mean absolute deviation). None when every value is the same."""
    values = [Decimal(value) for value in values]
    middle = statistics.median(values)
    deviations = [abs(value - middle) for value in values]
    if mad := statistics.median(deviations):
        return pp(Decimal("0.6745") * (values[-1] - middle) / mad)
    if mean := sum(deviations) / len(deviations):
        return pp((values[-1] - middle) / (Decimal("1.253314") * mean))
    return None


def flags(ucj, move, history, *, as_of, limits):
    """The data-quality flags of one city's month: [{"code": ..., "value": ...}]."""
    found = []
    if len(history) > 2 and (score := modified_z(history)) is not None and abs(score) > limits["zscore"]:
        found.append({"code": "zscore", "value": str(score)})
    if move and move["active_before"]:
        share = pp(Decimal(move["leaves_pu"] + move["leaves_bpu"]) * 100 / move["active_before"])
        if share > limits["deactivation"]:
            found.append({"code": "deactivation", "value": str(share)})
    if ucj["potential_total"] is None:
        found.append({"code": "no_estimate"})
    else:
        if ucj["active_total"] > ucj["potential_total"]:
            found.append({"code": "over_potential", "value": ucj["active_total"] - ucj["potential_total"]})
        if ucj["potential_year"] < as_of.year:
            found.append({"code": "old_estimate", "value": ucj["potential_year"]})
    return found


def ucj_data(row):
    return {
        "code": row.code,
        "name": row.name,
        "province_code": row.province_code,
        "active_pu": row.active_pu,
        "active_bpu": row.active_bpu,
        "active_total": row.active_total,
        "potential_pu": row.potential_pu,
        "potential_bpu": row.potential_bpu,
        "potential_total": row.potential_total,
        "potential_source": row.source,
        "potential_year": row.year,
        "target_percent": _text(row.target_percent),
        "ucj_percent": _text(row.ucj_percent),
        "ucj_pu_percent": _text(row.ucj_pu_percent),
        "ucj_bpu_percent": _text(row.ucj_bpu_percent),
        "active_12m_ago": row.active_12m_ago,
    }


def bsu_data(disbursement, programme):
    return {
        "programme": programme.code,
        "amount_each": disbursement.amount_each,
        "counts": dict(sorted(disbursement.counts.items())),
        "recipients": disbursement.recipients,
        "amount_disbursed": disbursement.amount_disbursed,
        "disbursed_percent": _text(disbursement.disbursed_percent),
    }


def month_data(period, *, city_codes=None):
    """[(city code, the frozen figures of `period`)] for every regency/city (or those given), in code order."""
    as_of, before = month_end(period), month_end(previous_period(period))
    cities = City.objects.order_by("code")
    if city_codes is not None:
        cities = cities.filter(code__in=city_codes)
    cities = list(cities.values_list("code", "name", "province_id"))
    codes = [code for code, _name, _province in cities]
    previous = reference_snapshots(codes, previous_period(period))
    points = month_ends(as_of, HISTORY_MONTHS + 1)
    counts = cumulative_counts(city_codes=codes, dates=[*points, before])
    programmes = list(Programme.objects.order_by("code"))
    bsu = {programme.code: {row.code: row for row in disbursement_rows(programme, cities)} for programme in programmes}
    limits = thresholds()
    last_job = ImportJob.objects.filter(status=ImportJob.Status.DONE).aggregate(last=Max("pk"))["last"]
    result = []
    for row in coverage_rows(cities, as_of=as_of):
        ucj = ucj_data(row)
        move = movement(ucj, previous.get(row.code), counts, as_of=as_of, before=before)
        actives = [sum(j - left for j, left in (counts.get((row.code, g, day), (0, 0)) for g in ("PU", "BPU"))) for day in points]
        history = [after - earlier for earlier, after in itertools.pairwise(actives)]
        data = {
            "city": {"code": row.code, "name": row.name, "province_code": row.province_code},
            "period": f"{period:%Y-%m}",
            "as_of": as_of.isoformat(),
            "ucj": ucj,
            "bsu": [bsu_data(bsu[p.code][row.code], p) for p in programmes],
            "movement": move,
            "flags": flags(ucj, move, history, as_of=as_of, limits=limits),
            "last_import_job": last_job,
        }
        result.append((row.code, data))
    return result


def same_figures(old, new):
    """The same figures, whatever the last import job (an import elsewhere changes no other city's figures)."""
    return {**old, "last_import_job": None} == {**new, "last_import_job": None}


def snapshot_create(*, code, period, version, data, user, reason=""):
    snapshot = Snapshot.objects.create(
        city_id=code,
        period=period,
        version=version,
        as_of=dt.date.fromisoformat(data["as_of"]),
        data=data,
        content_hash=content_hash(data),
        last_import_job_id=data["last_import_job"],
        flagged=bool(data["flags"]),
        reason=reason,
        created_by=user,
    )
    SnapshotStep.objects.create(snapshot=snapshot, action=A.CLOSED, user=user, note=reason)
    return snapshot


def check_closable(period):
    """A month can be closed once it has ended (and not before memberships began, 1977)."""
    if period >= timezone.localdate().replace(day=1):
        raise ValidationError(
            _("Bulan %(period)s belum berakhir; hanya bulan yang sudah lewat yang dapat ditutup.") % {"period": f"{period:%Y-%m}"}
        )
    if period.year < EARLIEST_MEMBERSHIP.year:
        raise ValidationError(_("Periode sebelum %(year)s tidak dapat ditutup.") % {"year": EARLIEST_MEMBERSHIP.year})


@transaction.atomic
def period_close(period, *, user=None):
    """Freezes `period` (a month's first day) for every regency/city as PROVISIONAL snapshots.

    A city whose month is not yet closed gets version 1. One whose latest version is still PROVISIONAL gets a
    new version when the figures differ (late imports before sign-off), the old one staying readable by its id;
    verified and published months are left alone (they change only by reopening). Returns the snapshots written.
    """
    check_closable(period)
    latest = {}
    # locked: a verification at the same moment waits, then finds its version superseded (or not re-closed)
    for snapshot in Snapshot.objects.select_for_update().filter(period=period).order_by("city", "-version"):
        latest.setdefault(snapshot.city_id, snapshot)
    written = []
    for code, data in month_data(period):
        stored = latest.get(code)
        if stored is not None and (stored.status != S.PROVISIONAL or same_figures(stored.data, data)):
            continue
        reason = _("Ditutup ulang sebelum verifikasi: angka berubah.") if stored else ""
        version = stored.version + 1 if stored else 1
        written.append(snapshot_create(code=code, period=period, version=version, data=data, user=user, reason=reason))
    return written


def serving_offices(city_code):
    return Office.objects.filter(kind=Office.Kind.CABANG, cities=city_code)


def may_verify(user, snapshot):
    role = role_of(user)
    if role == Access.Role.ADMIN:
        return True
    return role == Access.Role.BRANCH and serving_offices(snapshot.city_id).filter(pk=access_of(user).office_id).exists()


def may_publish(user, snapshot):
    role = role_of(user)
    if role == Access.Role.ADMIN:
        return True
    return role == Access.Role.REGIONAL and serving_offices(snapshot.city_id).filter(parent_id=access_of(user).office_id).exists()


@transaction.atomic
def snapshot_verify(*, snapshot, user, note=""):
    snapshot = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
    if not may_verify(user, snapshot):
        raise PermissionDenied(_("Hanya staf kantor cabang kota ini yang dapat memverifikasi."))
    if snapshot.status != S.PROVISIONAL or _superseded(snapshot):
        raise ValidationError(_("Hanya versi terbaru yang masih sementara yang dapat diverifikasi."))
    snapshot.status = S.VERIFIED
    snapshot.save(update_fields=["status"])
    SnapshotStep.objects.create(snapshot=snapshot, action=A.VERIFIED, user=user, note=note)
    return snapshot


@transaction.atomic
def snapshot_publish(*, snapshot, user, note=""):
    snapshot = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
    if not may_publish(user, snapshot):
        raise PermissionDenied(_("Hanya staf kantor wilayah kota ini yang dapat mempublikasikan."))
    if snapshot.status != S.VERIFIED or _superseded(snapshot):
        raise ValidationError(_("Angka harus diverifikasi dulu sebelum dipublikasikan."))
    if snapshot.flagged and not (note.strip() or snapshot.flag_note.strip()):
        raise ValidationError(_("Kota ini punya tanda mutu data: tuliskan catatan tindak lanjutnya sebelum publikasi."))
    snapshot.status = S.PUBLISHED
    if snapshot.flagged and not snapshot.flag_note.strip():
        snapshot.flag_note = note  # the publication's note is the flags' follow-up
    snapshot.save(update_fields=["status", "flag_note"])
    SnapshotStep.objects.create(snapshot=snapshot, action=A.PUBLISHED, user=user, note=note)
    return snapshot


@transaction.atomic
def snapshot_reopen(*, snapshot, user, reason):
    """A new PROVISIONAL version of a published month, from today's data for the same month end, with the
    reason; the published version stays as it is (and stays what officials see until the new one is published)."""
    snapshot = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
    if not may_publish(user, snapshot):
        raise PermissionDenied(_("Hanya staf kantor wilayah kota ini yang dapat membuka kembali angka resmi."))
    if snapshot.status != S.PUBLISHED or _superseded(snapshot):
        raise ValidationError(_("Hanya versi terbaru yang sudah dipublikasikan yang dapat dibuka kembali."))
    if not reason.strip():
        raise ValidationError(_("Tuliskan alasan membuka kembali angka resmi."))
    ((code, data),) = month_data(snapshot.period, city_codes=[snapshot.city_id])
    new = snapshot_create(code=code, period=snapshot.period, version=snapshot.version + 1, data=data, user=user, reason=reason)
    SnapshotStep.objects.create(snapshot=snapshot, action=A.REOPENED, user=user, note=reason)
    return new


def _superseded(snapshot):
    return Snapshot.objects.filter(city_id=snapshot.city_id, period=snapshot.period, version__gt=snapshot.version).exists()


@transaction.atomic
def flag_note_save(*, snapshot, user, note):
    """The follow-up note of a flagged version not yet published (a published one never changes)."""
    snapshot = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
    if not (may_verify(user, snapshot) or may_publish(user, snapshot)):
        raise PermissionDenied
    if not snapshot.flagged or snapshot.status == S.PUBLISHED or _superseded(snapshot):
        raise ValidationError(_("Catatan tindak lanjut hanya untuk versi terbaru bertanda mutu data yang belum dipublikasikan."))
    snapshot.flag_note = note
    snapshot.save(update_fields=["flag_note"])
    SnapshotStep.objects.create(snapshot=snapshot, action=A.NOTED, user=user, note=note)
