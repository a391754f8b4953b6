"""Figures of the coverage plan kept by the figures refresh: which report is each company's latest, its
counts against the employer's figures, and the sectors on record per city."""

from django.db import connection
from django.dispatch import receiver

from outreach.models import CitySector, EmployerReport
from outreach.selectors import UNDATED
from participants.figures import sql_in
from participants.models import Employer, EmployerFigure
from participants.signals import figures_refreshed

ANALYZE_AFTER = 1000  # report rows changed by a refresh beyond which the table's statistics are renewed


@receiver(figures_refreshed)
def current_reports_mark(day, **_kwargs):  # every report, whatever the cities refreshed: one pass over them
    """Marks each company's latest report made by `day` as current, and no other, and keeps the current
    reports' counts against the employers' figures of the same refresh (only changed rows are written).

    As in outreach.selectors.latest_reports: a report is superseded by a later one (report date, then the
    later import) of the same company id from any source or, for registered companies, of the same
    employer. Ranked once per partition with window functions: the cost is one pass over the reports.
    """
    table, figures = EmployerReport._meta.db_table, EmployerFigure._meta.db_table
    order = "ORDER BY COALESCE(report_date, %s) DESC, id DESC"
    latest = f"""
        SELECT id FROM (
            SELECT id,
                   ROW_NUMBER() OVER (PARTITION BY company_id {order}) AS by_company,
                   ROW_NUMBER() OVER (PARTITION BY employer_id, CASE WHEN employer_id IS NULL THEN id END {order})
                       AS by_employer
            FROM {table} WHERE report_date IS NULL OR report_date <= %s
        ) ranked WHERE by_company = 1 AND by_employer = 1
    """
    registered = "r.current AND r.employer_id IS NOT NULL"
    active = "COALESCE(f.active_workers, 0)"
    kept = f"""
        SELECT r.id,
               CASE WHEN {registered} THEN {active} END AS active,
               CASE WHEN {registered} AND r.reported_workers > {active} THEN r.reported_workers - {active}
                    WHEN {registered} THEN 0 END AS unregistered,
               CASE WHEN {registered} AND r.reported_wage_total > 0 AND r.reported_workers > 0
                         AND f.active_workers > 0 AND f.active_wage_total > 0
                    THEN (r.reported_wage_total * f.active_workers - f.active_wage_total * r.reported_workers)
                         / r.reported_workers END AS shortfall
        FROM {table} r LEFT JOIN {figures} f ON f.employer_id = r.employer_id
    """
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET current = NOT current WHERE current <> (id IN ({latest}))", [UNDATED, UNDATED, day])
        changed = cursor.rowcount
        cursor.execute(
            f"""
            UPDATE {table} SET registered_active = k.active, unregistered = k.unregistered, wage_shortfall = k.shortfall
            FROM ({kept}) k
            WHERE k.id = {table}.id AND ({table}.registered_active IS DISTINCT FROM k.active
                OR {table}.unregistered IS DISTINCT FROM k.unregistered
                OR {table}.wage_shortfall IS DISTINCT FROM k.shortfall)
            """
        )
        changed += cursor.rowcount
        if connection.vendor == "postgresql" and changed > ANALYZE_AFTER:
            # The worklists' plans rest on how many reports are current and short of workers: tell the planner
            # now, not when autovacuum next looks.
            cursor.execute(f"ANALYZE {table}")


@receiver(figures_refreshed)
def city_sectors_refresh(cities=None, **_kwargs):
    """Rebuilds the CitySector rows of `cities` (None: every city) from the employers' and reports' sectors."""
    table, employers, reports = CitySector._meta.db_table, Employer._meta.db_table, EmployerReport._meta.db_table
    where, params = ("1 = 1", []) if cities is None else sql_in("city_id", cities)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {where}", params)
        cursor.execute(
            f"""
            INSERT INTO {table} (city_id, sector)
            SELECT city_id, sector FROM {employers} WHERE sector <> '' AND {where}
            UNION SELECT city_id, sector FROM {reports} WHERE sector <> '' AND {where}
            """,
            [*params, *params],
        )
