"""Departments and people, as the people pages show them, with each person's acknowledgement and
training status.

The pattern for every resource module: a serializer per object, a read-only viewset whose queryset
is what the person may see (the app's own selectors and permissions, never rules of our own), a
filterset whose fields are the list's query parameters, and `extend_schema_view` describing both
actions; the error responses are added to every operation by api.schema.ApiAutoSchema.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.contrib.auth.models import User
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from acknowledgements.models import AcknowledgementRequest, RequestStatus
from people.models import Department, StaffProfile
from people.selectors import department_subtree, managed_by
from training.models import Assignment

from ..base import ID_PATTERN, ReadOnlyViewSet
from ..filters import BooleanFilter
from ..permissions import ApiAccess


def _count(queryset: QuerySet[Any]) -> Coalesce:
    """How many rows of `queryset` (already filtered on `person=OuterRef("pk")`) as a subquery: one
    column of the list's single query, so the count of queries does not grow with the rows."""
    counted = queryset.order_by().values("person").annotate(total=Count("pk")).values("total")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def people_with_status(people: QuerySet[StaffProfile]) -> QuerySet[StaffProfile]:
    """`people` with their user, and the counts of their acknowledgement requests per state and of their
    open and overdue training assignments annotated (`ack_<state>`, `ack_overdue`, `training_open`,
    `training_overdue`)."""
    requests = AcknowledgementRequest.objects.filter(person=OuterRef("pk"))
    assignments = Assignment.objects.filter(person=OuterRef("pk"))
    counts = {f"ack_{state}": _count(requests.filter(status=state)) for state in RequestStatus.values}
    return people.select_related("user").annotate(
        **counts,
        ack_overdue=_count(requests.filter(AcknowledgementRequest.overdue_q())),
        training_open=_count(assignments.open()),
        training_overdue=_count(assignments.filter(Assignment.overdue_q())),
    )


def people_visible_to(user: User) -> QuerySet[StaffProfile]:
    """Whom a person sees on the people pages: everybody with `people.view_organisation`, otherwise
    themselves and their own team (`people.selectors.managed_by`)."""
    if user.has_perm("people.view_organisation"):
        return StaffProfile.objects.all()
    return StaffProfile.objects.filter(Q(user_id=user.pk) | Q(pk__in=managed_by(user).values("pk")))


class SeesOrganisation(BasePermission):
    message = _("You may not see the organisation's departments.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user.has_perm("people.view_organisation"))


class DepartmentSerializer(serializers.ModelSerializer[Department]):
    parent = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=_("The department above, if any.")
    )

    class Meta:
        model = Department
        fields = ["id", "name", "code", "parent"]


class AcknowledgementStatusSerializer(serializers.Serializer[Any]):
    overdue = serializers.IntegerField(help_text=_("Pending requests past their due date."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for state, label in RequestStatus.choices:
            self.fields[state] = serializers.IntegerField(help_text=label)


class TrainingStatusSerializer(serializers.Serializer[Any]):
    open = serializers.IntegerField(help_text=_("Open training assignments."))
    overdue = serializers.IntegerField(help_text=_("Open training assignments past their due date."))


class PersonStatusSerializer(serializers.Serializer[Any]):
    acknowledgements = AcknowledgementStatusSerializer(help_text=_("Acknowledgement requests by state."))
    training = TrainingStatusSerializer()


class PersonSerializer(serializers.ModelSerializer[StaffProfile]):
    name = serializers.CharField(source="full_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    department = serializers.PrimaryKeyRelatedField(read_only=True)
    manager = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=_("The person they report to, if any.")
    )
    language = serializers.CharField(source="preferred_language", read_only=True)
    active = serializers.BooleanField(source="user.is_active", read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = StaffProfile
        fields = [
            "id",
            "employee_id",
            "name",
            "email",
            "department",
            "manager",
            "job_title",
            "language",
            "active",
            "status",
        ]

    @extend_schema_field(PersonStatusSerializer)
    def get_status(self, person: Any) -> dict[str, Any]:
        acknowledgements = {state: getattr(person, f"ack_{state}") for state in RequestStatus.values}
        acknowledgements["overdue"] = person.ack_overdue
        return {
            "acknowledgements": acknowledgements,
            "training": {"open": person.training_open, "overdue": person.training_overdue},
        }


class PersonFilter(django_filters.FilterSet):
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(),
        method="in_department",
        help_text=_("A department's id: its people and those of every department below it."),
    )
    active = BooleanFilter(field_name="user__is_active", help_text=_("Whether the person may sign in."))
    employee_id = django_filters.CharFilter(help_text=_("The employee id, exactly."))

    class Meta:
        model = StaffProfile
        fields = ["department", "active", "employee_id"]

    def in_department(
        self, people: QuerySet[StaffProfile], name: str, department: Department
    ) -> QuerySet[StaffProfile]:
        return people.filter(department_id__in=department_subtree([department.pk]))


@extend_schema_view(
    list=extend_schema(summary=_("List departments"), description=_("Needs the right to see the organisation.")),
    retrieve=extend_schema(summary=_("A department")),
)
class DepartmentViewSet(ReadOnlyViewSet):
    serializer_class = DepartmentSerializer
    permission_classes = [ApiAccess, SeesOrganisation]
    lookup_value_regex = ID_PATTERN
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Department]:
        return Department.objects.order_by("pk")


@extend_schema_view(
    list=extend_schema(
        summary=_("List people"),
        description=_(
            "Everybody for those who may see the organisation; otherwise yourself and the people who report "
            "to you. Each with the counts of their acknowledgement requests and training assignments."
        ),
    ),
    retrieve=extend_schema(summary=_("A person")),
)
class PersonViewSet(ReadOnlyViewSet):
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[StaffProfile]:
        return people_with_status(people_visible_to(self.request.user)).order_by("pk")
