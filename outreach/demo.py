"""The coverage plan's part of the demo data set (`load_demo`): WLKP-like employer reports, arrears and the
outreach history of Kota Singkawang, over the employers and workers of participants.demo.

Per regency/city:
- about a fifth of the registered employers with active workers (larger ones more often) have a WLKP report;
  a third of those report more workers than are registered (PDS tenaga kerja), the rest as many or fewer;
  half report their wage total, some at an average above their workers' average at BPJS (PDS upah);
- companies not registered at all (PWBD prospects) with a long tail of sizes, their workers about an eighth
  of the city's uncovered PU, so that the gap breakdown still leaves most of the gap unexplained;
- about 3 % of the employers are 4-9 months behind with their contributions (with the default arrears
  threshold of 3 months), among them Kutai Barat's coal contractor; every other employer has paid through
  last month.
Kota Singkawang also gets about 80 contacts of the last six months with its PDS employers, prospects and
employers in arrears, by the demo officer `cabang.singkawang` (when that account exists): a few of their
next steps fall due this week and one or two are overdue.

Deterministic (a seed per city) and idempotent: a city is loaded when it has a demo report (company id
starting with "WLKP-"); every pending city is written in one transaction with bulk writes. The dates follow
the day of the load, like the rest of the demo.
"""

import datetime as dt
import math
import random
from collections import defaultdict
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from outreach.figures import current_reports_mark
from outreach.models import EmployerReport, Visit
from outreach.selectors import arrears_threshold, week_end
from participants.demo import FALLING, FALLING_EMPLOYER, SINGKAWANG, employer_npp, fall_day
from participants.demo_data import CITY_PLANS, EMPLOYER_NAMES, PLACES, PROFILES, SUFFIXES, WORDS
from participants.figures import employer_figures_refresh
from participants.models import Employer, EmployerFigure, Worker
from regions.models import City
from regions.ucj import coverage_rows, months_before

SOURCE = "WLKP"
PREFIX = "WLKP-"  # marks the demo's reports: company ids of the demo, never of an import
OFFICER = "cabang.singkawang"
REPORT_SHARE = 0.20  # of a city's registered employers with active workers
PDS_SHARE = 1 / 3  # of the reports: more workers reported than registered
WAGE_SHARE = 0.5  # of the reports: with a wage total
WAGE_GAP_SHARE = 0.4  # of those: an average wage above the BPJS average (PDS upah)
PROSPECT_SHARE = 0.12  # the prospects' workers, of the city's uncovered PU
PDS_EXTRA = ((50, (0.2, 1.0)), (200, (0.1, 0.6)), (math.inf, (0.05, 0.35)))  # (fewer workers than, extra share)
PDS_MOST = 0.25  # the PDS workers at most, of the city's uncovered PU
ARREARS_SHARE = 0.03
HISTORY_DAYS = 182  # visits of the last six months
VISITED = {"pds": 10, "wages": 5, "arrears": 8, "prospect": 12}  # Singkawang's companies visited, per list
DUE_THIS_WEEK = (3, 6)
OVERDUE = (1, 2)
BATCH = 2000
GOVERNMENT = "Pemerintah "  # the city governments' non-ASN staff: no WLKP report, never in arrears

V = Visit.Outcome
C = Visit.Channel
# The next step an officer notes after a contact, by list and outcome (demo data, in Indonesian).
NEXT_STEPS = {
    "pds": {
        V.FOLLOW_UP: [
            "Minta daftar pekerja lengkap dari bagian HRD",
            "Cocokkan laporan WLKP dengan data kepesertaan",
            "Kunjungan ulang untuk mendaftarkan pekerja kontrak",
        ],
        V.PARTIAL: [
            "Tagih pendaftaran sisa pekerja",
            "Pantau pendaftaran pekerja harian bulan depan",
            "Kirim formulir pendaftaran untuk pekerja borongan",
        ],
        V.REFUSED: ["Kunjungan bersama Disnaker", "Kirim surat teguran pertama"],
        V.REGISTERED: ["Pastikan pekerja baru aktif dan iurannya tertagih"],
    },
    "wages": {
        V.FOLLOW_UP: ["Minta daftar upah dan slip gaji", "Cocokkan upah yang dilaporkan dengan laporan WLKP"],
        V.PARTIAL: ["Pantau penyesuaian upah pada tagihan bulan depan"],
        V.REFUSED: ["Teruskan ke pengawas ketenagakerjaan Disnaker", "Kirim surat teguran pelaporan upah"],
    },
    "arrears": {
        V.FOLLOW_UP: [
            "Konfirmasi jadwal cicilan tunggakan iuran",
            "Tagih bukti pembayaran iuran",
            "Kirim surat peringatan tunggakan iuran",
        ],
        V.REFUSED: ["Kunjungan bersama Disnaker", "Serahkan ke Kejaksaan Negeri (surat kuasa khusus)"],
    },
    "prospect": {
        V.FOLLOW_UP: [
            "Jelaskan manfaat program JKK, JKM dan JHT kepada pemilik",
            "Bantu pendaftaran perusahaan secara daring",
            "Undang ke sosialisasi di kantor cabang",
        ],
        V.PARTIAL: ["Daftarkan sisa pekerja"],
        V.REFUSED: ["Kunjungan bersama Disnaker", "Kirim surat pemberitahuan wajib daftar"],
        V.REGISTERED: ["Pastikan NPP terbit dan iuran pertama dibayar"],
    },
}
# The outcome of a company's last contact, by list (weights).
LAST_OUTCOMES = {
    "pds": {V.PARTIAL: 3, V.FOLLOW_UP: 4, V.REFUSED: 1, V.REGISTERED: 2},
    "wages": {V.FOLLOW_UP: 3, V.PARTIAL: 1, V.REFUSED: 1},
    "arrears": {V.FOLLOW_UP: 4, V.REFUSED: 1},
    "prospect": {V.FOLLOW_UP: 4, V.REFUSED: 2, V.REGISTERED: 2, V.PARTIAL: 1},
}
NOTES = {
    V.REFUSED: [
        "Pemilik menganggap pekerja harian tidak wajib didaftarkan.",
        "Perusahaan meminta waktu sampai kontrak proyek berikutnya.",
    ],
    V.PARTIAL: ["Sebagian pekerja didaftarkan; sisanya menunggu data NIK."],
    V.FOLLOW_UP: ["Bertemu bagian keuangan; pimpinan sedang di luar kota.", "Dokumen diminta dikirim lewat surel."],
}


class DemoEmployer(NamedTuple):
    pk: int
    npp: str
    name: str
    sector: str
    paid_until: dt.date | None
    active: int
    wages: int | None


def month_start(day, back=0):
    """The first day of the month `back` months before day's month."""
    return months_before(day.replace(day=1), back)


def _prospect_size(rng):
    """Workers of an unregistered company: most 5-30, some up to 99, a few 100 or more."""
    draw = rng.random()
    if draw < 0.78:
        return rng.randint(5, 30)
    if draw < 0.95:
        return rng.randint(31, 99)
    return min(1200, max(100, round(100 * rng.lognormvariate(0.3, 0.7))))


class OutreachCity:
    """One regency/city's reports, arrears and (Singkawang) visits, drawn from its own seed."""

    def __init__(self, code, employers, uncovered_pu, today):
        self.code, self.employers, self.today = code, employers, today
        self.uncovered = uncovered_pu or 0
        self.rng = random.Random(f"jangkau-outreach-{code}")  # noqa: S311 - demo data, not security
        self.profile = PROFILES[CITY_PLANS[code].profile]
        self.names = {employer.name for employer in employers}
        self.number = 0
        self.reports = []
        self.pds, self.wage_gaps, self.prospects, self.arrears = [], [], [], []
        self._registered_reports()
        self._prospect_reports()
        self._arrears()

    def _report(self, **fields):
        self.number += 1
        report = EmployerReport(
            company_id=f"{PREFIX}{self.code}-{self.number:06d}",
            source=SOURCE,
            city_id=self.code,
            report_date=self.today - dt.timedelta(days=self.rng.randint(7, 364)),
            **fields,
        )
        self.reports.append(report)
        return report

    def _registered_reports(self):
        rng = self.rng
        eligible = [e for e in self.employers if e.active > 0 and not e.name.startswith(GOVERNMENT)]
        if not eligible:
            return
        # weighted sampling without replacement (key = u ** (1 / weight)): larger employers more often
        keys = {e.pk: rng.random() ** (1 / math.sqrt(e.active)) for e in eligible}
        count = max(1, round(REPORT_SHARE * len(eligible)))
        chosen = sorted(sorted(eligible, key=lambda e: keys[e.pk], reverse=True)[:count], key=lambda e: e.npp)
        extras = {}
        for employer in chosen:
            draw = rng.random()
            if draw < PDS_SHARE:
                share = rng.uniform(*next(span for size, span in PDS_EXTRA if employer.active < size))
                extras[employer.pk] = max(1, round(employer.active * share))
            elif draw < PDS_SHARE + (1 - PDS_SHARE) / 2:
                extras[employer.pk] = 0
            else:
                extras[employer.pk] = min(0, max(1, round(employer.active * rng.uniform(0.85, 0.99))) - employer.active)
        # the PDS workers stay well below the city's uncovered PU (the gap breakdown's remainder stays large)
        pds_total, most = sum(extra for extra in extras.values() if extra > 0), int(PDS_MOST * self.uncovered)
        if pds_total > most:
            extras = {pk: extra if extra <= 0 else extra * most // pds_total for pk, extra in extras.items()}
        for employer in chosen:
            reported = employer.active + extras[employer.pk]
            wage_total, wage_gap = None, False
            if employer.wages and rng.random() < WAGE_SHARE:
                wage_gap = rng.random() < WAGE_GAP_SHARE
                factor = rng.uniform(1.15, 1.8) if wage_gap else rng.uniform(0.88, 0.99)
                wage_total = int(reported * employer.wages / employer.active * factor) // 1000 * 1000
            self._report(
                name=employer.name,
                employer_id=employer.pk,
                sector=employer.sector,
                reported_workers=reported,
                reported_wage_total=wage_total,
            )
            if reported > employer.active:
                self.pds.append((reported - employer.active, employer))
            if wage_gap:
                shortfall = wage_total * employer.active // reported - employer.wages
                self.wage_gaps.append((shortfall, employer))

    def _prospect_reports(self):
        rng, profile = self.rng, self.profile
        small = [(sector, weight) for sector, weight in profile.small_sectors if sector != "Pemerintahan/BUMD"]
        large = [(sector, weight) for sector, weight in profile.large_sectors if sector != "Pemerintahan/BUMD"]
        active = sum(e.active for e in self.employers if e.wages)
        average_wage = sum(e.wages for e in self.employers if e.wages) / active if active else None
        target, total = round(PROSPECT_SHARE * self.uncovered), 0
        while total < target:
            size = min(_prospect_size(rng), max(5, target - total))
            sectors, weights = zip(*(large if size >= 100 else small), strict=True)
            sector = rng.choices(sectors, weights)[0]
            wage_total = None
            if average_wage and rng.random() < WAGE_SHARE:
                wage_total = int(size * average_wage * rng.uniform(0.8, 1.1)) // 1000 * 1000
            report = self._report(
                name=self._prospect_name(sector, large=size >= 100),
                sector=sector,
                reported_workers=size,
                reported_wage_total=wage_total,
            )
            self.prospects.append(report)
            total += size

    def _prospect_name(self, sector, *, large):
        rng = self.rng
        if large:  # the large names that do not name the city (those are the city's own employers)
            patterns = [
                pattern for pattern, _most in EMPLOYER_NAMES[sector][0] if "{city}" not in pattern and "{town}" not in pattern
            ]
        else:
            patterns = EMPLOYER_NAMES[sector][1]
        for _attempt in range(10):  # a name no employer or prospect of the city has, if one comes up
            name = rng.choice(patterns).format(
                place=rng.choice(PLACES[self.code[:2]]), word=rng.choice(WORDS), suffix=rng.choice(SUFFIXES)
            )
            if name not in self.names:
                break
        self.names.add(name)
        return name

    def _arrears(self):
        """[(employer, paid_until)]: about 3 % of the employers, 1-6 months beyond the arrears threshold."""
        rng = self.rng
        candidates = [e for e in self.employers if e.paid_until is None and e.active > 0 and not e.name.startswith(GOVERNMENT)]
        count = min(len(candidates), max(1, round(ARREARS_SHARE * len(self.employers))))
        threshold = arrears_threshold(self.today)
        for employer in sorted(rng.sample(candidates, count), key=lambda e: e.npp):
            self.arrears.append((employer, month_start(threshold, rng.randint(1, 6))))

    def visits(self, officer):
        """The contacts with the city's largest PDS, PDS upah, arrears and prospect cases of the last six
        months, oldest first per company; each company's last contact leaves its next step open."""
        rng, today = self.rng, self.today
        companies, seen = [], set()
        for kind, cases in (
            ("pds", [(extra, e.npp) for extra, e in self.pds]),
            ("wages", [(shortfall, e.npp) for shortfall, e in self.wage_gaps]),
            ("arrears", [(e.active, e.npp) for e, _paid in self.arrears]),
            ("prospect", [(report.reported_workers, report.company_id) for report in self.prospects]),
        ):
            fresh = [key for _size, key in sorted(cases, key=lambda case: (-case[0], case[1])) if key not in seen]
            for key in fresh[: VISITED[kind]]:
                companies.append((kind, key))
                seen.add(key)
        visits, last = [], []
        for kind, key in companies:
            count = rng.choices((1, 2, 3, 4), (4, 4, 3, 1))[0]
            day = today - dt.timedelta(days=rng.randint(14 * count, HISTORY_DAYS))
            channel = rng.choice((C.CALL, C.LETTER, C.VISIT))
            for number in range(count):
                final = number == count - 1 or day + dt.timedelta(days=10) >= today
                if final:
                    outcomes, weights = zip(*LAST_OUTCOMES[kind].items(), strict=True)
                    outcome = rng.choices(outcomes, weights)[0]
                else:
                    outcome = V.REFUSED if rng.random() < 0.15 else V.FOLLOW_UP
                steps = NEXT_STEPS[kind].get(outcome) or NEXT_STEPS[kind][V.FOLLOW_UP]
                notes = rng.choice(NOTES[outcome]) if outcome in NOTES and rng.random() < 0.3 else ""
                visit = Visit(
                    company=key,
                    city_id=self.code,
                    date=day,
                    channel=channel,
                    outcome=outcome,
                    officer=officer,
                    next_step=rng.choice(steps),
                    due_date=day + dt.timedelta(days=rng.randint(7, 30)),
                    notes=notes,
                )
                visits.append(visit)
                if final:
                    last.append(visit)
                    break
                gap = rng.randint(10, 40)
                day = min(day + dt.timedelta(days=gap), today - dt.timedelta(days=1))
                # a refusal is followed by a joint visit with Disnaker; otherwise a visit, sometimes a call
                channel = C.JOINT if outcome == V.REFUSED else rng.choice((C.VISIT, C.VISIT, C.CALL, C.JOINT))
        self._open_steps(last)
        return visits

    def _open_steps(self, last):
        """Due dates of the open next steps: a few this week, one or two overdue, the rest later."""
        rng, today, sunday = self.rng, self.today, week_end(self.today)
        rng.shuffle(last)
        overdue = [visit for visit in last if visit.date <= today - dt.timedelta(days=2)][: rng.randint(*OVERDUE)]
        rest = [visit for visit in last if visit not in overdue]
        due_now = rest[: rng.randint(*DUE_THIS_WEEK)]
        for visit in overdue:
            visit.due_date = today - dt.timedelta(days=rng.randint(1, min(10, (today - visit.date).days)))
        for visit in due_now:
            visit.due_date = today + dt.timedelta(days=rng.randint(0, (sunday - today).days))
        for visit in rest[len(due_now) :]:
            visit.due_date = sunday + dt.timedelta(days=rng.randint(1, 40))


def demo_cities():
    """(code, name, province) of the demo cities whose employers are loaded (participants.demo)."""
    firsts = {employer_npp(code, 1): code for code in CITY_PLANS}
    loaded = set(Employer.objects.filter(npp__in=firsts).values_list("city_id", flat=True))
    return list(City.objects.filter(code__in=loaded).order_by("code").values_list("code", "name", "province"))


def outreach_demo_load(*, today=None):
    """Loads the coverage plan's demo data for the demo cities not loaded yet; returns what exists afterwards:
    {reports (with an NPP), prospects, employers_in_arrears, visits}."""
    today = today or timezone.localdate()
    cities = demo_cities()
    loaded = set(EmployerReport.objects.filter(company_id__startswith=PREFIX).values_list("city_id", flat=True).distinct())
    pending = [city for city in cities if city[0] not in loaded]
    officer = get_user_model().objects.filter(username=OFFICER).first()
    with transaction.atomic():
        if pending:
            _load(pending, today=today, officer=officer)
        if officer:  # loaded without the demo accounts before: the visits are the demo officer's
            Visit.objects.filter(
                Q(company__startswith=f"{PREFIX}{SINGKAWANG}-") | Q(company__startswith=SINGKAWANG.replace(".", "")),
                city=SINGKAWANG,
                officer__isnull=True,
                import_job__isnull=True,
            ).update(officer=officer)
    if not EmployerFigure.objects.exists():  # a demo loaded before the worklists existed
        employer_figures_refresh()
    current_reports_mark(EmployerFigure.objects.values_list("day", flat=True).first())  # the reports just loaded
    codes = [code for code, _name, _province in cities]
    demo = EmployerReport.objects.filter(company_id__startswith=PREFIX)
    return {
        "reports": demo.filter(employer__isnull=False).count(),
        "prospects": demo.filter(employer__isnull=True).count(),
        "employers_in_arrears": Employer.objects.filter(city__in=codes, paid_until__lt=arrears_threshold(today)).count(),
        "visits": Visit.objects.filter(city__in=codes).count(),
    }


def _load(cities, *, today, officer):
    codes = [code for code, _name, _province in cities]
    uncovered = {
        row.code: max(0, row.potential_pu - row.active_pu) for row in coverage_rows(cities, as_of=today) if row.potential_pu
    }
    # the employers' active workers and wage totals, counted today (load_demo has just done so on a fresh load)
    if EmployerFigure.objects.values_list("day", flat=True).first() != today:
        employer_figures_refresh(today)
    active = {
        employer: (workers, wages)
        for employer, workers, wages in EmployerFigure.objects.filter(employer__city__in=codes).values_list(
            "employer_id", "active_workers", "active_wage_total"
        )
    }
    employers = defaultdict(list)
    for pk, npp, name, sector, city, paid_until in (
        Employer.objects.filter(city__in=codes).order_by("npp").values_list("pk", "npp", "name", "sector", "city", "paid_until")
    ):
        workers, wages = active.get(pk, (0, None))
        employers[city].append(DemoEmployer(pk, npp, name, sector, paid_until, workers, wages))
    reports, arrears, visits = [], defaultdict(list), []
    for code in codes:
        city = OutreachCity(code, employers[code], uncovered.get(code), today)
        reports += city.reports
        for employer, paid_until in city.arrears:
            arrears[paid_until].append(employer.pk)
        if code == SINGKAWANG:
            visits = city.visits(officer)
    if FALLING in codes:  # the coal contractor whose workers stopped being active: paid until that month
        falling = next((e for e in employers[FALLING] if e.name == FALLING_EMPLOYER and e.paid_until is None), None)
        if falling:
            ended = Worker.objects.filter(employer=falling.pk).aggregate(day=Max("member_until"))["day"]
            arrears[month_start(ended or fall_day(today))].append(falling.pk)
    EmployerReport.objects.bulk_create(reports, batch_size=BATCH)
    Employer.objects.filter(city__in=codes, paid_until__isnull=True).update(paid_until=month_start(today, 1))
    for paid_until, pks in sorted(arrears.items()):
        for start in range(0, len(pks), BATCH):
            Employer.objects.filter(pk__in=pks[start : start + BATCH]).update(paid_until=paid_until)
    if visits:
        bulk_create_with_history(visits, Visit, batch_size=BATCH, default_user=officer)
