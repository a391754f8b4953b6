"""Indonesian number, percent and money formatting for pages (machine outputs use plain digits)."""

from decimal import ROUND_HALF_UP, Decimal


def _group(digits):
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return ".".join(parts)


def format_number(value, decimals=0):
    """16684 -> '16.684'; 22.775, 2 -> '22,78' (half-up); None -> ''."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    text = sign + _group(whole)
    return f"{text},{fraction}" if decimals else text


def format_percent(value, decimals=2):
    """22.78 -> '22,78 %'."""
    text = format_number(value, decimals)
    return f"{text} %" if text else ""


def format_rupiah(value):
    """600000 -> 'Rp600.000'."""
    text = format_number(value)
    return f"Rp{text}" if text else ""
