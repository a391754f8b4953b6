"""Drill-down from the BSU figures to the people behind them: links for staff only, link targets listing
exactly the recipients counted, the admin filters the links use, the NIK lookup's explanations, and the
/bsu/ table's fit on a laptop and a phone."""

import datetime as dt
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from conftest import log_in, screenshot
from imports.admin_filters import import_job_records_url
from imports.services import job_apply, job_create
from participants.models import PersonalDataAccess, Worker
from participants.tests.factories import WorkerFactory
from subsidies.admin_filters import recipient_list_url
from subsidies.figures import bsu_figures_refresh
from subsidies.models import BankAccount, BsuFigure, Recipient, RecipientStatus

pytestmark = pytest.mark.django_db
S = RecipientStatus
ADMIN_LIST = "/admin/subsidies/recipient/"


def links(page, prefix=ADMIN_LIST):
    """{link text: [href, ...]} of the links into an admin list."""
    found = {}
    for href, text in re.findall(r'<a href="([^"]+)">([^<]*)</a>', page):
        href = html.unescape(href)
        if href.startswith(prefix):
            found.setdefault(text, []).append(href)
    return found


def row_of(page, code):
    """The HTML of the /bsu/ table row of one city."""
    return re.search(rf"<tr[^>]*>(?:(?!</tr>).)*?<small class=\"muted\">{re.escape(code)}</small>.*?</tr>", page, re.S).group(0)


def listed_niks(client, url):
    """The NIKs an admin list shows (the worker column starts with the NIK)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return sorted(re.findall(r'class="field-worker[^"]*">(?:<a [^>]*>)?(\d{16}) ', response.content.decode()))


def niks(**filters):
    return sorted(Recipient.objects.filter(**filters).values_list("worker__nik", flat=True))


@pytest.mark.parametrize("role", ["admin", "regional", "branch"])
def test_staff_get_a_link_from_every_count_to_those_recipients(pipeline, users, login, role):
    client = login(users[role])
    page = client.get("/bsu/?province=61").content.decode()
    row = row_of(page, "61.72")
    targets = {}
    for href in re.findall(r'<a href="([^"]+)">', row):
        href = html.unescape(href)
        if href.startswith(ADMIN_LIST):
            query = parse_qs(urlsplit(href).query)
            targets[(query.get("status__exact") or query.get("status__in"))[0]] = href
    # one link per status with anyone in it (verified is 0 in Singkawang: no link) and one for everyone screened in
    assert set(targets) == {S.SCREENED_OUT, S.CANDIDATE, S.REJECTED, S.ACCOUNT_INVALID, S.DETERMINED, S.DISBURSED, S.RETURNED} | {
        ",".join(s for s in S.values if s != S.SCREENED_OUT)
    }
    for status, href in targets.items():
        if "," in status:
            assert listed_niks(client, href) == niks(city_id="61.72", status__in=status.split(","))
        else:
            assert listed_niks(client, href) == niks(city_id="61.72", status=status)
        assert "province=61" in href  # the admin's city filter applies only within a province for national users


def test_officials_see_the_same_numbers_without_links(pipeline, users, login):
    client = login(users["official"])
    page = client.get("/bsu/").content.decode()
    assert "/admin/" not in page
    assert re.search(r'id="total-recipients">6<', page)
    staff_page = login(users["branch"]).get("/bsu/?province=61&kind=KOTA").content.decode()
    assert re.sub(r"<[^>]+>", "", row_of(staff_page, "61.72")) == re.sub(r"<[^>]+>", "", row_of(page, "61.72"))
    city = login(users["official"]).get("/cities/61.72/").content.decode()
    assert "/admin/" not in city
    assert 'id="bsu-account-invalid">1<' in city
    assert "bsu-shared-accounts" not in city  # accounts are personal data: staff only


def test_totals_link_to_the_page_region_and_roll_ups_to_their_group(pipeline, users, login):
    client = login(users["regional"])
    page = client.get("/bsu/?province=61").content.decode()
    total = re.search(r'<a href="([^"]+)"><strong id="total-recipients">8<', page)
    assert total is not None
    href = html.unescape(total.group(1))
    assert parse_qs(urlsplit(href).query)["province"] == ["61"]
    assert listed_niks(client, href) == niks(status__in=[s for s in S.values if s != S.SCREENED_OUT])
    # a kanwil roll-up cannot be listed by the admin (its office filter is per branch): numbers only
    by_kanwil = client.get("/bsu/?group=kanwil").content.decode()
    assert not links(row_of(by_kanwil, "K1"))
    by_office = client.get("/bsu/?group=office").content.decode()
    hrefs = [h for hs in links(row_of(by_office, "SKW")).values() for h in hs]
    assert hrefs
    assert all("office=SKW" in h for h in hrefs)
    # a regency/city kind has no admin filter: the total stays a number
    assert 'id="total-recipients">' in (kind := client.get("/bsu/?kind=KOTA").content.decode())
    assert not re.search(r'<a href="[^"]+"><strong id="total-recipients">', kind)


def test_stuck_counts_link_to_the_recipients_stuck_that_long(pipeline, bsu, users, login):
    long_ago = timezone.now() - dt.timedelta(days=40)
    Recipient.objects.filter(status__in=[S.CANDIDATE, S.ACCOUNT_INVALID]).update(status_since=long_ago)
    Recipient.objects.filter(status=S.DETERMINED).update(status_since=timezone.now() - dt.timedelta(days=10))
    bsu_figures_refresh()
    client = login(users["regional"])
    page = client.get("/bsu/?stuck_days=30").content.decode()
    stuck = re.search(r'<a href="([^"]+)"><strong id="total-stuck">3<', page)
    assert stuck is not None
    expected = niks(status__in=[S.CANDIDATE, S.ACCOUNT_INVALID])
    assert len(expected) == 3
    assert listed_niks(client, html.unescape(stuck.group(1))) == expected
    # per status (the card beside the funnel): candidates stuck for more than 30 days
    card = re.search(r'id="stuck">.*?</table>', page, re.S).group(0)
    (candidates,) = links(card)["2"]
    assert listed_niks(client, candidates) == niks(status=S.CANDIDATE)
    # the determined one (10 days) is stuck at 7 days, not at 14
    seven = recipient_list_url(programme=bsu, stuck_days=7, city="61.72")
    assert listed_niks(client, seven) == niks(city_id="61.72", status__in=[S.CANDIDATE, S.ACCOUNT_INVALID, S.DETERMINED])
    assert listed_niks(client, f"{ADMIN_LIST}?stuck=14") == expected
    assert client.get(f"{ADMIN_LIST}?stuck=abc").url.endswith("?e=1")  # Django's answer to a bad filter value


def test_city_panel_links_stuck_and_problem_accounts(pipeline, users, login):
    Recipient.objects.filter(status=S.CANDIDATE).update(status_since=timezone.now() - dt.timedelta(days=40))
    bsu_figures_refresh()
    skw = pipeline["skw"]
    BankAccount.objects.create(worker=skw[0], bank="BRI", account_number="111122223333")
    BankAccount.objects.create(worker=skw[1], bank="BNI", account_number="111122223333")  # shared with skw[0]
    BankAccount.objects.create(worker=pipeline["pnk"][0], bank="BRI", account_number="111122223333")  # Pontianak
    BankAccount.objects.create(worker=skw[2], bank="BRI", account_number="999988887777")
    client = login(users["regional"])
    page = client.get("/cities/61.72/").content.decode()
    stuck = links(re.search(r'id="bsu-stuck">.*?</dd>', page, re.S).group(0))
    assert listed_niks(client, stuck["1"][0]) == niks(city_id="61.72", status=S.CANDIDATE)  # the total and per status
    invalid = re.search(r'id="bsu-account-invalid"><a href="([^"]+)">1<', page)
    assert listed_niks(client, html.unescape(invalid.group(1))) == niks(city_id="61.72", status=S.ACCOUNT_INVALID)
    shared = re.search(r'id="bsu-shared-accounts"><a href="([^"]+)">2<', page)
    accounts = client.get(html.unescape(shared.group(1))).content.decode()
    assert skw[0].nik in accounts
    assert skw[1].nik in accounts
    assert pipeline["pnk"][0].nik not in accounts  # shared too, but in Pontianak
    assert skw[2].nik not in accounts


def test_import_job_filter_lists_the_records_of_one_job(users, login, tmp_path):
    WorkerFactory(city_code="61.72", nik="6172011508950050")
    path = tmp_path / "pekerja.csv"
    path.write_text(
        "nik,name,segment,city_code,member_since\n"
        "6172011508950051,Ani,BPU,61.72,2024-01-01\n"
        "6172011508950052,Budi,BPU,61.72,2024-01-01\n"
    )
    with path.open("rb") as binary:
        job = job_apply(job=job_create(kind="workers", fileobj=binary, filename="pekerja.csv", user=users["branch"]))
    assert job.created == 2
    url = import_job_records_url(job, Worker)
    assert url == f"/admin/participants/worker/?import_job={job.pk}"
    page = login(users["branch"]).get(url).content.decode()
    assert "6172011508950051" in page
    assert "6172011508950052" in page
    assert "6172011508950050" not in page
    assert Worker.objects.filter(import_job=job).count() == 2
    # another user's job lists nothing, whatever workers it wrote
    other = login(users["regional"]).get(url).content.decode()
    assert "6172011508950051" not in other
    assert set(re.findall(r"617201150895005\d", login(users["admin"]).get(url).content.decode())) == {
        "6172011508950051",
        "6172011508950052",
    }


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("6.17202E+15", "notasi ilmiah"),
        ("617201150895000", "NIK harus 16 digit, yang tertulis 15 digit. Mungkin angka pertamanya hilang"),
        ("61720115089500012", "yang tertulis 17 digit"),
        ("6172.0115.0895.0004", "NIK hanya boleh berisi angka."),
        ("6172013208950004", "Bagian tanggal lahir NIK (320895) bukan tanggal yang valid."),
    ],
)
def test_nik_lookup_says_what_is_wrong_with_a_malformed_nik(pipeline, users, login, typed, message):
    page = login(users["branch"]).post("/bsu/nik/", {"nik": typed}).content.decode()
    problem = re.search(r'id="nik-problem">(.*?)</p>', page, re.S)
    assert problem is not None
    assert message in html.unescape(problem.group(1))
    assert 'id="not-found"' not in page
    assert PersonalDataAccess.objects.filter(subject=typed, found=False).exists()  # every search is recorded


def test_nik_lookup_removes_spaces_and_links_the_records(pipeline, users, login):
    worker = pipeline["skw"][3]
    BankAccount.objects.create(worker=worker, bank="BRI", account_number="123456789012")
    page = login(users["branch"]).post("/bsu/nik/", {"nik": "6172 0115 0895 0004"}).content.decode()
    assert 'id="nik-cleaned"' in page
    assert 'id="nik-problem"' not in page
    recipient = Recipient.objects.get(worker=worker)
    for url in (
        f"/admin/participants/worker/{worker.pk}/change/",
        f"/admin/participants/employer/{worker.employer_id}/change/",
        f"/admin/subsidies/recipient/{recipient.pk}/change/",
        f"/admin/subsidies/bankaccount/{worker.bank_account.pk}/change/",
    ):
        assert f'href="{url}"' in page
    assert PersonalDataAccess.objects.filter(subject="6172011508950004", found=True).exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_bsu_table_fits_a_laptop_and_scrolls_in_its_box_on_a_phone(page, pipeline, bsu):
    # national-sized figures: the totals row holds the widest numbers (Rp9.540.012.000.000)
    for code in ("61.01", "61.72", "61.71"):
        for i, status in enumerate(S.values):
            BsuFigure.objects.create(programme=bsu, city_id=code, status=status, recipients=5_300_000 + i)
    log_in(page, "admin")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/bsu/")
    box = page.evaluate("(() => { const b = document.querySelector('.table-scroll'); return [b.scrollWidth, b.clientWidth]; })()")
    assert box[0] <= box[1], f"the table scrolls sideways at 1366 px: {box}"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator("table.bsu thead abbr[title='Tidak memenuhi syarat']").count() == 1
    screenshot(page, "bsu-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/bsu/")
    box = page.evaluate("(() => { const b = document.querySelector('.table-scroll'); return [b.scrollWidth, b.clientWidth]; })()")
    assert box[0] > box[1]  # the table scrolls inside its box ...
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # ... not the page
    # the funnel's labels stay readable on the phone (rendered at 12 px or more, none cut off at the left)
    sizes = page.evaluate(
        "Array.from(document.querySelectorAll('.funnel svg text')).map(t => "
        "[t.getBoundingClientRect().height, t.getBoundingClientRect().left])"
    )
    svg_left = page.evaluate("document.querySelector('.funnel svg').getBoundingClientRect().left")
    assert all(height >= 12 for height, _left in sizes), sizes
    assert all(left >= svg_left - 0.5 for _height, left in sizes), sizes
    screenshot(page, "bsu-390")
