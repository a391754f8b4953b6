"""A commitment's progress (linked active workers, money spent), the city page's panel, and scope."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.selectors import commitment_progress, commitments_for
from participants.models import Payer
from participants.tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db


def funded(commitment, since, until=None, city="61.72"):
    return WorkerFactory(
        city_code=city,
        segment="BPU",
        employer=None,
        payer=Payer.PROGRAMME,
        commitment=commitment,
        member_since=since,
        member_until=until,
    )


def progress(commitment, as_of):
    (result,) = commitment_progress([commitment], as_of=as_of)
    return result


def test_progress_counts_linked_active_workers_and_months_paid(users, make_commitment):
    commitment = make_commitment("SKW-APBD-2026", promised_workers=2000, months=12, contribution_per_month=16_800)
    funded(commitment, dt.date(2026, 1, 5))  # Jan..
    funded(commitment, dt.date(2025, 11, 1))  # counted from January, the commitment's year
    funded(commitment, dt.date(2026, 3, 10), dt.date(2026, 5, 20))  # March, April, May
    funded(commitment, dt.date(2026, 12, 5))  # not yet a member
    WorkerFactory(city_code="61.72", segment="BPU", employer=None, payer=Payer.SELF)  # pays for itself

    june = progress(commitment, dt.date(2026, 6, 15))
    assert (june.active_workers, june.promised_workers, str(june.share)) == (2, 2000, "0.10")
    assert june.funded_months == 6 + 6 + 3
    assert june.spent == 15 * 16_800
    assert progress(commitment, dt.date(2027, 3, 1)).funded_months == 12 + 12 + 3 + 1  # the year is over
    assert progress(commitment, dt.date(2025, 12, 31)).funded_months == 0  # before the commitment's year

    commitment.months = 4  # the budget pays four months each
    assert progress(commitment, dt.date(2026, 6, 15)).funded_months == 4 + 4 + 3


def test_a_lapsed_commitments_workers_who_stop_being_active_stop_counting(users, make_commitment):
    commitment = make_commitment("SKW-APBD-2025", year=2025, months=12)
    workers = [funded(commitment, dt.date(2025, 1, 6)) for _ in range(3)]
    assert progress(commitment, dt.date(2025, 6, 30)).active_workers == 3
    commitment.status = "lapsed"
    commitment.save()
    for worker in workers[:2]:  # the Pemda stopped paying: their membership ended in April
        worker.member_until = dt.date(2025, 4, 30)
        worker.save()
    lapsed = progress(commitment, dt.date(2025, 6, 30))
    assert lapsed.active_workers == 1
    assert lapsed.funded_months == 4 + 4 + 6  # what was paid stays spent; nothing after April for the two
    assert progress(commitment, dt.date(2025, 12, 31)).funded_months == 4 + 4 + 12


def test_a_worker_is_funded_by_one_commitment_of_its_own_region(users, make_commitment):
    own = make_commitment("SKW-APBD-2026")
    province = make_commitment("KALBAR-2026", "61")
    other = make_commitment("BPN-APBD-2026", "64.71")
    worker = funded(own, dt.date(2026, 1, 5))
    worker.commitment = province  # one field: linking it elsewhere unlinks it here
    worker.full_clean()
    worker.save()
    assert not own.workers.exists()
    worker.commitment = other
    with pytest.raises(ValidationError, match="milik Pemda lain"):
        worker.full_clean()
    worker.commitment, worker.payer = None, Payer.PROGRAMME
    with pytest.raises(ValidationError, match="Pilih komitmen"):
        worker.full_clean()


def test_commitments_for_follows_the_scope_of_the_pemda(users, make_commitment):
    codes = {
        "SKW": "61.72",  # Singkawang: branch SKW
        "SBS": "61.01",  # Sambas: branch SKW
        "PNK": "61.71",  # Pontianak: branch PNK, kanwil K1
        "KALBAR": "61",  # the province of all three
        "BPN": "64.71",  # Balikpapan: kanwil K2
        "KALTIM": "64",
    }
    for code, pemda in codes.items():
        make_commitment(code, pemda)

    def seen(user):
        return set(commitments_for(users[user]).values_list("code", flat=True))

    assert seen("admin") == set(codes)
    assert seen("regional") == {"SKW", "SBS", "PNK", "KALBAR"}
    assert seen("branch") == {"SKW", "SBS", "KALBAR"}
    assert seen("other_branch") == {"PNK", "KALBAR"}
    assert seen("official") == {"SKW", "KALBAR"}


def test_the_city_page_shows_commitments_as_aggregates(users, login, make_commitment):
    commitment = make_commitment("SKW-APBD-2026", promised_workers=2000, budget=403_200_000, status="enrolling")
    make_commitment("KALBAR-2026", "61", group="fishers", promised_workers=None)
    make_commitment("SBS-APBD-2026", "61.01")
    make_commitment("BPN-APBD-2026", "64.71")
    worker = funded(commitment, dt.date(2026, 1, 5))
    worker.name = "Siti Rahasia"
    worker.save()
    page = login(users["official"]).get("/cities/61.72/?as_of=2026-06-15").content.decode()
    panel = page[page.index('id="komitmen-pemda"') :]
    panel = panel[: panel.index("</section>")]
    assert "SKW-APBD-2026" in panel
    assert "Alokasi APBD untuk iuran kelompok sasaran: Pekerja rentan 2026" in panel
    assert "1 / 2.000" in panel  # active linked workers of the promised count
    assert "Rp403.200.000" in panel
    assert "Rp100.800" in panel  # spent: 6 months x Rp16.800
    assert "Pendaftaran berjalan" in panel
    assert "KALBAR-2026" in panel
    assert "Provinsi Kalimantan Barat" in panel
    assert "SBS-APBD-2026" not in panel  # another regency's
    assert "BPN-APBD-2026" not in page
    assert "Siti Rahasia" not in page
    assert "/cities/61.72/simulasi/" in panel


def test_admin_scope_another_pemda_404_and_a_province_read_only(users, login, make_commitment):
    own = make_commitment("SKW-APBD-2026")
    province = make_commitment("KALBAR-2026", "61")
    other = make_commitment("BPN-APBD-2026", "64.71")
    client = login(users["branch"])
    listing = client.get("/admin/commitments/commitment/").content.decode()
    assert "SKW-APBD-2026" in listing
    assert "KALBAR-2026" in listing
    assert "BPN-APBD-2026" not in listing
    assert client.get(f"/admin/commitments/commitment/{own.pk}/change/").status_code == 200
    assert client.get(f"/admin/commitments/commitment/{other.pk}/change/").status_code == 404
    assert client.get(f"/admin/commitments/commitment/{other.pk}/history/").status_code == 404
    page = client.get(f"/admin/commitments/commitment/{province.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # to read only
    assert client.post(f"/admin/commitments/commitment/{province.pk}/change/", {"code": "X"}).status_code == 403
    response = client.post(
        f"/admin/commitments/commitment/{own.pk}/change/",
        {
            "code": "skw-apbd-2026",
            "city": "61.72",
            "kind": own.kind_id,
            "target_group": own.target_group_id,
            "year": "2026",
            "status": "enrolling",
            "promised_workers": "2000",
            "contribution_per_month": "16800",
            "months": "12",
            "budget": "403200000",
        },
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.status, own.budget) == ("enrolling", 403_200_000)


def test_evidence_is_downloaded_within_the_scope(users, login, make_commitment):
    own = make_commitment("SKW-PERWALI-2025", kind="regulation", group=None)
    own.evidence.save("perwali.pdf", ContentFile(b"%PDF-1.4 perwali"))
    other = make_commitment("BPN-PERWALI-2025", "64.71", kind="regulation", group=None)
    other.evidence.save("perwali.pdf", ContentFile(b"%PDF-1.4 lain"))
    official = login(users["official"])
    response = official.get(f"/komitmen/{own.pk}/bukti/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 perwali"
    assert official.get(f"/komitmen/{other.pk}/bukti/").status_code == 404
    without = make_commitment("SKW-APBD-2026")
    assert official.get(f"/komitmen/{without.pk}/bukti/").status_code == 404
    page = login(users["branch"]).get(f"/admin/commitments/commitment/{own.pk}/change/").content.decode()
    assert f'href="/komitmen/{own.pk}/bukti/"' in page  # the admin links the scoped download, not /media/


def test_the_panel_reads_a_constant_number_of_queries(users, login, make_commitment):
    commitment = make_commitment("SKW-APBD-2026")
    make_commitment("KALBAR-2026", "61")
    client = login(users["branch"])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/cities/61.72/").status_code == 200
        return len(captured)

    funded(commitment, dt.date(2026, 1, 5))
    few = queries()
    for day in range(1, 28):
        funded(commitment, dt.date(2026, 2, day), dt.date(2026, 3, day) if day % 2 else None)
    assert queries() == few
