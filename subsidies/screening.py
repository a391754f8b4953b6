"""BSU eligibility: one function evaluates every rule of a programme and says which failed and why."""

import functools
import math
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from config.formatting import format_rupiah
from participants.validators import check_nik
from regions.models import MinimumWage


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
    """{city code: cap}: the UMK of the programme's year, else the province's UMP, else the plain cap."""
    wages = MinimumWage.objects.filter(year=programme.minimum_wage_year)
    umk = dict(wages.filter(city__isnull=False).values_list("city_id", "amount"))
    ump = dict(wages.filter(province__isnull=False).values_list("province_id", "amount"))
    return {code: wage_cap(programme, umk.get(code, ump.get(code[:2]))) for code in city_codes}


RULES = ("nik", "segment", "active", "wage_known", "wage_cap")


def failed_codes(programme, nik, segment, wage, member_since, member_until, cap, cutoff):
    """The codes of the rules a worker fails, in RULES order (runs for every worker: kept short)."""
    failed = []
    if check_nik(nik).error is not None:
        failed.append("nik")
    if segment not in programme.segment_codes:
        failed.append("segment")
    if member_since > cutoff or (member_until is not None and member_until < cutoff):
        failed.append("active")
    if wage is None:
        failed.append("wage_known")  # an unknown wage fails this rule alone
    elif wage > cap:
        failed.append("wage_cap")
    return failed


def failed_rules(programme, codes, *, nik, segment, wage, cap, cutoff):
    """[[code, message], ...] of the failed rules: stored on the recipient, shown in Indonesian."""
    return [[code, _message(code, programme, nik, segment, wage, cap, cutoff)] for code in codes]


def evaluate(programme, *, nik, segment, wage, member_since, member_until, cap, cutoff=None):
    """Every rule's outcome for one worker, in RULES order, with a message for each failure."""
    cutoff = cutoff or programme.membership_cutoff
    codes = failed_codes(programme, nik, segment, wage, member_since, member_until, cap, cutoff)
    messages = dict(failed_rules(programme, codes, nik=nik, segment=segment, wage=wage, cap=cap, cutoff=cutoff))
    return [RuleOutcome(code, code not in messages, messages.get(code, "")) for code in RULES]


@functools.lru_cache(maxsize=8)
def _templates(language):
    """The rule messages translated once per language (gettext per screened worker is measurably slow)."""
    return {
        "segment": _("Segmen %(segment)s tidak termasuk program ini (hanya %(allowed)s)."),
        "active": _("Tidak aktif sebagai peserta pada %(date)s."),
        "wage_known": _("Upah belum dilaporkan pemberi kerja."),
        "wage_cap": _("Upah %(wage)s di atas batas %(cap)s."),
    }


def _message(code, programme, nik, segment, wage, cap, cutoff):
    if code == "nik":
        return check_nik(nik).error
    template = _templates(get_language())[code]
    if code == "segment":
        return template % {"segment": segment, "allowed": programme.segments}
    if code == "active":
        return template % {"date": cutoff.strftime("%d-%m-%Y")}
    if code == "wage_known":
        return template
    return template % {"wage": format_rupiah(wage), "cap": format_rupiah(cap)}
