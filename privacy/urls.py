from __future__ import annotations

from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/download.json", views.my_data_download, name="my_data_download"),
    path("legal-holds/", views.hold_list, name="holds"),
    path("legal-holds/place/", views.hold_place, name="hold_place"),
    path("legal-holds/<int:pk>/release/", views.hold_release, name="hold_release"),
]
