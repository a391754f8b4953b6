"""The recipient page in Indonesian: status history in words, a status form with nothing pre-selected, and
programme amounts in rupiah."""

import re

import pytest
from django.contrib.messages import get_messages

from subsidies.models import Recipient, RecipientStatus

pytestmark = pytest.mark.django_db
S = RecipientStatus


def recipient_of(nik):
    return Recipient.objects.get(worker__nik=nik)


def cells(page, field):
    return [
        re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(rf'<td class="field-{field}">(.*?)</td>', page, re.S)
    ]


def test_status_history_names_each_status_in_indonesian(pipeline, users, login):
    recipient = recipient_of("6172011508950004")  # candidate -> verified -> determined -> disbursed
    page = login(users["branch"]).get(f"/admin/subsidies/recipient/{recipient.pk}/change/").content.decode()
    assert cells(page, "to_label") == ["Calon penerima", "Lolos verifikasi", "Ditetapkan", "Tersalurkan"]
    assert cells(page, "from_label") == ["-", "Calon penerima", "Lolos verifikasi", "Ditetapkan"]
    assert "Riwayat status" in page
    titles = re.findall(r'<th class="column-[^"]+">([^<]*)</th>', page)
    assert titles == ["Waktu", "Dari status", "Menjadi", "Oleh", "Impor", "Alasan", "Referensi", "Jumlah"]
    assert "CANDIDATE" not in page.split('id="changes-group"')[1].split("</table>")[0]  # no code line per row
    assert cells(page, "reference_display")[-1] == "TRX-1"
    assert cells(page, "actor_display")[-1] == "branch"
    assert not any(code in cells(page, "to_label") for code in ("DETERMINED", "DISBURSED", "VERIFIED"))


def test_the_status_form_preselects_no_status(pipeline, users, login):
    recipient = recipient_of("6172011508950001")  # a candidate: verified or rejected next
    page = login(users["branch"]).get(f"/admin/subsidies/recipient/{recipient.pk}/change/").content.decode()
    select = re.search(r'<select name="to_status"[^>]*>(.*?)</select>', page, re.S)
    assert select, "the status form is offered"
    assert " required" in select.group(0).split(">")[0]
    options = re.findall(r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', select.group(1))
    assert options[0][0] == ""
    assert options[0][2] == "— pilih —"
    assert [value for value, _attrs, _label in options[1:]] == [S.VERIFIED, S.REJECTED]
    assert not any("selected" in attrs for _value, attrs, _label in options[1:])


def test_submitting_without_choosing_a_status_changes_nothing(pipeline, users, login):
    recipient = recipient_of("6172011508950001")
    client = login(users["branch"])
    response = client.post(f"/admin/subsidies/recipient/{recipient.pk}/transition/", {"to_status": "", "expected": S.CANDIDATE})
    assert response.status_code == 302
    assert "Pilih status baru." in [str(message) for message in get_messages(response.wsgi_request)]
    recipient.refresh_from_db()
    assert recipient.status == S.CANDIDATE
    client.post(f"/admin/subsidies/recipient/{recipient.pk}/transition/", {"to_status": S.VERIFIED, "expected": S.CANDIDATE})
    recipient.refresh_from_db()
    assert recipient.status == S.VERIFIED


def test_a_final_status_offers_no_form(pipeline, users, login):
    recipient = recipient_of("6172011508950002")  # rejected: final
    page = login(users["branch"]).get(f"/admin/subsidies/recipient/{recipient.pk}/change/").content.decode()
    assert "Status ini sudah final" in page
    assert 'name="to_status"' not in page


def test_programme_list_shows_rupiah(bsu, users, login):
    page = login(users["admin"]).get("/admin/subsidies/programme/").content.decode()
    assert re.search(r'class="field-amount_display[^"]*">Rp300\.000<', page)
    assert re.search(r'class="field-wage_cap_display[^"]*">Rp3\.500\.000<', page)
