"""The scoping selector: which regencies/cities a user may see. Every other scoped query starts here."""

from django.db.models import Q

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


def city_groups(grouping, cities, user):
    """[(code, name, filter parameter, [city codes])] of the filtered cities (code, name, province
    tuples) grouped per province, per kanwil or per branch office the user may see."""
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
    return sorted(groups)
