"""Parsing of values as Indonesian spreadsheets write them: `3.500.000`, `Rp 3.500.000,00`, `15/08/1995`.

Every parser takes a raw cell (text from CSV, or an int/float/date from XLSX) and returns the value or
raises ParseError with a message in Bahasa Indonesia. An empty cell is None.
"""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _


class ParseError(ValueError):
    pass


_CURRENCY = re.compile(r"^\s*(rp\.?|idr)\s*", re.IGNORECASE)
_NUMBER_CHARS = re.compile(r"^-?[0-9.,]+$")
_THOUSANDS_DOT = re.compile(r"^-?[0-9]{1,3}(\.[0-9]{3})+$")
_THOUSANDS_COMMA = re.compile(r"^-?[0-9]{1,3}(,[0-9]{3})+$")


# Control characters a person cannot have typed into a cell (tab and line breaks aside): a NUL, an escape,
# a backspace... come from a binary file, a broken export or an attack on the systems that read the text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def text(value):
    """A cell as text, stripped; None when empty. Control characters other than tab and line breaks are refused."""
    if value.__class__ is str:
        if not value.isprintable() and _CONTROL.search(value):
            raise ParseError(_("Berisi karakter kontrol yang tidak diizinkan."))
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = str(value).strip()
    return result or None


def decimal(value):
    """Indonesian first: `.` groups thousands and `,` marks decimals; `3,500,000.50` is read too."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ParseError(_("Bukan angka: %(value)s.") % {"value": value})
    if isinstance(value, int | float | Decimal):
        return _bounded(Decimal(str(value)), value)
    raw = _CURRENCY.sub("", str(value)).replace(" ", "").replace("\u00a0", "")
    if raw == "":
        return None
    if not _NUMBER_CHARS.match(raw):
        raise ParseError(_("Bukan angka: %(value)s.") % {"value": str(value).strip()})
    if "," in raw and "." in raw:
        indonesian = raw.rfind(",") > raw.rfind(".")  # 3.500.000,00 rather than 3,500,000.00
        raw = raw.replace(".", "").replace(",", ".") if indonesian else raw.replace(",", "")
    elif "," in raw:
        raw = raw.replace(",", "") if _THOUSANDS_COMMA.match(raw) and raw.count(",") > 1 else raw.replace(",", ".")
    elif "." in raw and (_THOUSANDS_DOT.match(raw)):
        raw = raw.replace(".", "")  # 3.500.000 or 3.500 (Indonesian thousands)
    try:
        return _bounded(Decimal(raw), value)
    except InvalidOperation as error:
        raise ParseError(_("Bukan angka: %(value)s.") % {"value": str(value).strip()}) from error


LARGEST = Decimal(10) ** 15  # beyond any wage, count or amount Jangkau stores


def _bounded(number, value):
    if not number.is_finite() or abs(number) >= LARGEST:
        raise ParseError(_("Angka di luar batas wajar: %(value)s.") % {"value": str(value).strip()[:30]})
    return number


def integer(value):
    """A whole number, e.g. a count or a year; `73.236` is 73236."""
    if value.__class__ is str and value.isascii() and value.isdigit() and len(value) < 16:  # below LARGEST
        return int(value)
    number = decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ParseError(_("Harus bilangan bulat: %(value)s.") % {"value": value})
    return int(number)


def rupiah(value):
    """Whole rupiah; cents are rounded half-up (`Rp 3.500.000,00` is 3500000)."""
    if value.__class__ is str and value.isascii() and value.isdigit() and len(value) < 16:  # below LARGEST
        return int(value)
    number = decimal(value)
    if number is None:
        return None
    return int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _date(value):
    """YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, or an XLSX date cell, without bounds."""
    if value.__class__ is str and len(value) == 10 and value[4] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip()
    if not raw:
        return None
    try:
        if len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
            return dt.date(int(raw[:4]), int(raw[5:7]), int(raw[8:]))
        if len(raw) >= 8 and raw[-5] in "/-" and raw.count(raw[-5]) == 2:
            day, month, year = raw.split(raw[-5])
            return dt.date(int(year), int(month), int(day))
    except ValueError:
        pass
    raise ParseError(_("Tanggal tidak valid: %(value)s (pakai YYYY-MM-DD atau DD/MM/YYYY).") % {"value": raw[:30]})


EARLIEST_DATE = dt.date(1900, 1, 1)  # any date a file may hold: the oldest birth dates
EARLIEST_MEMBERSHIP = dt.date(1977, 1, 1)  # Astek, BPJS Ketenagakerjaan's predecessor, was founded in 1977


def today():
    """Today in Jakarta time (the project's time zone), the latest date of birth a file may hold."""
    return timezone.localdate()


def one_year_ahead():
    """The latest date a file may hold unless a column says otherwise: today plus one year."""
    now = timezone.localdate()
    try:
        return now.replace(year=now.year + 1)
    except ValueError:  # 29 February
        return now.replace(year=now.year + 1, day=28)


def shown(day):
    """A date as Indonesians write it, DD/MM/YYYY (strftime does not pad years before 1000)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def date_between(earliest, latest=one_year_ahead):
    """A date parser refusing dates before `earliest` or after `latest()` (a function: "today" moves)."""

    def parse(value):
        day = _date(value)
        if day is not None and (day < earliest or day > latest()):
            last = latest()
            raise ParseError(
                _("Tanggal di luar rentang yang diizinkan: %(value)s (harus antara %(earliest)s dan %(latest)s).")
                % {"value": shown(day), "earliest": shown(earliest), "latest": shown(last)}
            )
        return day

    return parse


# Any date in a file: 1900-01-01 .. today + 1 year.
date = date_between(EARLIEST_DATE)
# A date of birth: 1900-01-01 .. today.
birth_date = date_between(EARLIEST_DATE, today)
# The start or end of a membership, an employer's registration: 1977-01-01 .. today + 1 year.
membership_date = date_between(EARLIEST_MEMBERSHIP)


_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/-](\d{4})$")


def month(value):
    """A calendar month as the date of its first day: `2025-03` or `03/2025`, or any date of that month
    (`2025-03-31`, `31/03/2025`, an XLSX date cell). Bounds as for memberships."""
    if value is None or (value.__class__ is str and not value.strip()):
        return None
    if not isinstance(value, dt.date):
        raw = str(value).strip()
        found = _YEAR_MONTH.match(raw)
        year_month = (found.group(1), found.group(2)) if found else None
        if (found := _MONTH_YEAR.match(raw)) is not None:
            year_month = (found.group(2), found.group(1))
        if year_month is not None:
            year, number = map(int, year_month)
            if not 1 <= number <= 12:
                raise ParseError(_("Bulan tidak valid: %(value)s (pakai YYYY-MM).") % {"value": raw[:30]})
            value = dt.date(year, number, 1)
    day = membership_date(value)
    return day.replace(day=1)
