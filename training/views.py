from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import DomainError
from common.http import AuthenticatedHttpRequest
from common.pagination import paginate, query_without_page
from common.pdf import render_pdf
from common.permissions import permission_required
from common.replica import reads_from_replica
from common.views import attempt, safe_next
from people.selectors import profile_of

from . import exports, selectors
from .access import (
    get_completion_for_user,
    get_course_for_user,
    get_enrolment_for_user,
    get_person_for_user,
    get_report_for_user,
    get_session_for_user,
)
from .certificates import certificate_of
from .forms import AttendanceForm, CompletionForm, CourseForm, EnrolForm, RetrainingForm, SessionForm, StatusFilterForm
from .models import TrainingSession
from .services import assignments, completions, courses, reports, sessions

EXPORT_FORMATS = ("csv", "xlsx")


# ---------------------------------------------------------------------------
# My training
# ---------------------------------------------------------------------------


@require_GET
@permission_required("training.view_course")
def my_training(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open assignments, upcoming sessions with seats left, and the person's completions."""
    person = profile_of(request.user)
    context: dict[str, Any] = {"person": person, "upcoming_limit": selectors.UPCOMING_LIMIT}
    if person is not None:
        context.update(
            assignments=list(selectors.open_assignments_of(person)),
            sessions=list(selectors.upcoming_sessions_for(person)[: selectors.UPCOMING_LIMIT]),
            page=paginate(request, selectors.completions_of(person)),
        )
    return render(request, "training/my_training.html", context)


@require_POST
@permission_required("training.view_course")
def enrol(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Enrol oneself, or (with a `person` in the form) someone who reports to the signed-in manager."""
    session = get_session_for_user(request.user, pk)
    person_id = request.POST.get("person", "")
    if person_id and not person_id.isdigit():
        raise Http404(_("There is no such person."))
    person = get_report_for_user(request.user, int(person_id)) if person_id else profile_of(request.user)
    if person is None:
        raise PermissionDenied(_("Your account has no staff profile, so it cannot be enrolled."))
    try:
        sessions.enrolment_create(session=session, person=person, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        when = timezone.localtime(session.starts_at)
        messages.success(
            request,
            _("%(name)s is enrolled in “%(course)s” on %(day)s at %(time)s.")
            % {
                "name": person.full_name,
                "course": session.course.title,
                "day": formats.date_format(when, "DATE_FORMAT"),
                "time": formats.time_format(when, "TIME_FORMAT"),
            },
        )
    return redirect(safe_next(request, reverse("training:mine")))


@require_POST
@permission_required("training.view_course")
def enrolment_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrolment = get_enrolment_for_user(request.user, pk)
    attempt(
        request,
        lambda: sessions.enrolment_cancel(enrolment=enrolment, actor=request.user),
        _("The enrolment is cancelled and the seat is free for someone else."),
    )
    return redirect(safe_next(request, reverse("training:mine")))


# ---------------------------------------------------------------------------
# Courses
# ---------------------------------------------------------------------------


@require_GET
@permission_required("training.view_course")
def course_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {"page": paginate(request, selectors.course_list(request.user)), "query": query_without_page(request)}
    return render(request, "training/course_list.html", context)


def _course_arguments(form: CourseForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "description": data["description"],
        "document": data["document"],
        "sections": data["sections"],
        "refresher_interval_months": data["refresher_interval_months"],
        "audience_departments": data["audience_departments"],
        "is_mandatory": data["is_mandatory"],
        "is_active": data["is_active"],
    }


@require_http_methods(["GET", "POST"])
@permission_required("training.add_course")
def course_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = courses.course_create(actor=request.user, **_course_arguments(form))
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Course created. Plan its first session."))
            return redirect("training:course_detail", course.pk)
    return render(request, "training/course_form.html", {"form": form})


@require_GET
@permission_required("training.view_course")
def course_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    course = get_course_for_user(request.user, pk)
    context = {
        "course": course,
        "sections": list(course.sections.select_related("version").order_by("position")),
        "departments": list(course.audience_departments.all()),
        "page": paginate(request, selectors.sessions_of(course)),
        "query": query_without_page(request),
        "can_see_sessions": request.user.has_perm("training.view_trainingsession"),
    }
    return render(request, "training/course_detail.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("training.change_course")
def course_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    course = get_course_for_user(request.user, pk, for_edit=True)
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        try:
            courses.course_update(course=course, actor=request.user, **_course_arguments(form))
        except DomainError as error:
            form.add_error(None, error.message)
            course.refresh_from_db()
        else:
            messages.success(request, _("Course saved."))
            return redirect("training:course_detail", course.pk)
    return render(request, "training/course_form.html", {"form": form, "course": course})


# ---------------------------------------------------------------------------
# Sessions and attendance
# ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("training.add_trainingsession")
def session_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial = {"course": request.GET.get("course")} if request.GET.get("course", "").isdigit() else {}
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session = sessions.session_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Session planned. Staff can now enrol in it."))
            return redirect("training:session_detail", session.pk)
    return render(request, "training/session_form.html", {"form": form})


def _session_page(
    request: AuthenticatedHttpRequest,
    session: TrainingSession,
    *,
    attendance_form: AttendanceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    enrolments = selectors.enrolments_of(session, viewer=request.user)
    rows = list(enrolments)
    if attendance_form is None:
        attendance_form = AttendanceForm(
            enrolments=enrolments,
            initial={"present": [row.pk for row in rows if row.attended or getattr(row, "completed", False)]},
        )
    reports = selectors.reports_to_enrol(request.user, session)
    taken: int = session.taken  # type: ignore[attr-defined]  # annotated by get_session_for_user
    context = {
        "session": session,
        "course": session.course,
        "enrolments": rows,
        # The seats count everyone enrolled, though the list shows only the viewer's people.
        "others_enrolled": taken - len(rows),
        "seats_left": max(session.capacity - taken, 0),
        "can_cancel": selectors.can_cancel_session(request.user, session),
        "attendance_form": attendance_form,
        "present_ids": {str(value) for value in attendance_form["present"].value() or []},
        "attendance_open": session.has_started and not session.cancelled,
        "enrol_form": EnrolForm(people=reports) if reports is not None else None,
        "next": request.get_full_path(),
    }
    return render(request, "training/session_detail.html", context, status=status)


@require_GET
@permission_required("training.view_trainingsession")
def session_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _session_page(request, get_session_for_user(request.user, pk))


@require_POST
@permission_required("training.add_completion")
def attendance_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The attendance form of a session: one tick per enrolled person, one submit."""
    session = get_session_for_user(request.user, pk)
    form = AttendanceForm(request.POST, enrolments=selectors.enrolments_of(session, viewer=request.user))
    if not form.is_valid():
        return _session_page(request, session, attendance_form=form, status=400)
    try:
        made = sessions.attendance_record(session=session, actor=request.user, attended_ids=form.attended_ids())
    except DomainError as error:
        messages.error(request, error.message)
        return _session_page(request, session, attendance_form=form, status=400)
    present, completed = len(form.attended_ids()), len(made)
    # Two counts, each with its own plural (Romanian has three forms): each is a phrase of its own.
    messages.success(
        request,
        _("Attendance recorded: %(present)s, %(completed)s.")
        % {
            "present": ngettext("%(count)s present", "%(count)s present", present) % {"count": present},
            "completed": ngettext("%(count)s new completion", "%(count)s new completions", completed)
            % {"count": completed},
        },
    )
    return redirect("training:session_detail", session.pk)


@require_POST
@permission_required("training.change_trainingsession")
def session_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    attempt(
        request,
        lambda: sessions.session_cancel(session=session, actor=request.user),
        _("The session is cancelled. Let the people enrolled know."),
    )
    return redirect("training:session_detail", session.pk)


# ---------------------------------------------------------------------------
# A manager's team, a person's training, retraining
# ---------------------------------------------------------------------------


@require_GET
@permission_required("people.view_team")
@reads_from_replica
def team_status(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in manager's team, each person with their open, overdue and completed assignments."""
    return render(request, "training/team.html", {"page": paginate(request, selectors.team_status(request.user))})


@require_GET
@permission_required("training.view_course")
def person_training(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A person's assignments and completions, for their manager or compliance."""
    staff = get_person_for_user(request.user, pk)
    context = {
        "staff": staff,
        "page": paginate(request, selectors.assignments_of(staff)),
        "query": query_without_page(request),
        "completions": paginate(request, selectors.completions_of(staff), parameter="completions_page"),
        "can_assign_retraining": selectors.can_assign_retraining_to(request.user, staff),
        "can_record_completion": request.user.has_perm("training.add_completion"),
    }
    return render(request, "training/person.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("training.assign_retraining")
def retraining_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    staff = get_person_for_user(request.user, pk)
    if not selectors.can_assign_retraining_to(request.user, staff):
        raise PermissionDenied(_("You may assign retraining only to the people who report to you."))
    form = RetrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = partial(assignments.retraining_assign, person=staff, actor=request.user, **form.cleaned_data)
        if attempt(request, action, _("Retraining assigned to %(name)s.") % {"name": staff.full_name}):
            return redirect("training:person_training", staff.pk)
    return render(request, "training/retraining_form.html", {"form": form, "staff": staff})


@require_http_methods(["GET", "POST"])
@permission_required("training.add_completion")
def completion_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a completion by hand, from evidence other than a session's attendance."""
    staff = get_person_for_user(request.user, pk)
    form = CompletionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = partial(completions.completion_record, person=staff, actor=request.user, **form.cleaned_data)
        if attempt(request, action, _("Completion recorded for %(name)s.") % {"name": staff.full_name}):
            return redirect("training:person_training", staff.pk)
    return render(request, "training/completion_form.html", {"form": form, "staff": staff})


# ---------------------------------------------------------------------------
# Certificates of completion
# ---------------------------------------------------------------------------


@require_GET
def certificate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The certificate of a completion, for the person, their manager and compliance (`get_completion_for_user`)."""
    completion = get_completion_for_user(request.user, pk)
    return render(request, "training/certificate.html", {"certificate": certificate_of(completion)})


@require_GET
def certificate_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    completion = get_completion_for_user(request.user, pk)
    certificate = certificate_of(completion)
    response = HttpResponse(
        render_pdf("training/certificate_pdf.html", {"certificate": certificate}), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.number}.pdf"'
    return response


# ---------------------------------------------------------------------------
# Compliance: status by department, drill-down, exports
# ---------------------------------------------------------------------------


@require_GET
@permission_required("training.view_training_status")
@reads_from_replica
def status_by_department(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everyone's training by department (open, overdue, completed, cancelled), and the filtered drill-down list."""
    form = StatusFilterForm(request.GET or None)
    filters = form.filters() if request.GET else selectors.Filters()
    departments = selectors.status_by_department(filters)
    context = {
        "form": form,
        "query": query_without_page(request),
        "departments": departments,
        "totals": selectors.status_totals(departments),
        "page": paginate(request, selectors.status_rows(filters)),
        "state": filters.status,
    }
    return render(request, "training/status.html", context)


@require_GET
@permission_required("training.view_training_status")
@reads_from_replica
def status_export(request: AuthenticatedHttpRequest, file_format: str) -> HttpResponseBase:
    """The drill-down's rows, with the same filters, as CSV or XLSX; each export is in the audit log."""
    if file_format not in EXPORT_FORMATS:
        raise Http404(_("There is no such export."))
    form = StatusFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return HttpResponseBadRequest(_("The filters are not valid: %(errors)s") % {"errors": form.errors.as_text()})
    filters = form.filters() if request.GET else selectors.Filters()
    rows = selectors.status_rows(filters)
    reports.status_export_record(
        actor=request.user, file_format=file_format, rows=rows.count(), filters=filters.as_details()
    )
    export = exports.export_of(filters)
    filename = f"training-status-{filters.status}-{timezone.localdate().isoformat()}.{file_format}"
    if file_format == "csv":
        return export.csv_response(rows, filename=filename)
    return export.xlsx_response(rows, filename=filename)
