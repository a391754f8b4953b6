"""Cached dashboard pages: the rendered content of /ucj/, /cities/<code>/, /bsu/ and /gap/, kept in Django's
cache (the database cache by default, Redis with DJANGO_CACHE_URL) and shared by every web process.

A page's key holds what its content depends on: the viewer's access (role and scope: two users of the same
office see the same content), the path and query, the language, the day, and a version token of each city
it shows (participants.models.FiguresVersion, one query). The figures refresh replaces the tokens of the
cities it rebuilt, so exactly the pages showing those cities are rendered again; any other change to the
data (an edit in the admin, an import, a published snapshot, a commitment) replaces the token shared by
every page. The tokens live in the database, written in the transaction of the change: a page rendered
from the old data can only be kept under the old key.

Only the content block is cached: the header (the user's name, the logout form's CSRF token) and the
messages are rendered for each request.
"""

import hashlib
import uuid

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from participants.models import FiguresVersion
from participants.signals import figures_refreshed
from regions.selectors import access_of

PAGE_SECONDS = 6 * 3600  # a page nobody asked for again leaves the cache; a changed one is never served
ALL = "all"
DATA_APPS = {"regions", "participants", "subsidies", "published", "commitments", "outreach"}
BULK_DELETED = {  # tables of many rows, rebuilt or deleted in bulk, or whose deletions queue a figures refresh
    "Worker", "HistoricalWorker", "Employer", "HistoricalEmployer", "Recipient", "BankAccount", "HistoricalBankAccount",
    "EmployerReport", "Visit", "HistoricalVisit", "CoverageFigure", "EmployerFigure", "BsuFigure", "CitySector",
    "PersonalDataAccess", "StatusChange", "FiguresVersion",
}  # fmt: skip


def figures_changed(cities=None):
    """New version tokens for `cities` (None: every page), committed with the change that calls it."""
    keys = [ALL] if cities is None else sorted(set(cities))
    FiguresVersion.objects.bulk_create(
        [FiguresVersion(key=key, token=uuid.uuid4().hex) for key in keys],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["token"],
    )


def _versions(cities):
    _page_keyed()
    keys = [ALL, *sorted(set(cities))]
    found = dict(FiguresVersion.objects.filter(key__in=keys).values_list("key", "token"))
    return [found.get(key, "") for key in keys]


def page_key(request, template, cities):
    access = access_of(request.user)
    viewer = (access.role, access.office_id, access.city_id) if access else ("superuser" if request.user.is_superuser else "",)
    parts = [
        template,
        repr(viewer),
        request.path,
        repr(sorted(request.GET.lists())),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        *_versions(cities),
    ]
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def cached_page(request, template, *, cities, build, context=None, status=200):
    """Renders `template` (a page whose content block shows `body` when given) with its content from the
    cache, or built now by `build()` (the page's context) and kept; `context` feeds the rest of the page
    (title, head) on every request."""
    key = page_key(request, template, cities)
    body = cache.get(key)
    if body is None:
        body = render_to_string(template, {**build(), "base_template": "content_only.html"}, request=request)
        cache.set(key, body, PAGE_SECONDS)
    return render(request, template, {**(context or {}), "body": mark_safe(body)}, status=status)  # noqa: S308 - our own render


@receiver(figures_refreshed)
def _refreshed(cities=None, **_kwargs):
    figures_changed(cities)


def _data_changed(**_kwargs):
    """A change to the data: every page's token is renewed, in the transaction of the change. Once per
    transaction is enough until a page is keyed in it: rewriting one row for each of 20,000 saves in one
    transaction costs quadratic time on PostgreSQL (each version walks the chain of the versions before it; a
    20,000-row django-import-export run took over ten minutes). Django gives each transaction (and what is left
    after a savepoint rolls back) a new list of on-commit callbacks: the token written for that list stands
    for every later change until a page is keyed."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        if getattr(connection, "jangkau_token_for", None) is connection.run_on_commit:
            return
        connection.jangkau_token_for = connection.run_on_commit
    figures_changed()


def _page_keyed():
    """A page keyed now must not be served once a later change in this transaction commits."""
    transaction.get_connection().jangkau_token_for = None


def connect_changes():
    """Saving or deleting a record of the data apps changes every page. Connected model by model (the
    migrations' historical models stay out: the cache table is made after them), and deletions not for the
    big tables: a deletion signal with listeners makes Django fetch every deleted row first, and those tables
    are deleted in bulk, or their deletions queue a figures refresh."""
    for model in apps.get_models():
        if model._meta.app_label not in DATA_APPS:
            continue
        uid = f"pagecache-{model._meta.label}"
        post_save.connect(_data_changed, sender=model, weak=False, dispatch_uid=uid)
        if model.__name__ not in BULK_DELETED:
            post_delete.connect(_data_changed, sender=model, weak=False, dispatch_uid=uid)
