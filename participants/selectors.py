"""Scoped reads of employers and workers."""

from django.db.models import Q

from participants.models import Employer, Worker
from regions.selectors import cities_for, may_see_personal_data


def active_on(as_of):
    """Membership active at a date: member_since <= as_of and member_until empty or >= as_of."""
    return Q(member_since__lte=as_of) & (Q(member_until__isnull=True) | Q(member_until__gte=as_of))


def employers_for(user):
    if not may_see_personal_data(user):
        return Employer.objects.none()
    return Employer.objects.filter(city__in=cities_for(user).values("code"))


def workers_for(user):
    if not may_see_personal_data(user):
        return Worker.objects.none()
    return Worker.objects.filter(city__in=cities_for(user).values("code"))
