import datetime as dt
import io
from importlib import import_module

import pytest
from django.apps import apps
from pypdf import PdfReader

from commitments.models import Commitment, CommitmentKind, TargetGroup
from outreach.models import EmployerReport
from participants.figures import figures_refresh
from participants.models import Payer, Segment
from participants.tests.factories import EmployerFactory, WorkerFactory
from published.models import Snapshot
from published.services import month_data, snapshot_create
from regions.models import WorkforceEstimate

PERIOD = dt.date(2025, 6, 1)


@pytest.fixture
def singkawang(users):
    """Kota Singkawang in June 2025, figures by hand:

    - potential 100 PU + 50 BPU (target 40 %); 30 PU workers of one employer and 10 BPU workers funded by the
      city's APBD 2025 commitment (promised 20), all members since 2024: UCJ 40 / 150 = 26,67 %, PU 30,00 %,
      BPU 20,00 %, no change over 12 months;
    - the employer paid until January 2025 (in arrears at 30 June: 1 employer, 30 workers at stake) and reported
      45 workers to WLKP (PDS: 15); a company without NPP reported 8 (PWBD: 8);
    - the target needs 60 active: fund 20 BPU workers for 12 months at Rp16.800 = Rp4.032.000;
    - in the province: Pontianak 50 / 100 = 50 %, Sambas 10 / 100 = 10 %: Singkawang ranks 2 of 3.
    """
    import_module("commitments.migrations.0002_kinds_groups_rate").seed(apps, None)
    WorkforceEstimate.objects.create(city_id="61.72", year=2025, potential_pu=100, potential_bpu=50, target_percent=40)
    WorkforceEstimate.objects.create(city_id="61.71", year=2025, potential_pu=100, potential_bpu=0)
    WorkforceEstimate.objects.create(city_id="61.01", year=2025, potential_pu=80, potential_bpu=20)
    employer = EmployerFactory(city_code="61.72", paid_until=dt.date(2025, 1, 1), name="PT Rahasia Singkawang")
    WorkerFactory.create_batch(30, city_code="61.72", employer=employer)
    commitment = Commitment.objects.create(
        code="SKW-APBD-2025",
        city_id="61.72",
        kind=CommitmentKind.objects.get(code="apbd"),
        target_group=TargetGroup.objects.get(code="vulnerable"),
        year=2025,
        promised_workers=20,
        months=12,
        contribution_per_month=16_800,
        budget=20 * 12 * 16_800,
        status=Commitment.Status.ENROLLING,
    )
    WorkerFactory.create_batch(
        10, city_code="61.72", segment=Segment.BPU, employer=None, payer=Payer.PROGRAMME, commitment=commitment
    )
    EmployerReport.objects.create(
        company_id="WLKP-1", source="WLKP", name="PT Rahasia Singkawang", city_id="61.72", employer=employer, reported_workers=45
    )
    EmployerReport.objects.create(company_id="WLKP-2", source="WLKP", name="CV Belum Daftar", city_id="61.72", reported_workers=8)
    pontianak = EmployerFactory(city_code="61.71")
    WorkerFactory.create_batch(50, city_code="61.71", employer=pontianak)
    sambas = EmployerFactory(city_code="61.01")
    WorkerFactory.create_batch(10, city_code="61.01", employer=sambas)
    figures_refresh()
    return {"employer": employer, "commitment": commitment}


def publish(code, period=PERIOD):
    """Closes and publishes one city's month (as the sign-off would) and returns the snapshot."""
    ((_code, data),) = month_data(period, city_codes=[code])
    snapshot = snapshot_create(code=code, period=period, version=1, data=data, user=None)
    Snapshot.objects.filter(pk=snapshot.pk).update(status=Snapshot.Status.PUBLISHED)
    snapshot.refresh_from_db()
    return snapshot


def pdf_text(data):
    """(number of pages, the text of every page joined)."""
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)
