"""Coverage figures: rebuilt from workers in one SQL statement, read as active counts per city and date."""

import datetime as dt
import logging
import time

from django.db import connection, transaction

from participants.models import CoverageFigure

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
    seconds = time.perf_counter() - started
    logger.info("coverage figures refreshed: %s rows in %.1f s", written, seconds)
    return written, seconds


def active_counts(*, city_codes, dates):
    """{(city code, group, date): active participants} for each city, segment group and date.

    One correlated lookup per (city, group, date) on the figures' unique index: the cost grows with
    the number of cities and dates shown, not with the number of workers.
    """
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
    sql = f"""
        SELECT l.city, l.grp, l.d, (
            SELECT f.joined_total - f.left_total FROM {figures} f
            WHERE f.city_id = l.city AND f."group" = l.grp AND f.day <= l.d
            ORDER BY f.day DESC LIMIT 1
        ) FROM ({lookups}) l
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result = {}
    for city, grp, day, active in rows:
        day = dt.date.fromisoformat(day) if isinstance(day, str) else day
        result[(city, grp, day)] = active or 0
    return result
