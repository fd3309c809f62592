"""Acknowledgement requests (and waiving one), signatures with their chain fields, and a version's figures.

A caller sees what the portal shows them: their own requests and signatures, their team's when they manage
one, everyone's for compliance (`acknowledgements.selectors.requests_readable_by`, `signatures_visible_to`);
a version's figures as the compliance dashboard counts them, for those who may open it. Waiving goes through
`acknowledgements.services.request_waive`, with the waive page's permission check and its audit event.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet, Value
from django.db.models.expressions import Combinable
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from acknowledgements import selectors, services
from acknowledgements.access import get_published_version_for_user, get_request_for_user
from acknowledgements.chain import HASHED_FIELDS, UtcText, hashed_timestamp
from acknowledgements.chain_format import KIOSK_FIELDS
from acknowledgements.models import AcknowledgementRequest, RequestStatus, Signature
from people.selectors import department_subtree, full_name

from ..base import ID_PATTERN, DeclaredParametersMixin, JsonPagesViewSet, ReadOnlyViewSet
from ..filters import BooleanFilter, FilterSet, IdFilter, MomentFilter
from ..permissions import requires

WAIVE = "acknowledgements.waive_acknowledgementrequest"

# ---------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------


class AcknowledgementRequestSerializer(serializers.ModelSerializer[AcknowledgementRequest]):
    person_name = serializers.CharField(read_only=True, help_text=gettext_lazy("The person's full name."))
    department = serializers.IntegerField(
        source="department_id", read_only=True, allow_null=True, help_text=gettext_lazy("The person's department.")
    )
    document = serializers.IntegerField(
        source="document_id", read_only=True, help_text=gettext_lazy("The document of the version.")
    )
    status = serializers.ChoiceField(
        choices=RequestStatus.choices,
        read_only=True,
        help_text=gettext_lazy(
            "Where the request stands: pending, or where it ended — signed, waived, superseded (replaced by a "
            "newer version before signing), withdrawn (the document was retired) or left (the person left the "
            "audience)."
        ),
    )
    overdue = serializers.BooleanField(
        source="is_overdue",
        read_only=True,
        help_text=gettext_lazy("Still pending after its due date (organisation's time zone)."),
    )
    waived_by = serializers.CharField(
        source="waived_by_username",
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("The username of who waived it, if it was."),
    )
    signature = serializers.IntegerField(
        source="signature_pk",
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("The signature's id, once signed."),
    )

    class Meta:
        model = AcknowledgementRequest
        fields = [
            "id",
            "person",
            "person_name",
            "department",
            "version",
            "document",
            "status",
            "overdue",
            "due_date",
            "created_at",
            "first_opened_at",
            "resolved_at",
            "waived_by",
            "waiver_reason",
            "signature",
        ]
        read_only_fields = fields


class RequestFilter(FilterSet):
    version = IdFilter(field_name="version_id", help_text=gettext_lazy("A version's id."))
    person = IdFilter(field_name="person_id", help_text=gettext_lazy("A person's id."))
    department = IdFilter(
        method="in_department",
        help_text=gettext_lazy("A department's id: the requests of its people and of its sub-departments' people."),
    )
    state = filters.ChoiceFilter(
        field_name="status", choices=RequestStatus.choices, help_text=gettext_lazy("The requests in this state.")
    )
    due_after = filters.DateFilter(
        field_name="due_date", lookup_expr="gte", help_text=gettext_lazy("Due on or after this date.")
    )
    due_before = filters.DateFilter(
        field_name="due_date", lookup_expr="lte", help_text=gettext_lazy("Due on or before this date.")
    )
    overdue = BooleanFilter(
        method="by_overdue",
        help_text=gettext_lazy("true: only the overdue requests (pending past their due date); false: all the others."),
    )

    class Meta:
        model = AcknowledgementRequest
        fields: list[str] = []

    def in_department(
        self, requests: QuerySet[AcknowledgementRequest], name: str, value: int
    ) -> QuerySet[AcknowledgementRequest]:
        # One query for the department tree.
        return requests.filter(person__department_id__in=department_subtree([int(value)]))

    def by_overdue(
        self, requests: QuerySet[AcknowledgementRequest], name: str, value: bool
    ) -> QuerySet[AcknowledgementRequest]:
        overdue = AcknowledgementRequest.overdue_q(on=timezone.localdate())
        return requests.filter(overdue) if value else requests.exclude(overdue)


class TextField(serializers.CharField):
    """Text only: DRF's CharField would take a number or a boolean as its text."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class WaiveSerializer(serializers.Serializer[Any]):
    reason = TextField(
        max_length=2000,
        help_text=gettext_lazy("Why the person is excused (leave, exemption): it is kept in the record."),
        error_messages={"blank": gettext_lazy("Give the reason for the waiver; it is kept in the record.")},
    )


def _request_rows(requests: QuerySet[AcknowledgementRequest]) -> QuerySet[AcknowledgementRequest]:
    """Everything a request's row shows, read with it in one query."""
    return requests.annotate(
        person_name=full_name("person"),
        department_id=F("person__department_id"),
        document_id=F("version__document_id"),
        waived_by_username=F("waived_by__username"),
        signature_pk=F("signature__id"),
    )


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List acknowledgement requests"),
        description=gettext_lazy(
            "The requests you may read: your own; your team's if you manage one; everyone's for compliance. "
            "Every state is listed (filter with `state`). Pages in id order."
        ),
    ),
    retrieve=extend_schema(summary=gettext_lazy("An acknowledgement request")),
)
class AcknowledgementRequestViewSet(ReadOnlyViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = AcknowledgementRequestSerializer
    filterset_class = RequestFilter

    def get_queryset(self) -> QuerySet[AcknowledgementRequest]:
        # Queries: the page of requests, with the person's name and department, the document, who waived it
        # and the signature's id joined in.
        return _request_rows(selectors.requests_readable_by(self.request.user))

    @extend_schema(
        summary=gettext_lazy("Waive a request"),
        description=gettext_lazy(
            "Excuse the person from a pending request, with a reason (kept in the record and the audit log), as "
            "the dashboard's Waive button does. Needs the permission to waive and a request you oversee; a "
            "read-only token is refused. A request that is no longer pending answers 409 conflict."
        ),
        request=WaiveSerializer,
        responses={200: AcknowledgementRequestSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=requires(WAIVE))
    def waive(self, request: Request, pk: str | None = None) -> Response:
        ack_request = get_request_for_user(request.user, int(pk or 0))
        payload = WaiveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        # A request no longer pending is refused as a Conflict: 409 (api.errors).
        services.request_waive(ack_request=ack_request, actor=request.user, reason=payload.validated_data["reason"])
        return Response(
            self.get_serializer(_request_rows(AcknowledgementRequest.objects.all()).get(pk=ack_request.pk)).data
        )


# ---------------------------------------------------------------------------
# Signatures
# ---------------------------------------------------------------------------

HASHED_TIME_HELP = gettext_lazy("UTC, with microseconds, exactly as the record hash covers it.")


class HashedTimestampField(serializers.DateTimeField):
    """A moment written as the record hash covers it (UTC ISO 8601 with microseconds)."""

    def to_representation(self, value: Any) -> str | None:
        return hashed_timestamp(value)


VERIFY_HELP = gettext_lazy(
    "Each signature is one record of a hash chain. To check a record: make the JSON array of its fields "
    "[sequence, request, person, version, signed_at, statement, typed_name_commitment, ip_address_commitment, "
    "user_agent_commitment, content_hash, first_opened_at, previous_hash], the values exactly as given here (null "
    "where null), "
    "written compactly in UTF-8 without escaping other characters (Python: json.dumps(fields, "
    'ensure_ascii=False, separators=(",", ":"))); its SHA-256 in hex is the record_hash. Each record\'s '
    "previous_hash is the record_hash of the record with the sequence before it (64 zeros for the first), so "
    "an edited, removed or inserted record breaks the chain after it. The record hash covers the typed name, IP "
    "address and browser through their commitments (keyed hashes only the portal can recompute), so that a "
    "leaver's can be replaced by a pseudonym once their retention ends while the chain still verifies. The "
    "content_hash is the hash of the text "
    "the signer read, in the record's language (a field the record hash does not cover, but the content hash "
    "does): the signed version's content_hash (GET /api/v1/versions/{id}/), which you can recompute from its "
    "sections, when they read the version in its own language; else the content hash of its published "
    "translation into that language, which covers the language with the text. The portal "
    "also seals every record and the chain's length with a key the database does not hold; compliance checks "
    'those seals on the Verify page. A record signed at a kiosk (method "kiosk") has three more fields at the '
    "end of the array: its method, witness and device."
)


COMMITMENT_HELP = gettext_lazy(
    "What the record hash covers in place of the personal field it names: a keyed hash of its value (64 hex "
    "characters), which stays when the value is replaced by a pseudonym."
)


class SignatureSerializer(serializers.ModelSerializer[Signature]):
    sequence = serializers.IntegerField(
        read_only=True, help_text=gettext_lazy("The record's place in the chain: 1, 2, 3… in signing order.")
    )
    person_name = serializers.CharField(read_only=True, help_text=gettext_lazy("The signer's full name (not hashed)."))
    signed_at = HashedTimestampField(read_only=True, help_text=HASHED_TIME_HELP)
    first_opened_at = HashedTimestampField(
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("When the signer first opened the version; UTC with microseconds, or null."),
    )
    statement = serializers.CharField(read_only=True, help_text=gettext_lazy("The statement the signer agreed to."))
    typed_name = serializers.CharField(
        read_only=True,
        help_text=gettext_lazy("The name the signer typed; their pseudonym (anon-…) once their retention ended."),
    )
    typed_name_commitment = serializers.CharField(read_only=True, help_text=COMMITMENT_HELP)
    ip_address_commitment = serializers.CharField(read_only=True, help_text=COMMITMENT_HELP)
    user_agent_commitment = serializers.CharField(read_only=True, help_text=COMMITMENT_HELP)
    content_hash = serializers.CharField(
        read_only=True, help_text=gettext_lazy("The content hash of the exact text the signer was shown.")
    )
    language = serializers.CharField(
        read_only=True,
        help_text=gettext_lazy(
            "The language of the text the signer read (en, ro…): the version's own, or one of its published "
            "translations. The content_hash is that text's."
        ),
    )
    previous_hash = serializers.CharField(
        read_only=True,
        help_text=gettext_lazy("The record_hash of the record before in sequence; 64 zeros for the first record."),
    )
    record_hash = serializers.CharField(
        read_only=True, help_text=gettext_lazy("SHA-256 of this record's hashed fields: see the description.")
    )
    ip_address = serializers.IPAddressField(
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy(
            "The address the signature was made from; null when unknown, or when your roles do not show it "
            "(they show it to those who see everyone's acknowledgements, as the exports do)."
        ),
    )
    user_agent = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("The signer's browser, as it named itself; null when your roles do not show it."),
    )

    def to_representation(self, instance: Signature) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self.context.get("shows_network", False):
            data["ip_address"] = data["user_agent"] = None
        return data

    class Meta:
        model = Signature
        fields = [
            "id",
            "sequence",
            "request",
            "person",
            "person_name",
            "version",
            "signed_at",
            "statement",
            "typed_name",
            "ip_address",
            "user_agent",
            "typed_name_commitment",
            "ip_address_commitment",
            "user_agent_commitment",
            "content_hash",
            "language",
            "first_opened_at",
            "previous_hash",
            "record_hash",
            "method",
            "witness",
            "device",
        ]
        read_only_fields = fields


# The hashed fields, in the order the record hash covers them, by the names the API gives them.
API_HASHED_FIELDS = tuple(name.removesuffix("_id") for name in HASHED_FIELDS)
# And, after them, those of a record signed at a kiosk.
API_KIOSK_FIELDS = tuple(name.removesuffix("_id") for name in KIOSK_FIELDS)


class SignatureFilter(FilterSet):
    version = IdFilter(field_name="version_id", help_text=gettext_lazy("A version's id."))
    person = IdFilter(field_name="person_id", help_text=gettext_lazy("A person's id."))
    signed_after = MomentFilter(
        field_name="signed_at", lookup_expr="gte", help_text=gettext_lazy("Signed at or after this moment (ISO 8601).")
    )
    signed_before = MomentFilter(
        field_name="signed_at", lookup_expr="lt", help_text=gettext_lazy("Signed before this moment (ISO 8601).")
    )

    class Meta:
        model = Signature
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List signatures"),
        description=gettext_lazy(
            "The signatures you may read: your own; your team's if you manage one; everyone's for compliance. "
            "Pages in id order, which is the chain's order."
        )
        + " "
        + VERIFY_HELP,
    ),
    retrieve=extend_schema(summary=gettext_lazy("A signature"), description=VERIFY_HELP),
)
class SignatureViewSet(JsonPagesViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = SignatureSerializer
    filterset_class = SignatureFilter

    def get_queryset(self) -> QuerySet[Signature]:
        # Queries: the page of signatures, with the signer's name computed in the same query (and in the list,
        # each row written as JSON by it). No related objects: a warehouse copies the signatures 1,000 a
        # page, and the five per row that the selector joins for the receipts cost more than everything else.
        return (
            selectors.signatures_visible_to(self.request.user)
            .select_related(None)
            .annotate(person_name=full_name("person"))
        )

    def get_serializer_context(self) -> dict[str, Any]:
        # A signer's address and browser are shown where the pages show them: in compliance's exports.
        return {
            **super().get_serializer_context(),
            "shows_network": selectors.sees_all_acknowledgements(self.request.user),
        }

    def row_sql(self, serializer: serializers.Serializer[Any]) -> dict[str, Combinable]:
        # The moments as hashed_timestamp() writes them; the address as Django reads it (inet's text); both
        # network fields null where the serializer hides them.
        shows_network = serializer.context["shows_network"]
        return {
            "signed_at": UtcText(F("signed_at")),
            "first_opened_at": UtcText(F("first_opened_at")),
            "ip_address": F("ip_address") if shows_network else Value(None),
            "user_agent": F("user_agent") if shows_network else Value(None),
        }


# ---------------------------------------------------------------------------
# A version's figures
# ---------------------------------------------------------------------------


class CountsSerializer(serializers.Serializer[Any]):
    asked = serializers.IntegerField(help_text=gettext_lazy("Everyone asked: the sum of the six states."))
    signed = serializers.IntegerField()
    waived = serializers.IntegerField()
    replaced = serializers.IntegerField(help_text=gettext_lazy("Replaced by a newer version before signing."))
    withdrawn = serializers.IntegerField(help_text=gettext_lazy("The document was retired before signing."))
    left = serializers.IntegerField(help_text=gettext_lazy("The person left the audience before signing."))
    pending = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text=gettext_lazy("Among the pending: those past their due date."))
    expected = serializers.IntegerField(
        help_text=gettext_lazy("The signatures still expected: asked − waived − withdrawn − left.")
    )
    percent_signed = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("signed ÷ expected, in percent to one decimal; null when none.")
    )


class DepartmentCountsSerializer(CountsSerializer):
    department = serializers.IntegerField(source="person__department_id", allow_null=True)
    name = serializers.CharField(source="person__department__name", allow_null=True)
    code = serializers.CharField(source="person__department__code", allow_null=True)


class VersionFiguresSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField()
    everyone = serializers.BooleanField(
        help_text=gettext_lazy("Whether the figures count everyone asked (compliance) or only your team (a manager).")
    )
    totals = CountsSerializer()
    by_department = DepartmentCountsSerializer(many=True)


class VersionFiguresView(DeclaredParametersMixin, GenericAPIView):
    pagination_class = None
    serializer_class = VersionFiguresSerializer

    @extend_schema(
        summary=gettext_lazy("A version's figures"),
        description=gettext_lazy(
            "How many were asked to acknowledge the version and where each request stands, overall and by "
            "department, counted as the compliance dashboard counts them: for compliance everyone asked, for a "
            "manager their team. The six states sum to `asked`."
        ),
        responses=VersionFiguresSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        # Queries: the version, then one aggregate for the totals and one for the departments.
        version = get_published_version_for_user(request.user, pk)
        requests = selectors.requests_visible_to(request.user).filter(version=version)
        body = {
            "version": version.pk,
            "everyone": selectors.sees_all_acknowledgements(request.user),
            "totals": selectors.totals(requests),
            "by_department": selectors.by_department(requests),
        }
        return Response(VersionFiguresSerializer(body).data)
