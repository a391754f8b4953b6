import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps

from commitments.models import Commitment, CommitmentKind, TargetGroup
from commitments.services import scores_refresh
from participants.models import CoverageFigure
from regions.models import WorkforceEstimate

YEAR = 2025  # the scorecard tests' year: figures read on 31 December 2025


@pytest.fixture(autouse=True)
def commitment_data(db):
    """Kinds, target groups and the BPU rate as the data migration seeds them (transactional tests flush them)."""
    import_module("commitments.migrations.0002_kinds_groups_rate").seed(apps, None)


@pytest.fixture
def write_file(tmp_path):
    def _write(text, name="file.csv"):
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8"))
        return path

    return _write


@pytest.fixture
def make_commitment(commitment_data):
    def _make(code, pemda="61.72", *, kind="apbd", group="vulnerable", **fields):
        place = {"city_id": pemda} if "." in pemda else {"province_id": pemda}
        fields = {"year": 2026, "promised_workers": 2000, "months": 12, "contribution_per_month": 16_800, **fields}
        return Commitment.objects.create(
            code=code,
            kind=CommitmentKind.objects.get(code=kind),
            target_group=TargetGroup.objects.get(code=group) if group else None,
            **place,
            **fields,
        )

    return _make


@pytest.fixture(autouse=True)
def score_weights(commitment_data):
    """The scorecard's aspects, indicators, weights and bands as their data migration seeds them."""
    import_module("commitments.migrations.0004_default_score_weights_and_bands").seed(apps, None)


def figures(code, *, potential=(6_000, 4_000), active=(0, 0)):
    """Potential PU/BPU for 2025 and the active PU/BPU counted from 1 June 2025 (none 12 months earlier)."""
    WorkforceEstimate.objects.create(city_id=code, year=YEAR, potential_pu=potential[0], potential_bpu=potential[1])
    for group, count in zip(("PU", "BPU"), active, strict=True):
        CoverageFigure.objects.create(city_id=code, group=group, day=dt.date(2025, 6, 1), joined_total=count, left_total=0)


@pytest.fixture
def kalbar(users, make_commitment):
    """X = Singkawang: 2 regulations and a licensing rule in force, UCJ 30 % (PU 2,400/6,000 = 40 %, BPU 600/4,000
    = 15 %). Y = Pontianak: the same commitments, UCJ 46 % (PU 3,600 = 60 %, BPU 1,000 = 25 %).

    X = 25 (regulasi 100) + 7 (perizinan 100) + 12 x 60 % (ucj 60) + 6 x 60 % (pu 60) + 8 x 60 % (bpu 60) = 47.60
    Y = 25 + 7 + 12 x 80 % (ucj 80) + 6 x 100 % (pu 100) + 8 x 60 % (bpu 60) = 52.40
    Every other regency/city of the province has no figures and no commitment: 0."""
    for code in ("61.72", "61.71"):
        tag = code.replace(".", "")
        make_commitment(f"PERDA-{tag}", code, kind="regulation", group=None, year=2024, status="delivered")
        make_commitment(f"SE-{tag}", code, kind="regulation", group=None, year=2025, status="enrolling")
        make_commitment(f"IZIN-{tag}", code, kind="licensing", group=None, year=2025, status="delivered")
    # neither counts: a lapsed regulation, and an allocation only planned
    make_commitment("LAMA-6172", "61.72", kind="regulation", group=None, year=2023, status="lapsed")
    make_commitment("RENCANA-6172", "61.72", year=YEAR, status="planned", promised_workers=3_000)
    figures("61.72", active=(2_400, 600))
    figures("61.71", active=(3_600, 1_000))
    assert scores_refresh(province_code="61", year=YEAR) == 14 * 10  # 14 regencies/cities x 10 indicators
