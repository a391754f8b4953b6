"""Seeds the commitment kinds and target groups of Inpres 2/2021 (issue 14) and the BPU contribution rate a
Pemda pays per worker: JKK 1 % of the lowest declared income (Rp1,000,000) + JKM Rp6,800 = Rp16,800 a month.
All three are data: edit them in the admin."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

# (code, Indonesian name, funds workers' contributions)
KINDS = [
    ("regulation", "Regulasi (Perda/Perwali/Perbup/SE)", False),
    ("apbd", "Alokasi APBD untuk iuran kelompok sasaran", True),
    ("licensing", "Syarat kepesertaan BPJS dalam perizinan", False),
    ("non_asn", "Pendaftaran pegawai non-ASN", True),
    ("village", "Perangkat desa melalui Dana Desa", True),
    ("other", "Lainnya", False),
]
GROUPS = [
    ("vulnerable", "Pekerja rentan"),
    ("non_asn", "Pegawai non-ASN"),
    ("rt_rw", "Ketua RT/RW"),
    ("religious", "Pekerja keagamaan"),
    ("fishers", "Nelayan"),
    ("farmers", "Petani"),
    ("ojek", "Pengemudi ojek"),
    ("election", "Petugas ad hoc pemilu"),
    ("village", "Perangkat desa"),
]
RATE = {
    "valid_from": dt.date(2015, 7, 1),  # BPJS Ketenagakerjaan's programmes in full operation
    "declared_income": 1_000_000,
    "jkk_percent": Decimal("1.00"),
    "jkm": 6_800,
    "source": "Iuran BPU terendah: JKK 1 % dari penghasilan Rp1.000.000 + JKM Rp6.800",
}


def seed(apps, schema_editor):
    kind_model = apps.get_model("commitments", "CommitmentKind")
    group_model = apps.get_model("commitments", "TargetGroup")
    rate_model = apps.get_model("commitments", "ContributionRate")
    for position, (code, name, funds) in enumerate(KINDS):
        kind_model.objects.get_or_create(code=code, defaults={"name": name, "funds_workers": funds, "position": position})
    for position, (code, name) in enumerate(GROUPS):
        group_model.objects.get_or_create(code=code, defaults={"name": name, "position": position})
    rate_model.objects.get_or_create(valid_from=RATE["valid_from"], defaults=RATE)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
