"""What each role may see: the scoping selector and the pages built on it."""

import pytest

from participants.selectors import employers_for, workers_for
from participants.tests.factories import WorkerFactory
from regions.selectors import cities_for, may_see_personal_data

pytestmark = pytest.mark.django_db


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


def test_cities_per_role(users):
    assert cities_for(users["admin"]).count() == 514
    assert codes(cities_for(users["regional"])) == ["61.01", "61.71", "61.72"]
    assert codes(cities_for(users["branch"])) == ["61.01", "61.72"]
    assert codes(cities_for(users["other_branch"])) == ["61.71"]
    assert codes(cities_for(users["official"])) == ["61.72"]


def test_anonymous_and_roleless_users_see_nothing(django_user_model, client):
    roleless = django_user_model.objects.create_user("nobody", password="x")
    assert cities_for(roleless).count() == 0
    assert workers_for(roleless).count() == 0


def test_workers_and_employers_per_role(users, reference_regions):
    singkawang = WorkerFactory(city_code="61.72")
    pontianak = WorkerFactory(city_code="61.71")
    balikpapan = WorkerFactory(city_code="64.71")
    assert set(workers_for(users["branch"])) == {singkawang}
    assert set(workers_for(users["other_branch"])) == {pontianak}
    assert set(workers_for(users["regional"])) == {singkawang, pontianak}
    assert set(workers_for(users["admin"])) == {singkawang, pontianak, balikpapan}
    assert set(employers_for(users["branch"])) == {singkawang.employer}
    assert set(employers_for(users["other_branch"])) == {pontianak.employer}


def test_official_never_sees_people(users):
    WorkerFactory(city_code="61.72")
    assert may_see_personal_data(users["official"]) is False
    assert workers_for(users["official"]).count() == 0
    assert employers_for(users["official"]).count() == 0


class TestHomeAndPages:
    def test_official_lands_on_own_city_and_other_cities_are_404(self, users, login):
        client = login(users["official"])
        assert client.get("/").url == "/cities/61.72/"
        assert client.get("/cities/61.72/").status_code == 200
        assert client.get("/cities/61.71/").status_code == 404
        assert client.get("/cities/99.99/").status_code == 404

    def test_staff_land_on_the_ucj_table(self, users, login):
        assert login(users["branch"]).get("/").url == "/ucj/"

    def test_branch_user_gets_404_for_another_branch_city(self, users, login):
        client = login(users["branch"])
        assert client.get("/cities/61.72/").status_code == 200
        assert client.get("/cities/61.71/").status_code == 404

    def test_login_is_required(self, client):
        response = client.get("/ucj/")
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")

    def test_login_page_is_indonesian(self, client, db):
        body = client.get("/accounts/login/").content.decode()
        assert "Masuk ke Jangkau" in body
        assert 'lang="id"' in body

    def test_login_with_password_redirects_to_home(self, users, client):
        response = client.post("/accounts/login/", {"username": "official", "password": "Sandi-Uji-2025!"})
        assert response.status_code == 302
        assert response.url == "/"


class TestAdminScope:
    def test_branch_changelist_lists_only_its_workers(self, users, login):
        own = WorkerFactory(city_code="61.72", name="Pekerja Singkawang")
        WorkerFactory(city_code="61.71", name="Pekerja Pontianak")
        body = login(users["branch"]).get("/admin/participants/worker/").content.decode()
        assert own.nik in body
        assert "Pekerja Singkawang" in body
        assert "Pekerja Pontianak" not in body

    def test_branch_cannot_open_another_branch_worker_or_employer(self, users, login):
        other = WorkerFactory(city_code="61.71", name="Pekerja Pontianak")
        client = login(users["branch"])
        for url in (
            f"/admin/participants/worker/{other.pk}/change/",
            f"/admin/participants/employer/{other.employer.pk}/change/",
            f"/admin/participants/worker/{other.pk}/history/",
            f"/admin/participants/worker/{other.pk}/delete/",
        ):
            response = client.get(url)
            assert response.status_code == 404
            assert "Pekerja Pontianak" not in response.content.decode()
        other.name = "Nama Baru"
        other.save()  # a history record exists now: its page must not leak either
        history_id = other.history.latest().history_id
        response = client.get(f"/admin/participants/worker/{other.pk}/history/{history_id}/")
        assert response.status_code == 404

    def test_city_filter_lists_the_cities_in_scope_and_filters_by_them(self, users, login):
        WorkerFactory(city_code="61.72", name="Pekerja Singkawang")
        WorkerFactory(city_code="61.01", name="Pekerja Sambas")
        WorkerFactory(city_code="61.71", name="Pekerja Pontianak")
        client = login(users["branch"])
        page = client.get("/admin/participants/worker/").content.decode()
        assert '?city=61.72"' in page
        assert '?city=61.01"' in page
        assert "?city=61.71" not in page
        page = client.get("/admin/participants/worker/?city=61.01").content.decode()
        assert "Pekerja Sambas" in page
        assert "Pekerja Singkawang" not in page
        assert "Pekerja Pontianak" not in client.get("/admin/participants/worker/?city=61.71").content.decode()
        # 514 cities are too many to scan: a national user picks a province first
        client = login(users["admin"])
        assert "?city=" not in client.get("/admin/participants/worker/").content.decode()
        assert "city=61.71" in client.get("/admin/participants/worker/?province=61").content.decode()

    def test_search_by_exact_nik(self, users, login):
        own = WorkerFactory(city_code="61.72")
        response = login(users["branch"]).get("/admin/participants/worker/", {"q": own.nik})
        assert own.name in response.content.decode()

    def test_official_is_refused_by_the_admin(self, users, login):
        response = login(users["official"]).get("/admin/")
        assert response.status_code == 302
        assert response.url.startswith("/admin/login/")

    def test_branch_cannot_pick_a_city_out_of_scope(self, users, login):
        client = login(users["branch"])
        response = client.post(
            "/admin/participants/worker/add/",
            {"nik": "6171015508950001", "name": "Luar", "segment": "BPU", "city": "61.71", "member_since": "2024-01-01"},
        )
        assert response.status_code == 200
        assert "Masukkan pilihan yang valid" in response.content.decode()
        assert workers_for(users["admin"]).count() == 0

    def test_autocomplete_offers_only_cities_in_scope(self, users, login):
        client = login(users["branch"])
        response = client.get(
            "/admin/autocomplete/",
            {"app_label": "participants", "model_name": "worker", "field_name": "city", "term": "Kota"},
        )
        assert [item["id"] for item in response.json()["results"]] == ["61.72"]


def test_indonesian_by_default_even_for_an_english_browser_and_english_on_request(client, db):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="id"' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert 'lang="en"' in client.get("/accounts/login/").content.decode()
