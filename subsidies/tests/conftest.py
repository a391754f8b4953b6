"""BSU fixtures: the seeded programme and recipients in every status of the pipeline."""

import pytest

from participants.tests.factories import WorkerFactory
from subsidies.models import Recipient, RecipientStatus
from subsidies.services import Move, bsu_screen, recipients_advance

S = RecipientStatus


@pytest.fixture
def pipeline(bsu, users):
    """Singkawang: 6 screened in (moved to every status), 1 screened out; Pontianak: 2 screened in."""
    skw = [WorkerFactory(city_code="61.72", nik=f"61720115089500{i:02d}") for i in range(1, 7)]
    WorkerFactory(city_code="61.72", segment="BPU", employer=None, nik="6172011508950099")
    pnk = [WorkerFactory(city_code="61.71", nik=f"61710115089500{i:02d}") for i in range(1, 3)]
    bsu_screen(programme=bsu)
    r = {w.nik: Recipient.objects.get(worker=w).pk for w in skw + pnk}
    n = [w.nik for w in skw]
    steps = [
        [Move(r[n[i]], S.VERIFIED) for i in (1, 2, 3, 4, 5)] + [Move(r[pnk[0].nik], S.VERIFIED)],
        [Move(r[n[1]], S.REJECTED, reason="Penerima PKH"), Move(r[n[2]], S.ACCOUNT_INVALID, channel="POS")]
        + [Move(r[n[i]], S.DETERMINED, batch=1, channel="BRI") for i in (3, 4, 5)]
        + [Move(r[pnk[0].nik], S.DETERMINED, batch=2, channel="BNI")],
        [Move(r[n[3]], S.DISBURSED, reference="TRX-1"), Move(r[n[4]], S.RETURNED), Move(r[pnk[0].nik], S.DISBURSED)],
    ]
    for step in steps:
        recipients_advance(step, actor=users["branch"])
    return {"skw": skw, "pnk": pnk}
