"""Scoped reads of BSU records: everything starts from the workers the user may see."""

from django.db.models import Count, Exists, Min, OuterRef, Q, Sum

from participants.selectors import workers_for
from regions.selectors import cities_for, may_see_personal_data
from subsidies.figures import stuck_before
from subsidies.models import OPEN_STATUSES, BankAccount, BsuFigure, Payment, Recipient, RecipientStatus, ScreeningChange
from subsidies.money import uncollected_at_pos
from subsidies.risk import risk_queue


def recipients_for(user):
    return Recipient.objects.filter(worker__in=workers_for(user).values("pk"))


def bank_accounts_for(user):
    """Bank accounts of the user's workers, each with `shared`: the number is registered for another NIK too."""
    others = BankAccount.objects.filter(account_number=OuterRef("account_number")).exclude(pk=OuterRef("pk"))
    return BankAccount.objects.filter(worker__in=workers_for(user).values("pk")).annotate(shared=Exists(others))


def attention_figures(programme, city_codes, *, stuck_days):
    """BSU figures that call for action in the given regencies/cities (codes from `cities_for`), from the
    pre-aggregated figures: ({(city, status): (recipients held longer than stuck_days, earliest day)},
    {city: recipients whose account is invalid}). One query."""
    stuck = Q(status__in=OPEN_STATUSES, since__lt=stuck_before(stuck_days))
    invalid = Q(status=RecipientStatus.ACCOUNT_INVALID)
    rows = (
        BsuFigure.objects.filter(programme=programme, city_id__in=list(city_codes))
        .filter(stuck | invalid)
        .values_list("city_id", "status")
        .annotate(stuck=Sum("recipients", filter=stuck, default=0), total=Sum("recipients"), oldest=Min("since", filter=stuck))
        .order_by()
    )
    held, accounts = {}, {}
    for city, status, stuck_number, total, oldest in rows:
        if stuck_number:
            held[(city, status)] = (stuck_number, oldest)
        if status == RecipientStatus.ACCOUNT_INVALID:
            accounts[city] = total
    return held, accounts


def shared_accounts_by_city(user, city_codes):
    """{city: bank accounts of the user's workers there whose number is registered for another NIK too}."""
    rows = (
        bank_accounts_for(user)
        .filter(shared=True, worker__city_id__in=list(city_codes))
        .values_list("worker__city_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def screening_changes_for(user):
    """Who entered or left the candidate set at each screening run, among the user's workers (staff of the
    scope; officials see none: the rows name people)."""
    return ScreeningChange.objects.filter(worker__in=workers_for(user).values("pk"))


def payments_for(user):
    """Payments (one per determination) of recipients in the user's regencies/cities; staff only: the
    reconciliation lists recipients by NIK."""
    if not may_see_personal_data(user):
        return Payment.objects.none()
    return Payment.objects.filter(city__in=cities_for(user).values("code"))


def risk_queue_for(user):
    """Recipients of the user's scope with an open account risk signal, with those signals."""
    return risk_queue(recipients_for(user))


def pos_waiting(programme, city_codes):
    """{city: recipients determined through Pos who have not collected yet} in the given regencies/cities
    (codes from `cities_for`): a figure, no names. One query."""
    rows = (
        uncollected_at_pos(programme)
        .filter(city_id__in=list(city_codes))
        .values_list("city_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)
