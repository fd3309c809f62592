from __future__ import annotations

from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("<int:pk>/open/", views.notification_open, name="notification_open"),
    path("read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("campaigns/<int:version_id>/remind/", views.campaign_remind, name="campaign_remind"),
]
