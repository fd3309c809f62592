"""`manage.py import_code` and the import pages turn a real text file into a draft, or refuse it whole."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from codes.models import CodeDocument, CodeVersion, SectionCategory
from codes.tests.factories import publish

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


def import_code(*args: str) -> str:
    out = StringIO()
    call_command("import_code", *args, stdout=out)
    return out.getvalue()


def test_it_creates_the_document_and_a_draft_from_a_numbered_text(manager) -> None:
    output = import_code(str(DATA / "numbered.txt"), "--document", "harbourline", "--author", "maria")

    document = CodeDocument.objects.get(slug="harbourline")
    draft = document.versions.get()
    titles = list(draft.sections.order_by("position").values_list("title", flat=True))
    assert draft.status == "draft"
    assert draft.author == manager.user
    assert titles[:4] == ["Introduction", "Professionalism", "Integrity and honesty", "Responsiveness"]
    assert draft.sections.get(title="Integrity and honesty").category == SectionCategory.INTEGRITY
    assert "(document created)" in output


def test_a_numbered_list_inside_a_section_stays_in_its_body(manager) -> None:
    import_code(str(DATA / "numbered.txt"), "--document", "harbourline", "--author", "maria")

    body = CodeVersion.objects.get().sections.get(title="Integrity and honesty").body
    assert "1. Promise a refund" in body
    assert "3. Record a call outcome" in body


def test_romanian_text_is_kept_exactly(manager) -> None:
    import_code(str(DATA / "romanian.md"), "--document", "cod-ro", "--author", "maria")

    sections = CodeVersion.objects.get().sections.order_by("position")
    privacy = sections.get(title="Confidențialitatea și protecția datelor")
    assert privacy.category == SectionCategory.PRIVACY
    assert "Datele clienților se folosesc numai" in privacy.body
    assert "- Răspundem la telefon" in sections.get(title="Profesionalism").body


def test_it_imports_the_next_draft_of_an_existing_document(published, manager) -> None:
    output = import_code(str(DATA / "markdown.md"), "--document", published.document.slug)

    assert published.document.versions.count() == 2
    assert "as draft version 2" in output


def test_a_dry_run_saves_nothing(manager) -> None:
    output = import_code(str(DATA / "messy.txt"), "--document", "messy", "--author", "maria", "--dry-run")

    assert "nothing saved" in output
    assert not CodeDocument.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"%PDF-1.7\n...", "binary"),
        ("Codul de conduită".encode("cp1250"), "UTF-8"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_saved(tmp_path, manager, content, message) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        import_code(str(bad), "--document", "bad", "--author", "maria")
    assert not CodeDocument.objects.exists()


def test_an_author_without_the_right_is_refused(agent) -> None:
    with pytest.raises(CommandError, match="may not import"):
        import_code(str(DATA / "numbered.txt"), "--document", "x", "--author", "ana")
    assert not CodeDocument.objects.exists()


def test_a_document_with_a_version_in_progress_takes_no_import(draft, manager) -> None:
    with pytest.raises(CommandError, match="already in progress"):
        import_code(str(DATA / "numbered.txt"), "--document", draft.document.slug, "--author", "maria")


def test_the_import_page_previews_then_creates_the_draft(client, manager, document) -> None:
    client.force_login(manager.user)
    upload = SimpleUploadedFile("code.md", (DATA / "markdown.md").read_bytes(), content_type="text/markdown")

    preview = client.post(f"/codes/{document.slug}/drafts/import/", {"file": upload})

    assert preview.status_code == 200
    assert not document.versions.exists(), "the preview saves nothing"
    payload = preview.context["payload"]
    response = client.post(f"/codes/{document.slug}/drafts/import/confirm/", {"payload": payload})
    draft = document.versions.get()
    assert response["Location"] == f"/codes/{document.slug}/v1/edit/"
    assert [s.title for s in draft.sections.order_by("position")] == [s.title for s in preview.context["sections"]]


def test_the_import_page_refuses_a_binary_file_with_a_field_error(client, manager, document) -> None:
    client.force_login(manager.user)
    upload = SimpleUploadedFile("code.pdf", b"%PDF-1.7\nbinary", content_type="application/pdf")

    response = client.post(f"/codes/{document.slug}/drafts/import/", {"file": upload})

    assert response.status_code == 200
    assert "binary file" in response.content.decode()
    assert not document.versions.exists()


def test_an_altered_preview_is_refused(client, manager, document) -> None:
    client.force_login(manager.user)

    response = client.post(f"/codes/{document.slug}/drafts/import/confirm/", {"payload": "forged"}, follow=True)

    assert "expired or was altered" in response.content.decode()
    assert not document.versions.exists()


def test_a_published_version_can_be_followed_by_an_imported_one(published, manager, second_manager) -> None:
    import_code(str(DATA / "numbered.txt"), "--document", published.document.slug, "--author", "maria")
    draft = published.document.versions.get(number=2)

    publish(draft, author=manager.user, approver=second_manager.user)

    assert CodeVersion.objects.published().get() == draft


def test_a_file_past_the_limit_on_sections_is_refused_and_nothing_is_saved(settings, manager, tmp_path) -> None:
    settings.CODES_MAX_SECTIONS = 3
    file = tmp_path / "long.md"
    file.write_text("".join(f"# Rule {number}\n\nText.\n\n" for number in range(1, 6)), encoding="utf-8")

    with pytest.raises(CommandError, match="at most 3 sections"):
        import_code(str(file), "--document", "long", "--author", "maria")

    assert not CodeDocument.objects.filter(slug="long").exists()
