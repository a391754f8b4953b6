"""Files for people: XLSX exports of /ucj/ and /bsu/ (title, date and scope, Indonesian headers, number cells)
while the CSV keeps the machine header of INTERFACES.md; and the UCJ colour bands edited in the admin."""

import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from participants.figures import figures_refresh
from participants.tests.factories import WorkerFactory
from regions.models import UcjBand, WorkforceEstimate

pytestmark = pytest.mark.django_db

UCJ_HEADER = (
    "city_code,city_name,province_code,active_pu,active_bpu,active_total,potential_pu,potential_bpu,"
    "potential_total,ucj_percent,ucj_pu_percent,ucj_bpu_percent,gap,target_percent"
)
BSU_HEADER = (
    "city_code,city_name,screened_out,candidate,verified,rejected,account_invalid,determined,disbursed,returned,"
    "recipients,amount_disbursed,disbursed_percent,returned_to_treasury"
)


@pytest.fixture
def coverage(users):
    WorkforceEstimate.objects.create(city_id="61.72", year=2025, potential_pu=60, potential_bpu=40, target_percent=50)
    WorkerFactory.create_batch(3, city_code="61.72", member_since=dt.date(2024, 1, 1))
    figures_refresh()


def sheet_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.active.iter_rows()]


def values(row):
    return [cell.value for cell in row]


def header_index(rows, first_title):
    return next(i for i, row in enumerate(rows) if row[0].value == first_title)


def test_ucj_xlsx_has_a_title_date_scope_indonesian_headers_and_number_cells(coverage, users, login):
    rows = sheet_rows(login(users["branch"]).get("/ucj/?as_of=2025-06-30&province=61&_export=xlsx"))
    assert rows[0][0].value == "Cakupan Universal Jamsostek (UCJ)"
    note = rows[1][0].value
    assert "30 Juni 2025" in note
    assert "Cabang Singkawang" in note  # the user's scope
    assert "provinsi 61" in note  # the filter
    at = header_index(rows, "Kode kab/kota")
    titles = values(rows[at])
    assert titles[:6] == [
        "Kode kab/kota",
        "Kabupaten/kota",
        "Kode provinsi",
        "Peserta aktif PU",
        "Peserta aktif BPU",
        "Peserta aktif",
    ]
    assert titles[9] == "UCJ (%)"
    assert titles[12] == "Belum terlindungi"
    singkawang = next(row for row in rows[at + 1 :] if row[0].value == "61.72")
    assert singkawang[0].data_type == "s"  # a code stays text
    assert singkawang[5].value == 3
    assert singkawang[5].data_type == "n"
    assert singkawang[8].value == 100
    assert singkawang[9].value == pytest.approx(3.0)  # UCJ 3,00 %: a number cell, not the text "3.00"
    assert singkawang[9].data_type == "n"
    assert singkawang[5].number_format == "#,##0"
    assert singkawang[9].number_format == "#,##0.00"


def test_ucj_csv_keeps_the_machine_header(coverage, users, login):
    response = login(users["branch"]).get("/ucj/?as_of=2025-06-30&_export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert ",".join(rows[0]) == UCJ_HEADER
    singkawang = next(row for row in rows if row[0] == "61.72")
    assert singkawang[5] == "3"
    assert singkawang[9] == "3.00"


def test_bsu_exports(pipeline, users, login):
    client = login(users["regional"])
    response = client.get("/bsu/?_export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert ",".join(rows[0]).startswith(BSU_HEADER)
    rows = sheet_rows(client.get("/bsu/?_export=xlsx"))
    assert rows[0][0].value == "Penyaluran Bantuan Subsidi Upah (BSU) BSU-2025"
    assert "Kanwil Kalimantan" in rows[1][0].value
    assert re.search(r"Data per \d{1,2} \w+ \d{4}", rows[1][0].value)
    at = header_index(rows, "Kode kab/kota")
    titles = values(rows[at])
    assert titles[2:4] == ["Tidak memenuhi syarat", "Calon penerima"]
    assert "Dana tersalurkan (Rp)" in titles
    singkawang = next(row for row in rows[at + 1 :] if row[0].value == "61.72")
    amount = singkawang[titles.index("Dana tersalurkan (Rp)")]
    assert amount.value == 600_000  # one disbursed recipient: 2 months x Rp300.000
    assert amount.data_type == "n"
    assert singkawang[titles.index("Penerima")].value == 6


def test_ucj_bands_listed_with_swatches_and_editable_by_an_admin(reference_regions, users, login):
    client = login(users["admin"])
    page = client.get("/admin/regions/ucjband/").content.decode()
    band = UcjBand.objects.order_by("min_percent").last()
    assert f'<span class="band-dot band-{band.pk}"></span>' in page
    assert band.colour in page
    assert re.search(r'<link href="/ucj/bands\.css\?v=\d+"', page)  # the bands' own stylesheet, no inline style
    assert " style=" not in page.split('id="result_list"')[1].split("</table>")[0]
    form = client.get(f"/admin/regions/ucjband/{band.pk}/change/")
    assert form.status_code == 200
    response = client.post(
        f"/admin/regions/ucjband/{band.pk}/change/",
        {"min_percent": band.min_percent, "label": "Sangat baik", "colour": "#123456"},
    )
    assert response.status_code == 302
    band.refresh_from_db()
    assert (band.label, band.colour) == ("Sangat baik", "#123456")
    assert f".band-{band.pk} {{ background: #123456; }}" in client.get("/ucj/bands.css").content.decode()
    refused = client.post(f"/admin/regions/ucjband/{band.pk}/change/", {"min_percent": "10", "label": "x", "colour": "merah"})
    assert refused.status_code == 200  # the form explains; nothing saved
    band.refresh_from_db()
    assert band.colour == "#123456"


def test_staff_other_than_admins_do_not_edit_bands(reference_regions, users, login):
    assert login(users["branch"]).get("/admin/regions/ucjband/").status_code == 403


def test_band_list_shows_percent_the_indonesian_way(reference_regions, users, login):
    UcjBand.objects.all().delete()
    UcjBand.objects.create(min_percent="22.50", label="Sedang", colour="#ffcc00")
    page = login(users["admin"]).get("/admin/regions/ucjband/").content.decode()
    assert "22,50 %" in page


def test_workforce_list_shows_numbers_the_indonesian_way(reference_regions, users, login):
    WorkforceEstimate.objects.create(city_id="61.72", year=2025, potential_pu=56552, potential_bpu=16684, target_percent="22.78")
    page = login(users["branch"]).get("/admin/regions/workforceestimate/").content.decode()
    assert "56.552" in page
    assert "16.684" in page
    assert "22,78 %" in page
