"""BSU eligibility: one function evaluates every rule of a programme and says which failed and why."""

import json
import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from config.formatting import format_rupiah
from participants.validators import check_nik
from regions.models import City, MinimumWage, Province


@dataclass(frozen=True)
class RuleOutcome:
    code: str
    passed: bool
    message: str = ""


def wage_cap(programme, minimum_wage):
    """The programme's wage cap, or the minimum wage rounded UP to the unit when that is higher."""
    cap = programme.wage_cap
    if programme.minimum_wage_round_up and minimum_wage is not None and minimum_wage > cap:
        unit = programme.round_up_unit
        return math.ceil(minimum_wage / unit) * unit  # Decimal in, int out
    return cap


def caps_by_city(programme, city_codes):
    """{city code: (cap, region code)}: the UMK of the programme's year (region: the city), else the
    province's UMP (region: the province), else the plain cap (region: empty). The screening looks the
    workplace up here: the employer's regency/city for workers with an employer, else the worker's own."""
    wages = MinimumWage.objects.filter(year=programme.minimum_wage_year)
    umk = dict(wages.filter(city__isnull=False).values_list("city_id", "amount"))
    ump = dict(wages.filter(province__isnull=False).values_list("province_id", "amount"))
    caps = {}
    for code in city_codes:
        region = code if code in umk else code[:2] if code[:2] in ump else ""
        caps[code] = (wage_cap(programme, umk.get(code, ump.get(code[:2]))), region)
    return caps


def wage_cap_text(recipient):
    """The cap a recipient was screened against and whose minimum wage set it, in words:
    "Rp3.800.000 (UMK Kota Balikpapan)"; empty for one screened before the cap was recorded."""
    if recipient.wage_cap is None:
        return ""
    region = recipient.wage_cap_region
    if not region:
        return _("%(cap)s (batas program; tidak ada upah minimum tercatat)") % {"cap": format_rupiah(recipient.wage_cap)}
    if "." in region:
        name = City.objects.filter(code=region).values_list("name", flat=True).first()
        place = _("UMK %(name)s") % {"name": name or region}
    else:
        name = Province.objects.filter(code=region).values_list("name", flat=True).first()
        place = _("UMP %(name)s") % {"name": name or region}
    return f"{format_rupiah(recipient.wage_cap)} ({place})"


# Then one rule per exclusion list the programme matches against, coded "excluded:<list code>".
RULES = ("nik", "segment", "active", "wage_known", "wage_reported", "wage_cap")


def failed_codes(programme, nik, segment, wage, member_since, member_until, cap, cutoff, excluded=()):
    """The codes of the rules a worker fails, in RULES order, then the exclusion lists the NIK is on
    (`excluded`: their rule codes); runs for every worker: kept short."""
    failed = []
    if check_nik(nik).error is not None:
        failed.append("nik")
    if segment not in programme.segment_codes:
        failed.append("segment")
    if member_since > cutoff or (member_until is not None and member_until < cutoff):
        failed.append("active")
    if wage is None:
        failed.append("wage_known")  # an unknown wage fails this rule alone
    elif wage <= 0:
        failed.append("wage_reported")  # a wage of 0 is a wage not reported, not a low wage
    elif wage > cap:
        failed.append("wage_cap")
    if excluded:
        failed.extend(excluded)
    return failed


class RuleMessages:
    """The failed-rule messages of one screening run (in Bahasa Indonesia, see `bsu_screen`), translated
    once: gettext and the language lookup per screened worker cost a quarter of a 2M-worker screening."""

    def __init__(self, programme, cutoff, exclusions=None):
        self.segment = _("Segmen %(segment)s tidak termasuk program ini (hanya %(allowed)s).")
        self.allowed = programme.segments
        self.active = _("Tidak aktif sebagai peserta pada %(date)s.") % {"date": cutoff.strftime("%d-%m-%Y")}
        self.wage_known = _("Upah belum dilaporkan pemberi kerja.")
        self.wage_reported = _("Upah tidak dilaporkan (tercatat Rp0); tidak memenuhi syarat.")
        self.excluded = exclusions.messages if exclusions else {}
        self.wage_cap = _("Upah %(wage)s di atas batas %(cap)s.")
        self.caps = {}
        self.outcomes = {}

    def failed_rules(self, codes, *, nik, segment, wage, cap):
        """[[code, message], ...] of the failed rules: stored on the recipient, shown in Indonesian."""
        return [[code, self.message(code, nik, segment, wage, cap)] for code in codes]

    def outcome(self, codes, *, nik, segment, wage, cap):
        """(failed rules, their JSON text) for the screening's bulk writes. Most workers share an outcome
        with many others (the same failed rules, segment, wage and cap): made once per distinct one, as
        building messages and JSON per worker cost a fifth of a 2M-worker screening. A failed NIK's
        message names the NIK's own fault: never shared."""
        if "nik" in codes:
            failed = self.failed_rules(codes, nik=nik, segment=segment, wage=wage, cap=cap)
            return failed, json.dumps(failed)
        key = (*codes, segment, wage, cap) if "wage_cap" in codes else (*codes, segment)
        found = self.outcomes.get(key)
        if found is None:
            if len(self.outcomes) > 100_000:  # wages vary widely in real data: memory stays bounded
                self.outcomes.clear()
            failed = self.failed_rules(codes, nik=nik, segment=segment, wage=wage, cap=cap)
            found = self.outcomes[key] = (failed, json.dumps(failed))
        return found

    def message(self, code, nik, segment, wage, cap):
        if code == "nik":
            return check_nik(nik).error
        if code == "segment":
            return self.segment % {"segment": segment, "allowed": self.allowed}
        if code == "active":
            return self.active
        if code == "wage_known":
            return self.wage_known
        if code == "wage_reported":
            return self.wage_reported
        if code in self.excluded:
            return self.excluded[code]
        if cap not in self.caps:
            self.caps[cap] = format_rupiah(cap)
        return self.wage_cap % {"wage": format_rupiah(wage), "cap": self.caps[cap]}


def evaluate(programme, *, nik, segment, wage, member_since, member_until, cap, cutoff=None, exclusions=None):
    """Every rule's outcome for one worker, in RULES order then one per exclusion list of `exclusions`
    (a `subsidies.exclusions.ProgrammeExclusions`), with a message for each failure."""
    cutoff = cutoff or programme.membership_cutoff
    lists = exclusions.lists_of_nik(nik) if exclusions else []
    codes = failed_codes(programme, nik, segment, wage, member_since, member_until, cap, cutoff, lists)
    messages = RuleMessages(programme, cutoff, exclusions)
    failed = dict(messages.failed_rules(codes, nik=nik, segment=segment, wage=wage, cap=cap))
    every = [*RULES, *(exclusions.messages if exclusions else ())]
    return [RuleOutcome(code, code not in failed, failed.get(code, "")) for code in every]
