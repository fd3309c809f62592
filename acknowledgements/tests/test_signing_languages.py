"""Reading and signing in one's language: the reader shows the published translation into the person's
preferred language (with a switch to the source), and the signature, the receipt, the exports, the
verification and the campaign's figures name the language read and carry the hash of exactly that text."""

from __future__ import annotations

import codecs
import csv
import io

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader

from acknowledgements import services
from acknowledgements.chain import GENESIS, seal, verify_chain
from acknowledgements.models import AcknowledgementRequest, RequestStatus, Signature
from acknowledgements.selectors import signed_by_day_and_language, signed_by_language, totals
from acknowledgements.tests.test_chain import behind_the_portals_back
from codes.models import VersionTranslation
from codes.selectors import language_name
from codes.tests.factories import publish_translation
from common.errors import DomainError
from people.tests.factories import TEST_PASSWORD, StaffProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def romanian_speaker(agent):
    agent.preferred_language = "ro"
    agent.save(update_fields=["preferred_language"])
    return agent


@pytest.fixture
def romanian(published, manager, second_manager) -> VersionTranslation:
    """The published version's Romanian translation, published: each title and body begins "RO: "."""
    return publish_translation(published, language="ro", translator=manager.user, approver=second_manager.user)


@pytest.fixture
def ack(published, romanian_speaker) -> AcknowledgementRequest:
    services.requests_create_for_version(version=published)
    return AcknowledgementRequest.objects.get(version=published, person=romanian_speaker)


def in_romanian(message: str, **languages: str) -> str:
    """A sentence naming languages as a person whose language is Romanian reads it: the portal speaks to them in
    Romanian (in English where the catalogue has no Romanian for it yet), and names languages in Romanian."""
    with translation.override("ro"):
        return gettext(message) % {name: language_name(code) for name, code in languages.items()}


def statement_in_romanian(*, title: str, language: str, content_hash: str) -> str:
    """The statement a Romanian speaker agrees to, for the text in `language` with this title and hash."""
    message = (
        "I have read and understood “%(title)s”, version %(number)s, in %(language)s (content hash %(hash)s), "
        "and I agree to comply with it."
    )
    with translation.override("ro"):
        values = {"title": title, "number": 1, "language": language_name(language), "hash": content_hash}
        return gettext(message) % values


def reader_url(ack: AcknowledgementRequest) -> str:
    return f"/acknowledgements/{ack.pk}/"


def sign_form(person, **overrides) -> dict[str, str]:
    return {"agree": "on", "typed_name": person.full_name, "password": TEST_PASSWORD, **overrides}


def sign_in_romanian(ack: AcknowledgementRequest) -> Signature:
    return services.signature_create(
        ack_request=ack, actor=ack.person.user, typed_name=ack.person.full_name, language="ro"
    )


# ---------------------------------------------------------------------------
# The reader
# ---------------------------------------------------------------------------


def test_a_romanian_speaker_reads_the_romanian_translation_in_an_element_that_says_so(client, ack, romanian) -> None:
    client.force_login(ack.person.user)

    page = client.get(reader_url(ack)).content.decode()

    assert '<article class="mb-4" lang="ro" data-testid="text">' in page
    assert "RO: Stay calm and courteous." in page
    assert page.count("Stay calm and courteous.") == page.count("RO: Stay calm and courteous.")
    assert in_romanian("You are reading the %(language)s translation.", language="ro") in page
    link = f'<a href="?text=source"> {in_romanian("Read the original %(source)s text", source="en")} </a>'
    assert link in " ".join(page.split())
    assert '<input type="hidden" name="language" value="ro">' in page
    assert statement_in_romanian(title=romanian.title, language="ro", content_hash=romanian.content_hash) in page


def test_the_switch_shows_the_source_text_and_a_way_back(client, ack, romanian) -> None:
    client.force_login(ack.person.user)

    page = client.get(reader_url(ack), {"text": "source"}).content.decode()

    assert '<article class="mb-4" lang="en" data-testid="text">' in page
    assert "RO: Stay calm and courteous." not in page
    assert in_romanian("You are reading the original %(source)s text.", source="en") in page
    link = f'<a href="{reader_url(ack)}"> {in_romanian("Read it in %(language)s", language="ro")} </a>'
    assert link in " ".join(page.split())
    assert '<input type="hidden" name="language" value="en">' in page
    statement = statement_in_romanian(title=ack.version.title, language="en", content_hash=ack.version.content_hash)
    assert statement in page


def test_without_a_published_translation_the_page_says_the_source_is_read(client, ack, published, manager) -> None:
    # A translation that is only a draft is not read by anyone.
    from codes.services import translation_start

    translation_start(version=published, language="ro", actor=manager.user)
    client.force_login(ack.person.user)

    page = client.get(reader_url(ack)).content.decode()

    note = "This code is not yet translated into %(language)s; you are reading the %(source)s text."
    assert in_romanian(note, language="ro", source="en") in page
    assert '<article class="mb-4" lang="en" data-testid="text">' in page
    assert '<input type="hidden" name="language" value="en">' in page


def test_an_english_speaker_reads_the_source_with_no_note_and_no_switch(client, published, agent, romanian) -> None:
    services.requests_create_for_version(version=published)
    ack = AcknowledgementRequest.objects.get(version=published, person=agent)
    client.force_login(agent.user)

    page = client.get(reader_url(ack)).content.decode()

    assert '<article class="mb-4" lang="en" data-testid="text">' in page
    assert 'data-testid="untranslated"' not in page
    assert 'data-testid="language-switch"' not in page


@pytest.mark.parametrize("languages", [1, 2], ids=["one translation", "two translations"])
def test_the_reader_costs_the_same_queries_however_many_translations(
    client, settings, ack, romanian, published, manager, second_manager, languages, django_assert_num_queries
) -> None:
    settings.LANGUAGES = [*settings.LANGUAGES, ("fr", "French")]
    if languages == 2:
        publish_translation(published, language="fr", translator=manager.user, approver=second_manager.user)
    client.force_login(ack.person.user)

    # session, user, the request with its version, document and person, the first opening (UPDATE), the Romanian
    # translation, its sections with their source sections, the earlier signature (none), the person's permissions (own
    # and roles', one query), unread notifications, my tasks, the version's published questions, the comprehension
    # questions (none)
    with django_assert_num_queries(12):
        response = client.get(reader_url(ack))
    assert response.status_code == 200


# ---------------------------------------------------------------------------
# Signing
# ---------------------------------------------------------------------------


def test_signing_the_romanian_text_records_ro_and_the_translations_hash(client, ack, romanian) -> None:
    client.force_login(ack.person.user)
    client.get(reader_url(ack))

    response = client.post(f"{reader_url(ack)}sign/", sign_form(ack.person, language="ro"))

    signature = Signature.objects.get()
    assert response.status_code == 302
    assert (signature.language, signature.content_hash) == ("ro", romanian.content_hash)
    assert romanian.content_hash != ack.version.content_hash
    # The statement is the one the page showed, in the signer's language.
    assert signature.statement == statement_in_romanian(
        title="RO: Customer Service Code", language="ro", content_hash=romanian.content_hash
    )


def test_signing_the_source_after_the_switch_records_en_and_the_versions_hash(client, ack, romanian) -> None:
    client.force_login(ack.person.user)
    client.get(reader_url(ack), {"text": "source"})

    client.post(f"{reader_url(ack)}sign/", sign_form(ack.person, language="en"))

    signature = Signature.objects.get()
    assert (signature.language, signature.content_hash) == ("en", ack.version.content_hash)
    assert signature.statement == statement_in_romanian(
        title="Customer Service Code", language="en", content_hash=ack.version.content_hash
    )


def test_a_romanian_speaker_without_a_translation_signs_the_english_text(client, ack) -> None:
    client.force_login(ack.person.user)

    client.post(f"{reader_url(ack)}sign/", sign_form(ack.person, language="en"))

    signature = Signature.objects.get()
    assert (signature.language, signature.content_hash) == ("en", ack.version.content_hash)


def test_a_language_without_a_published_translation_is_refused_and_nothing_is_signed(client, ack) -> None:
    client.force_login(ack.person.user)

    response = client.post(f"{reader_url(ack)}sign/", sign_form(ack.person, language="ro"))

    ack.refresh_from_db()
    page = response.content.decode()
    assert response.status_code == 400
    # The whole message, as the catalogue holds it: gettext translates msgids, not the start of one.
    refusal = (
        "This version has no published %(language)s translation, so it cannot be signed in %(language)s. "
        "Read the text on this page and sign again."
    )
    assert in_romanian(refusal, language="ro") in page
    # The page shown again is the text there is, and its form says so.
    assert '<input type="hidden" name="language" value="en">' in page
    assert not Signature.objects.exists()
    assert ack.status == RequestStatus.PENDING


def test_a_translation_not_yet_published_cannot_be_signed(ack, published, manager) -> None:
    from codes.services import translation_start

    translation_start(version=published, language="ro", actor=manager.user)

    with pytest.raises(DomainError, match="no published Romanian translation"):
        sign_in_romanian(ack)
    assert not Signature.objects.exists()


def test_a_page_without_the_language_signs_the_versions_own_text(client, ack, romanian) -> None:
    # A page opened before translations existed sent no language: it showed the version's own text.
    client.force_login(ack.person.user)

    client.post(f"{reader_url(ack)}sign/", sign_form(ack.person))

    assert Signature.objects.get().language == "en"


# ---------------------------------------------------------------------------
# The receipt and the exports
# ---------------------------------------------------------------------------


def test_the_receipt_names_the_language_read_and_that_texts_hash(client, ack, romanian, compliance_officer) -> None:
    signature = sign_in_romanian(ack)
    client.force_login(compliance_officer.user)

    page = client.get(f"/acknowledgements/receipts/{signature.pk}/").content.decode()

    assert "Romanian (ro)" in page
    assert '<span lang="ro">RO: Customer Service Code</span>' in page
    assert romanian.content_hash in page


def test_the_receipt_pdf_names_the_language_read_and_that_texts_hash(client, ack, romanian, compliance_officer) -> None:
    signature = sign_in_romanian(ack)
    client.force_login(compliance_officer.user)

    response = client.get(f"/acknowledgements/receipts/{signature.pk}/pdf/")

    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Romanian (ro)" in text
    assert romanian.content_hash[:32] in text.replace("\n", "").replace(" ", "")


def test_the_csv_export_names_the_language_read_and_that_texts_hash(client, ack, romanian, compliance_officer) -> None:
    signature = sign_in_romanian(ack)
    client.force_login(compliance_officer.user)

    response = client.get("/acknowledgements/export/signatures.csv")

    content = b"".join(response.streaming_content)
    rows = list(csv.DictReader(io.StringIO(content.removeprefix(codecs.BOM_UTF8).decode())))
    assert [(row["Employee id"], row["Language read"], row["Content hash"]) for row in rows] == [
        (ack.person.employee_id, "ro", romanian.content_hash)
    ]
    assert rows[0]["Record hash"] == signature.record_hash


def test_the_xlsx_export_names_the_language_read(client, ack, romanian, compliance_officer) -> None:
    import openpyxl

    sign_in_romanian(ack)
    client.force_login(compliance_officer.user)

    response = client.get("/acknowledgements/export/signatures.xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0]
    header, row = (list(values) for values in sheet.iter_rows(values_only=True))
    record = dict(zip(header, row, strict=True))
    assert (record["Language read"], record["Content hash"]) == ("ro", romanian.content_hash)


# ---------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------


def test_the_chain_with_signatures_in_both_languages_verifies(ack, romanian, published, manager) -> None:
    sign_in_romanian(ack)
    english = AcknowledgementRequest.objects.get(version=published, person=manager)
    services.signature_create(ack_request=english, actor=manager.user, typed_name=manager.full_name)

    result = verify_chain()

    assert result.intact
    assert (result.checked, result.versions_checked) == (2, 1)


def append_sealed(ack: AcknowledgementRequest, *, content_hash: str, language: str) -> Signature:
    """A record the portal's key sealed, as if its signing path had written these values."""
    last = Signature.objects.order_by("-sequence").first()
    signature = Signature(
        sequence=last.sequence + 1 if last else 1,
        request=ack,
        person=ack.person,
        version=ack.version,
        signed_at=timezone.now(),
        statement="I have read and understood it.",
        typed_name=ack.person.full_name,
        content_hash=content_hash,
        language=language,
        previous_hash=last.record_hash if last else GENESIS,
    )
    seal(signature)
    signature.save(force_insert=True)
    return signature


def test_a_record_whose_hash_is_of_no_text_of_its_version_is_reported(ack, romanian) -> None:
    append_sealed(ack, content_hash="f" * 64, language="ro")

    result = verify_chain()

    assert "neither the version's nor one of its published translations'" in result.first_breach.problem


def test_a_record_naming_another_language_than_its_texts_is_reported(ack, romanian) -> None:
    append_sealed(ack, content_hash=romanian.content_hash, language="en")

    result = verify_chain()

    assert result.first_breach.problem == ("it records the language en, but the text whose hash it records is in ro")


def test_an_edited_translation_is_reported_at_the_first_record_that_read_it(ack, romanian) -> None:
    sign_in_romanian(ack)
    behind_the_portals_back(
        "UPDATE codes_sectiontranslation SET body = 'Fiți nepoliticoși.' WHERE translation_id = %s",
        [romanian.pk],
        table="codes_sectiontranslation",
        trigger="codes_sectiontranslation_frozen",
    )

    result = verify_chain()

    assert result.first_breach.problem == (
        f"the text of the Romanian translation of version {ack.version_id} no longer matches the hash it was "
        "published with"
    )


# ---------------------------------------------------------------------------
# The campaign's figures
# ---------------------------------------------------------------------------


@pytest.fixture
def signed_in_both(ack, romanian, published, manager, second_manager, support):
    """Five asked: the Romanian speaker and one more signed in Romanian, the manager in English; two pending."""
    colleague = StaffProfileFactory(department=support, manager=manager, preferred_language="ro")
    services.requests_sync_for_people(person_ids=[colleague.pk])
    sign_in_romanian(ack)
    sign_in_romanian(AcknowledgementRequest.objects.get(version=published, person=colleague))
    english = AcknowledgementRequest.objects.get(version=published, person=manager)
    services.signature_create(ack_request=english, actor=manager.user, typed_name=manager.full_name)
    return AcknowledgementRequest.objects.filter(version=published)


def test_the_signatures_by_language_add_up_to_the_signed_figure(signed_in_both) -> None:
    by_language = signed_by_language(signed_by_day_and_language(signed_in_both))

    assert [(row["language"], row["signed"]) for row in by_language] == [("ro", 2), ("en", 1)]
    assert sum(row["signed"] for row in by_language) == totals(signed_in_both)["signed"] == 3


def test_the_campaign_shows_how_many_signed_in_each_language(client, compliance_officer, signed_in_both) -> None:
    client.force_login(compliance_officer.user)

    page = client.get(f"/acknowledgements/dashboard/versions/{signed_in_both.first().version_id}/").content.decode()

    table = page[page.index('data-testid="by-language"') :]
    table = table[: table.index("</table>")]
    assert " ".join(table.split()).count("<tr>") == 3
    assert 'Romanian (ro) </td> <td class="text-end">2</td>' in " ".join(table.split())
    assert 'English (en) </td> <td class="text-end">1</td>' in " ".join(table.split())
