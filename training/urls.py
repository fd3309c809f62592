from __future__ import annotations

from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.my_training, name="mine"),
    path("courses/", views.course_list, name="course_list"),
    path("courses/new/", views.course_create, name="course_create"),
    path("courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("sessions/<int:pk>/attendance/", views.attendance_record, name="attendance"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("enrolments/<int:pk>/cancel/", views.enrolment_cancel, name="enrolment_cancel"),
    path("team/", views.team_status, name="team"),
    path("people/<int:pk>/", views.person_training, name="person_training"),
    path("people/<int:pk>/retraining/", views.retraining_assign, name="retraining"),
    path("people/<int:pk>/completions/new/", views.completion_create, name="completion_create"),
    path("completions/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("completions/<int:pk>/certificate/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("status/", views.status_by_department, name="status"),
    path("status/export.<slug:file_format>", views.status_export, name="status_export"),
]
