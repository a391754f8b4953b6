"""Coverage figures: rebuilt from workers in one SQL statement, read as active counts per city and date; and
employers' active workers today (participants.models.EmployerFigure)."""

import datetime as dt
import logging
import time

from django.db import connection, connections, router, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from participants.models import CoverageFigure, EmployerFigure, Worker
from participants.selectors import active_on
from participants.signals import figures_refreshed

logger = logging.getLogger(__name__)


def _day_after(column):
    if connection.vendor == "sqlite":
        return f"date({column}, '+1 day')"
    return f"({column} + 1)"


# Advisory lock keys (PostgreSQL) of the figures: a full rebuild holds FIGURES exclusively; a refresh of some
# cities holds it shared, and each of its cities (CITY, the code's digits) exclusively, in code order. So
# refreshes of different cities run side by side, two of the same city one after the other.
FIGURES_LOCK = 7_261_000
CITY_LOCK = 7_261_001
INCREMENTAL_EMPLOYERS = 5000  # more employers touched than this: their figures are rebuilt whole


def _lock(cities):
    if connection.vendor != "postgresql":
        return  # SQLite: one writing transaction at a time already (transaction_mode IMMEDIATE)
    with connection.cursor() as cursor:
        if cities is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FIGURES_LOCK])
            return
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [FIGURES_LOCK])
        for code in sorted(cities):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CITY_LOCK, int(code.replace(".", ""))])


def sql_in(column, values):
    """A SQL condition `column IN (...)` and its parameters; always false for no values."""
    values = sorted(values)
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def _coverage_select(where, params):
    """SQL computing the CoverageFigure rows of the workers matching `where` (city_id, grp, day, totals)."""
    group = "CASE WHEN segment = 'BPU' THEN 'BPU' ELSE 'PU' END"
    sql = f"""
        SELECT city_id, grp, day,
               SUM(joined) OVER (PARTITION BY city_id, grp ORDER BY day) AS joined_total,
               SUM(ended) OVER (PARTITION BY city_id, grp ORDER BY day) AS left_total
        FROM (
            SELECT city_id, grp, day, SUM(joined) AS joined, SUM(ended) AS ended FROM (
                SELECT city_id, {group} AS grp, member_since AS day, 1 AS joined, 0 AS ended
                FROM participants_worker WHERE {where}
                UNION ALL
                SELECT city_id, {group} AS grp, {_day_after("member_until")} AS day, 0 AS joined, 1 AS ended
                FROM participants_worker WHERE member_until IS NOT NULL AND {where}
            ) AS events GROUP BY city_id, grp, day
        ) AS daily
    """
    return sql, [*params, *params]


@transaction.atomic
def figures_refresh(cities=None, employers=None):
    """Recomputes the CoverageFigure rows of `cities` (city codes; None: every city, comparing the rebuilt
    rows with the kept ones first) and the EmployerFigure rows of `employers` (ids; None: every employer);
    returns (rows written, seconds).

    What an import or an edit touched is all that changes: a 10-row correction in one city rebuilds that
    city, not the country. The full rebuild (the `refresh_figures` command, the nightly task) is the safety
    net: it logs each city whose kept figures it had to correct, which should never happen.
    """
    started = time.perf_counter()
    figures = CoverageFigure._meta.db_table
    columns = f'{figures} (city_id, "group", day, joined_total, left_total)'
    _lock(cities)
    with connection.cursor() as cursor:
        if cities is None:
            select, params = _coverage_select("1 = 1", [])
            cursor.execute(f"CREATE TEMPORARY TABLE coverage_rebuilt AS {select}", params)
            corrected = _differing_cities(cursor, figures)
            cursor.execute(f"DELETE FROM {figures}")
            cursor.execute(f"INSERT INTO {columns} SELECT * FROM coverage_rebuilt")
            written = cursor.rowcount
            cursor.execute("DROP TABLE coverage_rebuilt")
            if corrected:
                shown = ", ".join(corrected[:20]) + (f" and {len(corrected) - 20} more" if len(corrected) > 20 else "")
                logger.warning("full figures rebuild corrected cities the refreshes had left wrong: %s", shown)
        else:
            where, params = sql_in("city_id", cities)
            cursor.execute(f"DELETE FROM {figures} WHERE {where}", params)
            select, select_params = _coverage_select(where, params)
            cursor.execute(f"INSERT INTO {columns} {select}", select_params)
            written, corrected = cursor.rowcount, None
    if employers is None or len(employers) > INCREMENTAL_EMPLOYERS:
        employer_figures_refresh(cities=cities)
    else:
        employer_figures_refresh(employers=employers, cities=cities)
    seconds = time.perf_counter() - started
    logger.info(
        "coverage figures refreshed (%s): %s rows in %.1f s",
        "all cities" if cities is None else ", ".join(sorted(cities)),
        written,
        seconds,
    )
    return written, seconds


def _differing_cities(cursor, figures):
    """Cities whose kept CoverageFigure rows differ from the rebuilt ones (coverage_rebuilt), sorted."""
    kept = f'SELECT city_id, "group", day, joined_total, left_total FROM {figures}'
    rebuilt = "SELECT * FROM coverage_rebuilt"
    cities = set()
    for first, second in ((kept, rebuilt), (rebuilt, kept)):
        cursor.execute(f"SELECT DISTINCT city_id FROM ({first} EXCEPT {second}) AS differing")
        cities.update(code for (code,) in cursor.fetchall())
    return sorted(cities)


def employer_figures_refresh(day=None, employers=None, cities=None):
    """Recomputes the EmployerFigure rows of `employers` (ids; None: all of them, as must a refresh on another
    day than the kept figures') as active workers on `day` (default today); then the figures other apps
    derive from them (participants.signals.figures_refreshed, with the cities refreshed, None for all)."""
    day = day or timezone.localdate()
    if employers is not None and EmployerFigure.objects.values_list("day", flat=True).first() not in (day, None):
        employers = None  # kept figures of another day (no nightly rebuild yet): every employer counts again
    if employers is None or employers:
        _employer_figures_write(day, employers)
    figures_refreshed.send(sender=EmployerFigure, day=day, cities=cities)


def _employer_figures_write(day, employers):
    """Rewrites the EmployerFigure rows of `employers` (None: every row)."""
    table = EmployerFigure._meta.db_table
    active = Worker.objects.filter(active_on(day), employer__isnull=False)
    if employers is not None:
        active = active.filter(employer_id__in=employers)
    sql, params = (
        active.order_by("employer_id")
        .values("employer_id")
        .annotate(n=Count("id"), wages=Sum("wage"))
        .values_list("employer_id", "n", "wages")
        .query.sql_with_params()
    )
    insert = f"INSERT INTO {table} (day, employer_id, active_workers, active_wage_total) SELECT %s, s.* FROM ({sql}) s WHERE TRUE"
    with connection.cursor() as cursor:
        if employers is None:
            cursor.execute(f"DELETE FROM {table}")
            cursor.execute(insert, (day, *params))
        else:
            where, ids = sql_in("employer_id", employers)
            if connection.vendor == "postgresql":  # rows locked in id order: overlapping refreshes wait, never deadlock
                cursor.execute(f"SELECT 1 FROM {table} WHERE {where} ORDER BY employer_id FOR UPDATE", ids)
            cursor.execute(f"DELETE FROM {table} WHERE {where}", ids)
            cursor.execute(
                f"{insert} ON CONFLICT (employer_id) DO UPDATE SET day = excluded.day, "
                "active_workers = excluded.active_workers, active_wage_total = excluded.active_wage_total",
                (day, *params),
            )


def active_counts(*, city_codes, dates):
    """{(city code, group, date): active participants} for each city, segment group and date.

    One correlated lookup per (city, group, date) on the figures' unique index: the cost grows with
    the number of cities and dates shown, not with the number of workers.
    """
    return {key: active or 0 for key, (active,) in _at_dates(city_codes, dates, ["f.joined_total - f.left_total"]).items()}


def cumulative_counts(*, city_codes, dates):
    """{(city code, group, date): (memberships started by that date, memberships ended before it)}: their
    difference is active_counts; between two dates, the joins and the leaves."""
    rows = _at_dates(city_codes, dates, ["f.joined_total", "f.left_total"])
    return {key: (joined or 0, left or 0) for key, (joined, left) in rows.items()}


def _at_dates(city_codes, dates, expressions):
    """{(city, group, date): values of `expressions` on the latest figure row on or before the date}."""
    city_codes, dates = list(city_codes), sorted(set(dates))
    if not city_codes or not dates:
        return {}
    figures = CoverageFigure._meta.db_table
    lookups = " UNION ALL ".join(
        f"SELECT %s AS d, c.code AS city, g.grp AS grp FROM regions_city c CROSS JOIN "
        f"(SELECT 'PU' AS grp UNION ALL SELECT 'BPU') g WHERE c.code IN ({', '.join(['%s'] * len(city_codes))})"
        for _date in dates
    )
    params = []
    for day in dates:
        params += [day, *city_codes]
    selects = ", ".join(
        f"""(SELECT {expression} FROM {figures} f WHERE f.city_id = l.city AND f."group" = l.grp AND f.day <= l.d
            ORDER BY f.day DESC LIMIT 1)"""
        for expression in expressions
    )
    with connections[router.db_for_read(CoverageFigure)].cursor() as cursor:  # the read replica, where a page may use it
        cursor.execute(f"SELECT l.city, l.grp, l.d, {selects} FROM ({lookups}) l", params)
        rows = cursor.fetchall()
    result = {}
    for city, grp, day, *values in rows:
        day = dt.date.fromisoformat(day) if isinstance(day, str) else day
        result[(city, grp, day)] = values
    return result
