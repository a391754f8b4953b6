"""The demo data set loaded by `make run`: Kanwil Kalimantan, its branches, employers and workers.

Deterministic (a fixed seed) and idempotent: a second load creates nothing new. Kota Singkawang gets the
June 2025 audiensi figures: potential workforce 73,236 and exactly 16,684 participants active today.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from participants.models import Employer, Segment, Worker
from regions.models import City, MinimumWage, Office, WorkforceEstimate

KANWIL = ("KALIMANTAN", "Kantor Wilayah Kalimantan (Balikpapan)")
BRANCHES = {
    "PONTIANAK": ("Kantor Cabang Pontianak", ["61.71", "61.12", "61.02", "61.03", "61.08", "61.09"]),
    "SINGKAWANG": ("Kantor Cabang Singkawang", ["61.72", "61.01", "61.07"]),
    "KETAPANG": ("Kantor Cabang Ketapang", ["61.04", "61.11"]),
    "SINTANG": ("Kantor Cabang Sintang", ["61.05", "61.06", "61.10"]),
    "PALANGKARAYA": ("Kantor Cabang Palangkaraya", ["62.71", "62.03", "62.04", "62.05", "62.10", "62.11", "62.12", "62.13"]),
    "SAMPIT": ("Kantor Cabang Sampit", ["62.02", "62.06", "62.07"]),
    "PANGKALANBUN": ("Kantor Cabang Pangkalan Bun", ["62.01", "62.08", "62.09"]),
    "BANJARMASIN": (
        "Kantor Cabang Banjarmasin",
        ["63.71", "63.72", "63.01", "63.03", "63.04", "63.05", "63.06", "63.07", "63.08", "63.09", "63.11"],
    ),
    "BATULICIN": ("Kantor Cabang Batulicin", ["63.10", "63.02"]),
    "BALIKPAPAN": ("Kantor Cabang Balikpapan", ["64.71", "64.01", "64.09"]),
    "SAMARINDA": ("Kantor Cabang Samarinda", ["64.72", "64.02", "64.07", "64.11"]),
    "BONTANG": ("Kantor Cabang Bontang", ["64.74", "64.08"]),
    "BERAU": ("Kantor Cabang Berau", ["64.03"]),
    "TARAKAN": ("Kantor Cabang Tarakan", ["65.71", "65.01", "65.02", "65.03", "65.04"]),
}
MINIMUM_WAGES_2025 = {
    "61": "2878286.04",
    "61.71": "3024820",
    "61.72": "3074566",
    "64": "3579313.77",
    "64.71": "3701508.68",
    "64.72": "3724437.20",
    "64.03": "4081376.31",
    "64.09": "3957345.89",
    "31": "5396761",
    "15.71": "3607223",
}
SINGKAWANG = "61.72"
SINGKAWANG_POTENTIAL = (38_912, 34_324)  # 73,236 in all (audiensi 12 June 2025); the PU/BPU split is illustrative
SINGKAWANG_ACTIVE = 16_684
SOURCE = "BPS Sakernas Agustus (data demo)"

FIRST_NAMES = [
    "Ahmad",
    "Budi",
    "Citra",
    "Dewi",
    "Eko",
    "Fitri",
    "Gusti",
    "Hendra",
    "Indah",
    "Joko",
    "Kartika",
    "Lestari",
    "Made",
    "Nur",
    "Oktavia",
    "Putri",
    "Rahmat",
    "Siti",
    "Teguh",
    "Utami",
    "Wahyu",
    "Yanti",
    "Zainal",
    "Ayu",
    "Bayu",
    "Cahya",
    "Dian",
    "Fajar",
    "Hadi",
    "Irwan",
    "Lina",
    "Mulyadi",
    "Novi",
    "Rina",
    "Sri",
    "Tono",
]
LAST_NAMES = [
    "Pratama",
    "Saputra",
    "Wijaya",
    "Lestari",
    "Hidayat",
    "Kurniawan",
    "Santoso",
    "Siregar",
    "Nasution",
    "Simanjuntak",
    "Tan",
    "Lim",
    "Wulandari",
    "Rahmawati",
    "Susanto",
    "Halim",
    "Gunawan",
    "Setiawan",
    "Syahputra",
]
SECTORS = ["Perdagangan", "Perkebunan sawit", "Pertambangan", "Konstruksi", "Jasa", "Perikanan", "Manufaktur", "Transportasi"]


def _offices():
    kanwil, _created = Office.objects.update_or_create(code=KANWIL[0], defaults={"name": KANWIL[1], "kind": Office.Kind.KANWIL})
    branches = {}
    for code, (name, city_codes) in BRANCHES.items():
        branch, _created = Office.objects.update_or_create(
            code=code, defaults={"name": name, "kind": Office.Kind.CABANG, "parent": kanwil}
        )
        branch.cities.set(city_codes)
        for city_code in city_codes:
            branches[city_code] = branch
    return branches


def _minimum_wages():
    for code, amount in MINIMUM_WAGES_2025.items():
        key = {"city_id": code} if "." in code else {"province_id": code}
        MinimumWage.objects.update_or_create(**key, year=2025, defaults={"amount": Decimal(amount)})


def _workforce(cities, rng):
    for city in cities:
        if city.code == SINGKAWANG:
            potential_pu, potential_bpu = SINGKAWANG_POTENTIAL
        else:
            scale = 4 if city.kind == City.Kind.KOTA else 2
            potential_pu = rng.randint(20_000, 90_000) * scale
            potential_bpu = rng.randint(15_000, 70_000) * scale
        for year, factor in ((2024, Decimal("0.97")), (2025, Decimal(1))):
            WorkforceEstimate.objects.get_or_create(
                city=city,
                year=year,
                defaults={
                    "potential_pu": int(potential_pu * factor),
                    "potential_bpu": int(potential_bpu * factor),
                    "target_percent": Decimal("30.00") if city.code == SINGKAWANG else Decimal(rng.randint(25, 50)),
                    "source": f"{SOURCE} {year - 1}",
                },
            )


def _nik(city_code, index, birth, female):
    day = birth.day + (40 if female else 0)
    district = 1 + index // 9999
    serial = 1 + index % 9999
    return f"{city_code.replace('.', '')}{district:02d}{day:02d}{birth:%m%y}{serial:04d}"


def _segment(rng):
    roll = rng.random()
    if roll < 0.58:
        return Segment.PU
    if roll < 0.90:
        return Segment.BPU
    if roll < 0.96:
        return Segment.JAKON
    return Segment.PMI


def _workers_for_city(city, employers, count, ended, today, rng):
    """`count` participants active today plus `ended` whose membership has ended."""
    workers = []
    for index in range(count + ended):
        female = rng.random() < 0.42
        birth = dt.date(rng.randint(1966, 2004), rng.randint(1, 12), rng.randint(1, 28))
        segment = _segment(rng)
        since = today - dt.timedelta(days=rng.randint(30, 4 * 365))
        until = None
        if index >= count:
            until = min(today - dt.timedelta(days=1), since + dt.timedelta(days=rng.randint(30, 700)))
        employer = rng.choice(employers) if segment == Segment.PU or (segment == Segment.JAKON and employers) else None
        wage = (
            min(2_400_000 + int(rng.expovariate(1 / 1_200_000)) // 50_000 * 50_000, 15_000_000)  # most near the minimum
            if segment != Segment.BPU
            else rng.randrange(1_000_000, 4_000_000, 100_000)
        )
        workers.append(
            Worker(
                nik=_nik(city.code, index, birth, female),
                kpj=f"{city.code.replace('.', '')[:4]}{index:07d}",
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                birth_date=birth,
                sex="P" if female else "L",
                segment=segment,
                city=city,
                employer=employer,
                wage=wage,
                member_since=since,
                member_until=until,
                programs="JKK JKM JHT JP" if segment == Segment.PU else "JKK JKM",
            )
        )
    return workers


@transaction.atomic
def demo_load(*, other_workers_per_city=260, today=None):
    """Loads the demo data set; returns counts of what exists afterwards."""
    rng = random.Random(20250612)  # noqa: S311 - demo data, not security
    today = today or timezone.localdate()
    branches = _offices()
    _minimum_wages()
    cities = list(City.objects.filter(code__in=branches).order_by("code"))
    _workforce(cities, rng)
    employers_by_city = {}
    for city in cities:
        count = 60 if city.code == SINGKAWANG else 12
        employers = [
            Employer(
                npp=f"{city.code.replace('.', '')}{n:04d}",
                name=f"{rng.choice(['PT', 'CV', 'Koperasi'])} {rng.choice(LAST_NAMES)} {rng.choice(SECTORS)} {n}",
                city=city,
                branch=branches[city.code],
                sector=rng.choice(SECTORS),
                registered_on=today - dt.timedelta(days=rng.randint(100, 5000)),
            )
            for n in range(1, count + 1)
        ]
        Employer.objects.bulk_create(employers, ignore_conflicts=True)
        employers_by_city[city.code] = list(Employer.objects.filter(city=city).order_by("npp"))
    for city in cities:
        if city.code == SINGKAWANG:
            workers = _workers_for_city(city, employers_by_city[city.code], SINGKAWANG_ACTIVE, 900, today, rng)
        else:
            workers = _workers_for_city(city, employers_by_city[city.code], other_workers_per_city, 30, today, rng)
        Worker.objects.bulk_create(workers, batch_size=2000, ignore_conflicts=True)
    return {
        "offices": Office.objects.count(),
        "employers": Employer.objects.count(),
        "workers": Worker.objects.count(),
    }
