"""The monthly rapor in the background: one task keeps a month's rapor of every city (rapor.services)."""

from django_tasks import task

from published.services import period_of, previous_period
from rapor.services import rapor_month_keep


@task()
def keep_month(period, city_codes=None):
    """Keeps the rapor of `period` (YYYY-MM) of every city served by a branch office (or of `city_codes`)."""
    return rapor_month_keep(period_of(period), city_codes=city_codes)


def rapor_month_enqueue(period, *, city_codes=None):
    """Queues the rapor of a month (its first day)."""
    return keep_month.enqueue(f"{period:%Y-%m}", city_codes)


def rapor_close_enqueue(period):
    """After the close of `period`: its rapor (provisional until published) and the previous month's, whose
    figures are usually published during the month after it (a new publication gets its own kept file)."""
    rapor_month_enqueue(previous_period(period))
    rapor_month_enqueue(period)
