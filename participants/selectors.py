"""Scoped reads of employers and workers."""

from django.db.models import Count, Q

from participants.models import Employer, Worker
from regions.selectors import cities_for, may_see_personal_data


def active_on(as_of, prefix=""):
    """Membership active at a date: member_since <= as_of and member_until empty or >= as_of."""
    return Q(**{f"{prefix}member_since__lte": as_of}) & (
        Q(**{f"{prefix}member_until__isnull": True}) | Q(**{f"{prefix}member_until__gte": as_of})
    )


def employers_for(user):
    if not may_see_personal_data(user):
        return Employer.objects.none()
    return Employer.objects.filter(city__in=cities_for(user).values("code"))


def workers_for(user):
    if not may_see_personal_data(user):
        return Worker.objects.none()
    return Worker.objects.filter(city__in=cities_for(user).values("code"))


def largest_employers(user, *, city, as_of, limit=10):
    """Employers with the most participants of `city` active at as_of (staff of the scope only)."""
    active = workers_for(user).filter(active_on(as_of), city=city, employer__isnull=False)
    ranked = (
        active.values_list("employer__npp", "employer__name")
        .annotate(active=Count("id"))
        .order_by("-active", "employer__npp")[:limit]
    )
    return [(Employer(npp=npp, name=name), total) for npp, name, total in ranked]
