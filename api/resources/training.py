"""Training: courses, assignments and completions as the training pages show them, and completions
recorded by an LMS.

What a person sees is what the portal shows them (`training.selectors`): compliance everyone's
assignments and completions, anyone else their own and their team's; courses for all who may see
training, inactive ones only to those who may change courses. A completion is recorded through
`training.services.completions.completion_get_or_record`, with the permission, team rule and audit
event of the "Record completion" page; the LMS's own id for it (`external_id`) makes a retry safe.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from people.models import Department, StaffProfile
from people.selectors import department_subtree
from training import selectors
from training.models import (
    MAX_EXTERNAL_ID_LENGTH,
    MAX_SCORE,
    Assignment,
    AssignmentReason,
    AssignmentStatus,
    Completion,
    Course,
)
from training.services.completions import completion_get_or_record

from ..base import ID_PATTERN, ListsFromReplica, ReadOnlyViewSet, ViewSet
from ..filters import BooleanFilter, FilterSet, IdFilter
from ..permissions import ApiAccess

# The longest evidence note the "Record completion" form takes.
MAX_EVIDENCE_LENGTH = 2000


class SeesTraining(BasePermission):
    """Reading needs the right to see training (every role has it); recording a completion needs the
    right to record one, as on its page."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if getattr(view, "action", None) == "create":
            self.message = gettext_lazy("You may not record training completions.")
            return bool(request.user.has_perm("training.add_completion"))
        self.message = gettext_lazy("You may not see training.")
        return bool(request.user.has_perm("training.view_course"))


# ---------------------------------------------------------------------------
# Courses
# ---------------------------------------------------------------------------


class CourseSerializer(serializers.ModelSerializer[Course]):
    document = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=gettext_lazy("The code document the course teaches, if any.")
    )
    sections = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text=gettext_lazy("The code sections the course teaches.")
    )
    audience_departments = serializers.PrimaryKeyRelatedField(
        many=True,
        read_only=True,
        help_text=gettext_lazy("The departments (with those below them) the course is for; empty for all staff."),
    )
    mandatory = serializers.BooleanField(source="is_mandatory", read_only=True)
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "title",
            "description",
            "document",
            "sections",
            "refresher_interval_months",
            "audience_departments",
            "mandatory",
            "active",
            "created_at",
        ]


class CourseFilter(FilterSet):
    active = BooleanFilter(field_name="is_active", help_text=gettext_lazy("Whether the course is active."))
    mandatory = BooleanFilter(
        field_name="is_mandatory", help_text=gettext_lazy("Whether its audience is assigned the course.")
    )

    class Meta:
        model = Course
        fields = ["active", "mandatory"]


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List courses"),
        description=gettext_lazy(
            "Active courses; inactive ones too for those who may change courses. Each with the code sections "
            "it teaches and the departments it is for."
        ),
    ),
    retrieve=extend_schema(summary=gettext_lazy("A course")),
)
class CourseViewSet(ReadOnlyViewSet):
    serializer_class = CourseSerializer
    filterset_class = CourseFilter
    permission_classes = [ApiAccess, SeesTraining]
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Course]:
        courses = Course.objects.prefetch_related("sections", "audience_departments")
        if not self.request.user.has_perm("training.change_course"):
            courses = courses.filter(is_active=True)
        return courses.order_by("pk")


# ---------------------------------------------------------------------------
# Assignments
# ---------------------------------------------------------------------------


class AssignmentSerializer(serializers.ModelSerializer[Assignment]):
    person = serializers.PrimaryKeyRelatedField(read_only=True)
    course = serializers.PrimaryKeyRelatedField(read_only=True)
    overdue = serializers.BooleanField(
        source="is_overdue", read_only=True, help_text=gettext_lazy("Still open after its due date.")
    )
    assigned_by = serializers.IntegerField(
        source="assigned_by_person",
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("The person who assigned it (retraining); empty when the portal did."),
    )
    completion = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=gettext_lazy("The completion that closed it, if any.")
    )

    class Meta:
        model = Assignment
        fields = [
            "id",
            "person",
            "course",
            "reason",
            "note",
            "due_date",
            "status",
            "overdue",
            "assigned_by",
            "created_at",
            "completed_at",
            "completion",
        ]


class AssignmentFilter(FilterSet):
    course = IdFilter(field_name="course_id", help_text=gettext_lazy("A course's id."))
    person = IdFilter(field_name="person_id", help_text=gettext_lazy("A person's id."))
    department = django_filters.ModelChoiceFilter(
        field_name="person__department",
        queryset=Department.objects.all(),
        method="in_department",
        help_text=gettext_lazy("A department's id: its people's assignments and those of every department below it."),
    )
    status = django_filters.ChoiceFilter(choices=AssignmentStatus.choices)
    reason = django_filters.ChoiceFilter(choices=AssignmentReason.choices)
    due_after = django_filters.DateFilter(
        field_name="due_date", lookup_expr="gte", help_text=gettext_lazy("Due on this day or later.")
    )
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", help_text=gettext_lazy("Due on this day or earlier.")
    )
    overdue = BooleanFilter(method="is_overdue", help_text=gettext_lazy("Open and past the due date, or not."))

    class Meta:
        model = Assignment
        fields = ["course", "person", "department", "status", "reason", "due_after", "due_before", "overdue"]

    def in_department(self, assignments: QuerySet[Assignment], name: str, department: Department) -> Any:
        return assignments.filter(person__department_id__in=department_subtree([department.pk]))

    def is_overdue(self, assignments: QuerySet[Assignment], name: str, overdue: bool) -> Any:
        late = Assignment.overdue_q()
        return assignments.filter(late) if overdue else assignments.exclude(late)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List training assignments"),
        description=gettext_lazy(
            "Everyone's for those who oversee training; otherwise your own and those of the people who report "
            "to you. An assignment is open until completed or cancelled; `overdue` when open past its due date."
        ),
    ),
    retrieve=extend_schema(summary=gettext_lazy("A training assignment")),
)
class AssignmentViewSet(ReadOnlyViewSet):
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    permission_classes = [ApiAccess, SeesTraining]
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Assignment]:
        return (
            selectors.assignments_visible_to(self.request.user)
            .annotate(assigned_by_person=F("assigned_by__profile__id"))
            .order_by("pk")
        )


# ---------------------------------------------------------------------------
# Completions
# ---------------------------------------------------------------------------


class CompletionSerializer(serializers.ModelSerializer[Completion]):
    person = serializers.PrimaryKeyRelatedField(read_only=True)
    course = serializers.PrimaryKeyRelatedField(read_only=True)
    session = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=gettext_lazy("The session it was earned at, if any.")
    )
    recorded_by = serializers.IntegerField(
        source="recorded_by_person",
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("The person who recorded it (empty for an account without a staff profile)."),
    )

    class Meta:
        model = Completion
        fields = [
            "id",
            "person",
            "course",
            "completed_on",
            "score",
            "evidence_note",
            "session",
            "external_id",
            "recorded_by",
            "created_at",
        ]


def _completions(user: Any) -> QuerySet[Completion]:
    return selectors.completions_visible_to(user).annotate(recorded_by_person=F("recorded_by__profile__id"))


class VisiblePeople:
    """For a related field naming a person: only the people whose training the caller may see; anyone
    else is unknown to them (400), as on the training pages (404)."""

    context: dict[str, Any]

    def get_queryset(self) -> QuerySet[StaffProfile]:
        return selectors.people_visible_to(self.context["request"].user)


class PersonField(VisiblePeople, serializers.PrimaryKeyRelatedField[StaffProfile]):
    pass


class EmployeeIdField(VisiblePeople, serializers.SlugRelatedField[StaffProfile]):
    pass


class CompletionCreateSerializer(serializers.Serializer[Any]):
    """What an LMS sends: the course, the person (by id or employee id), the day, the score and its own id."""

    course = serializers.PrimaryKeyRelatedField(queryset=Course.objects.all(), help_text=gettext_lazy("A course's id."))
    person = PersonField(
        queryset=StaffProfile.objects.all(),
        required=False,
        help_text=gettext_lazy("The person's id; or give `employee_id` instead."),
    )
    employee_id = EmployeeIdField(
        slug_field="employee_id",
        queryset=StaffProfile.objects.all(),
        required=False,
        help_text=gettext_lazy("The person's employee id, instead of `person`."),
    )
    completed_on = serializers.DateField(help_text=gettext_lazy("The day the course was completed; not in the future."))
    score = serializers.IntegerField(
        min_value=0, max_value=MAX_SCORE, allow_null=True, required=False, default=None, help_text="%"
    )
    external_id = serializers.CharField(
        max_length=MAX_EXTERNAL_ID_LENGTH,
        help_text=gettext_lazy(
            "The LMS's own id for this completion. Sent again with the same details, the completion on record "
            "is answered (200) and nothing changes; with other details, it is refused (409)."
        ),
    )
    evidence_note = serializers.CharField(
        max_length=MAX_EVIDENCE_LENGTH, required=False, allow_blank=True, default="", help_text=gettext_lazy("Evidence")
    )

    def validate_completed_on(self, completed_on: Any) -> Any:
        if completed_on > timezone.localdate():
            raise serializers.ValidationError(_("A completion cannot be dated in the future."))
        return completed_on

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        by_id, by_employee_id = attrs.pop("person", None), attrs.pop("employee_id", None)
        if (by_id is None) == (by_employee_id is None):
            raise serializers.ValidationError(
                {"person": [_("Give the person's id or their employee id, one of the two.")]}
            )
        attrs["person"] = by_id or by_employee_id
        return attrs


class CompletionFilter(FilterSet):
    course = IdFilter(field_name="course_id", help_text=gettext_lazy("A course's id."))
    person = IdFilter(field_name="person_id", help_text=gettext_lazy("A person's id."))
    completed_after = django_filters.DateFilter(
        field_name="completed_on", lookup_expr="gte", help_text=gettext_lazy("Completed on this day or later.")
    )
    completed_before = django_filters.DateFilter(
        field_name="completed_on", lookup_expr="lte", help_text=gettext_lazy("Completed on this day or earlier.")
    )
    external_id = django_filters.CharFilter(help_text=gettext_lazy("The LMS's id of the completion, exactly."))

    class Meta:
        model = Completion
        fields = ["course", "person", "completed_after", "completed_before", "external_id"]


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List training completions"),
        description=gettext_lazy(
            "Everyone's for those who oversee training; otherwise your own and those of the people who report "
            "to you; the latest recorded last."
        ),
    ),
    retrieve=extend_schema(summary=gettext_lazy("A training completion")),
    create=extend_schema(
        summary=gettext_lazy("Record a completion (from an LMS)"),
        description=gettext_lazy(
            "Records that a person completed a course, as the “Record completion” page does: it closes "
            "their open assignment for the course and sets the next refresher. Needs the right to record "
            "completions, for a person in your team (or anyone, if you oversee training). Idempotent by "
            "`external_id`: the same completion sent again answers 200 with the completion on record; the same "
            "id with another person, course, date or score is refused with 409 `conflict`."
        ),
        request=CompletionCreateSerializer,
        responses={
            201: OpenApiResponse(CompletionSerializer, description=gettext_lazy("Recorded.")),
            200: OpenApiResponse(
                CompletionSerializer, description=gettext_lazy("Recorded before under this external id.")
            ),
        },
    ),
)
class CompletionViewSet(
    ListsFromReplica, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ViewSet
):
    serializer_class = CompletionSerializer
    filterset_class = CompletionFilter
    permission_classes = [ApiAccess, SeesTraining]
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Completion]:
        return _completions(self.request.user).order_by("pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = CompletionCreateSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        completion, created = completion_get_or_record(actor=request.user, **incoming.validated_data)
        # Read back as the list shows it, so that a replay answers the very body of the first answer.
        body = CompletionSerializer(_completions(request.user).get(pk=completion.pk)).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
