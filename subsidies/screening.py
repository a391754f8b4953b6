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


def evaluate(programme, *, nik, segment, wage, member_since, member_until, cap, cutoff=None):
    """Every rule's outcome for one worker, in a fixed order; messages are written only for failures
    (screening runs over millions of workers)."""
    cutoff = cutoff or programme.membership_cutoff
    nik_error = check_nik(nik).error
    checks = (
        ("nik", nik_error is None),
        ("segment", segment in programme.segment_codes),
        ("active", member_since <= cutoff and (member_until is None or member_until >= cutoff)),
        ("wage_known", wage is not None),
        ("wage_cap", wage is None or wage <= cap),  # an unknown wage fails wage_known alone
    )
    return [
        RuleOutcome(code, passed, "" if passed else _message(code, programme, nik_error, segment, wage, cap, cutoff))
        for code, passed in checks
    ]


@functools.lru_cache(maxsize=8)
def _templates(language):
    """The rule messages translated once per language (gettext per screened worker is measurably slow)."""
    return {
        "segment": _("Segmen %(segment)s tidak termasuk program ini (hanya %(allowed)s)."),
        "active": _("Tidak aktif sebagai peserta pada %(date)s."),
        "wage_known": _("Upah belum dilaporkan pemberi kerja."),
        "wage_cap": _("Upah %(wage)s di atas batas %(cap)s."),
    }


def _message(code, programme, nik_error, segment, wage, cap, cutoff):
    if code == "nik":
        return nik_error
    template = _templates(get_language())[code]
    if code == "segment":
        return template % {"segment": segment, "allowed": programme.segments}
    if code == "active":
        return template % {"date": cutoff.strftime("%d-%m-%Y")}
    if code == "wage_known":
        return template
    return template % {"wage": format_rupiah(wage), "cap": format_rupiah(cap)}


def failed_rules(outcomes):
    """[[code, message], ...] of the rules that failed (stored on the recipient, shown in Indonesian)."""
    return [[outcome.code, outcome.message] for outcome in outcomes if not outcome.passed]
