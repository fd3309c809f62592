"""A Word document's text becomes sections as a Markdown file would (codes/importing/word.py)."""

from __future__ import annotations

from docx.document import Document

from codes.importing.parser import parse_code_file
from codes.markdown import render_markdown
from codes.models import SectionCategory
from codes.tests.importing.helpers import titles
from codes.tests.importing.word_files import (
    add_element,
    add_link,
    add_picture,
    add_run_xml,
    insert_block,
    parse_word,
    sections_of,
    word_file,
)

# ---------------------------------------------------------------------------
# Where sections start
# ---------------------------------------------------------------------------


def test_paragraphs_in_heading_styles_start_sections() -> None:
    def build(document: Document) -> None:
        document.add_paragraph("Everyone who serves our customers follows this code.")
        document.add_heading("Professionalism", 1)
        document.add_paragraph("We are punctual.")
        document.add_heading("Integrity and honesty", 1)
        document.add_paragraph("We tell the truth.")

    sections = sections_of(build)

    assert [(s.title, s.body) for s in sections] == [
        ("Introduction", "Everyone who serves our customers follows this code."),
        ("Professionalism", "We are punctual."),
        ("Integrity and honesty", "We tell the truth."),
    ]


def test_a_heading_2_starts_a_section_of_its_own() -> None:
    def build(document: Document) -> None:
        document.add_heading("Communication", 1)
        document.add_paragraph("We write plainly.")
        document.add_heading("Telephone", 2)
        document.add_paragraph("We answer within three rings.")
        document.add_heading("Privacy", 1)

    assert titles(sections_of(build)) == ["Communication", "Telephone", "Privacy"]


def test_the_title_style_is_the_documents_own_title_and_the_text_under_it_the_introduction() -> None:
    def build(document: Document) -> None:
        document.add_paragraph("Customer service code of conduct", style="Title")
        document.add_paragraph("This code applies to every agent.")
        document.add_heading("Privacy", 1)
        document.add_paragraph("Customer data stays in our systems.")

    sections = sections_of(build)

    assert [(s.title, s.body) for s in sections] == [
        ("Introduction", "This code applies to every agent."),
        ("Privacy", "Customer data stays in our systems."),
    ]


def test_numbered_paragraphs_in_bold_start_sections() -> None:
    def build(document: Document) -> None:
        document.add_paragraph("Codul de conduită al echipei de relații cu clienții")
        for number, title, text in [
            (1, "Integritate", "Spunem adevărul."),
            (2, "Confidențialitate", "Protejăm datele clienților."),
        ]:
            document.add_paragraph().add_run(f"{number}. {title}").bold = True
            document.add_paragraph(text)

    sections = sections_of(build)

    assert [(s.title, s.category, s.body) for s in sections] == [
        ("Introducere", SectionCategory.OTHER, "Codul de conduită al echipei de relații cu clienții"),
        ("Integritate", SectionCategory.INTEGRITY, "Spunem adevărul."),
        ("Confidențialitate", SectionCategory.PRIVACY, "Protejăm datele clienților."),
    ]


def test_articles_start_sections() -> None:
    def build(document: Document) -> None:
        document.add_paragraph("Article 1 - Scope")
        document.add_paragraph("This code applies to all staff.")
        document.add_paragraph("Article 2 - Complaints")
        document.add_paragraph("Every complaint is logged.")

    assert titles(sections_of(build)) == ["Scope", "Complaints"]


def test_a_chapter_number_and_its_title_in_two_paragraphs_make_one_section() -> None:
    def build(document: Document) -> None:
        document.add_paragraph("Capitolul I")
        document.add_paragraph("Dispoziții generale")
        document.add_paragraph("Regulamentul se aplică tuturor angajaților.")
        document.add_paragraph("Capitolul II")
        document.add_paragraph("Reclamații")
        document.add_paragraph("Fiecare reclamație se înregistrează.")

    sections = sections_of(build)

    assert [(s.title, s.body) for s in sections] == [
        ("Dispoziții generale", "Regulamentul se aplică tuturor angajaților."),
        ("Reclamații", "Fiecare reclamație se înregistrează."),
    ]


def test_a_chapter_heading_and_its_title_in_two_heading_paragraphs_make_one_section() -> None:
    def build(document: Document) -> None:
        document.add_heading("CAPITOLUL I", 1)
        document.add_heading("DISPOZIȚII GENERALE", 1)
        document.add_paragraph("Regulamentul se aplică tuturor angajaților.")

    assert titles(sections_of(build)) == ["DISPOZIȚII GENERALE"]


def test_a_table_of_contents_is_left_out() -> None:
    def build(document: Document) -> None:
        document.add_heading("Privacy", 1)
        document.add_paragraph("We protect data.")
        # A table of contents as Word writes it: a content control of the "Table of Contents" gallery.
        insert_block(
            document,
            "<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val='Table of Contents'/></w:docPartObj></w:sdtPr>"
            "<w:sdtContent><w:p><w:r><w:t>1. Privacy ........ 2</w:t></w:r></w:p></w:sdtContent></w:sdt>",
        )

    sections = sections_of(build)

    assert [(s.title, s.body) for s in sections] == [("Privacy", "We protect data.")]


def test_paragraphs_in_another_content_control_are_kept() -> None:
    def build(document: Document) -> None:
        document.add_heading("Privacy", 1)
        insert_block(
            document,
            "<w:sdt><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>We protect data.</w:t></w:r></w:p></w:sdtContent></w:sdt>",
            at=1,
        )

    assert sections_of(build)[0].body == "We protect data."


# ---------------------------------------------------------------------------
# Bodies
# ---------------------------------------------------------------------------


def test_a_bulleted_list_stays_a_markdown_list_with_its_nesting() -> None:
    def build(document: Document) -> None:
        document.add_heading("Integrity", 1)
        document.add_paragraph("We never:")
        document.add_paragraph("promise what we cannot deliver", style="List Bullet")
        document.add_paragraph("hide a fee", style="List Bullet")
        document.add_paragraph("not even a small one", style="List Bullet 2")

    assert sections_of(build)[0].body == (
        "We never:\n\n- promise what we cannot deliver\n- hide a fee\n    - not even a small one"
    )


def test_a_numbered_list_stays_a_numbered_list_in_its_section() -> None:
    def build(document: Document) -> None:
        document.add_heading("Complaint handling", 1)
        document.add_paragraph("Listen", style="List Number")
        document.add_paragraph("Apologise", style="List Number")
        document.add_paragraph("Fix the problem", style="List Number")

    sections = sections_of(build)

    assert [(s.title, s.body) for s in sections] == [
        ("Complaint handling", "1. Listen\n2. Apologise\n3. Fix the problem")
    ]


def test_bold_and_italic_are_kept_as_markdown() -> None:
    def build(document: Document) -> None:
        document.add_heading("Privacy", 1)
        paragraph = document.add_paragraph("We ")
        paragraph.add_run("never").bold = True
        paragraph.add_run(" share ")
        paragraph.add_run("personal").italic = True
        paragraph.add_run(" data.")

    assert sections_of(build)[0].body == "We **never** share _personal_ data."


def test_spaces_at_the_edges_of_bold_text_go_outside_the_markers() -> None:
    def build(document: Document) -> None:
        document.add_heading("Privacy", 1)
        paragraph = document.add_paragraph("Data is")
        paragraph.add_run(" confidential ").bold = True
        paragraph.add_run("always.")

    assert sections_of(build)[0].body == "Data is **confidential** always."


def test_a_heading_in_bold_gives_its_title_without_markers() -> None:
    def build(document: Document) -> None:
        document.add_heading("", 1).add_run("Privacy").bold = True
        document.add_paragraph("We protect data.")

    assert titles(sections_of(build)) == ["Privacy"]


def test_a_table_becomes_a_markdown_table() -> None:
    def build(document: Document) -> None:
        document.add_heading("Responsiveness", 1)
        table = document.add_table(rows=3, cols=2)
        for row, (channel, time) in enumerate([("Channel", "Answer within"), ("Phone", "3 rings"), ("Email", "1 day")]):
            table.cell(row, 0).text = channel
            table.cell(row, 1).text = time

    assert sections_of(build)[0].body == (
        "| Channel | Answer within |\n| --- | --- |\n| Phone | 3 rings |\n| Email | 1 day |"
    )


def test_an_imported_table_is_shown_as_a_table() -> None:
    def build(document: Document) -> None:
        document.add_heading("Responsiveness", 1)
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "Channel", "Answer within"
        table.cell(1, 0).text, table.cell(1, 1).text = "Phone", "3 rings"

    html = render_markdown(sections_of(build)[0].body)

    assert "<th>Channel</th>" in html
    assert "<td>3 rings</td>" in html


def test_a_vertical_bar_in_a_table_cell_stays_in_its_cell() -> None:
    def build(document: Document) -> None:
        document.add_heading("Responsiveness", 1)
        table = document.add_table(rows=2, cols=1)
        table.cell(0, 0).text = "Channel"
        table.cell(1, 0).text = "Phone | fax"

    assert "<td>Phone | fax</td>" in render_markdown(sections_of(build)[0].body)


def test_merged_table_cells_are_empty_after_the_first() -> None:
    def build(document: Document) -> None:
        document.add_heading("Responsiveness", 1)
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).merge(table.cell(0, 1)).text = "Service hours"
        table.cell(1, 0).text, table.cell(1, 1).text = "Mon-Fri", "9-18"

    assert sections_of(build)[0].body == "| Service hours |  |\n| --- | --- |\n| Mon-Fri | 9-18 |"


def test_a_line_break_inside_a_paragraph_stays_a_line_break() -> None:
    def build(document: Document) -> None:
        document.add_heading("Contact", 1)
        document.add_paragraph("Compliance office\nRoom 4")

    body = sections_of(build)[0].body

    assert body == "Compliance office\\\nRoom 4"
    assert "Compliance office<br>" in render_markdown(body)


def test_a_link_to_a_web_address_stays_a_link() -> None:
    def build(document: Document) -> None:
        document.add_heading("Contact", 1)
        paragraph = document.add_paragraph("Read the ")
        add_link(paragraph, "policy", "https://example.org/policy")

    assert sections_of(build)[0].body == "Read the [policy](https://example.org/policy)"


def test_text_deleted_by_a_tracked_change_is_left_out_and_inserted_text_kept() -> None:
    def build(document: Document) -> None:
        document.add_heading("Privacy", 1)
        paragraph = document.add_paragraph("We keep data ")
        add_element(paragraph, "<w:del w:id='1' w:author='A'><w:r><w:delText>forever</w:delText></w:r></w:del>")
        add_element(paragraph, "<w:ins w:id='2' w:author='A'><w:r><w:t>for a year</w:t></w:r></w:ins>")

    assert sections_of(build)[0].body == "We keep data for a year"


def test_a_numbered_list_item_alone_is_not_a_heading_in_a_document_with_heading_styles() -> None:
    def build(document: Document) -> None:
        document.add_heading("Complaints", 1)
        document.add_paragraph("Escalate", style="List Number")
        document.add_paragraph("A manager answers within a day.")
        document.add_heading("Privacy", 1)

    assert titles(sections_of(build)) == ["Complaints", "Privacy"]


def test_word_numbered_paragraphs_with_text_between_them_start_sections_in_a_document_without_heading_styles() -> None:
    def build(document: Document) -> None:
        document.add_paragraph("Our code for every agent.")
        for title, text in [("Integrity", "We are honest."), ("Privacy", "We keep secrets.")]:
            document.add_paragraph(title, style="List Number")
            document.add_paragraph(text)

    sections = sections_of(build)

    assert [(s.title, s.body) for s in sections] == [
        ("Introduction", "Our code for every agent."),
        ("Integrity", "We are honest."),
        ("Privacy", "We keep secrets."),
    ]


# ---------------------------------------------------------------------------
# What is left out, and said
# ---------------------------------------------------------------------------


def test_an_image_is_left_out_with_a_note() -> None:
    def build(document: Document) -> None:
        document.add_heading("Professionalism", 1)
        document.add_paragraph("Our uniform:")
        add_picture(document)

    parsed = parse_word(build)

    assert parsed.notes == ["1 image was not imported: the portal keeps the text only."]
    assert parsed.sections[0].body == "Our uniform:"


def test_the_note_counts_every_image_left_out() -> None:
    def build(document: Document) -> None:
        document.add_heading("Professionalism", 1)
        add_picture(document)
        add_picture(document)

    assert parse_word(build).notes == ["2 images were not imported: the portal keeps the text only."]


def test_a_text_box_is_left_out_with_a_note() -> None:
    def build(document: Document) -> None:
        document.add_heading("Professionalism", 1)
        paragraph = document.add_paragraph("Dress code.")
        add_run_xml(
            paragraph,
            '<w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent>'
            "<w:p><w:r><w:t>Boxed advice</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict>",
        )

    parsed = parse_word(build)

    assert parsed.notes == ["1 text box was not imported: if its text is needed, add it to a section in the editor."]
    assert parsed.sections[0].body == "Dress code."


def test_a_document_with_nothing_left_out_has_no_notes() -> None:
    def build(document: Document) -> None:
        document.add_heading("Privacy", 1)
        document.add_paragraph("We protect data.")

    assert parse_word(build).notes == []


# ---------------------------------------------------------------------------
# Which files are read as Word
# ---------------------------------------------------------------------------


def test_a_word_document_named_txt_is_read_as_word() -> None:
    data = word_file(lambda document: document.add_heading("Privacy", 1))

    assert titles(parse_code_file(data, filename="code.txt").sections) == ["Privacy"]


def test_a_text_file_is_read_as_text_with_no_notes() -> None:
    parsed = parse_code_file(b"# Privacy\n\nWe protect data.\n", filename="code.md")

    assert [(s.title, s.body) for s in parsed.sections] == [("Privacy", "We protect data.")]
    assert parsed.notes == []
