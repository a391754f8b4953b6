"""The worker list a new user meets: NIK prefix search (within the scope, on the NIK index) and wages in rupiah."""

import re

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.test import RequestFactory

from participants.models import Worker
from participants.tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/participants/worker/"


@pytest.fixture
def workers(users):
    return {
        "siti": WorkerFactory(nik="6172015508950001", name="Siti Aminah", city_code="61.72", wage=3_500_000),
        "sari": WorkerFactory(nik="6172015508950002", name="Sari Dewi", city_code="61.72"),
        "budi": WorkerFactory(nik="6172031203900003", name="Budi Santoso", city_code="61.72"),
        "pontianak": WorkerFactory(nik="6172015508950009", name="Rina Pontianak", city_code="61.71"),
    }


def names_found(client, term):
    page = client.get(LIST, {"q": term}).content.decode()
    return {name for name in ("Siti Aminah", "Sari Dewi", "Budi Santoso", "Rina Pontianak") if name in page}


def test_a_nik_prefix_of_six_or_more_digits_finds_the_workers_whose_nik_starts_with_it(workers, users, login):
    client = login(users["admin"])
    assert names_found(client, "617201") == {"Siti Aminah", "Sari Dewi", "Rina Pontianak"}
    assert names_found(client, "61720155089500") == {"Siti Aminah", "Sari Dewi", "Rina Pontianak"}
    assert names_found(client, "617203") == {"Budi Santoso"}
    assert names_found(client, "6172015508950002") == {"Sari Dewi"}  # the full NIK, exactly


def test_fewer_than_six_digits_is_not_a_prefix_search(workers, users, login):
    assert names_found(login(users["admin"]), "61720") == set()


def test_prefix_search_stays_within_the_users_scope(workers, users, login):
    # Rina's NIK starts with 617201 too, but she lives in Pontianak, outside branch SKW's cities
    assert names_found(login(users["branch"]), "617201") == {"Siti Aminah", "Sari Dewi"}
    assert names_found(login(users["other_branch"]), "617201") == {"Rina Pontianak"}


def test_prefix_search_still_finds_by_name_and_employer(workers, users, login):
    client = login(users["admin"])
    assert names_found(client, "Budi") == {"Budi Santoso"}
    assert names_found(client, workers["siti"].employer.npp) == {"Siti Aminah"}


def test_the_prefix_query_can_use_the_nik_index(workers, users):
    """The admin's query for a prefix reaches the unique NIK index, where Django's `^nik` (UPPER LIKE) cannot."""
    request = RequestFactory().get(LIST, {"q": "617201"})
    request.user = users["admin"]
    worker_admin = admin.site._registry[Worker]
    queryset, _duplicates = worker_admin.get_search_results(request, Worker.objects.all(), "617201")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")  # a 4-row table would be scanned anyway
        plan = queryset.explain()
    # SQLite: "SEARCH ... USING INDEX <nik's unique index> (nik>? AND nik<?)"; PostgreSQL: "Index Cond: ((nik)::text >= ..."
    assert re.search(r"USING INDEX \S+ \(nik>|Index Cond: .*nik\)?(::text)? >= '6172010000000000'", plan), plan


def test_worker_list_shows_wages_the_indonesian_way(workers, users, login):
    page = login(users["branch"]).get(LIST).content.decode()
    assert re.search(r'class="field-wage_display[^"]*">Rp3\.500\.000<', page)
    assert "3500000" not in page


def test_nik_searches_in_the_admin_are_on_the_personal_data_log(users, login, reference_regions):
    from participants.models import PersonalDataAccess

    WorkerFactory(city_code="61.72", nik="6172011508950041")
    client = login(users["branch"])
    client.get("/admin/participants/worker/?q=617201")
    client.get("/admin/participants/worker/?q=6172011508950041")
    client.get("/admin/participants/worker/?q=Budi")  # a name is no lookup of a person's number
    log = list(PersonalDataAccess.objects.order_by("pk").values_list("user__username", "action", "subject", "found"))
    assert log == [("branch", "LOOKUP", "617201", True), ("branch", "LOOKUP", "6172011508950041", True)]
