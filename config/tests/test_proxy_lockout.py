"""Login lockout behind a reverse proxy: one attacker must not lock out everyone behind the same proxy.

The proxy (REMOTE_ADDR 10.0.0.1) appends the address it received the connection from to
X-Forwarded-For, after whatever the client wrote there itself.
"""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from config.client_ip import client_address
from conftest import PASSWORD

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.1"
ATTACKER = "203.0.113.5"
COLLEAGUE = "198.51.100.7"


def post_login(client, password, forwarded_for):
    return client.post(
        "/accounts/login/",
        {"username": "branch", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def lock_out_branch(client, forwarded_for):
    for _attempt in range(4):
        assert post_login(client, "salah-sandi", forwarded_for).status_code == 200
    assert post_login(client, "salah-sandi", forwarded_for).status_code == 429


def test_behind_one_proxy_an_attacker_locks_out_only_their_own_address(users, client, settings):
    from django.test import Client

    settings.JANGKAU_PROXY_COUNT = 1
    lock_out_branch(client, ATTACKER)
    assert post_login(client, PASSWORD, ATTACKER).status_code == 429  # the attacker stays locked out
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}

    colleague = Client()
    response = post_login(colleague, PASSWORD, COLLEAGUE)
    assert response.status_code == 302
    assert colleague.session["_auth_user_id"] == str(users["branch"].pk)


def test_without_the_proxy_count_everyone_behind_the_proxy_shares_one_lockout(users, client, settings):
    """The default (no proxy declared) ignores X-Forwarded-For: right for a direct deployment, and the
    reason JANGKAU_PROXY_COUNT must be set behind a balancer."""
    from django.test import Client

    settings.JANGKAU_PROXY_COUNT = 0
    lock_out_branch(client, ATTACKER)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}

    colleague = Client()
    assert post_login(colleague, PASSWORD, COLLEAGUE).status_code == 429
    assert "_auth_user_id" not in colleague.session


def test_a_forged_forwarded_for_neither_escapes_the_lockout_nor_locks_out_the_address_it_names(users, client, settings):
    from django.test import Client

    settings.JANGKAU_PROXY_COUNT = 1
    # the attacker writes a new address each time (the colleague's among them); the proxy appends the real one
    for attempt in range(4):
        assert post_login(client, "salah-sandi", f"192.0.2.{attempt}, {ATTACKER}").status_code == 200
    assert post_login(client, "salah-sandi", f"{COLLEAGUE}, {ATTACKER}").status_code == 429
    assert post_login(client, PASSWORD, f"192.0.2.99, {ATTACKER}").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}

    assert post_login(Client(), PASSWORD, COLLEAGUE).status_code == 302


@pytest.mark.parametrize(
    ("count", "forwarded_for", "expected"),
    [
        (0, "203.0.113.5", PROXY),  # no proxy declared: the header is the client's own words
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "192.0.2.1, 203.0.113.5", "203.0.113.5"),  # the right-most entry, written by our proxy
        (2, "192.0.2.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),  # outer proxy 10.0.0.2 -> inner 10.0.0.1
        (2, "203.0.113.5", PROXY),  # fewer entries than proxies: not through every proxy
        (1, "", PROXY),
        (1, "192.0.2.1, ", PROXY),
        (1, "192.0.2.1, bukan-alamat", PROXY),
        (1, " 2001:DB8::1 ", "2001:db8::1"),
    ],
)
def test_client_address_is_the_entry_our_outermost_proxy_wrote(settings, count, forwarded_for, expected):
    settings.JANGKAU_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_address(request) == expected
