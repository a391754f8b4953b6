"""The scoping selector: which regencies/cities a user may see. Every other scoped query starts here."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _

from regions.models import Access, City, Office, Province


def access_of(user):
    """The user's Access row, or None. Superusers without one count as admins."""
    if not user or not user.is_authenticated or not user.is_active:
        return None
    try:
        return user.access
    except Access.DoesNotExist:
        return None


def role_of(user):
    access = access_of(user)
    if access is not None:
        return access.role
    if user and user.is_authenticated and user.is_active and user.is_superuser:
        return Access.Role.ADMIN
    return None


def cities_for(user):
    """Regencies/cities the user may see: admin all, kanwil its branches' cities, cabang its own, official one."""
    role = role_of(user)
    cities = City.objects.select_related("province")
    if role == Access.Role.ADMIN:
        return cities.all()
    access = access_of(user)
    if role == Access.Role.REGIONAL:
        return cities.filter(offices__parent_id=access.office_id).distinct()
    if role == Access.Role.BRANCH:
        return cities.filter(offices__id=access.office_id).distinct()
    if role == Access.Role.OFFICIAL:
        return cities.filter(code=access.city_id)
    return cities.none()


def offices_for(user):
    """Offices the user may see: admin all, kanwil itself and its branches, cabang itself."""
    role = role_of(user)
    access = access_of(user)
    if role == Access.Role.ADMIN:
        return Office.objects.all()
    if role == Access.Role.REGIONAL:
        return Office.objects.filter(Q(pk=access.office_id) | Q(parent_id=access.office_id))
    if role == Access.Role.BRANCH:
        return Office.objects.filter(pk=access.office_id)
    return Office.objects.none()


def may_see_personal_data(user):
    """Officials see figures only; staff see names and NIKs of their scope."""
    return role_of(user) in {Access.Role.ADMIN, Access.Role.REGIONAL, Access.Role.BRANCH}


GROUPINGS = ("province", "kanwil", "office")
# Codes of the groups of cities in no office group: served by no office of the kind ("without"), or only by
# offices the user may not see ("outside", e.g. a branch grouping per kanwil). Neither has a filter parameter.
# Plain letters: an export writes a code starting with "-" or "+" as text ("'-"), like a formula.
UNSERVED_GROUP = "TANPA"
OUTSIDE_GROUP = "LUAR"


def city_groups(grouping, cities, user):
    """[(code, name, filter parameter, [city codes])] of the filtered cities (code, name, province
    tuples) grouped per province, per kanwil or per branch office the user may see. A city served by two
    offices is in both groups; cities in no office group the user may see come last, in a group of their own,
    so that the groups together hold every filtered city."""
    codes = {code for code, _name, _province in cities}
    groups = []
    if grouping == "province":
        names = dict(Province.objects.values_list("code", "name"))
        members = {}
        for code, _name, province_code in cities:
            members.setdefault(province_code, []).append(code)
        groups = [(p, names[p], "province", m) for p, m in members.items()]
    elif grouping in ("kanwil", "office"):
        kind = Office.Kind.KANWIL if grouping == "kanwil" else Office.Kind.CABANG
        served = City.objects.filter(code__in=codes)
        offices = offices_for(user).filter(kind=kind)
        pairs = (
            served.filter(offices__parent__in=offices).values_list("offices__parent__code", "offices__parent__name", "code")
            if grouping == "kanwil"
            else served.filter(offices__in=offices).values_list("offices__code", "offices__name", "code")
        )
        members = {}
        for office_code, office_name, code in pairs:
            members.setdefault((office_code, office_name), set()).add(code)
        groups = [(c, n, "office", sorted(m)) for (c, n), m in members.items()]
        grouped = set().union(*members.values())
        return sorted(groups) + _ungrouped(grouping, sorted(codes - grouped))
    return sorted(groups)


def _ungrouped(grouping, codes):
    """The groups of the cities in no kanwil/office group: served by no office of that kind at all, or only by
    offices outside the user's scope. Empty groups are left out."""
    if not codes:
        return []
    served = Q(offices__parent__isnull=False) if grouping == "kanwil" else Q(offices__kind=Office.Kind.CABANG)
    outside = set(City.objects.filter(served, code__in=codes).values_list("code", flat=True))
    if grouping == "kanwil":
        names = (_("Tanpa kantor wilayah"), _("Kantor wilayah di luar cakupan Anda"))
    else:
        names = (_("Tanpa kantor cabang"), _("Kantor cabang di luar cakupan Anda"))
    groups = [
        (UNSERVED_GROUP, names[0], None, [code for code in codes if code not in outside]),
        (OUTSIDE_GROUP, names[1], None, [code for code in codes if code in outside]),
    ]
    return [group for group in groups if group[3]]


def officers_for(user):
    """Active staff accounts of the user's offices (who may be named as the officer of a visit)."""
    users = get_user_model().objects.filter(is_active=True)
    if role_of(user) == Access.Role.ADMIN:
        staff = [Access.Role.ADMIN, Access.Role.REGIONAL, Access.Role.BRANCH]
        return users.filter(Q(is_superuser=True) | Q(access__role__in=staff))
    return users.filter(access__office__in=offices_for(user))
