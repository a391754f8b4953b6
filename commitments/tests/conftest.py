from importlib import import_module

import pytest
from django.apps import apps

from commitments.models import Commitment, CommitmentKind, TargetGroup


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
