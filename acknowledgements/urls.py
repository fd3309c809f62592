from __future__ import annotations

from django.urls import path

from . import views

app_name = "acknowledgements"

urlpatterns = [
    path("", views.my_acknowledgements, name="mine"),
    path("<int:pk>/", views.read_and_sign, name="read_and_sign"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/check/", views.answer_check, name="answer_check"),
    path("<int:pk>/reading/", views.reading, name="reading"),
    path("<int:pk>/waive/", views.waive, name="waive"),
    path("receipts/", views.receipt_list, name="receipt_list"),
    path("receipts/<int:pk>/", views.receipt, name="receipt"),
    path("receipts/<int:pk>/pdf/", views.receipt_pdf, name="receipt_pdf"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/people/", views.dashboard_people, name="dashboard_people"),
    path("dashboard/versions/<int:version_id>/", views.campaign, name="campaign"),
    path(
        "dashboard/versions/<int:version_id>/comprehension/",
        views.comprehension_figures,
        name="comprehension_figures",
    ),
    path(
        "dashboard/versions/<int:version_id>/comprehension.csv",
        views.comprehension_figures_csv,
        name="comprehension_figures_csv",
    ),
    path("dashboard/versions/<int:version_id>/extend/", views.campaign_extend, name="campaign_extend"),
    path("dashboard/versions/<int:version_id>/waive/", views.campaign_waive, name="campaign_waive"),
    path("dashboard/versions/<int:version_id>/progress/", views.version_progress, name="version_progress"),
    path("dashboard/versions/<int:version_id>/summary.pdf", views.version_summary_pdf, name="version_summary_pdf"),
    path("export/<slug:kind>.<slug:file_format>", views.export, name="export"),
    path("verify/", views.verify, name="verify"),
]
