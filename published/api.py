"""Read-only JSON API of published figures (/api/), for data systems such as Pemda dashboards and Satu Data.

Only PUBLISHED snapshots, every version, scoped like the pages: each queryset starts from
`published.selectors.snapshots_for` (or `regions.selectors.cities_for`), so an official's token sees its own city
and anything else answers 404. The serializers describe the frozen `Snapshot.data` field by field, so the
OpenAPI document that drf-spectacular generates from them (/api/schema/, checked in as docs/openapi.yaml) shows
the real shapes. Field names and schema descriptions are English: the checked-in document must not depend on
the reader's language.
"""

import logging
import re

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.routers import APIRootView

from published.models import Snapshot, SnapshotStep
from published.selectors import snapshots_for
from published.services import period_of
from published.views import FLAG_TEXTS
from regions.selectors import cities_for
from subsidies.models import RecipientStatus

logger = logging.getLogger("jangkau.api")
S = Snapshot.Status
PERCENT_HELP = "A percentage as a decimal string with '.' and two decimals (e.g. \"22.78\"); null when unknown."
LOGGED_PARAMETERS = ("city", "period", "programme", "page", "page_size")
LOGGABLE_VALUE = re.compile(r"[\w.-]{1,12}")
# The data-quality flags (codes of published.services.flags), described for the OpenAPI document.
FLAG_DESCRIPTIONS = {
    "deactivation": "More than the threshold percent of active participants left in the month.",
    "no_estimate": "The regency/city has no workforce estimate.",
    "old_estimate": "The workforce estimate is from an earlier year than the figures.",
    "over_potential": "More active participants than the estimated workforce.",
    "zscore": "The month's net change is unusual (modified z-score above the threshold).",
}
FLAG_CODES = [(code, FLAG_DESCRIPTIONS[code]) for code in sorted(FLAG_TEXTS)]


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """The `Authorization: Bearer KEY` scheme in the OpenAPI document, beside DRF's `Token KEY` one."""

    target_class = "published.api_base.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "The same API token as `Authorization: Token KEY`."}


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2025-06"})
class MonthField(serializers.Field):
    """A month as YYYY-MM (from a date or the frozen text)."""

    def to_representation(self, value):
        return value if isinstance(value, str) else f"{value:%Y-%m}"


def percent_field(help_text=PERCENT_HELP, **kwargs):
    return serializers.CharField(allow_null=True, help_text=help_text, **kwargs)


class UcjSerializer(serializers.Serializer):
    active_pu = serializers.IntegerField(help_text="Active wage-earner (PU) participants on the as-of date.")
    active_bpu = serializers.IntegerField(help_text="Active non-wage-earner (BPU) participants on the as-of date.")
    active_total = serializers.IntegerField(help_text="active_pu + active_bpu.")
    potential_pu = serializers.IntegerField(allow_null=True, help_text="Estimated PU workforce; null without an estimate.")
    potential_bpu = serializers.IntegerField(allow_null=True, help_text="Estimated BPU workforce; null without an estimate.")
    potential_total = serializers.IntegerField(allow_null=True, help_text="potential_pu + potential_bpu.")
    potential_source = serializers.CharField(allow_null=True, help_text="Where the workforce estimate comes from.")
    potential_year = serializers.IntegerField(allow_null=True, help_text="The year of the workforce estimate.")
    target_percent = percent_field("The UCJ target for the year, as a percentage string; null without one.")
    ucj_percent = percent_field("UCJ: active_total / potential_total x 100, rounded half-up to two decimals.")
    ucj_pu_percent = percent_field("active_pu / potential_pu x 100, rounded half-up to two decimals.")
    ucj_bpu_percent = percent_field("active_bpu / potential_bpu x 100, rounded half-up to two decimals.")
    active_12m_ago = serializers.IntegerField(allow_null=True, help_text="active_total twelve months before the as-of date.")


# One count per recipient status, named like the columns of the /bsu/ export; a status nobody holds is 0.
BsuCountsSerializer = type(
    "BsuCountsSerializer",
    (serializers.Serializer,),
    {
        status.value.lower(): serializers.IntegerField(
            source=status.value, default=0, read_only=True, help_text=f"Recipients whose status was {status.value} at close."
        )
        for status in RecipientStatus
    },
)


class BsuSerializer(serializers.Serializer):
    programme = serializers.CharField(help_text="The BSU programme's code, e.g. BSU-2025.")
    amount_each = serializers.IntegerField(help_text="Rupiah paid to each recipient.")
    counts = BsuCountsSerializer(help_text="Recipients per status at close.")
    recipients = serializers.IntegerField(help_text="Every recipient but those screened out.")
    amount_disbursed = serializers.IntegerField(help_text="Rupiah disbursed: disbursed x amount_each.")
    disbursed_percent = percent_field("disbursed / recipients x 100, rounded half-up to two decimals.")


class MovementSerializer(serializers.Serializer):
    """Why UCJ moved since the previous month's snapshot. Counts: joins - leaves + moves = the change of active
    participants, per segment. Percentage points: numerator_pp + denominator_pp = delta_pp, and
    joins_pp + leaves_pp + moves_pp = numerator_pp."""

    previous_id = serializers.IntegerField(help_text="The snapshot compared with (it may not be published).")
    previous_version = serializers.IntegerField()
    previous_as_of = serializers.DateField()
    joins_pu = serializers.IntegerField()
    leaves_pu = serializers.IntegerField()
    moves_pu = serializers.IntegerField(help_text="Segment moves between PU and BPU and late corrections.")
    joins_bpu = serializers.IntegerField()
    leaves_bpu = serializers.IntegerField()
    moves_bpu = serializers.IntegerField()
    active_before = serializers.IntegerField()
    active_after = serializers.IntegerField()
    delta_active = serializers.IntegerField()
    potential_before = serializers.IntegerField(allow_null=True)
    potential_after = serializers.IntegerField(allow_null=True)
    delta_potential = serializers.IntegerField(allow_null=True)
    ucj_before = percent_field()
    ucj_after = percent_field()
    delta_pp = percent_field("Change of UCJ in percentage points; null without a potential on either side.")
    numerator_pp = percent_field("The part of delta_pp due to active participants (the numerator).")
    denominator_pp = percent_field("The part of delta_pp due to a new workforce estimate (the denominator).")
    joins_pp = percent_field("Joins, in percentage points.")
    leaves_pp = percent_field("Leaves, in percentage points (negative).")
    moves_pp = percent_field("Moves and corrections, in percentage points.")


class FlagSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=FLAG_CODES, help_text="The data-quality check that flagged the month.")
    value = serializers.CharField(allow_null=True, help_text="The measured value (z-score, percent, count or year).")


class SnapshotSerializer(serializers.Serializer):
    """One published version of one regency/city's figures for one month, as frozen at close."""

    id = serializers.IntegerField(help_text="Stable id; the same version at /figures/<id>/.")
    city_code = serializers.CharField(source="city_id", help_text="Regency/city code (Kemendagri), e.g. 61.72.")
    city_name = serializers.CharField(source="data.city.name")
    province_code = serializers.CharField(source="data.city.province_code")
    period = MonthField(source="data.period", help_text="The month, YYYY-MM.")
    version = serializers.IntegerField(help_text="1, then 2, 3, ... for each reopening of the month.")
    as_of = serializers.DateField(help_text="The day the figures are counted at (the month's last day).")
    content_hash = serializers.CharField(help_text="SHA-256 of the frozen figures (canonical JSON).")
    published_at = serializers.DateTimeField(allow_null=True, help_text="When the version was published.")
    ucj = UcjSerializer(source="data.ucj")
    bsu = serializers.SerializerMethodField(help_text="BSU figures per programme (only `programme` when asked for).")
    movement = MovementSerializer(source="data.movement", allow_null=True, help_text="Null for a city's first month.")
    flags = FlagSerializer(source="data.flags", many=True, help_text="Data-quality flags computed at close.")

    @extend_schema_field(BsuSerializer(many=True))
    def get_bsu(self, snapshot):
        programme = self.context.get("programme")
        rows = [row for row in snapshot.data["bsu"] if programme is None or row["programme"] == programme]
        return BsuSerializer(rows, many=True).data


class CitySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Regency/city code (Kemendagri), e.g. 61.72.")
    name = serializers.CharField()
    province_code = serializers.CharField(source="province_id")
    latest_snapshot_id = serializers.IntegerField(allow_null=True, help_text="The latest published snapshot.")
    latest_period = MonthField(allow_null=True, help_text="Its month, YYYY-MM; null before a first publication.")


def published_snapshots(user):
    """The published snapshots the user may see, each with when it was published."""
    published_at = SnapshotStep.objects.filter(snapshot=OuterRef("pk"), action=SnapshotStep.Action.PUBLISHED).order_by("-at")
    return (
        snapshots_for(user)
        .filter(status=S.PUBLISHED)
        .annotate(published_at=Subquery(published_at.values("at")[:1]))
        .order_by("-period", "city_id", "-version")
    )


def _authentication(request):
    authenticator = request.successful_authenticator
    if isinstance(authenticator, TokenAuthentication):
        return "token"
    return "session" if isinstance(authenticator, SessionAuthentication) else "-"


def _logged_path(request):
    """The path and the API's own query parameters (values that look like codes only): nothing personal."""
    query = [
        f"{name}={value if LOGGABLE_VALUE.fullmatch(value) else '?'}"
        for name in LOGGED_PARAMETERS
        if (value := request.query_params.get(name)) is not None
    ]
    return request.path + ("?" + "&".join(query) if query else "")


class LoggedMixin:
    """Logs every API answer like a page view: who (the user's id), what (method, path, status) and, through
    the log record's time, when. Never a name, a token or anything else personal."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        user = request.user
        logger.info(
            "api user=%s auth=%s %s %s %s",
            user.pk if user is not None and user.is_authenticated else "-",
            _authentication(request),
            request.method,
            _logged_path(request),
            response.status_code,
        )
        return response


class ApiRootView(LoggedMixin, APIRootView):
    """The API's entry point: links to its lists."""


class SchemaView(LoggedMixin, SpectacularAPIView):
    """The OpenAPI 3 document (YAML; `?format=json` for JSON). Public: it describes shapes, never figures."""


@extend_schema_view(
    list=extend_schema(
        summary="Published snapshots",
        description="Every published version of the figures of the regencies/cities the token's user may see, "
        "newest month first (per city: highest version first).",
        parameters=[
            OpenApiParameter("city", OpenApiTypes.STR, description="Only this regency/city code, e.g. 61.72."),
            OpenApiParameter("period", OpenApiTypes.STR, description="Only this month, YYYY-MM.", pattern=r"^\d{4}-\d{2}$"),
            OpenApiParameter("programme", OpenApiTypes.STR, description="Only this BSU programme in `bsu`, e.g. BSU-2025."),
        ],
    ),
    retrieve=extend_schema(
        summary="One published snapshot",
        description="404 when the snapshot is not published or its regency/city is outside the user's scope.",
        parameters=[OpenApiParameter("programme", OpenApiTypes.STR, description="Only this BSU programme in `bsu`.")],
    ),
)
class SnapshotViewSet(LoggedMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = SnapshotSerializer
    lookup_value_converter = "int"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Snapshot.objects.none()
        snapshots = published_snapshots(self.request.user)
        if self.action != "list":
            return snapshots
        params = self.request.query_params
        if city := params.get("city"):
            snapshots = snapshots.filter(city_id=city)
        if period := params.get("period"):
            try:
                snapshots = snapshots.filter(period=period_of(period))
            except ValueError:
                raise ValidationError({"period": [_("Periode harus berformat TTTT-BB, mis. 2025-06.")]}) from None
        return snapshots

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "programme": self.request.query_params.get("programme") or None}


@extend_schema_view(
    list=extend_schema(summary="Regencies/cities", description="The regencies/cities the token's user may see."),
    retrieve=extend_schema(summary="One regency/city", description="404 outside the user's scope."),
)
class CityViewSet(LoggedMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CitySerializer
    lookup_field = "code"
    lookup_value_converter = "str"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return cities_for(None)
        user = self.request.user
        latest = published_snapshots(user).filter(city_id=OuterRef("code"))
        return (
            cities_for(user)
            .annotate(latest_snapshot_id=Subquery(latest.values("pk")[:1]), latest_period=Subquery(latest.values("period")[:1]))
            .order_by("code")
        )
