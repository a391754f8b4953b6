"""Bahasa Indonesia is the default; English, chosen in the top bar, switches Jangkau's own texts too."""

import html
import re

import pytest
from django.utils import translation

from participants.tests.factories import WorkerFactory
from regions.models import City
from subsidies.models import Recipient, StatusChange
from subsidies.services import bsu_screen

pytestmark = pytest.mark.django_db

# Common Indonesian words of Jangkau's pages; none of them is a place or a person's name in the fixtures.
INDONESIAN = re.compile(
    r"\b(yang|tidak|belum|dengan|untuk|sudah|dari|dan|atau|Unduh|Cakupan|Penyaluran|peserta|Masuk|Keluar|"
    r"Tampilkan|Semua|Kabupaten/kota|Belum|Tertahan|Tersalurkan|Rekening|Kantor|kantor|Ganti|Beranda|Impor)\b"
)


def visible_text(response):
    page = response.content.decode()
    page = re.sub(r"<(head|script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def indonesian_words(response):
    """Indonesian words outside place names (the map names every regency, e.g. Pangkajene dan Kepulauan)."""
    assert response.status_code == 200
    text = visible_text(response)
    for name in City.objects.filter(name__contains=" dan ").values_list("name", flat=True):
        text = text.replace(name, " ")
    return sorted(set(INDONESIAN.findall(text)))


def choose_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302


def test_indonesian_is_the_default_and_english_is_chosen_in_the_top_bar(client):
    page = client.get("/accounts/login/").content.decode()
    assert "Masuk ke Jangkau" in page
    assert 'name="language" value="en"' in page
    choose_english(client)
    page = client.get("/accounts/login/")
    assert "Log in to Jangkau" in page.content.decode()
    assert indonesian_words(page) == []


def test_dashboards_and_back_office_in_english(pipeline, users, login):
    staff = login(users["admin"])
    choose_english(staff)
    pages = {
        "/ucj/": "Social security coverage (UCJ) by regency/city",
        "/ucj/?group=office": "by branch office",
        "/cities/61.72/": "UCJ cannot be computed yet",
        "/bsu/": "BSU disbursement funnel",
        "/bsu/nik/": "BSU status by NIK",
        "/admin/": "Back office",
        "/admin/participants/worker/": "Select worker to change",
        "/admin/subsidies/recipient/": "BSU recipients",
        "/admin/imports/importjob/upload/": "Upload and check",
    }
    for url, english in pages.items():
        response = staff.get(url)
        assert english in response.content.decode(), url
        assert indonesian_words(response) == [], url


def test_official_city_page_in_english(pipeline, users, login):
    official = login(users["official"])
    choose_english(official)
    response = official.get("/cities/61.72/")
    page = response.content.decode()
    assert "Social security coverage (UCJ)" in page
    assert "Wage Subsidy (BSU)" in page
    assert indonesian_words(response) == []


def test_stored_explanations_stay_in_indonesian_whatever_the_language_of_who_started_screening(bsu, users):
    """Failed rules and reasons are records: the same text for every reader and every later screening."""
    WorkerFactory(city_code="61.72", segment="BPU", employer=None)
    with translation.override("en"):
        bsu_screen(programme=bsu)
    recipient = Recipient.objects.get()
    assert recipient.failed_rules[0][1].startswith("Segmen BPU tidak termasuk program ini")
    assert StatusChange.objects.get().reason == "penyaringan"
