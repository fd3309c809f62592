from __future__ import annotations

from django.urls import path

from . import question_views, translation_views, views
from .templates_library import views as template_views

app_name = "codes"

version = "<slug:slug>/v<int:number>/"
section = version + "sections/<int:section_id>/"
translation = version + "translations/<str:language>/"

urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("new/", views.document_create, name="document_create"),
    path("templates/", template_views.template_list, name="template_list"),
    path("templates/<int:pk>/", template_views.template_use, name="template_use"),
    path("<slug:slug>/", views.document_detail, name="document_detail"),
    path("<slug:slug>/edit/", views.document_edit, name="document_edit"),
    path("<slug:slug>/retire/", views.document_retire, name="document_retire"),
    path("<slug:slug>/drafts/new/", views.draft_start, name="draft_start"),
    path("<slug:slug>/drafts/import/", views.draft_import, name="draft_import"),
    path("<slug:slug>/drafts/import/confirm/", views.draft_import_confirm, name="draft_import_confirm"),
    path("<slug:slug>/compare/", views.compare, name="compare"),
    path(version, views.version_detail, name="version_detail"),
    path(version + "print/", views.version_print, name="version_print"),
    path(version + "pdf/", views.version_pdf, name="version_pdf"),
    path(version + "edit/", views.version_edit, name="version_edit"),
    path(version + "submit/", views.version_submit, name="version_submit"),
    path(version + "withdraw/", views.version_withdraw, name="version_withdraw"),
    path(version + "approve/", views.version_approve, name="version_approve"),
    path(version + "request-changes/", views.version_request_changes, name="version_request_changes"),
    path(version + "publish/", views.version_publish, name="version_publish"),
    path(version + "discard/", views.version_discard, name="version_discard"),
    path(version + "save-as-template/", template_views.template_save, name="template_save"),
    path(version + "sections/add/", views.section_add, name="section_add"),
    path(version + "sections/preview/", views.section_preview, name="section_preview"),
    path(section + "edit/", views.section_edit, name="section_edit"),
    path(section + "delete/", views.section_delete, name="section_delete"),
    path(section + "move/", views.section_move, name="section_move"),
    path(section + "questions/", question_views.section_questions, name="section_questions"),
    path(section + "questions/<int:question_id>/", question_views.question_edit, name="question_edit"),
    path(section + "questions/<int:question_id>/delete/", question_views.question_delete, name="question_delete"),
    path(version + "check/", question_views.version_check_settings, name="version_check_settings"),
    path(version + "translations/start/", translation_views.translation_start, name="translation_start"),
    path(translation, translation_views.translation_editor, name="translation_editor"),
    path(translation + "title/", translation_views.translation_title_save, name="translation_title_save"),
    path(
        translation + "sections/<int:section_id>/",
        translation_views.translation_section_save,
        name="translation_section_save",
    ),
    path(translation + "import/", translation_views.translation_import, name="translation_import"),
    path(
        translation + "import/confirm/",
        translation_views.translation_import_confirm,
        name="translation_import_confirm",
    ),
    path(translation + "submit/", translation_views.translation_submit, name="translation_submit"),
    path(translation + "approve/", translation_views.translation_approve, name="translation_approve"),
    path(
        translation + "request-changes/",
        translation_views.translation_request_changes,
        name="translation_request_changes",
    ),
    path(translation + "discard/", translation_views.translation_discard, name="translation_discard"),
]
