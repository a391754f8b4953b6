"""The client address django-axes counts failed logins under, behind JANGKAU_PROXY_COUNT reverse proxies."""

import ipaddress

from django.conf import settings


def client_address(request):
    """The address the lockout counts: the one our outermost proxy saw, never one the client wrote.

    With N proxies, each appending the address it received the connection from, the client's address
    is the N-th X-Forwarded-For entry from the right; entries left of it come from the client and are
    ignored. A header with fewer entries (request not through every proxy) or a malformed entry falls
    back to REMOTE_ADDR. Read per request so that tests can override JANGKAU_PROXY_COUNT.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.JANGKAU_PROXY_COUNT
    if count <= 0:
        return remote
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(entries) < count or not entries[-count]:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-count]))
    except ValueError:
        return remote
