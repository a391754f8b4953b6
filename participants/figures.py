"""Coverage figures: rebuilt from workers in one SQL statement, read as active counts per city and date; and
employers' active workers today (participants.models.EmployerFigure)."""

import datetime as dt
import logging
import time

from django.db import connection, transaction
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


@transaction.atomic
def figures_refresh():
    """Recomputes every CoverageFigure from the workers table; returns (rows written, seconds)."""
    started = time.perf_counter()
    figures = CoverageFigure._meta.db_table
    group = "CASE WHEN segment = 'BPU' THEN 'BPU' ELSE 'PU' END"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {figures}")
        cursor.execute(
            f"""
            INSERT INTO {figures} (city_id, "group", day, joined_total, left_total)
            SELECT city_id, grp, day,
                   SUM(joined) OVER (PARTITION BY city_id, grp ORDER BY day),
                   SUM(ended) OVER (PARTITION BY city_id, grp ORDER BY day)
            FROM (
                SELECT city_id, grp, day, SUM(joined) AS joined, SUM(ended) AS ended FROM (
                    SELECT city_id, {group} AS grp, member_since AS day, 1 AS joined, 0 AS ended
                    FROM participants_worker
                    UNION ALL
                    SELECT city_id, {group} AS grp, {_day_after("member_until")} AS day, 0 AS joined, 1 AS ended
                    FROM participants_worker WHERE member_until IS NOT NULL
                ) AS events GROUP BY city_id, grp, day
            ) AS daily
            """
        )
        written = cursor.rowcount
    employer_figures_refresh()
    seconds = time.perf_counter() - started
    logger.info("coverage figures refreshed: %s rows in %.1f s", written, seconds)
    return written, seconds


def employer_figures_refresh(day=None):
    """Recomputes every EmployerFigure: active workers per employer on `day` (default today); then the
    figures other apps derive from them (participants.signals.figures_refreshed)."""
    day = day or timezone.localdate()
    active = (
        Worker.objects.filter(active_on(day), employer__isnull=False)
        .order_by()
        .values("employer_id")
        .annotate(n=Count("id"), wages=Sum("wage"))
    )
    sql, params = active.values_list("employer_id", "n", "wages").query.sql_with_params()
    table = EmployerFigure._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            f"INSERT INTO {table} (day, employer_id, active_workers, active_wage_total) SELECT %s, s.* FROM ({sql}) s",
            (day, *params),
        )
    figures_refreshed.send(sender=EmployerFigure, day=day)


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
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT l.city, l.grp, l.d, {selects} FROM ({lookups}) l", params)
        rows = cursor.fetchall()
    result = {}
    for city, grp, day, *values in rows:
        day = dt.date.fromisoformat(day) if isinstance(day, str) else day
        result[(city, grp, day)] = values
    return result
