"""The staff page "Perlu perhatian" (/perhatian/): what it lists per role and scope, where its links lead,
404 for officials and for regions out of scope, and a bounded number of queries."""

import datetime as dt
import html
import re

import pytest
from django.utils import timezone

from imports.models import ImportJob
from participants.figures import figures_refresh
from participants.tests.factories import WorkerFactory
from regions.models import WorkforceEstimate
from regions.ucj import months_before
from subsidies.figures import bsu_figures_refresh
from subsidies.models import BankAccount, Recipient, RecipientStatus

pytestmark = pytest.mark.django_db
S = RecipientStatus
J = ImportJob.Status
# session and user (3), filters and their options (5), figures (3), imports (3), coverage (3), session save (3)
MAX_QUERIES = 22


@pytest.fixture
def stuck(pipeline):
    """Candidates (Singkawang 1, Pontianak 1) and the invalid account (Singkawang) waiting for 40 days."""
    Recipient.objects.filter(status__in=[S.CANDIDATE, S.ACCOUNT_INVALID]).update(
        status_since=timezone.now() - dt.timedelta(days=40)
    )
    bsu_figures_refresh()
    return pipeline


def section(page, name):
    return re.search(rf'<section class="card" id="attention-{name}">(.*?)</section>', page, re.S).group(1)


def rows(part):
    """[(cell texts, [link targets])] of a section's table body."""
    body = re.search(r"<tbody>(.*?)</tbody>", part, re.S)
    found = []
    for row in re.findall(r"<tr>(.*?)</tr>", body.group(1) if body else "", re.S):
        cells = [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        found.append((cells, [html.unescape(href) for href in re.findall(r'href="([^"]+)"', row)]))
    return found


def listed_niks(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return sorted(re.findall(r'class="field-worker[^"]*">(?:<a [^>]*>)?(\d{16}) ', response.content.decode()))


def test_officials_get_404_and_anonymous_users_the_login(users, login, client):
    assert client.get("/perhatian/").status_code == 302
    assert login(users["official"]).get("/perhatian/").status_code == 404


def test_stuck_recipients_per_city_and_status_link_to_those_people(stuck, users, login):
    client = login(users["regional"])
    page = client.get("/perhatian/?stuck_days=30").content.decode()
    found = rows(section(page, "stuck"))
    assert [cells[:3] for cells, _links in found] == [
        ["Kota Pontianak 61.71", "Calon penerima", "1"],
        ["Kota Singkawang 61.72", "Calon penerima", "1"],
        ["Kota Singkawang 61.72", "Rekening bermasalah", "1"],
    ]
    expected = {
        0: ("61.71", S.CANDIDATE),
        1: ("61.72", S.CANDIDATE),
        2: ("61.72", S.ACCOUNT_INVALID),
    }
    for i, (city, status) in expected.items():
        (url,) = found[i][1]
        assert "stuck=30" in url
        assert listed_niks(client, url) == sorted(
            Recipient.objects.filter(city_id=city, status=status).values_list("worker__nik", flat=True)
        )
    # below the threshold nobody is stuck
    page = client.get("/perhatian/?stuck_days=60").content.decode()
    assert "Tidak ada yang tertahan." in section(page, "stuck")


def test_scope_shows_only_the_users_cities_and_out_of_scope_is_404(stuck, users, login):
    branch = login(users["branch"])
    page = branch.get("/perhatian/?stuck_days=30").content.decode()
    cities = {cells[0] for cells, _links in rows(section(page, "stuck"))}
    assert cities == {"Kota Singkawang 61.72"}
    assert "Pontianak" not in page
    assert branch.get("/perhatian/?province=64").status_code == 404
    assert branch.get("/perhatian/?office=PNK").status_code == 404
    other = login(users["other_branch"]).get("/perhatian/?stuck_days=30").content.decode()
    assert {cells[0] for cells, _links in rows(section(other, "stuck"))} == {"Kota Pontianak 61.71"}
    for worker in stuck["skw"]:  # the page shows counts, never names
        assert worker.name not in page


def job(user, status, **fields):
    return ImportJob.objects.create(
        kind="workers",
        filename=f"{status.lower()}.csv",
        created_by=user,
        file="imports/x.csv",
        size=1,
        sha256="0" * 64,
        status=status,
        **fields,
    )


def test_failed_refused_and_stopped_imports_of_the_user(users, login):
    failed = job(users["branch"], J.FAILED, message="Terjadi kesalahan sistem")
    refused = job(users["branch"], J.REFUSED, message="Kolom wajib tidak ada: nik")
    stopped = job(users["branch"], J.APPLYING, heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    old = job(users["branch"], J.FAILED)
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=45))
    job(users["branch"], J.DONE)
    job(users["branch"], J.APPLYING, heartbeat_at=timezone.now())  # running normally
    others = job(users["other_branch"], J.FAILED)
    page = login(users["branch"]).get("/perhatian/").content.decode()
    found = rows(section(page, "imports"))
    assert [links[0] for _cells, links in found] == [
        f"/admin/imports/importjob/{stopped.pk}/",
        f"/admin/imports/importjob/{refused.pk}/",
        f"/admin/imports/importjob/{failed.pk}/",
    ]
    assert found[0][0][2].startswith("Berhenti")
    assert found[1][0][2] == "Ditolak seluruhnya"
    assert "Kolom wajib tidak ada: nik" in found[1][0][4]
    assert f"/admin/imports/importjob/{others.pk}/" not in page
    admin_page = login(users["admin"]).get("/perhatian/").content.decode()
    assert f"/admin/imports/importjob/{others.pk}/" in admin_page  # an administrator sees every job


def test_problem_accounts_per_city(stuck, users, login):
    skw, pnk = stuck["skw"], stuck["pnk"]
    BankAccount.objects.create(worker=skw[0], bank="BRI", account_number="111122223333")
    BankAccount.objects.create(worker=skw[1], bank="BNI", account_number="111122223333")
    BankAccount.objects.create(worker=pnk[0], bank="BRI", account_number="444455556666")
    BankAccount.objects.create(worker=pnk[1], bank="BRI", account_number="777788889999")
    client = login(users["regional"])
    found = rows(section(client.get("/perhatian/").content.decode(), "accounts"))
    assert [cells for cells, _links in found] == [["Kota Singkawang 61.72", "1", "2"]]
    invalid, shared = found[0][1]
    assert listed_niks(client, invalid) == [skw[2].nik]  # the account-invalid recipient
    accounts = client.get(shared).content.decode()
    assert skw[0].nik in accounts
    assert skw[1].nik in accounts
    assert pnk[0].nik not in accounts


@pytest.fixture
def paces(users):
    """Singkawang grows too slowly for this year's target, Pontianak does not grow, Sambas reached its target."""
    today = timezone.localdate()
    year = today.year
    WorkforceEstimate.objects.create(city_id="61.72", year=year, potential_pu=60, potential_bpu=40, target_percent=50)
    WorkforceEstimate.objects.create(city_id="61.71", year=year, potential_pu=60, potential_bpu=40, target_percent=50)
    WorkforceEstimate.objects.create(city_id="61.01", year=year, potential_pu=1, potential_bpu=1, target_percent=10)
    WorkerFactory.create_batch(4, city_code="61.72", segment="BPU", employer=None, member_since=months_before(today, 30))
    WorkerFactory.create_batch(2, city_code="61.72", segment="BPU", employer=None, member_since=months_before(today, 6))
    WorkerFactory(city_code="61.71", segment="BPU", employer=None, member_since=dt.date(2020, 1, 1))
    WorkerFactory(city_code="61.01", segment="BPU", employer=None, member_since=dt.date(2020, 1, 1))
    figures_refresh()


def test_cities_behind_their_target_pace_link_to_their_page(paces, users, login):
    page = login(users["regional"]).get("/perhatian/").content.decode()
    found = rows(section(page, "pace"))
    # the city that will not get there at all first
    assert [(cells[0], links) for cells, links in found] == [
        ("Kota Pontianak 61.71", ["/cities/61.71/"]),
        ("Kota Singkawang 61.72", ["/cities/61.72/"]),
    ]
    assert found[0][0][1] == "1,00 %"
    assert "tidak tercapai" in found[0][0][4]
    assert "setelah tahun ini" in found[1][0][4]
    branch = login(users["branch"]).get("/perhatian/").content.decode()
    assert [cells[0] for cells, _links in rows(section(branch, "pace"))] == ["Kota Singkawang 61.72"]


def test_a_bounded_number_of_queries_whatever_the_data(stuck, paces, users, login, django_assert_max_num_queries):
    client = login(users["admin"])
    job(users["admin"], J.FAILED)
    job(users["admin"], J.APPLYING, heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    BankAccount.objects.create(worker=stuck["skw"][0], bank="BRI", account_number="111122223333")
    BankAccount.objects.create(worker=stuck["skw"][1], bank="BRI", account_number="111122223333")
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get("/perhatian/?province=61").status_code == 200
    # more people, cities and jobs: the same number of queries
    for code in ("61.01", "61.02", "61.03", "61.04", "61.05"):
        for worker in WorkerFactory.create_batch(3, city_code=code):
            BankAccount.objects.create(worker=worker, bank="BRI", account_number="111122223333")
    for _ in range(5):
        job(users["admin"], J.REFUSED)
    figures_refresh()
    with django_assert_max_num_queries(MAX_QUERIES):
        page = client.get("/perhatian/?province=61").content.decode()
    assert len(rows(section(page, "accounts"))) == 6
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get("/perhatian/").status_code == 200  # national: 514 cities
