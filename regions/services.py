"""Writes for regions and access: role groups and user accounts."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from regions.models import Access, City, Office

# Django model permissions each role's group carries in the admin back office; scope narrows them further.
_REFERENCE_VIEW = [
    "regions.view_province",
    "regions.view_city",
    "regions.view_office",
    "regions.view_minimumwage",
    "regions.view_workforceestimate",
    "subsidies.view_programme",
    "subsidies.view_recipient",
    "subsidies.view_statuschange",
]
_PARTICIPANT_EDIT = [
    "participants.view_employer",
    "participants.add_employer",
    "participants.change_employer",
    "participants.view_worker",
    "participants.add_worker",
    "participants.change_worker",
    "regions.add_workforceestimate",
    "regions.change_workforceestimate",
    "subsidies.change_recipient",  # the bsu_results import
    "subsidies.view_bankaccount",
    "outreach.view_employerreport",
    "outreach.add_employerreport",  # the employer_reports import
    "outreach.change_employerreport",
    "outreach.view_visit",
    "outreach.add_visit",  # also the visits import
    "outreach.change_visit",
]
# Pemda commitments of the scope's regencies/cities (and the commitments import); a province's are read only.
_COMMITMENT_EDIT = ["commitments.view_commitment", "commitments.add_commitment", "commitments.change_commitment"]
# Account numbers are entered (form or bank_accounts import) by branch staff only, who see them in full;
# regional staff see them masked and must not be able to rewrite where a subsidy is paid.
_ACCOUNT_EDIT = ["subsidies.add_bankaccount", "subsidies.change_bankaccount"]
ROLE_PERMISSIONS = {
    Access.Role.REGIONAL: _REFERENCE_VIEW + _PARTICIPANT_EDIT + _COMMITMENT_EDIT,
    Access.Role.BRANCH: _REFERENCE_VIEW + _PARTICIPANT_EDIT + _COMMITMENT_EDIT + _ACCOUNT_EDIT,
    Access.Role.OFFICIAL: [],
}


def role_groups_sync():
    """Creates or updates one Django group per role with its permissions."""
    groups = {}
    for role, codes in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        perms = []
        for code in codes:
            app_label, codename = code.split(".")
            perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(perms)
        groups[role] = group
    return groups


def _resolve_scope(role, scope_code):
    if role == Access.Role.ADMIN:
        if scope_code:
            raise ValidationError(_("Peran admin tidak memakai cakupan."))
        return {}
    if not scope_code:
        raise ValidationError(_("Peran %(role)s wajib punya cakupan (--scope).") % {"role": role})
    if role == Access.Role.OFFICIAL:
        city = City.objects.filter(code=scope_code).first()
        if city is None:
            raise ValidationError(_("Kabupaten/kota dengan kode %(code)s tidak ada.") % {"code": scope_code})
        return {"city": city}
    kind = Office.Kind.KANWIL if role == Access.Role.REGIONAL else Office.Kind.CABANG
    office = Office.objects.filter(code=scope_code, kind=kind).first()
    if office is None:
        raise ValidationError(_("%(kind)s dengan kode %(code)s tidak ada.") % {"kind": kind.label, "code": scope_code})
    return {"office": office}


@transaction.atomic
def user_create(*, username, role, scope_code=None, password=None, update=False):
    """Creates (or with update=True re-applies) a user with a role and scope; returns (user, created)."""
    role = Access.Role(role)
    scope = _resolve_scope(role, scope_code)
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is not None and not update:
        raise ValidationError(_("Pengguna %(username)s sudah ada.") % {"username": username})
    created = user is None
    if created:
        user = user_model(username=username)
    user.is_staff = role != Access.Role.OFFICIAL
    user.is_superuser = role == Access.Role.ADMIN
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.save()
    groups = role_groups_sync()
    user.groups.set([groups[role]] if role in groups else [])
    Access.objects.update_or_create(user=user, defaults={"role": role, "office": scope.get("office"), "city": scope.get("city")})
    return user, created
