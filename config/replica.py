"""The optional read replica (DATABASE_REPLICA_URL): which queries read from it, and what a page says when it lags.

Only the GET/HEAD requests of the read-only pages in REPLICA_VIEWS (dashboards, their exports, the rapor and the
API) read from the replica: the middleware marks such a request, and the router sends its reads to the
`replica` alias. Everything else stays on the primary:
- every write, and every read after the request's first write (it may need what it just wrote);
- reads inside a transaction on the primary;
- accounts, sessions, tokens, login attempts, the admin log, the cache table and task results
  (PRIMARY_ONLY_APPS): a login, a password change or a revoked token takes effect at once, whatever the lag;
- every other request (the admin, imports, status changes, sign-off, tasks and commands).

A replica that cannot be reached is not asked again for JANGKAU_REPLICA_RETRY_SECONDS in this process: its
requests read from the primary, with one warning in the log.
"""

import contextvars
import logging
import math
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, connections
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

REPLICA = "replica"
REPLICA_VIEWS = frozenset(
    {
        "ucj",
        "city",
        "bsu",
        "gap",
        "snapshots",
        "snapshot",
        "rapor",
        "api-root",
        "api-snapshot-list",
        "api-snapshot-detail",
        "api-city-list",
        "api-city-detail",
    }
)
READ_METHODS = frozenset({"GET", "HEAD"})
PRIMARY_ONLY_APPS = frozenset({"auth", "sessions", "authtoken", "axes", "admin", "django_cache", "django_tasks_database"})

# Seconds the replica is behind: 0 when it has replayed everything it received, NULL on a primary.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN NULL
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
END
"""


@dataclass
class ReplicaReads:
    """One request allowed to read from the replica: `alias` once decided, `wrote` after its first write."""

    alias: str | None = None
    wrote: bool = False


_request = contextvars.ContextVar("replica_reads", default=None)


class _Unreachable:
    """When the replica last failed to answer in this process (time.monotonic seconds)."""

    until = 0.0


def replica_configured():
    return REPLICA in connections.settings


def _decide_alias():
    """The replica when it answers (checked once per request), else the primary with a warning."""
    if time.monotonic() < _Unreachable.until:
        return DEFAULT_DB_ALIAS
    replica = connections[REPLICA]
    try:
        replica.close_if_health_check_failed()
        replica.ensure_connection()
    except Error as error:
        retry = settings.JANGKAU_REPLICA_RETRY_SECONDS
        _Unreachable.until = time.monotonic() + retry
        logger.warning("read replica unreachable, reading from the primary for %s s: %s", retry, error)
        return DEFAULT_DB_ALIAS
    return REPLICA


def read_alias():
    """The database the current request's reads go to."""
    state = _request.get()
    if state is None or state.wrote or not replica_configured():
        return DEFAULT_DB_ALIAS
    if state.alias is None:
        state.alias = _decide_alias()
    return state.alias


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads per read_alias(), writes and migrations on the primary."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY_APPS or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return read_alias()

    def db_for_write(self, model, **hints):
        state = _request.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # the replica holds the primary's rows: an object read from one may point to an object of the other
        return True if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA} else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None


@contextmanager
def replica_reads():
    """Lets the reads of the enclosed code go to the replica (the middleware wraps a marked request in it)."""
    token = _request.set(ReplicaReads())
    try:
        yield
    finally:
        _request.reset(token)


class ReplicaReadsMiddleware:
    """Marks the GET/HEAD requests of REPLICA_VIEWS: their reads may go to the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in READ_METHODS and replica_configured() and _url_name(request.path_info) in REPLICA_VIEWS:
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)


def _url_name(path):
    try:
        return resolve(path).url_name
    except Resolver404:
        return None


def replica_lag_seconds():
    """How far behind the replica this request reads from is (seconds), or None when it reads from the primary."""
    if read_alias() != REPLICA:
        return None
    connection = connections[REPLICA]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(LAG_SQL)
        (lag,) = cursor.fetchone()
    return None if lag is None else float(lag)


def lag_note(lag, threshold):
    """The note a page shows when its figures come from a replica `lag` seconds behind, past `threshold`."""
    if lag is None or lag <= threshold:
        return None
    seconds = math.ceil(lag)
    if seconds < 120:
        amount = ngettext("%(count)d detik", "%(count)d detik", seconds) % {"count": seconds}
    elif seconds < 2 * 3600:
        amount = ngettext("%(count)d menit", "%(count)d menit", seconds // 60) % {"count": seconds // 60}
    else:
        amount = ngettext("%(count)d jam", "%(count)d jam", seconds // 3600) % {"count": seconds // 3600}
    return _("Data cadangan baca tertinggal %(amount)s: perubahan terbaru belum tampil.") % {"amount": amount}


def replica_lag(request):
    """Context processor: `replica_lag_note`, shown by the base template when the replica lags too far."""
    return {"replica_lag_note": lag_note(replica_lag_seconds(), settings.JANGKAU_REPLICA_LAG_NOTE_SECONDS)}
