from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from itertools import zip_longest
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from codes import services
from codes.importing.decoding import ImportRefused
from codes.importing.parser import ParsedFile, check_upload_size, parse_code_file
from codes.models import CodeDocument, CodeVersion
from common.errors import DomainError


@contextmanager
def _refusals_as_errors(actor: Any, doing: str) -> Iterator[None]:
    """A service's refusal ends the command with its message; what it saved is rolled back."""
    try:
        yield
    except DomainError as error:
        raise CommandError(error.message) from error
    except PermissionDenied as error:
        raise CommandError(f"{actor} may not {doing}: {error}") from error


class Command(BaseCommand):
    help = (
        "Import a Word document (.docx), or a plain-text or Markdown file (UTF-8), as the next draft version of a "
        "code document. A file is read as Word when it is named .docx or holds a Word (ZIP) package. Headings "
        "(Word heading styles, Markdown '#' or numbered like '3. Responsiveness') start sections; Word lists, bold, "
        "italic and tables become Markdown, and pictures are left out (the output says how many); text before the "
        "first heading becomes an introduction, named in the document's language (Introduction or Introducere); "
        "categories are guessed from the headings. The document is created when the slug is new (give "
        "--title). An empty, binary, oversized or non-UTF-8 file, one past CODES_MAX_SECTIONS sections or "
        "CODES_MAX_SECTION_CHARS characters in a section, and a Word file that is not a real .docx (renamed, "
        "password-protected, macro-enabled, larger than CODES_MAX_WORD_FILE_BYTES, a zip or XML bomb) is refused "
        "and nothing is saved. With --dry-run it only lists the sections it would create. "
        "With --translation LANGUAGE --number N the file is instead the translation of version N of the document "
        "into LANGUAGE (started when it does not exist yet; it must be a draft): its sections are paired with the "
        "version's by order, the first with the first; the version's sections beyond the file's keep their text, "
        "the file's extra sections are left out, and a title of its own at the top becomes the translation's title."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--document", required=True, help="The document's short name (slug).")
        parser.add_argument("--title", help="Title for a new document (default: derived from the slug).")
        parser.add_argument(
            "--author",
            help="Username of the manager who authors the draft (default: the document's owner, or for a new "
            "document the first active superuser).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Show the sections without saving anything.")
        parser.add_argument(
            "--translation", metavar="LANGUAGE", help="Import the file as the translation into LANGUAGE (e.g. ro)."
        )
        parser.add_argument("--number", type=int, help="With --translation: the number of the version translated.")

    def handle(
        self,
        *args: Any,
        file: Path,
        document: str,
        title: str | None,
        author: str | None,
        dry_run: bool,
        translation: str | None,
        number: int | None,
        **options: Any,
    ) -> None:
        if (translation is None) != (number is None):
            raise CommandError("Give --translation and --number together.")
        try:
            check_upload_size(file.stat().st_size, filename=file.name)
            parsed = parse_code_file(file.read_bytes(), filename=file.name)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        except ImportRefused as error:
            raise CommandError(f"{file}: {error.message}") from error

        sections = parsed.sections
        if translation is not None and number is not None:
            self._import_translation(parsed, file, document, number, translation, author, dry_run)
            return
        for position, section in enumerate(sections, start=1):
            self.stdout.write(f"  {position:>2}. {section.title}  [{section.category}]")
        for note in parsed.notes:
            self.stdout.write(f"Note: {note}")
        if dry_run:
            self.stdout.write(f"Dry run: {len(sections)} sections found in {file.name}; nothing saved.")
            return

        actor = self._author(author, document)
        with _refusals_as_errors(actor, "import drafts"), transaction.atomic():
            code_document = CodeDocument.objects.filter(slug=document).first()
            created = code_document is None
            if code_document is None:
                code_document = services.document_create(
                    actor=actor, title=title or document.replace("-", " ").capitalize(), slug=document
                )
            draft = services.version_import_draft(
                document=code_document, actor=actor, sections=sections, filename=file.name
            )
        self.stdout.write(
            f"Imported {len(sections)} sections from {file.name} as draft version {draft.number} of "
            f"{code_document.slug}{' (document created)' if created else ''}."
        )

    def _author(self, username: str | None, slug: str) -> Any:
        users = get_user_model().objects.filter(is_active=True)
        if username:
            actor = users.filter(username=username).first()
            if actor is None:
                raise CommandError(f"No active user named {username!r}.")
            return actor
        existing = CodeDocument.objects.filter(slug=slug).select_related("owner").first()
        actor = existing.owner if existing else users.filter(is_superuser=True).order_by("pk").first()
        if actor is None or not actor.is_active:
            raise CommandError("Name the author with --author USERNAME.")
        return actor

    def _import_translation(
        self,
        parsed: ParsedFile,
        file: Path,
        slug: str,
        number: int,
        language: str,
        author: str | None,
        dry_run: bool,
    ) -> None:
        version = CodeVersion.objects.filter(document__slug=slug, number=number).first()
        if version is None:
            raise CommandError(f"No version {number} of {slug!r}.")
        source = list(version.sections.order_by("position").values_list("title", flat=True))
        # The pairs, by order, as the import page shows them: the version's section, then the file's.
        imported = [section.title for section in parsed.sections]
        for position, (mine, theirs) in enumerate(zip_longest(source, imported), start=1):
            self.stdout.write(f"  {position:>2}. {mine or '(none: not imported)'}  <-  {theirs or '(kept as it is)'}")
        for note in parsed.notes:
            self.stdout.write(f"Note: {note}")
        if dry_run:
            self.stdout.write(
                f"Dry run: {len(parsed.sections)} sections found in {file.name} for the {len(source)} of version "
                f"{number}; nothing saved."
            )
            return
        actor = self._author(author, slug)
        with _refusals_as_errors(actor, "translate versions"), transaction.atomic():
            existing = version.translations.filter(language=language).first()
            translation = existing or services.translation_start(version=version, language=language, actor=actor)
            matched = services.translation_import(
                translation=translation,
                actor=actor,
                title=parsed.title,
                sections=[(section.title, section.body) for section in parsed.sections],
                filename=file.name,
            )
        self.stdout.write(
            f"Imported {matched} of {len(parsed.sections)} sections from {file.name} into the {language} translation "
            f"of version {number} of {slug}{'' if existing else ' (translation started)'}."
        )
