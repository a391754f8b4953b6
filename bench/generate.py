"""Synthetic import files for `make bench`: workers CSV/XLSX against the seeded regions and employers."""

import csv
import datetime as dt
import random

SEGMENTS = ["PU"] * 58 + ["BPU"] * 32 + ["JAKON"] * 6 + ["PMI"] * 4
NAMES = ["Ahmad", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Hendra", "Indah", "Joko", "Siti", "Teguh", "Yanti"]
HEADER = [
    "nik",
    "name",
    "segment",
    "city_code",
    "member_since",
    "kpj",
    "birth_date",
    "sex",
    "npp",
    "wage",
    "member_until",
    "programs",
]


def worker_rows(count, employers_by_city, seed=1, start=0):
    """`count` valid worker rows with unique NIKs spread over the cities of `employers_by_city`.

    Rows from different `start` offsets have different NIKs."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    cities = sorted(employers_by_city)
    base = dt.date(2020, 1, 1)
    for i in range(start, start + count):
        city = cities[i % len(cities)]
        index = i // len(cities)
        female = i % 3 == 0
        birth = dt.date(1970 + i % 35, 1 + i % 12, 1 + i % 28)
        day = birth.day + (40 if female else 0)
        nik = f"{city.replace('.', '')}{1 + index // 9999:02d}{day:02d}{birth:%m%y}{1 + index % 9999:04d}"
        segment = SEGMENTS[i % len(SEGMENTS)]
        employers = employers_by_city[city]
        npp = rng.choice(employers) if segment == "PU" and employers else ""
        since = base + dt.timedelta(days=i % 2000)
        until = (since + dt.timedelta(days=400)).isoformat() if i % 17 == 0 else ""
        yield [
            nik,
            f"{NAMES[i % len(NAMES)]} {i}",
            segment,
            city,
            since.isoformat(),
            f"{i:011d}",
            birth.isoformat(),
            "P" if female else "L",
            npp,
            str(2_500_000 + (i % 60) * 50_000),
            until,
            "JKK JKM JHT JP" if segment == "PU" else "JKK JKM",
        ]


def write_workers_csv(path, count, employers_by_city, seed=1):
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(worker_rows(count, employers_by_city, seed))


def write_workers_xlsx(path, count, employers_by_city, seed=2, start=0):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for row in worker_rows(count, employers_by_city, seed, start):
        sheet.append(row)
    workbook.save(path)
