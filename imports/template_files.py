"""Template files of the import kinds: the header (English column names) and one example row, as CSV or XLSX.

The example row is valid for the kind's own parsers (a kind added later gets its choice columns filled and
its other columns left empty until an example is added here), so a person can overwrite it and upload.
"""

import io

from config.spreadsheets import csv_lines, safe_cell

# Example cells by column name; a kind whose column means something else overrides it below.
EXAMPLES = {
    "nik": "6172015508950001",
    "name": "Siti Aminah",
    "city_code": "61.72",
    "member_since": "2024-01-15",
    "kpj": "12345678901",
    "birth_date": "1995-08-15",
    "npp": "12345678",
    "wage": "3500000",
    "member_until": "",
    "programs": "JKK JKM JHT JP",
    "year": "2025",
    "potential_pu": "40000",
    "potential_bpu": "33236",
    "target_percent": "30",
    "source": "BPS Sakernas Agustus 2024",
    "region_code": "61.72",
    "amount": "3000000",
    "account_number": "0123456789",
    "account_name": "Siti Aminah",
    "programme": "BSU-2025",
    "batch": "1",
    "reason": "",
    "reference": "SP2D-2025-001",
    "date": "2025-07-01",
    "sector": "Perdagangan",
    "registered_on": "2020-03-01",
    "paid_until": "2025-05",
    "branch_code": "SINGKAWANG",
    "parent_code": "KALIMANTAN",
    "city_codes": "61.72 61.01 61.07",
    "code": "SINGKAWANG",
}
KIND_EXAMPLES = {
    "offices": {"name": "Kantor Cabang Singkawang", "kind": "cabang"},
    "employers": {"name": "PT Contoh Sejahtera"},
    "workers": {"segment": "PU", "sex": "P", "payer": "employer"},
    "bsu_results": {"status": "VERIFIED", "channel": "BRI"},
    "bank_accounts": {"bank": "BRI"},
    "employer_reports": {
        "company_id": "WLKP-6172-000123",
        "name": "CV Maju Bersama",
        "npp": "",
        "reported_workers": "25",
        "reported_wage_total": "75000000",
        "source": "WLKP",
        "report_date": "2025-03-31",
    },
    "commitments": {
        "code": "SKW-APBD-2026",
        "pemda_code": "61.72",
        "kind": "apbd",
        "year": "2026",
        "target_group": "vulnerable",
        "promised_workers": "2000",
        "budget": "403200000",
        "contribution_per_month": "16800",
        "months": "12",
        "status": "budgeted",
        "reference": "APBD Kota Singkawang TA 2026",
        "notes": "",
    },
    "exclusions": {"list": "PKH-2025", "kind": "PKH", "valid_from": "2025-01-01", "valid_to": "2025-12-31", "source": "Kemensos"},
    "visits": {
        "company": "12345678",
        "date": "2025-06-02",
        "channel": "joint",
        "outcome": "follow_up",
        "officer": "",
        "next_step": "Kirim daftar pekerja yang belum didaftarkan",
        "due_date": "2025-06-16",
        "notes": "Bersama Disnaker",
    },
}
# Columns a spreadsheet must keep as text (leading zeros, 16 digits): XLSX cells formatted "@".
TEXT_COLUMNS = {
    "nik",
    "kpj",
    "npp",
    "account_number",
    "city_code",
    "region_code",
    "city_codes",
    "code",
    "company_id",
    "company",
    "pemda_code",
}


def template_header(kind):
    return [column.name for column in kind.columns]


def template_row(kind):
    """One example value per column: the kind's own example, the shared one, else the first allowed value."""
    own = KIND_EXAMPLES.get(kind.name, {})
    row = []
    for column in kind.columns:
        value = own.get(column.name, EXAMPLES.get(column.name))
        if value is None:
            value = column.choices[0] if column.choices else ""
        row.append(value)
    return row


def template_csv_lines(kind):
    return csv_lines(template_header(kind), [template_row(kind)])


def template_xlsx_bytes(kind):
    """The same header and row as an XLSX workbook whose code columns are text cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind.name[:31]
    header, row = template_header(kind), template_row(kind)
    sheet.append([safe_cell(name) for name in header])
    sheet.append([safe_cell(value) for value in row])
    for index, name in enumerate(header, start=1):
        title = sheet.cell(row=1, column=index)
        title.font = Font(bold=True)
        dimension = sheet.column_dimensions[title.column_letter]
        dimension.width = max(len(name), len(str(row[index - 1]))) + 4
        if name in TEXT_COLUMNS:  # the whole column, so rows typed below stay text too
            dimension.number_format = "@"
            sheet.cell(row=2, column=index).number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
