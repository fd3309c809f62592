from __future__ import annotations

from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("new/clauses/", views.clauses, name="clauses"),
    path("clauses/", views.breaches_per_clause, name="per_clause"),
    path("export/<str:file_format>/", views.case_export, name="export"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/outcome/", views.case_outcome, name="outcome"),
]
