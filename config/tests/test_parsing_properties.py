"""Property-based tests (hypothesis) of the parsers every import row goes through: whatever a cell
holds, they return a value or a ParseError/message in Bahasa Indonesia, never crash, never misread."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from config import parsing
from config.formatting import format_number
from participants.validators import check_nik

cells = st.one_of(
    st.text(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.booleans(),
    st.dates(),
)


@st.composite
def valid_niks(draw):
    """A structurally valid NIK: region digits, birth date (women: day + 40), a sequence 0001-9999."""
    region = draw(st.from_regex(r"\A[0-9]{6}\Z"))
    born = draw(st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2029, 12, 31)))
    woman = draw(st.booleans())
    sequence = draw(st.integers(1, 9999))
    return f"{region}{born.day + (40 if woman else 0):02d}{born.month:02d}{born.year % 100:02d}{sequence:04d}"


@given(valid_niks())
def test_every_valid_nik_is_accepted_as_written(nik):
    assert check_nik(nik) == (nik, None)
    assert check_nik(f" {nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]} ").nik == nik  # as people type it


@given(cells)
def test_check_nik_never_raises_and_always_explains(value):
    result = check_nik(value)
    if result.nik is None:
        assert result.error
    else:
        assert len(result.nik) == 16
        assert result.nik.isascii()
        assert result.nik.isdigit()


@given(valid_niks())
def test_a_nik_a_spreadsheet_turned_into_a_number_is_refused_with_that_reason(nik):
    assert "angka" in check_nik(float(nik)).error
    assert "notasi ilmiah" in check_nik(f"{float(nik):.5E}").error


@given(st.integers(min_value=0, max_value=10**13))
def test_rupiah_reads_indonesian_writings_of_any_amount(amount):
    dotted = format_number(amount)  # 3.500.000
    for written in (str(amount), dotted, f"Rp {dotted}", f"Rp{dotted},00", f"{dotted},00", f"IDR {amount:,}.00"):
        assert parsing.rupiah(written) == amount, written


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_decimal_keeps_the_cents(whole, cents):
    assert parsing.decimal(f"{format_number(whole)},{cents:02d}") == Decimal(f"{whole}.{cents:02d}")


@given(cells)
def test_number_parsers_return_a_value_or_an_explained_refusal(value):
    for parse in (parsing.decimal, parsing.integer, parsing.rupiah):
        try:
            result = parse(value)
        except parsing.ParseError as error:
            assert str(error)
        else:
            assert result is None or isinstance(result, Decimal | int)


def written_forms(day):
    return (day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%d-%m-%Y"), day)


@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_dates_in_every_accepted_format_within_the_allowed_range(day):
    for parse, earliest, latest in (
        (parsing.date, dt.date(1900, 1, 1), parsing.one_year_ahead()),
        (parsing.birth_date, dt.date(1900, 1, 1), parsing.today()),
        (parsing.membership_date, dt.date(1977, 1, 1), parsing.one_year_ahead()),
    ):
        for written in written_forms(day):
            if earliest <= day <= latest:
                assert parse(written) == day
            else:
                try:
                    parse(written)
                except parsing.ParseError as error:
                    assert f"harus antara {parsing.shown(earliest)} dan {parsing.shown(latest)}" in str(error)
                else:
                    raise AssertionError(f"{written} accepted outside {earliest}..{latest}")


@given(cells)
def test_date_parsers_return_a_date_or_an_explained_refusal(value):
    for parse in (parsing.date, parsing.birth_date, parsing.membership_date, parsing.date_between(dt.date(2020, 1, 1))):
        try:
            result = parse(value)
        except parsing.ParseError as error:
            assert "Tanggal tidak valid" in str(error) or "Tanggal di luar rentang yang diizinkan" in str(error)
        else:
            assert result is None or (dt.date(1900, 1, 1) <= result <= parsing.one_year_ahead())


def is_control(char):
    return (ord(char) < 32 and char not in "\t\n\r") or 0x7F <= ord(char) <= 0x9F


@given(cells)
def test_text_returns_printable_text_or_refuses_control_characters(value):
    try:
        result = parsing.text(value)
    except parsing.ParseError as error:
        assert str(error) == "Berisi karakter kontrol yang tidak diizinkan."
        assert any(map(is_control, value))
    else:
        assert result is None or (result == result.strip() and result)
        assert result is None or not any(map(is_control, result))
