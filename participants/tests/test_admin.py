"""Entering workers in the admin back office."""

import pytest

from participants.models import Worker

pytestmark = pytest.mark.django_db

BASE = {"name": "Siti Aminah", "segment": "BPU", "city": "61.72", "member_since": "2024-01-01", "programs": "JKK JKM"}


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("617201550895000", "NIK harus 16 digit, yang tertulis 15 digit."),
        ("6.17202E+15", "diubah spreadsheet menjadi angka (notasi ilmiah)"),
        ("6172013208950001", "bukan tanggal yang valid"),
    ],
)
def test_bad_nik_shows_an_indonesian_message_and_saves_nothing(users, login, nik, message):
    response = login(users["branch"]).post("/admin/participants/worker/add/", {**BASE, "nik": nik})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Worker.objects.count() == 0


def test_valid_worker_is_saved(users, login):
    response = login(users["branch"]).post("/admin/participants/worker/add/", {**BASE, "nik": "6172015508950001"})
    assert response.status_code == 302
    worker = Worker.objects.get()
    assert worker.city_id == "61.72"


def test_pu_without_employer_is_refused(users, login):
    response = login(users["branch"]).post(
        "/admin/participants/worker/add/", {**BASE, "segment": "PU", "nik": "6172015508950001"}
    )
    assert "wajib memiliki pemberi kerja" in response.content.decode()
    assert Worker.objects.count() == 0


def test_admin_pages_render_for_every_staff_role(users, login):
    for key in ("admin", "regional", "branch"):
        client = login(users[key])
        for url in ("/admin/", "/admin/participants/worker/", "/admin/participants/employer/", "/admin/regions/city/"):
            assert client.get(url).status_code == 200, (key, url)
