import datetime as dt
from decimal import Decimal

import pytest

from config import parsing
from config.formatting import format_number, format_percent, format_rupiah


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3.500.000", 3_500_000),
        ("Rp 3.500.000,00", 3_500_000),
        ("Rp3.500.000", 3_500_000),
        ("IDR 3,500,000.00", 3_500_000),
        ("3500000", 3_500_000),
        ("3.500.000,50", 3_500_001),  # half-up
        (3500000.0, 3_500_000),
        ("", None),
        (None, None),
    ],
)
def test_rupiah(raw, expected):
    assert parsing.rupiah(raw) == expected


def test_decimal_keeps_cents():
    assert parsing.decimal("3.579.313,77") == Decimal("3579313.77")
    assert parsing.decimal("3579313.77") == Decimal("3579313.77")
    assert parsing.decimal("22,78") == Decimal("22.78")


@pytest.mark.parametrize("raw", ["tiga juta", "3.5.0", "12abc", True])
def test_not_a_number(raw):
    with pytest.raises(parsing.ParseError, match="Bukan angka"):
        parsing.decimal(raw)


@pytest.mark.parametrize("raw", ["1995-08-15", "15/08/1995", "15-08-1995", dt.date(1995, 8, 15), dt.datetime(1995, 8, 15, 0, 0)])
def test_date_formats(raw):
    assert parsing.date(raw) == dt.date(1995, 8, 15)


@pytest.mark.parametrize("raw", ["31/02/2024", "2024-13-01", "15.08.1995", "kemarin"])
def test_bad_dates(raw):
    with pytest.raises(parsing.ParseError, match="Tanggal tidak valid"):
        parsing.date(raw)


def test_integer_refuses_fractions():
    assert parsing.integer("73.236") == 73236
    with pytest.raises(parsing.ParseError, match="bilangan bulat"):
        parsing.integer("1,5")


def test_indonesian_formatting():
    assert format_number(16684) == "16.684"
    assert format_number(1234567.891, 2) == "1.234.567,89"
    assert format_percent(Decimal("22.775")) == "22,78 %"
    assert format_rupiah(600000) == "Rp600.000"
    assert format_number(None) == ""
