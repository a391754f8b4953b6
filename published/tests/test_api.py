"""The read-only API of published figures: token authentication (Token and Bearer), scoping like the pages,
pagination and filters, the log line of every call, and the OpenAPI document (served, checked in, and matching
real responses)."""

import datetime as dt
import json
import logging
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from participants.figures import figures_refresh
from participants.models import Segment
from participants.tests.factories import WorkerFactory
from published.models import Snapshot
from published.services import month_data, snapshot_create, snapshot_publish, snapshot_verify
from regions.models import WorkforceEstimate

pytestmark = pytest.mark.django_db

APRIL, MAY, JUNE = dt.date(2025, 4, 1), dt.date(2025, 5, 1), dt.date(2025, 6, 1)
SCHEMA_FILE = Path(django_settings.BASE_DIR) / "docs" / "openapi.yaml"


def close(code, period, user=None):
    ((_code, data),) = month_data(period, city_codes=[code])
    return snapshot_create(code=code, period=period, version=1, data=data, user=user)


@pytest.fixture
def figures(users, bsu):
    """Singkawang (61.72, every role's scope) April and May published, June provisional; Balikpapan (64.71,
    only the admin's scope) May published."""
    WorkforceEstimate.objects.create(city_id="61.72", year=2025, potential_pu=100, potential_bpu=50, target_percent=40)
    WorkerFactory.create_batch(3, city_code="61.72", name="Pekerja Rahasia")
    WorkerFactory(city_code="61.72", segment=Segment.BPU, employer=None, nik="6172011508950042")
    WorkerFactory(city_code="64.71")
    figures_refresh()
    april = close("61.72", APRIL)
    for snapshot in (april, may := close("61.72", MAY)):
        snapshot_verify(snapshot=snapshot, user=users["branch"])
        snapshot_publish(snapshot=snapshot, user=users["regional"], note="Sesuai data")
    other = close("64.71", MAY)
    snapshot_verify(snapshot=other, user=users["admin"])
    snapshot_publish(snapshot=other, user=users["admin"], note="Sesuai data")
    return {"april": april.pk, "may": may.pk, "provisional": close("61.72", JUNE).pk, "other": other.pk}


@pytest.fixture
def api(client):
    """GET as the holder of a new token of `user`, with the given keyword."""

    def _get(user, url, keyword="Token"):
        key = Token.objects.get_or_create(user=user)[0].key
        return client.get(url, headers={"Authorization": f"{keyword} {key}"})

    return _get


def ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_token_and_bearer_keywords_authenticate(figures, users, api, client):
    assert api(users["official"], "/api/snapshots/", "Token").status_code == 200
    assert api(users["official"], "/api/snapshots/", "Bearer").status_code == 200
    for keyword in ("Token", "Bearer"):
        response = client.get("/api/snapshots/", headers={"Authorization": f"{keyword} not-a-real-key"})
        assert response.status_code == 401, keyword
    assert client.get("/api/snapshots/").status_code == 401  # no credentials: 401, not a redirect to the login
    assert client.get("/api/snapshots/").headers["WWW-Authenticate"] == "Token"


def test_a_token_of_an_inactive_user_is_refused(figures, users, api):
    official = users["official"]
    Token.objects.create(user=official)
    official.is_active = False
    official.save()
    assert api(official, "/api/snapshots/").status_code == 401


def test_a_logged_in_browser_reads_the_api(figures, users, login):
    response = login(users["branch"]).get("/api/snapshots/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_an_official_token_sees_its_published_city_only(figures, users, api):
    official = users["official"]
    assert ids(api(official, "/api/snapshots/")) == [figures["may"], figures["april"]]  # newest month first
    assert api(official, f"/api/snapshots/{figures['may']}/").status_code == 200
    assert api(official, f"/api/snapshots/{figures['other']}/").status_code == 404  # another city
    assert api(official, f"/api/snapshots/{figures['provisional']}/").status_code == 404  # not published
    assert [city["code"] for city in api(official, "/api/cities/").json()["results"]] == ["61.72"]
    assert api(official, "/api/cities/61.72/").status_code == 200
    assert api(official, "/api/cities/64.71/").status_code == 404


@pytest.mark.parametrize("role", ["regional", "branch"])
def test_staff_tokens_see_published_figures_of_their_scope(figures, users, api, role):
    assert ids(api(users[role], "/api/snapshots/")) == [figures["may"], figures["april"]]
    assert api(users[role], f"/api/snapshots/{figures['other']}/").status_code == 404
    # staff see provisional months on the pages, but the API serves published figures only
    assert api(users[role], f"/api/snapshots/{figures['provisional']}/").status_code == 404


def test_an_admin_token_sees_every_city(figures, users, api):
    admin = users["admin"]
    assert set(ids(api(admin, "/api/snapshots/"))) == {figures["may"], figures["april"], figures["other"]}
    assert api(admin, f"/api/snapshots/{figures['other']}/").json()["city_code"] == "64.71"
    assert api(admin, f"/api/snapshots/{figures['provisional']}/").status_code == 404
    city = api(admin, "/api/cities/64.71/").json()
    assert city == {
        "code": "64.71",
        "name": city["name"],
        "province_code": "64",
        "latest_snapshot_id": figures["other"],
        "latest_period": "2025-05",
    }
    assert api(admin, "/api/cities/61.01/").json()["latest_snapshot_id"] is None  # never published


def test_a_snapshot_carries_the_frozen_figures(figures, users, api):
    body = api(users["official"], f"/api/snapshots/{figures['may']}/").json()
    snapshot = Snapshot.objects.get(pk=figures["may"])
    assert (body["city_code"], body["period"], body["version"], body["as_of"]) == ("61.72", "2025-05", 1, "2025-05-31")
    assert body["content_hash"] == snapshot.content_hash
    assert body["published_at"] is not None
    ucj = body["ucj"]
    assert (ucj["active_pu"], ucj["active_bpu"], ucj["active_total"], ucj["potential_total"]) == (3, 1, 4, 150)
    assert (ucj["ucj_percent"], ucj["target_percent"]) == ("2.67", "40.00")  # decimal strings, as published
    assert body["movement"]["previous_id"] == figures["april"]
    assert body["movement"]["delta_active"] == 0
    [bsu] = body["bsu"]
    assert bsu["programme"] == "BSU-2025"
    assert set(bsu["counts"]) >= {"screened_out", "candidate", "disbursed"}
    assert api(users["official"], f"/api/snapshots/{figures['april']}/").json()["movement"] is None  # the first month


def test_pagination_and_filters(figures, users, api, client, django_assert_max_num_queries):
    admin = users["admin"]
    key = Token.objects.create(user=admin).key
    with django_assert_max_num_queries(4):  # token and user, role, count, page: whatever the number of rows
        body = client.get("/api/snapshots/", headers={"Authorization": f"Bearer {key}"}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert (body["count"], body["next"], body["previous"]) == (3, None, None)
    first = api(admin, "/api/snapshots/?page_size=2").json()
    assert (len(first["results"]), first["next"]) == (2, "http://testserver/api/snapshots/?page=2&page_size=2")
    assert len(api(admin, "/api/snapshots/?page=2&page_size=2").json()["results"]) == 1
    assert api(admin, "/api/snapshots/?page=9").status_code == 404
    assert ids(api(admin, "/api/snapshots/?city=64.71")) == [figures["other"]]
    assert set(ids(api(admin, "/api/snapshots/?period=2025-05"))) == {figures["may"], figures["other"]}
    assert ids(api(admin, "/api/snapshots/?city=61.72&period=2025-04")) == [figures["april"]]
    assert ids(api(admin, "/api/snapshots/?period=2025-06")) == []  # June is provisional
    refused = api(admin, "/api/snapshots/?period=Mei")
    assert refused.status_code == 400
    assert set(refused.json()) == {"period"}
    assert ids(api(users["official"], "/api/snapshots/?city=64.71")) == []  # a filter never widens the scope
    only = api(admin, "/api/snapshots/?programme=BSU-2025").json()["results"][0]["bsu"]
    assert [row["programme"] for row in only] == ["BSU-2025"]
    assert api(admin, f"/api/snapshots/{figures['may']}/?programme=BSU-1999").json()["bsu"] == []


def test_every_api_call_is_logged_without_personal_data(figures, users, api, client, caplog):
    official = users["official"]
    with caplog.at_level(logging.INFO, logger="jangkau.api"):
        api(official, "/api/snapshots/?city=61.72&period=2025-05")
        api(official, f"/api/snapshots/{figures['other']}/", "Bearer")
        client.get("/api/cities/", headers={"Authorization": "Token wrong"})
    lines = [record.getMessage() for record in caplog.records if record.name == "jangkau.api"]
    assert lines == [
        f"api user={official.pk} auth=token GET /api/snapshots/?city=61.72&period=2025-05 200",
        f"api user={official.pk} auth=token GET /api/snapshots/{figures['other']}/ 404",
        "api user=- auth=- GET /api/cities/ 401",
    ]
    text = "\n".join(lines)
    key = Token.objects.get(user=official).key
    for secret in (official.username, key, "Pekerja Rahasia", "6172011508950042"):
        assert secret not in text


def test_only_admins_manage_tokens_in_the_admin(figures, users, login):
    token_perms = Permission.objects.filter(content_type__app_label="authtoken")
    for group in Group.objects.all():
        assert not group.permissions.filter(pk__in=token_perms).exists(), group.name
    for role in ("regional", "branch"):
        assert login(users[role]).get("/admin/authtoken/tokenproxy/").status_code == 403
    client = login(users["admin"])
    official = users["official"]
    assert client.get("/admin/authtoken/tokenproxy/add/").status_code == 200
    assert client.post("/admin/authtoken/tokenproxy/add/", {"user": official.pk}).status_code == 302
    key = Token.objects.get(user=official).key
    assert key in client.get("/admin/authtoken/tokenproxy/").content.decode()
    client.post(f"/admin/authtoken/tokenproxy/{official.pk}/delete/", {"post": "yes"})
    assert not Token.objects.filter(user=official).exists()  # revoked: the key no longer works
    client.logout()
    assert client.get("/api/snapshots/", headers={"Authorization": f"Token {key}"}).status_code == 401


def test_the_schema_is_a_public_openapi_3_document(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/snapshots/", "/api/snapshots/{id}/", "/api/cities/", "/api/cities/{code}/"} <= set(schema["paths"])
    assert {"tokenAuth", "bearerAuth"} <= set(schema["components"]["securitySchemes"])


def json_schema(node):
    """An OpenAPI 3.0 schema as JSON Schema: `nullable: true` becomes "or null", and objects admit no property
    the document does not list (so an undocumented field fails the check too)."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: json_schema(value) for key, value in node.items() if key not in {"example", "readOnly"}}
    if node.get("type") == "object" and "properties" in node:
        node.setdefault("additionalProperties", False)
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def validator(component):
    document = yaml.safe_load(SCHEMA_FILE.read_text())
    root = {"$ref": f"#/components/schemas/{component}", "components": json_schema(document["components"])}
    return jsonschema.Draft202012Validator(root)


def test_real_responses_match_the_openapi_document(figures, users, api):
    admin = users["admin"]
    listing = api(admin, "/api/snapshots/").json()
    validator("PaginatedSnapshotList").validate(listing)
    validator("Snapshot").validate(api(admin, f"/api/snapshots/{figures['april']}/").json())  # movement null
    validator("PaginatedCityList").validate(api(admin, "/api/cities/?page_size=1000").json())
    # the check bites: a wrong type and an undocumented field are both refused
    broken = json.loads(json.dumps(listing))
    broken["results"][0]["ucj"]["active_pu"] = "3"
    assert not validator("PaginatedSnapshotList").is_valid(broken)
    extra = json.loads(json.dumps(listing))
    extra["results"][0]["movement"]["nik"] = "6172011508950042"
    assert not validator("PaginatedSnapshotList").is_valid(extra)


def test_the_checked_in_openapi_document_is_current(tmp_path):
    """docs/openapi.yaml is what the code generates: after changing the API, regenerate it with
    `.venv/bin/python manage.py spectacular --lang en --validate --file docs/openapi.yaml`."""
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--lang", "en", "--validate", "--fail-on-warn", "--file", str(generated))
    assert generated.read_text() == SCHEMA_FILE.read_text(), "docs/openapi.yaml is stale: regenerate it"
