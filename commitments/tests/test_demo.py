"""The demo's commitments over demo-like workers: created once, their funded workers linked once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from commitments.demo import commitments_demo_load
from commitments.models import Commitment
from commitments.selectors import commitment_progress, province_ranking, scoring_rules
from participants.models import Payer, Worker
from participants.tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db


def test_demo_commitments_are_loaded_once(reference_regions):
    enrolled = [
        WorkerFactory(city_code="61.72", segment="BPU", employer=None, member_since=dt.date(2026, 1, 5 + i), kpj=f"6172000115{i}")
        for i in range(3)
    ]
    earlier = WorkerFactory(city_code="61.72", segment="BPU", employer=None, member_since=dt.date(2025, 1, 5))
    ppu = WorkerFactory(city_code="64.09", segment="BPU", employer=None, member_since=dt.date(2025, 3, 3))
    assert commitments_demo_load() == {"commitments": 10, "funded": 4, "scores": 56 * 10}  # Kalimantan's 56 x 10
    skw = Commitment.objects.get(code="SKW-APBD-2026")
    assert (skw.promised_workers, skw.budget, skw.status) == (2_000, 403_200_000, "enrolling")
    assert set(skw.workers.all()) == set(enrolled)
    assert Worker.objects.get(pk=earlier.pk).payer == ""
    ppu_commitment = Commitment.objects.get(code="PPU-APBD-2025")
    assert (ppu_commitment.budget, ppu_commitment.planned_cost) == (3_000_000_000, 3_024_000_000)
    assert list(ppu_commitment.workers.values_list("pk", "payer")) == [(ppu.pk, Payer.PROGRAMME)]
    province = Commitment.objects.get(code="KALTIM-APBD-2025")
    assert (province.province_id, province.city_id, province.promised_workers) == ("64", None, 5_614)
    assert Commitment.objects.get(code="SKW-PERWALI-2025").kind.code == "regulation"
    (progress,) = commitment_progress([skw], as_of=dt.date(2026, 6, 30))
    assert (progress.active_workers, str(progress.share)) == (3, "0.15")

    Commitment.objects.filter(code="SKW-APBD-2026").update(notes="diubah admin")
    assert commitments_demo_load()["commitments"] == 10  # nothing new, nothing overwritten
    assert Commitment.objects.count() == 10
    assert Commitment.objects.get(code="SKW-APBD-2026").notes == "diubah admin"
    assert Worker.objects.filter(payer=Payer.PROGRAMME).count() == 4


def test_the_demo_ranks_kalimantan_barat(reference_regions, users):
    """Without figures, the commitments alone rank Kalbar: Pontianak's Perwali (regulasi 70: 17.50) and licensing
    rule (7.00) = 24.50; Singkawang's Perwali and Sambas's Perbup 17.50 each; Sanggau's lapsed Perbup 0."""
    commitments_demo_load()
    rows, _totals = province_ranking(users["admin"], "61", year=timezone.localdate().year, rules=scoring_rules())
    ranked = {row.code: (row.rank, row.total) for row in rows}
    assert ranked["61.71"] == (1, Decimal("24.50"))
    assert ranked["61.72"] == ranked["61.01"] == (2, Decimal("17.50"))
    assert ranked["61.03"] == (4, Decimal("0.00"))
