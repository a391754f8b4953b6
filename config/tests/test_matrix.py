"""Role x page matrix, generated from the URL configuration.

Every URL pattern of the project (admin included) must have an entry in EXPECTED: the status code
each role gets, for an object in its scope and, where the URL names an object or a region, for one
outside it. A new URL without an entry fails `test_every_url_has_an_entry`.

Roles (columns, in this order): anonymous, admin, regional (kanwil K1), branch (cabang SKW: Singkawang
and Sambas), official (Kota Singkawang). "In" objects belong to Singkawang (or to the role's own
import job); "out" objects to Balikpapan (kanwil K2, cabang BPN) or to another user's import job.
"""

import datetime as dt
from decimal import Decimal
from importlib import import_module

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from rest_framework.authtoken.models import Token

from commitments.models import Commitment, CommitmentKind, ContributionRate, ScoreAspect, ScoreIndicator, TargetGroup
from commitments.services import scores_refresh
from imports.models import ImportJob
from outreach.models import EmployerReport, Visit
from participants.models import PersonalDataAccess, Worker
from participants.tests.factories import WorkerFactory
from published.models import FlagThreshold, Snapshot
from published.services import month_data, snapshot_create
from rapor.models import KeptRapor
from regions.models import MinimumWage, Office, UcjBand, WorkforceEstimate
from subsidies.models import BankAccount, ExclusionEntry, ExclusionKind, ExclusionList, Recipient, ScreeningRun
from subsidies.services import bsu_screen

pytestmark = pytest.mark.django_db
ROLES = ("anonymous", "admin", "regional", "branch", "official")

ANY = "302 200 200 200 302"  # admin page every staff role may see; officials and anonymous go to the login
ADMIN_ONLY = "302 200 403 403 302"
NOBODY = "302 403 403 403 302"
NOT_STAFF_ADD = "302 200 403 403 302"
STAFF_OUT = "302 200 404 404 302"  # another region's object: 404, like a region page
REDIRECT = "302 302 302 302 302"
APP_INDEX = (
    "admin/^(?P<app_label>auth|django_tasks_database|axes|authtoken|imports|regions|participants|outreach|published|"
    "commitments|subsidies)/$"
)


def admin_model(path, listing, add, change, delete, history, *, scoped, extra=None):
    """The six admin URLs of one model. Scoped models answer 404 for out-of-scope objects."""
    base, obj = f"admin/{path}/", f"admin/{path}/<path:object_id>/"

    def out(codes):
        return STAFF_OUT if scoped else codes

    entries = {
        base: listing,
        base + "add/": add,
        obj + "change/": (change, out(change)),
        obj + "delete/": (delete, out(delete) if delete != NOBODY else "302 403 404 404 302" if scoped else delete),
        obj + "history/": (history, out(history)),
        obj: (REDIRECT, REDIRECT),  # Django redirects /<id>/ to /<id>/change/
    }
    return {**entries, **(extra or {})}


def history_record(path):
    return f"admin/{path}/^([^/]+)/history/([^/]+)/$"


EXPECTED = {
    # one login for every role
    "accounts/login/": "200 302 302 302 302",
    "accounts/logout/": "405 405 405 405 405",  # POST only
    "accounts/password_change/": "302 200 200 200 200",
    "accounts/password_change/done/": "302 200 200 200 200",
    "i18n/setlang/": REDIRECT,  # POST sets the language; GET just goes back
    # dashboards and BSU pages ("in": Kalimantan Barat; "out": Kalimantan Timur, incl. exports)
    "": REDIRECT,  # each role to its home
    "ucj/": ("302 200 200 200 200", "302 200 404 404 404"),
    "ucj/bands.css": "200 200 200 200 200",  # colours only
    "cities/<str:code>/": ("302 200 200 200 200", "302 200 404 404 404"),
    "bsu/": ("302 200 200 200 200", "302 200 404 404 404"),
    "bsu/nik/": "302 200 200 200 404",  # staff only: officials never see names
    # screening runs and who entered or left (NIKs of the scope's workers): staff only
    "bsu/screenings/": "302 200 200 200 404",
    "bsu/screenings/<int:pk>/": "302 200 200 200 404",
    # BSU money: staff only (the reconciliation lists the recipients causing a mismatch by NIK; the queue is
    # personal data), each scoped to the user's cities; officials see the Pos countdown on their city page
    "bsu/batches/": "302 200 200 200 404",
    "bsu/tinjauan/": "302 200 200 200 404",
    "perhatian/": ("302 200 200 200 404", "302 200 404 404 404"),  # staff only: it lists people
    "gap/": ("302 200 200 200 200", "302 200 404 404 404"),  # counts only: officials see their city
    # employer names: staff of the scope; officials only where an admin opted the city in (not here)
    "worklist/": ("302 200 200 200 404", "302 200 404 404 404"),
    # published figures: each role its cities' snapshots (officials: published ones), another region's 404
    "figures/": "302 200 200 200 200",
    "figures/<int:pk>/": ("302 200 200 200 200", "302 200 404 404 404"),
    # read-only API of published figures: a token or a session, else 401 (no redirect); scoped like the pages
    "api/": "401 200 200 200 200",
    "api/schema/": "200 200 200 200 200",  # the OpenAPI document is public: shapes, no figures
    "api/snapshots/": ("401 200 200 200 200", "401 200 200 200 200"),  # ?city= outside the scope: an empty list
    "api/snapshots/<int:pk>/": ("401 200 200 200 200", "401 200 404 404 404"),
    "api/cities/": "401 200 200 200 200",
    "api/cities/<str:code>/": ("401 200 200 200 200", "401 200 404 404 404"),
    # Pemda commitments: the simulator of a city the role sees (officials their own), a commitment's evidence
    "cities/<str:code>/simulasi/": ("302 200 200 200 200", "302 200 404 404 404"),
    "komitmen/<int:pk>/bukti/": ("302 200 200 200 200", "302 200 404 404 404"),
    # the one-page rapor (aggregates only: officials of the city too), its kept monthly files and their download
    "cities/<str:code>/rapor/": ("302 200 200 200 200", "302 200 404 404 404"),
    "cities/<str:code>/rapor/arsip/": ("302 200 200 200 200", "302 200 404 404 404"),
    "rapor/<int:pk>/unduh/": ("302 200 200 200 200", "302 200 404 404 404"),
    # the scorecard of a city the role sees (officials their own); a province's ranking where the role sees a city
    "cities/<str:code>/skor/": ("302 200 200 200 200", "302 200 404 404 404"),
    "provinces/<str:code>/peringkat/": ("302 200 200 200 200", "302 200 404 404 404"),
    # admin site
    "admin/": ANY,
    "admin/login/": "200 302 302 302 200",  # an official gets the form with a refusal
    "admin/logout/": "302 405 405 405 302",  # POST only, for staff
    "admin/password_change/": ANY,
    "admin/password_change/done/": ANY,
    "admin/autocomplete/": "302 403 403 403 302",  # without a field to complete
    "admin/jsi18n/": ANY,
    "admin/r/<path:content_type_id>/<path:object_id>/": "302 404 404 404 302",  # no model has a public URL
    APP_INDEX: ANY,
    "admin/(?P<url>.*)$": "302 404 404 404 302",
    **admin_model("auth/group", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, scoped=False),
    # API tokens: created and revoked by admins only (no role group holds authtoken permissions)
    **admin_model("authtoken/tokenproxy", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, scoped=False),
    **admin_model(
        "auth/user",
        ADMIN_ONLY,
        ADMIN_ONLY,
        ADMIN_ONLY,
        ADMIN_ONLY,
        ADMIN_ONLY,
        scoped=False,
        extra={"admin/auth/user/<id>/password/": (ADMIN_ONLY, ADMIN_ONLY)},
    ),
    **admin_model("django_tasks_database/dbtaskresult", ADMIN_ONLY, NOBODY, ADMIN_ONLY, NOBODY, ADMIN_ONLY, scoped=False),
    **admin_model("axes/accessattempt", ADMIN_ONLY, NOBODY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, scoped=False),
    **admin_model("axes/accesslog", ADMIN_ONLY, NOBODY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, scoped=False),
    **admin_model("axes/accessfailurelog", ADMIN_ONLY, NOBODY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, scoped=False),
    **admin_model("regions/province", ANY, NOT_STAFF_ADD, ANY, ADMIN_ONLY, ANY, scoped=False),
    **admin_model("regions/city", ANY, NOT_STAFF_ADD, ANY, ADMIN_ONLY, ANY, scoped=True),
    **admin_model("regions/office", ANY, NOT_STAFF_ADD, ANY, ADMIN_ONLY, ANY, scoped=True),
    **admin_model("regions/minimumwage", ANY, NOT_STAFF_ADD, ANY, ADMIN_ONLY, ANY, scoped=False),
    **admin_model("regions/ucjband", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, scoped=False),
    "admin/imports/importjob/template/<str:kind_name>.<str:extension>": ANY,  # staff with the kind's import permission
    **admin_model("regions/workforceestimate", ANY, ANY, ANY, ADMIN_ONLY, ANY, scoped=True),
    **admin_model(
        "participants/employer",
        ANY,
        ANY,
        ANY,
        ADMIN_ONLY,
        ANY,
        scoped=True,
        extra={history_record("participants/employer"): (ANY, STAFF_OUT)},
    ),
    **admin_model(
        "participants/worker",
        ANY,
        ANY,
        ANY,
        ADMIN_ONLY,
        ANY,
        scoped=True,
        extra={history_record("participants/worker"): (ANY, STAFF_OUT)},
    ),
    # employer reports name companies: staff of the scope only, never officials
    **admin_model("outreach/employerreport", ANY, ANY, ANY, ADMIN_ONLY, ANY, scoped=True),
    **admin_model(
        "outreach/visit", ANY, ANY, ANY, ADMIN_ONLY, ANY, scoped=True, extra={history_record("outreach/visit"): (ANY, STAFF_OUT)}
    ),
    # commitments: staff of the scope; their reference data (kinds, groups, rates) is the admins'
    **admin_model(
        "commitments/commitment",
        ANY,
        ANY,
        ANY,
        ADMIN_ONLY,
        ANY,
        scoped=True,
        extra={history_record("commitments/commitment"): (ANY, STAFF_OUT)},
    ),
    **admin_model("commitments/commitmentkind", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, scoped=False),
    **admin_model("commitments/targetgroup", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, scoped=False),
    **admin_model("commitments/contributionrate", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, scoped=False),
    # the scorecard's weights and bands: admins
    **admin_model("commitments/scoreaspect", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, scoped=False),
    **admin_model("commitments/scoreindicator", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, scoped=False),
    **admin_model("published/flagthreshold", ADMIN_ONLY, NOBODY, ADMIN_ONLY, NOBODY, ADMIN_ONLY, scoped=False),
    **admin_model("participants/personaldataaccess", ADMIN_ONLY, NOBODY, ADMIN_ONLY, NOBODY, ADMIN_ONLY, scoped=False),
    **admin_model("subsidies/programme", ANY, NOT_STAFF_ADD, ANY, ADMIN_ONLY, ANY, scoped=False),
    # exclusion lists are national (NIKs of people anywhere): admins only
    **admin_model("subsidies/exclusionkind", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, scoped=False),
    **admin_model("subsidies/exclusionlist", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, scoped=False),
    **admin_model("subsidies/exclusionentry", ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, scoped=False),
    **admin_model(
        "subsidies/recipient",
        ANY,
        NOBODY,
        ANY,
        NOBODY,
        ANY,
        scoped=True,
        # a status change is a POST; GET is refused, out of scope is 404 first
        extra={
            "admin/subsidies/recipient/<path:object_id>/transition/": (NOBODY, "302 403 404 404 302"),
            "admin/subsidies/recipient/<path:object_id>/recovery/": (NOBODY, "302 403 404 404 302"),
        },
    ),
    **admin_model(
        "subsidies/bankaccount",
        ANY,
        "302 403 403 200 302",  # account numbers are entered by branch staff only
        ANY,
        ADMIN_ONLY,
        ANY,
        scoped=True,
        extra={history_record("subsidies/bankaccount"): (ANY, STAFF_OUT)},
    ),
    # imports: staff see their own jobs ("in"), another user's job is 404 ("out"); admins see all
    "admin/imports/importjob/": ANY,
    "admin/imports/importjob/add/": REDIRECT,  # to the upload page
    "admin/imports/importjob/upload/": ANY,
    "admin/imports/importjob/<path:object_id>/change/": (REDIRECT, REDIRECT),  # to the job page
    "admin/imports/importjob/<path:object_id>/delete/": (ADMIN_ONLY, ADMIN_ONLY),
    "admin/imports/importjob/<path:object_id>/history/": (ANY, STAFF_OUT),
    "admin/imports/importjob/<path:object_id>/": (ANY, STAFF_OUT),  # served by the job page (numeric ids)
    "admin/imports/importjob/<int:job_id>/": (ANY, STAFF_OUT),
    "admin/imports/importjob/<int:job_id>/progress/": (ANY, STAFF_OUT),
    "admin/imports/importjob/<int:job_id>/rejected.csv": (ANY, STAFF_OUT),
    "admin/imports/importjob/<int:job_id>/confirm/": ("302 404 404 404 302", "302 404 404 404 302"),  # POST only
    "admin/imports/importjob/<int:job_id>/resume/": ("302 404 404 404 302", "302 404 404 404 302"),  # POST only
    "admin/imports/importjob/<int:job_id>/revert/": ("302 404 404 404 302", "302 404 404 404 302"),  # POST only
}


def url_patterns(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def test_every_url_has_an_entry():
    routes = set(url_patterns())
    assert routes - set(EXPECTED) == set(), "a URL without an entry in the role x page matrix"
    assert set(EXPECTED) - routes == set(), "an entry for a URL that no longer exists"


@pytest.fixture
def world(users, bsu, settings):
    """One object per model in Singkawang ("in") and in Balikpapan ("out")."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # as in production
    workers = {
        "in": WorkerFactory(city_code="61.72", nik="6172011508950001", name="Pekerja Dalam"),
        "out": WorkerFactory(city_code="64.71", nik="6471011508950001", name="Pekerja Luar"),
    }
    pkh = ExclusionList.objects.create(code="PKH-2025", kind=ExclusionKind.objects.get(code="PKH"), name="penerima PKH 2025")
    ExclusionEntry.objects.create(exclusion_list=pkh, nik="6471011508950001")
    bsu_screen(programme=bsu)
    for side, worker in workers.items():
        worker.name += " (diubah)"
        worker.save()  # a history record to open
        account = BankAccount.objects.create(worker=worker, bank="BRI", account_number=f"1234567890{len(side)}")
        account.account_name = "x"
        account.save()
        worker.employer.name += " (diubah)"
        worker.employer.save()
    jobs = {
        username: ImportJob.objects.create(
            kind="workers", filename="f.csv", created_by=user, file=f"imports/{username}.csv", size=1, sha256="0" * 64
        )
        for username, user in users.items()
    }
    for code in ("61.72", "64.71"):
        MinimumWage.objects.create(city_id=code, year=2025, amount=Decimal("3000000"))
        WorkforceEstimate.objects.create(city_id=code, year=2025, potential_pu=10, potential_bpu=10)
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="participants.tasks.refresh_figures",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )
    attempt = AccessAttempt.objects.create(username="x", ip_address="10.0.0.1", failures_since_start=1)
    log = AccessLog.objects.create(username="x", ip_address="10.0.0.1", attempt_time=timezone.now())
    failure = AccessFailureLog.objects.create(username="x", ip_address="10.0.0.1", locked_out=False)
    access = PersonalDataAccess.objects.create(user=users["branch"], action="LOOKUP", subject="6172011508950001")
    same = {
        "auth/group": Group.objects.first().pk,
        "auth/user": users["branch"].pk,
        "django_tasks_database/dbtaskresult": task.pk,
        "axes/accessattempt": attempt.pk,
        "axes/accesslog": log.pk,
        "axes/accessfailurelog": failure.pk,
        "regions/province": "61",
        "regions/ucjband": UcjBand.objects.first().pk,
        "participants/personaldataaccess": access.pk,
        "subsidies/programme": bsu.pk,
        "subsidies/exclusionkind": ExclusionKind.objects.get(code="PKH").pk,
        "subsidies/exclusionlist": pkh.pk,
        "subsidies/exclusionentry": pkh.entries.get().pk,
        "published/flagthreshold": FlagThreshold.objects.first().pk,
    }
    by_side = {
        "regions/city": {"in": "61.72", "out": "64.71"},
        "regions/office": {"in": Office.objects.get(code="SKW").pk, "out": Office.objects.get(code="BPN").pk},
        "regions/minimumwage": {s: MinimumWage.objects.get(city_id=c).pk for s, c in (("in", "61.72"), ("out", "64.71"))},
        "regions/workforceestimate": {
            s: WorkforceEstimate.objects.get(city_id=c).pk for s, c in (("in", "61.72"), ("out", "64.71"))
        },
        "participants/worker": {s: w.pk for s, w in workers.items()},
        "participants/employer": {s: w.employer_id for s, w in workers.items()},
        "subsidies/recipient": {s: Recipient.objects.get(worker=w).pk for s, w in workers.items()},
        "subsidies/bankaccount": {s: w.bank_account.pk for s, w in workers.items()},
        "outreach/employerreport": {
            s: EmployerReport.objects.create(
                company_id=f"WLKP-{s}", source="WLKP", name=f"PT {s}", city=w.city, employer=w.employer, reported_workers=5
            ).pk
            for s, w in workers.items()
        },
        "outreach/visit": {s: visit_with_history(w.employer) for s, w in workers.items()},
    }
    snapshots = {side: published_snapshot(code) for side, code in (("in", "61.72"), ("out", "64.71"))}
    commitments = {side: commitment_with_evidence(code) for side, code in (("in", "61.72"), ("out", "64.71"))}
    by_side["commitments/commitment"] = commitments
    same.update(
        {
            "commitments/commitmentkind": CommitmentKind.objects.get(code="apbd").pk,
            "commitments/targetgroup": TargetGroup.objects.first().pk,
            "commitments/contributionrate": ContributionRate.objects.first().pk,
            "commitments/scoreaspect": ScoreAspect.objects.first().pk,
            "commitments/scoreindicator": ScoreIndicator.objects.first().pk,
        }
    )
    return {
        "workers": workers,
        "jobs": jobs,
        "same": same,
        "by_side": by_side,
        "snapshots": snapshots,
        "commitments": commitments,
        "rapor": {side: kept_rapor(code) for side, code in (("in", "61.72"), ("out", "64.71"))},
    }


def kept_rapor(city_code):
    """A kept rapor file of the city (its bytes need not be a real PDF here)."""
    kept = KeptRapor(city_id=city_code, period=dt.date(2025, 5, 1), sha256="0" * 64, size=8, generated_at=timezone.now())
    kept.file.save("rapor.pdf", ContentFile(b"%PDF-1.4"))
    return kept.pk


def commitment_with_evidence(city_code):
    """A commitment of the city with an evidence file and a history record to open."""
    import_module("commitments.migrations.0002_kinds_groups_rate").seed(apps, None)  # flushed by transactional tests
    import_module("commitments.migrations.0004_default_score_weights_and_bands").seed(apps, None)
    commitment = Commitment.objects.create(
        code=f"APBD-{city_code}", city_id=city_code, kind=CommitmentKind.objects.get(code="apbd"), year=2026
    )
    commitment.evidence.save("bukti.pdf", ContentFile(b"%PDF-1.4"))  # saved again: a second history record
    scores_refresh(province_code=city_code.split(".")[0], year=timezone.localdate().year)  # the scorecard's rows
    return commitment.pk


def published_snapshot(code):
    ((_code, data),) = month_data(dt.date(2025, 5, 1), city_codes=[code])
    snapshot = snapshot_create(code=code, period=dt.date(2025, 5, 1), version=1, data=data, user=None)
    Snapshot.objects.filter(pk=snapshot.pk).update(status=Snapshot.Status.PUBLISHED)
    return snapshot.pk


def visit_with_history(employer):
    visit = Visit.objects.create(
        company=employer.npp, city=employer.city, date=dt.date(2025, 6, 2), channel="visit", outcome="follow_up"
    )
    visit.next_step = "Kirim surat"
    visit.save()  # a history record to open
    return visit.pk


def concrete_url(route, side, role, world):
    """The URL to request for a route, an object side ("in"/"out") and a role."""
    query = {"in": "61", "out": "64"}[side]
    fixed = {
        "": "/",
        "ucj/": f"/ucj/?province={query}",
        "bsu/": f"/bsu/?province={query}&_export=csv",
        "bsu/screenings/<int:pk>/": f"/bsu/screenings/{ScreeningRun.objects.first().pk}/?_export=csv",
        "perhatian/": f"/perhatian/?province={query}",
        "gap/": f"/gap/?province={query}&_export=csv",
        "worklist/": f"/worklist/?list=arrears&city={'61.72' if side == 'in' else '64.71'}&_export=csv",
        "cities/<str:code>/": "/cities/61.72/" if side == "in" else "/cities/64.71/",
        "cities/<str:code>/simulasi/": "/cities/61.72/simulasi/?workers=10" if side == "in" else "/cities/64.71/simulasi/",
        "komitmen/<int:pk>/bukti/": f"/komitmen/{world['commitments'][side]}/bukti/",
        "cities/<str:code>/rapor/": "/cities/61.72/rapor/?format=pdf" if side == "in" else "/cities/64.71/rapor/?format=pdf",
        "cities/<str:code>/rapor/arsip/": "/cities/61.72/rapor/arsip/" if side == "in" else "/cities/64.71/rapor/arsip/",
        "rapor/<int:pk>/unduh/": f"/rapor/{world['rapor'][side]}/unduh/",
        "cities/<str:code>/skor/": "/cities/61.72/skor/" if side == "in" else "/cities/64.71/skor/",
        "provinces/<str:code>/peringkat/": "/provinces/61/peringkat/" if side == "in" else "/provinces/64/peringkat/",
        "figures/<int:pk>/": f"/figures/{world['snapshots'][side]}/",
        "api/snapshots/": f"/api/snapshots/?city={'61.72' if side == 'in' else '64.71'}",
        "api/snapshots/<int:pk>/": f"/api/snapshots/{world['snapshots'][side]}/",
        "api/cities/<str:code>/": "/api/cities/61.72/" if side == "in" else "/api/cities/64.71/",
        "admin/r/<path:content_type_id>/<path:object_id>/": (
            f"/admin/r/{ContentType.objects.get_for_model(Worker).pk}/{world['workers']['in'].pk}/"
        ),
        APP_INDEX: "/admin/regions/",
        "admin/(?P<url>.*)$": "/admin/tidak-ada/",
        "admin/imports/importjob/template/<str:kind_name>.<str:extension>": "/admin/imports/importjob/template/workers.csv",
    }
    if route in fixed:
        return fixed[route]
    if "<" not in route and "^" not in route:
        return "/" + route
    if route.startswith("admin/imports/importjob/"):
        own = world["jobs"].get(role, world["jobs"]["branch"])
        job = own if side == "in" else world["jobs"]["other_branch"]
        return "/" + route.replace("<path:object_id>", str(job.pk)).replace("<int:job_id>", str(job.pk))
    if route.startswith("admin/authtoken/tokenproxy/<"):  # the token admin names a token by its user's id
        holder = world["jobs"]["official"].created_by
        Token.objects.get_or_create(user=holder)
        return "/" + route.replace("<path:object_id>", str(holder.pk))
    model = "/".join(route.split("/")[1:3])
    pk = world["same"][model] if model in world["same"] else world["by_side"][model][side]
    if "^([^/]+)/history/([^/]+)/$" in route:
        model_class = ContentType.objects.get_by_natural_key(*model.split("/")).model_class()
        history_id = model_class.history.filter(id=pk).latest().history_id
        return f"/admin/{model}/{pk}/history/{history_id}/"
    return "/" + route.replace("<path:object_id>", str(pk)).replace("<id>", str(pk))


@pytest.mark.parametrize("route", sorted(EXPECTED))
def test_role_by_page(route, world, users, client):
    expected = EXPECTED[route]
    sides = {"in": expected} if isinstance(expected, str) else dict(zip(("in", "out"), expected, strict=True))
    failures = []
    for side, codes in sides.items():
        for role, code in zip(ROLES, map(int, codes.split()), strict=True):
            client.logout()
            if role != "anonymous":
                client.force_login(users[role])
            url = concrete_url(route, side, role, world)
            status = client.get(url).status_code
            if status != code:
                failures.append(f"{role} {side} {url}: {status}, expected {code}")
    assert not failures, "\n".join(failures)


def test_out_of_scope_exports_answer_404(world, users, login):
    for user in ("regional", "branch", "official"):
        client = login(users[user])
        for url in (
            "/ucj/?province=64&_export=csv",
            "/ucj/?province=64&_export=xlsx",
            "/bsu/?province=64&_export=xlsx",
            "/gap/?province=64&_export=xlsx",
        ):
            assert client.get(url).status_code == 404, (user, url)
        assert client.get("/cities/64.71/?_export=csv").status_code == 404
