"""The Pemda commitments of the demo data set (`load_demo`), over the workers of participants.demo:

- Kota Singkawang: a Perwali (regulation, in force) and its APBD 2026 allocation for the contributions of
  2,000 vulnerable workers, partly delivered: the 1,400 BPU workers the city enrolled in January and February
  2026 (participants/demo_data.py) are linked to it as funded by it.
- Kabupaten Penajam Paser Utara with the real 2025 figures (DOMAIN.md): APBD 2025 Rp3 billion for 15,000
  vulnerable workers at Rp16,800 a month, linked to the BPU workers the regency enrolled in March 2025 (4,000
  in the demo); and the province of Kalimantan Timur paying for another 5,614 there (budget not published).
- Kalimantan Barat's other regencies/cities with commitments of different kinds (a Perwali and a licensing rule
  in Pontianak, a Perbup in Sambas, an APBD 2026 allocation in Kubu Raya, non-ASN enrolment in Ketapang, a
  lapsed regulation in Sanggau), so that its province ranking is not all ties.

Then the scorecard's evidence rows of this year are computed for the five Kalimantan provinces.

Idempotent: a commitment that exists is left as it is (an admin may have edited it) and only workers with no
payer on record are linked, each group with one UPDATE.
"""

import datetime as dt
from importlib import import_module

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from commitments.models import Commitment, CommitmentKind, TargetGroup
from commitments.services import scores_refresh
from participants.demo import PPU, PPU_APBD, SINGKAWANG, SINGKAWANG_APBD, SMALL_SCALE
from participants.demo_data import CITY_PLANS
from participants.models import Payer, Segment, Worker
from regions.models import WorkforceEstimate

RATE = 16_800
DEMO = [
    {
        "code": "SKW-PERWALI-2025",
        "city_id": SINGKAWANG,
        "kind": "regulation",
        "year": 2025,
        "status": Commitment.Status.DELIVERED,
        "reference": "Perwali Kota Singkawang tentang perlindungan jaminan sosial ketenagakerjaan (data demo)",
        "notes": "Mewajibkan kepesertaan BPJS Ketenagakerjaan bagi pekerja rentan, non-ASN dan dalam perizinan.",
    },
    {
        "code": "SKW-APBD-2026",
        "city_id": SINGKAWANG,
        "kind": "apbd",
        "target_group": "vulnerable",
        "year": 2026,
        "promised_workers": 2_000,
        "months": 12,
        "budget": 2_000 * 12 * RATE,
        "status": Commitment.Status.ENROLLING,
        "reference": "APBD Kota Singkawang TA 2026 (data demo)",
    },
    {
        "code": "PPU-APBD-2025",
        "city_id": PPU,
        "kind": "apbd",
        "target_group": "vulnerable",
        "year": 2025,
        "promised_workers": 15_000,
        "months": 12,
        "budget": 3_000_000_000,
        "status": Commitment.Status.DELIVERED,
        "reference": "APBD Kabupaten Penajam Paser Utara TA 2025: Rp3 miliar untuk 15.000 pekerja rentan",
    },
    {
        "code": "KALTIM-APBD-2025",
        "province_id": "64",
        "kind": "apbd",
        "target_group": "vulnerable",
        "year": 2025,
        "promised_workers": 5_614,
        "months": 12,
        "status": Commitment.Status.DELIVERED,
        "reference": "APBD Provinsi Kalimantan Timur TA 2025: 5.614 pekerja rentan di Penajam Paser Utara",
        "notes": "Anggaran provinsi tidak dipublikasikan.",
    },
]
KALBAR = [
    ("PNK-PERWALI-2025", "61.71", "regulation", None, 2025, Commitment.Status.DELIVERED,
     "Perwali Kota Pontianak tentang jaminan sosial ketenagakerjaan (data demo)", {}),
    ("PNK-IZIN-2026", "61.71", "licensing", None, 2026, Commitment.Status.DELIVERED,
     "SE Wali Kota Pontianak: bukti kepesertaan BPJS untuk izin usaha (data demo)", {}),
    ("SBS-PERBUP-2024", "61.01", "regulation", None, 2024, Commitment.Status.DELIVERED,
     "Perbup Sambas tentang perlindungan pekerja rentan (data demo)", {}),
    ("KKR-APBD-2026", "61.12", "apbd", "vulnerable", 2026, Commitment.Status.BUDGETED,
     "APBD Kabupaten Kubu Raya TA 2026 (data demo)", {"promised_workers": 1_000, "months": 12, "budget": 1_000 * 12 * RATE}),
    ("KTP-NONASN-2026", "61.04", "non_asn", "non_asn", 2026, Commitment.Status.ENROLLING,
     "SK Bupati Ketapang: pendaftaran pegawai non-ASN (data demo)", {"promised_workers": 800, "months": 12}),
    ("SGU-PERBUP-2022", "61.03", "regulation", None, 2022, Commitment.Status.LAPSED,
     "Perbup Sanggau 2022, dicabut (data demo)", {}),
]  # fmt: skip
DEMO += [
    {"code": code, "city_id": city, "kind": kind, "target_group": group, "year": year, "status": status, "reference": ref, **more}
    for code, city, kind, group, year, status, ref, more in KALBAR
]
KALIMANTAN_PROVINCES = ("61", "62", "63", "64", "65")
# The demo's funded workers: BPU workers of a city who joined in a window, the first `count` in KPJ order (the
# demo writes the enrolment's cohort before the city's other BPU workers, so those come first).
FUNDED = [
    ("SKW-APBD-2026", SINGKAWANG, (dt.date(2026, 1, 1), dt.date(2026, 12, 31)), SINGKAWANG_APBD),
    ("PPU-APBD-2025", PPU, (dt.date(2025, 3, 1), dt.date(2025, 3, 31)), PPU_APBD),
]


def _small_scale():
    """Whether the small demo is loaded (every city but Singkawang scaled down; see participants.demo)."""
    stored = WorkforceEstimate.objects.filter(city_id=PPU, year=2025).values_list("potential_pu", flat=True).first()
    return stored is not None and stored != CITY_PLANS[PPU].potential_pu


@transaction.atomic
def commitments_demo_load():
    """Creates the demo commitments (once), links their funded workers and computes this year's scores of the
    Kalimantan provinces; returns {"commitments", "funded", "scores"}."""
    # the kinds, groups and scorecard weights as the data migrations seed them (tests flush them)
    import_module("commitments.migrations.0002_kinds_groups_rate").seed(apps, None)
    import_module("commitments.migrations.0004_default_score_weights_and_bands").seed(apps, None)
    kinds = {kind.code: kind for kind in CommitmentKind.objects.all()}
    groups = {group.code: group for group in TargetGroup.objects.all()}
    for spec in DEMO:
        values = dict(spec)
        values["kind"] = kinds[values["kind"]]
        values["target_group"] = groups.get(values.pop("target_group", None))
        values.setdefault("contribution_per_month", RATE)
        Commitment.objects.get_or_create(code=values.pop("code"), defaults=values)
    small = _small_scale()
    funded = 0
    for code, city, (first, last), count in FUNDED:
        commitment = Commitment.objects.get(code=code)
        if city != SINGKAWANG and small:  # Singkawang stays whole at the small scale
            count = round(count * SMALL_SCALE)
        enrolled = Worker.objects.filter(
            city_id=city, segment=Segment.BPU, member_since__range=(first, last), payer__in=["", Payer.PROGRAMME]
        ).order_by("kpj", "nik")
        mine = Q(commitment__isnull=True) | Q(commitment=commitment)
        pks = list(enrolled.filter(mine).values_list("pk", flat=True)[:count])
        Worker.objects.filter(pk__in=pks, commitment__isnull=True).update(payer=Payer.PROGRAMME, commitment=commitment)
        funded += len(pks)
    year = timezone.localdate().year
    scores = sum(scores_refresh(province_code=code, year=year) for code in KALIMANTAN_PROVINCES)
    return {
        "commitments": Commitment.objects.filter(code__in=[spec["code"] for spec in DEMO]).count(),
        "funded": funded,
        "scores": scores,
    }
