"""Scoped reads of BSU records: everything starts from the workers the user may see."""

from django.db.models import Exists, OuterRef

from participants.selectors import workers_for
from subsidies.models import BankAccount, Recipient


def recipients_for(user):
    return Recipient.objects.filter(worker__in=workers_for(user).values("pk"))


def bank_accounts_for(user):
    """Bank accounts of the user's workers, each with `shared`: the number is registered for another NIK too."""
    others = BankAccount.objects.filter(account_number=OuterRef("account_number")).exclude(pk=OuterRef("pk"))
    return BankAccount.objects.filter(worker__in=workers_for(user).values("pk")).annotate(shared=Exists(others))
