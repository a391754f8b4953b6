"""The one-page rapor: figures against hand calculations, the published or provisional source, the next steps'
rule, the PDF's text, refusals, scoping and the kept monthly files."""

import datetime as dt
import hashlib
import re

import pytest
from django.utils import timezone

from participants.figures import figures_refresh
from participants.tests.factories import WorkerFactory
from rapor.models import KeptRapor
from rapor.selectors import rapor_of, rapor_reader
from rapor.services import rapor_month_keep
from rapor.tasks import keep_month
from rapor.tests.conftest import PERIOD, pdf_text, publish
from regions.models import City

pytestmark = pytest.mark.django_db


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_rapor_shows_the_hand_calculated_figures_labelled_provisional(singkawang, login, users):
    page = login(users["branch"]).get("/cities/61.72/rapor/?period=2025-06")
    assert page.status_code == 200
    text = text_of(page)
    assert "Angka sementara, belum dipublikasikan" in text
    assert "26,67 % 40 dari 150 tenaga kerja" in text
    assert "30,00 % 30 / 100" in text  # PU
    assert "20,00 % 10 / 50" in text  # BPU
    assert "Peringkat 2 dari 3 kabupaten/kota di Kalimantan Barat" in text
    assert "10 / 20" in text
    assert "50,00 %" in text
    simulation = "untuk mencapai 40,00 % pada 31 Desember 2025, danai iuran 20 pekerja BPU selama 12 bulan \u00d7 Rp16.800"
    assert f"{simulation} = Rp4.032.000" in text


def test_the_three_next_steps_concern_the_most_workers(singkawang):
    city = City.objects.get(code="61.72")
    rapor = rapor_of(rapor_reader(), city, period=PERIOD)
    # candidates: arrears 30 workers, funding for the target 20, PDS 15, the commitment's 10 missing, PWBD 8
    assert [(step.code, step.workers) for step in rapor.steps] == [("arrears", 30), ("fund", 20), ("pds", 15)]
    assert [step.text for step in rapor.steps] == [
        "Tunggakan iuran: 1 perusahaan, 30 pekerja aktif terancam tidak terlindungi.",
        "Target 40,00 % pada 31 Desember 2025: danai iuran 20 pekerja BPU selama 12 bulan (Rp4.032.000).",
        "PDS: 1 perusahaan dengan 15 pekerja belum terdaftar.",
    ]
    singkawang["employer"].__class__.objects.update(paid_until=None)  # arrears settled
    rapor = rapor_of(rapor_reader(), city, period=PERIOD)
    assert [(step.code, step.workers) for step in rapor.steps] == [("fund", 20), ("pds", 15), ("commitment", 10)]
    assert rapor.steps[2].text == "Komitmen SKW-APBD-2025 (2025): 50,00 % terealisasi, 10 dari 20 pekerja."


def test_a_published_month_shows_its_snapshot_like_the_city_page(singkawang, login, users):
    snapshot = publish("61.72")
    WorkerFactory.create_batch(20, city_code="61.72", member_since=dt.date(2025, 6, 20))  # a late import
    figures_refresh()
    client = login(users["official"])
    city_page = client.get("/cities/61.72/").content.decode()
    headline = re.search(r'id="ucj-headline">([^<]+)<', city_page).group(1)
    assert headline == "26,67 %"
    rapor = client.get("/cities/61.72/rapor/")  # officials land on the latest published month
    text = text_of(rapor)
    assert f"Angka resmi Juni 2025 (versi 1, dipublikasikan), per 30 Juni 2025 · ID {snapshot.pk}" in text
    assert f"{headline} 40 dari 150 tenaga kerja" in text
    assert "Angka sementara" not in text

    pdf = client.get("/cities/61.72/rapor/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="rapor-61.72-2025-06.pdf"'
    pages, pdf_words = pdf_text(pdf.content)
    assert pages == 1
    assert headline in pdf_words
    assert "40 dari 150 tenaga kerja" in pdf_words
    assert "Peringkat 2 dari 3 kabupaten/kota di Kalimantan Barat" in pdf_words
    assert snapshot.short_hash in pdf_words

    live = text_of(client.get("/cities/61.72/rapor/?period=2025-07"))  # July is not published: live, labelled
    # (with the late workers: 60 / 150)
    assert "Angka sementara, belum dipublikasikan" in live
    assert "40,00 % 60 dari 150 tenaga kerja" in live


def test_the_rapor_shows_no_names_to_anyone(singkawang, login, users):
    for role in ("official", "branch"):
        page = login(users[role]).get("/cities/61.72/rapor/?period=2025-06").content.decode()
        assert "PT Rahasia Singkawang" not in page
        assert "CV Belum Daftar" not in page
        assert not re.search(r"Pekerja \d+|\d{16}", page)  # the workers' names (factories) and NIKs


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=abc", "Tanggal tidak valid: abc"),
        ("period=2025-13", "Bulan tidak valid: 2025-13 (pakai YYYY-MM)."),
        ("period=next", "Bulan {next} belum dimulai."),
        ("period=2025-06&format=xls", "Format tidak dikenal: pakai html atau pdf."),
    ],
)
def test_bad_input_is_refused_with_a_message(singkawang, login, users, query, message):
    upcoming = f"{(timezone.localdate().replace(day=1) + dt.timedelta(days=31)):%Y-%m}"
    query, message = query.replace("next", upcoming), message.replace("{next}", upcoming)
    response = login(users["official"]).get(f"/cities/61.72/rapor/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_scoping_other_cities_answer_404(singkawang, login, users):
    assert login(users["official"]).get("/cities/61.71/rapor/").status_code == 404
    assert login(users["other_branch"]).get("/cities/61.72/rapor/?format=pdf").status_code == 404
    assert login(users["regional"]).get("/cities/64.71/rapor/arsip/").status_code == 404
    assert login(users["branch"]).get("/cities/61.01/rapor/").status_code == 200  # Sambas: the branch's too


def test_the_page_costs_a_bounded_number_of_queries(singkawang, login, users, django_assert_max_num_queries):
    client = login(users["official"])
    with django_assert_max_num_queries(45):
        assert client.get("/cities/61.72/rapor/?period=2025-06").status_code == 200


def test_kept_files_match_their_hash_and_are_kept_once_per_source(singkawang, login, users):
    counts = keep_month.enqueue("2025-06").return_value  # the immediate backend of the tests runs it now
    # the cities a branch serves in the fixture: Singkawang and Sambas (SKW), Pontianak (PNK), Balikpapan (BPN)
    assert counts == {"kept": 4, "unchanged": 0, "failed": 0}
    kept = KeptRapor.objects.get(city="61.72", period=PERIOD)
    data = kept.file.read()
    assert hashlib.sha256(data).hexdigest() == kept.sha256
    assert len(data) == kept.size
    assert kept.snapshot is None
    pages, words = pdf_text(data)
    assert pages == 1
    assert "Angka sementara, belum dipublikasikan" in words
    assert "26,67 %" in words

    assert rapor_month_keep(PERIOD) == {"kept": 0, "unchanged": 4, "failed": 0}  # same sources: nothing rendered
    snapshot = publish("61.72")
    WorkerFactory.create_batch(20, city_code="61.72", member_since=dt.date(2025, 6, 20))
    figures_refresh()
    assert rapor_month_keep(PERIOD) == {"kept": 1, "unchanged": 3, "failed": 0}
    published, provisional = KeptRapor.objects.filter(city="61.72", period=PERIOD)  # newest first
    assert (published.snapshot, provisional.pk) == (snapshot, kept.pk)

    client = login(users["official"])
    listing = client.get("/cities/61.72/rapor/arsip/").content.decode()
    assert published.sha256 in listing
    assert kept.sha256 in listing
    assert f"angka resmi versi 1 (ID {snapshot.pk})" in listing
    download = client.get(f"/rapor/{kept.pk}/unduh/")
    body = b"".join(download.streaming_content)
    assert body == data  # the bytes as generated, although the city's figures changed since
    assert download["Content-Disposition"] == f'attachment; filename="rapor-61.72-2025-06-{kept.sha256[:12]}.pdf"'
    other = KeptRapor.objects.get(city="61.71", period=PERIOD)
    assert client.get(f"/rapor/{other.pk}/unduh/").status_code == 404
    assert str(other.pk) not in re.findall(r"/rapor/(\d+)/unduh/", listing)


def test_the_close_of_a_month_keeps_its_rapor(singkawang, settings):
    from published.tasks import close_month

    close_month.call("2025-06")
    assert set(KeptRapor.objects.filter(period=PERIOD).values_list("city", flat=True)) == {"61.72", "61.01", "61.71", "64.71"}
    assert KeptRapor.objects.filter(period=dt.date(2025, 5, 1)).count() == 4  # the month before (publications)
