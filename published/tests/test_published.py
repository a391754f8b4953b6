"""Published figures: the monthly close, sign-off, versions that keep their bytes, why UCJ moved, data-quality
flags, and what officials see."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imports.services import job_apply, job_create
from participants.figures import figures_refresh
from participants.models import Segment, Worker
from participants.tests.factories import WorkerFactory
from published.models import Snapshot, SnapshotStep
from published.services import (
    modified_z,
    month_data,
    period_close,
    snapshot_create,
    snapshot_publish,
    snapshot_verify,
)
from regions.models import WorkforceEstimate

pytestmark = pytest.mark.django_db

MAY, JUNE = dt.date(2025, 5, 1), dt.date(2025, 6, 1)
S = Snapshot.Status


def singkawang(snapshots):
    return next(s for s in snapshots if s.city_id == "61.72")


@pytest.fixture
def city(users):
    """Singkawang: 30 PU and 10 BPU active since 2024, potential 100 + 50, target 40 %."""
    WorkforceEstimate.objects.create(city_id="61.72", year=2025, potential_pu=100, potential_bpu=50, target_percent=40)
    WorkforceEstimate.objects.create(city_id="64.71", year=2025, potential_pu=100, potential_bpu=50)
    WorkerFactory.create_batch(30, city_code="61.72")
    WorkerFactory.create_batch(10, city_code="61.72", segment=Segment.BPU, employer=None)
    figures_refresh()


def publish(snapshot, users):
    snapshot_verify(snapshot=snapshot, user=users["branch"])
    return snapshot_publish(snapshot=snapshot, user=users["regional"], note="Sesuai data")


def test_close_period_freezes_every_city_once(city, capsys):
    call_command("close_period", "2025-06")
    assert capsys.readouterr().out.strip().splitlines()[-1] == "snapshots=514"
    snapshot = Snapshot.objects.get(city_id="61.72", period=JUNE)
    assert (snapshot.version, snapshot.status, snapshot.as_of) == (1, S.PROVISIONAL, dt.date(2025, 6, 30))
    ucj = snapshot.data["ucj"]
    assert (ucj["active_pu"], ucj["active_bpu"], ucj["potential_total"], ucj["ucj_percent"]) == (30, 10, 150, "26.67")
    assert (ucj["potential_year"], ucj["target_percent"]) == (2025, "40.00")
    assert snapshot.data["bsu"][0]["programme"] == "BSU-2025"
    call_command("close_period", "2025-06")
    assert capsys.readouterr().out.strip() == "snapshots=0"  # nothing changed: nothing new


def late_import(user, tmp_path, count):
    """A workers file of `count` BPU memberships from 15 June 2025, through the import pipeline."""
    rows = "".join(f"617201010190{i:04d},Peserta Terlambat {i},BPU,61.72,2025-06-15\n" for i in range(1, count + 1))
    path = tmp_path / "terlambat.csv"
    path.write_text(f"nik,name,segment,city_code,member_since\n{rows}")
    with path.open("rb") as binary:
        job = job_apply(job=job_create(kind="workers", fileobj=binary, filename=path.name, user=user))
    assert job.counts_line() == f"rows={count} created={count} updated=0 unchanged=0 rejected=0"


def test_a_late_import_changes_the_live_figures_not_the_published_ones(city, users, login, tmp_path):
    snapshot = publish(singkawang(period_close(JUNE)), users)
    client = login(users["official"])
    published_bytes = client.get(f"/figures/{snapshot.pk}/?_export=csv").content
    assert f"{snapshot.pk},{snapshot.content_hash},61.72,".encode() in published_bytes
    page = client.get("/cities/61.72/").content.decode()
    assert "26,67 %" in page  # the published month by default
    assert f'ID <a href="/figures/{snapshot.pk}/">{snapshot.pk}</a>' in page

    late_import(users["branch"], tmp_path, 20)  # June's late file: the figures refresh by themselves
    assert client.get(f"/figures/{snapshot.pk}/?_export=csv").content == published_bytes
    assert "26,67 %" in client.get("/cities/61.72/").content.decode()
    provisional = client.get("/cities/61.72/?provisional=1").content.decode()
    assert "Angka sementara" in provisional
    assert "40,00 %" in provisional  # 60 of 150 today
    assert period_close(JUNE) == []  # a published month changes only by reopening


def test_reopening_creates_version_2_and_version_1_keeps_its_bytes(city, users, login):
    first = publish(singkawang(period_close(JUNE)), users)
    client = login(users["regional"])
    v1_bytes = client.get(f"/figures/{first.pk}/?_export=csv").content
    WorkerFactory.create_batch(15, city_code="61.72", member_since=dt.date(2025, 6, 10))
    figures_refresh()
    response = client.post(f"/figures/{first.pk}/", {"action": "reopen", "note": "Impor Juni terlambat"})
    second = Snapshot.objects.get(city_id="61.72", period=JUNE, version=2)
    assert response.url == f"/figures/{second.pk}/"
    assert (second.status, second.reason, second.data["ucj"]["active_pu"]) == (S.PROVISIONAL, "Impor Juni terlambat", 45)
    assert client.get(f"/figures/{first.pk}/?_export=csv").content == v1_bytes
    assert Snapshot.objects.get(pk=first.pk).status == S.PUBLISHED  # officials keep reading v1 until v2 is published
    assert "26,67 %" in login(users["official"]).get("/cities/61.72/").content.decode()
    assert SnapshotStep.objects.filter(snapshot=first, action=SnapshotStep.Action.REOPENED, note="Impor Juni terlambat").exists()
    client = login(users["regional"])  # the same test client: log the regional user back in
    refused = client.post(f"/figures/{first.pk}/", {"action": "reopen", "note": "lagi"}, follow=True)
    assert "Hanya versi terbaru yang sudah dipublikasikan yang dapat dibuka kembali." in refused.content.decode()
    assert client.post(f"/figures/{first.pk}/", {"action": "reopen", "note": ""}).status_code == 302


def test_officials_see_published_months_only(city, users, login):
    snapshot = singkawang(period_close(JUNE))
    client = login(users["official"])
    assert client.get(f"/figures/{snapshot.pk}/").status_code == 404  # provisional
    assert "Belum ada angka resmi" in client.get("/figures/").content.decode()
    assert "figures-banner" not in client.get("/cities/61.72/").content.decode()  # nothing published yet: live
    snapshot_verify(snapshot=snapshot, user=users["branch"])
    assert client.get(f"/figures/{snapshot.pk}/").status_code == 404  # verified is not published
    snapshot_publish(snapshot=snapshot, user=users["regional"])
    assert client.get(f"/figures/{snapshot.pk}/").status_code == 200


def test_who_signs_off_what(city, users, login):
    snapshots = period_close(JUNE)
    own = singkawang(snapshots)
    other = next(s for s in snapshots if s.city_id == "64.71")  # Balikpapan: kanwil K2, branch BPN
    assert login(users["branch"]).post(f"/figures/{own.pk}/", {"action": "publish"}).status_code == 403
    assert login(users["regional"]).post(f"/figures/{own.pk}/", {"action": "verify"}).status_code == 403
    assert login(users["other_branch"]).post(f"/figures/{own.pk}/", {"action": "verify"}).status_code == 404
    assert login(users["official"]).post(f"/figures/{own.pk}/", {"action": "verify"}).status_code == 404
    for user in ("regional", "branch"):
        assert login(users[user]).post(f"/figures/{other.pk}/", {"action": "verify"}).status_code == 404
    assert Snapshot.objects.get(pk=own.pk).status == S.PROVISIONAL
    login(users["branch"]).post(f"/figures/{own.pk}/", {"action": "verify", "note": "Cocok dengan SIPP"})
    login(users["regional"]).post(f"/figures/{own.pk}/", {"action": "publish"})
    assert Snapshot.objects.get(pk=own.pk).status == S.PUBLISHED
    steps = list(own.steps.values_list("action", "user__username", "note"))
    assert steps == [("CLOSED", None, ""), ("VERIFIED", "branch", "Cocok dengan SIPP"), ("PUBLISHED", "regional", "")]


def test_a_flagged_city_is_published_only_with_a_note(city, users, login):
    WorkforceEstimate.objects.filter(city_id="61.72").update(potential_pu=20, potential_bpu=5)  # 40 active > 25
    snapshot = singkawang(period_close(JUNE))
    assert snapshot.flagged
    assert snapshot.data["flags"] == [{"code": "over_potential", "value": 15}]
    snapshot_verify(snapshot=snapshot, user=users["branch"])
    client = login(users["regional"])
    page = client.post(f"/figures/{snapshot.pk}/", {"action": "publish", "note": ""}, follow=True).content.decode()
    assert "tuliskan catatan tindak lanjutnya sebelum publikasi" in page
    assert "Peserta aktif melebihi potensi tenaga kerja (15 lebih)." in page
    client.post(f"/figures/{snapshot.pk}/", {"action": "publish", "note": "Estimasi BPS direvisi, menunggu data baru"})
    assert Snapshot.objects.get(pk=snapshot.pk).status == S.PUBLISHED
    assert "Estimasi BPS direvisi" in client.get("/figures/?period=2025-06").content.decode()


def test_the_quality_flags(city):
    WorkforceEstimate.objects.filter(city_id="64.71").update(year=2023)  # an estimate older than the month's year
    for worker in Worker.objects.filter(city_id="61.72")[:5]:
        worker.member_until = dt.date(2025, 6, 10)  # 5 of 40 leave in June: 12.5 % > 10 %
        worker.save()
    figures_refresh()
    period_close(MAY)
    june = {s.city_id: s for s in period_close(JUNE)}
    assert {"code": "deactivation", "value": "12.50"} in june["61.72"].data["flags"]
    assert june["64.71"].data["flags"] == [{"code": "old_estimate", "value": 2023}]
    assert june["61.01"].data["flags"] == [{"code": "no_estimate"}]


def test_a_jump_against_two_years_of_steady_months_is_an_outlier(users):
    WorkforceEstimate.objects.create(city_id="61.72", year=2025, potential_pu=10_000, potential_bpu=5_000)
    for month in range(24):  # two or three joins a month from June 2023 to May 2025
        day = dt.date(2023 + (5 + month) // 12, (5 + month) % 12 + 1, 5)
        WorkerFactory.create_batch(2 + month % 2, city_code="61.72", member_since=day)
    WorkerFactory.create_batch(40, city_code="61.72", member_since=dt.date(2025, 6, 5))
    figures_refresh()
    (flag,) = [f for f in singkawang(period_close(JUNE)).data["flags"] if f["code"] == "zscore"]
    assert Decimal(flag["value"]) > Decimal("3.5")


def test_the_modified_z_score():
    # median 3, absolute deviations 1 0 1 0 1 0 37 -> MAD 1: 0.6745 x (40 - 3) / 1 = 24.96
    assert modified_z([2, 3, 4, 3, 2, 3, 40]) == Decimal("24.96")
    # MAD 0 (most months equal): mean absolute deviation 38 / 24: 38 / (1.253314 x 1.5833) = 19.15
    assert modified_z([2] * 23 + [40]) == Decimal("19.15")
    assert modified_z([5] * 24) is None
    assert abs(modified_z([2, 3, 4, 3, 2, 3, 3])) <= Decimal("3.5")


def half_up(value):
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def close_singkawang(period):
    """The close of one city (what period_close writes for each), to keep each example quick."""
    ((code, data),) = month_data(period, city_codes=["61.72"])
    return snapshot_create(code=code, period=period, version=1, data=data, user=None)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start_pu=st.integers(0, 40),
    start_bpu=st.integers(0, 40),
    joins_pu=st.integers(0, 15),
    joins_bpu=st.integers(0, 15),
    leaves=st.integers(0, 10),
    to_bpu=st.integers(0, 5),
    to_pu=st.integers(0, 5),
    potential=st.tuples(st.integers(1, 500), st.integers(1, 500)),
    new_potential=st.one_of(st.none(), st.tuples(st.integers(1, 500), st.integers(1, 500))),
)
def test_why_ucj_moved_adds_up_exactly(
    users, start_pu, start_bpu, joins_pu, joins_bpu, leaves, to_bpu, to_pu, potential, new_potential
):
    with transaction.atomic():
        WorkforceEstimate.objects.create(city_id="61.72", year=2025, potential_pu=potential[0], potential_bpu=potential[1])
        pu = WorkerFactory.create_batch(start_pu, city_code="61.72")
        bpu = WorkerFactory.create_batch(start_bpu, city_code="61.72", segment=Segment.BPU, employer=None)
        figures_refresh()
        before = close_singkawang(MAY)
        Snapshot.objects.filter(pk=before.pk).update(status=S.PUBLISHED)
        WorkerFactory.create_batch(joins_pu, city_code="61.72", member_since=dt.date(2025, 6, 3))
        WorkerFactory.create_batch(
            joins_bpu, city_code="61.72", segment=Segment.BPU, employer=None, member_since=dt.date(2025, 6, 3)
        )
        moved_to_bpu, moved_to_pu = pu[: min(to_bpu, len(pu))], bpu[: min(to_pu, len(bpu))]
        staying = pu[len(moved_to_bpu) :] + bpu[len(moved_to_pu) :]
        leaving = staying[: min(leaves, len(staying))]
        Worker.objects.filter(pk__in=[w.pk for w in moved_to_bpu]).update(segment=Segment.BPU)
        Worker.objects.filter(pk__in=[w.pk for w in moved_to_pu]).update(segment=Segment.PU)
        Worker.objects.filter(pk__in=[w.pk for w in leaving]).update(member_until=dt.date(2025, 6, 20))
        if new_potential:
            WorkforceEstimate.objects.filter(city_id="61.72").update(
                potential_pu=new_potential[0], potential_bpu=new_potential[1]
            )
        figures_refresh()
        after = close_singkawang(JUNE)
        move = after.data["movement"]
        left_pu = sum(1 for w in leaving if w in pu)
        assert (move["joins_pu"], move["joins_bpu"]) == (joins_pu, joins_bpu)
        assert (move["leaves_pu"], move["leaves_bpu"]) == (left_pu, len(leaving) - left_pu)
        assert move["moves_pu"] == len(moved_to_pu) - len(moved_to_bpu) == -move["moves_bpu"]
        old, new = before.data["ucj"], after.data["ucj"]
        for group in ("pu", "bpu"):
            change = new[f"active_{group}"] - old[f"active_{group}"]
            assert move[f"joins_{group}"] - move[f"leaves_{group}"] + move[f"moves_{group}"] == change
        delta = Decimal(new["ucj_percent"]) - Decimal(old["ucj_percent"])
        assert Decimal(move["delta_pp"]) == delta
        assert Decimal(move["numerator_pp"]) + Decimal(move["denominator_pp"]) == delta
        assert Decimal(move["numerator_pp"]) == half_up(Decimal(move["delta_active"]) * 100 / old["potential_total"])
        parts = ("joins_pp", "leaves_pp", "moves_pp", "denominator_pp")
        assert sum(Decimal(move[part]) for part in parts) == delta
        if not new_potential:
            assert move["delta_potential"] == 0
        transaction.set_rollback(True)


def test_an_officials_ucj_export_is_the_published_month(city, users, login, tmp_path):
    snapshot = publish(singkawang(period_close(JUNE)), users)
    late_import(users["branch"], tmp_path, 20)
    client = login(users["official"])
    response = client.get("/ucj/?_export=csv")
    assert f"ucj-2025-06-30-angka-resmi-{snapshot.pk}-{snapshot.short_hash}.csv" in response["Content-Disposition"]
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert rows[1].startswith("61.72,Kota Singkawang,61,30,10,40,100,50,150,26.67,")
    today = b"".join(client.get("/ucj/?_export=csv&provisional=1").streaming_content).decode().splitlines()
    assert today[1].startswith("61.72,Kota Singkawang,61,30,30,60,100,50,150,40.00,")


def test_refusals_say_why_and_change_nothing(city, users, login, capsys):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="belum berakhir"):
        call_command("close_period", timezone.localdate().strftime("%Y-%m"))
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("close_period", "2025-13")
    assert not Snapshot.objects.exists()
    WorkforceEstimate.objects.filter(city_id="61.72").update(potential_pu=20, potential_bpu=5)  # flagged
    snapshot = publish(singkawang(period_close(JUNE)), users)
    client = login(users["branch"])
    page = client.post(f"/figures/{snapshot.pk}/", {"action": "note", "note": ""}, follow=True).content.decode()
    assert "hanya untuk versi terbaru bertanda mutu data yang belum dipublikasikan" in page
    assert Snapshot.objects.get(pk=snapshot.pk).flag_note == "Sesuai data"  # the publication's note stays
    page = client.post(f"/figures/{snapshot.pk}/", {"action": "reopen", "note": "a\x00b"}, follow=True)
    assert page.status_code == 200
    assert "Langkah tidak dapat diproses" in page.content.decode()
    assert client.get("/figures/?period=abc").status_code == 400
    assert client.post(f"/figures/{snapshot.pk}/", {"action": "zzz"}).status_code == 302


def test_the_csv_writes_negative_changes_as_numbers(city, users, login):
    period_close(MAY)
    for worker in Worker.objects.filter(city_id="61.72")[:4]:
        worker.member_until = dt.date(2025, 6, 10)
        worker.save()
    figures_refresh()
    snapshot = singkawang(period_close(JUNE))
    text = login(users["branch"]).get(f"/figures/{snapshot.pk}/?_export=csv").content.decode()
    header, row = (line.split(",") for line in text.splitlines())
    values = dict(zip(header, row, strict=True))
    assert values["delta_pp"] == "-2.67"  # 26.67 -> 24.00; not "'-2.67"
    assert int(values["leaves_pu"]) + int(values["leaves_bpu"]) == 4


def test_the_month_end_task_closes_its_month_and_queues_the_next(city, settings):
    from django_tasks_db.models import DBTaskResult

    from published.tasks import CLOSE_PATH, close_month, close_schedule

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    close_schedule()
    close_schedule()  # one waiting close, however often figures are refreshed
    (queued,) = DBTaskResult.objects.filter(task_path=CLOSE_PATH)
    assert queued.args_kwargs["args"] == [timezone.localdate().strftime("%Y-%m")]
    close_month.call("2025-06")
    assert Snapshot.objects.filter(period=JUNE).count() == 514
