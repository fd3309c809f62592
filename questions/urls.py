from __future__ import annotations

from django.urls import path

from . import views

app_name = "questions"

urlpatterns = [
    path("ask/<slug:slug>/<int:number>/<int:position>/", views.ask, name="ask"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/answer/", views.answer, name="answer"),
]
