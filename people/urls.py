from __future__ import annotations

from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("me/notifications/", views.notification_preferences, name="notification_preferences"),
    path("team/", views.team, name="team"),
    path("departments/", views.department_list, name="department_list"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/import/", views.staff_import, name="staff_import"),
    path("staff/import/confirm/", views.staff_import_confirm, name="staff_import_confirm"),
    path("kiosk/", views.kiosk_people, name="kiosk_people"),
    path("kiosk/add/", views.kiosk_person_add, name="kiosk_person_add"),
    path("kiosk/<int:pk>/issue/", views.kiosk_credential_issue, name="kiosk_credential_issue"),
]
