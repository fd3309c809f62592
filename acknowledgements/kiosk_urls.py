"""The kiosk's pages, under /kiosk/: the only ones a browser with a kiosk open reaches (KioskMiddleware)."""

from __future__ import annotations

from django.urls import path

from . import kiosk_views

app_name = "kiosk"

urlpatterns = [
    path("", kiosk_views.home, name="home"),
    path("open/", kiosk_views.open_kiosk, name="open"),
    path("identify/", kiosk_views.identify, name="identify"),
    path("done/", kiosk_views.done, name="done"),
    path("end/", kiosk_views.end, name="end"),
    path("requests/<int:pk>/", kiosk_views.read, name="read"),
    path("requests/<int:pk>/sign/", kiosk_views.sign, name="sign"),
    path("requests/<int:pk>/check/", kiosk_views.answer_check, name="answer_check"),
    path("requests/<int:pk>/reading/", kiosk_views.reading, name="reading"),
    path("receipts/<int:pk>/", kiosk_views.receipt, name="receipt"),
]
