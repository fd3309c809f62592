"""The actions training records in the audit log (audit/actions.py). Codes are stored: never rename one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.actions import register

COURSE_CREATE = register("training.course.create", _("Course created"))
COURSE_UPDATE = register("training.course.update", _("Course changed"))
SESSION_CREATE = register("training.session.create", _("Session planned"))
SESSION_CANCEL = register("training.session.cancel", _("Session cancelled"))
ASSIGNMENT_CREATE_FOR_COURSE = register("training.assignment.create_for_course", _("Course assigned to its audience"))
ASSIGNMENT_RETRAINING = register("training.assignment.retraining", _("Retraining assigned"))
ASSIGNMENT_CANCEL = register("training.assignment.cancel", _("Assignment cancelled"))
ENROLMENT_CREATE = register("training.enrolment.create", _("Seat booked in a session"))
ENROLMENT_CANCEL = register("training.enrolment.cancel", _("Seat given up"))
COMPLETION_RECORD = register("training.completion.record", _("Completion recorded"))
ATTENDANCE_RECORD = register("training.attendance.record", _("Attendance recorded"))
EXPORT = register("training.export", _("Training status exported"))
