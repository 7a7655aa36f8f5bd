"""The agreement summary in four formats, each file opened with its own library and checked.

The page budget (BRIEF §7) is measured on WeasyPrint's own layout: `Document.pages[i].anchors`
maps each element id on a page to its rectangle (x1, y1, x2, y2) in CSS pixels from the page's
top-left corner. The template puts zero-height markers at the end of the summary and the body,
so their page index and y are exactly where each part ends; no guessing from extracted text.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import docx
import jsonschema
import pytest
from markupsafe import escape
from odf import teletype
from odf.opendocument import load
from odf.table import Table
from odf.text import H, PageCount, PageNumber
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from app.export import render
from app.export.schema import Agreement, json_schema
from tests.export.sample import make_agreement

BODY_PAGES = 4


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def draft() -> Agreement:
    return make_agreement(5, draft=True)


@pytest.fixture(scope="module")
def final() -> Agreement:
    return make_agreement(5, draft=False)


@pytest.fixture(scope="module")
def draft_pdf(draft: Agreement) -> list[str]:
    """The text of each page of the draft's PDF."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(render.to_pdf(draft))).pages]


def _layout(agreement: Agreement) -> Any:
    html = HTML(string=render.to_html(agreement), url_fetcher=URLFetcher(allowed_protocols=()))
    return html.render()


def _where(document: Any, anchor: str) -> tuple[int, float]:
    """The first page index and top y (CSS px) of the element with this id."""
    for index, page in enumerate(document.pages):
        if anchor in page.anchors:
            return index, page.anchors[anchor][1]
    raise AssertionError(f"no element with id {anchor!r} was laid out")


# --- PDF ----------------------------------------------------------------------------------------


def test_pdf_names_every_partner_and_numbers_its_pages(
    draft: Agreement, draft_pdf: list[str]
) -> None:
    text = _flat(" ".join(draft_pdf))
    for partner in draft.partners:
        assert _flat(partner.organisation) in text
    assert "Smith & <Jones> Shared Services Ltd" in text  # escaped, not eaten as a tag
    assert f"Page 1 of {len(draft_pdf)}" in draft_pdf[0]
    assert f"Page {len(draft_pdf)} of {len(draft_pdf)}" in draft_pdf[-1]
    for signoff in draft.signoffs:
        assert signoff.content_hash in text.replace(" ", "")


def test_a_draft_says_so_on_every_page(draft_pdf: list[str]) -> None:
    assert all("DRAFT" in page for page in draft_pdf)


def test_an_agreed_summary_has_no_draft_mark() -> None:
    pages = PdfReader(io.BytesIO(render.to_pdf(make_agreement(2, draft=False)))).pages
    assert len(pages) > 5
    assert not any("DRAFT" in page.extract_text() for page in pages)


@pytest.mark.parametrize("partners", [3, 5, 50])
def test_summary_fits_half_a_page_and_body_four_pages(partners: int) -> None:
    document = _layout(make_agreement(partners, draft=True))
    half = document.pages[0].height / 2
    summary_page, summary_end = _where(document, "end-of-summary")
    assert summary_page == 0
    assert summary_end <= half, f"the summary ends {summary_end:.0f}px down, past {half:.0f}px"

    body_page, _ = _where(document, "body")
    end_page, _ = _where(document, "end-of-body")
    assert body_page == 0  # straight after the summary, no page break
    assert end_page - body_page + 1 <= BODY_PAGES, f"the body spans {end_page - body_page + 1}"

    appendices, top = _where(document, "appendices")
    assert appendices == end_page + 1  # the appendices start on a page of their own
    assert top < half


def test_summary_of_many_partners_stays_within_half_a_page() -> None:
    agreement = make_agreement(12)
    document = _layout(agreement)
    page, end = _where(document, "end-of-summary")
    assert page == 0 and end <= document.pages[0].height / 2
    assert "And 5 more partners" in render.to_html(agreement)


def test_every_document_has_the_day1_terms_every_signatures_state_and_each_partner(
    draft: Agreement,
) -> None:
    """The terms the CEOs and CFOs signed are in the body; the register gives each signature's
    state; each partner's own answers and evidence are in Appendix G (or, for a partnership
    too large to print them, the appendix points to the JSON the PDF carries)."""
    term = draft.funding.terms[0]
    assert any(s.state == "superseded" for s in draft.signoffs)
    record = draft.partner_records[1]
    evidence = next(
        v["evidence"] for st in record.stages for v in st.scores.values() if v["evidence"]
    )
    html = _flat(render.to_html(draft))
    body = html.split('id="end-of-body"')[0]
    assert _flat(str(escape(term.question))) in body
    assert "Superseded: the content changed" in html
    annex = html.split(str(escape(render.ANNEX_HEADING)))[1]
    assert _flat(str(escape(record.organisation))) in annex
    assert _flat(str(escape(evidence))) in annex
    word = _docx_text(docx.Document(io.BytesIO(render.to_docx(draft))))
    odt = teletype.extractText(load(io.BytesIO(render.to_odt(draft))).text)
    for text in (word, odt):
        flat = _flat(text)
        assert _flat(term.question) in flat and "Superseded: the content changed" in flat
        assert _flat(evidence) in flat.split(render.ANNEX_HEADING)[1]
    many = make_agreement(render.ANNEX_PARTNERS + 1)
    pointer = render.annex_pointer(render.ANNEX_PARTNERS + 1)
    assert _flat(str(escape(pointer))) in _flat(render.to_html(many))


# --- HTML ---------------------------------------------------------------------------------------


def test_html_escapes_and_points_from_cut_answers_to_the_full_text(draft: Agreement) -> None:
    html = render.to_html(draft)
    assert "Smith &amp; &lt;Jones&gt; Shared Services Ltd" in html
    assert "<Jones>" not in html and "<Shared>" not in html
    assert re.search(r"\b(src|href)=\"(?!#)", html) is None  # nothing to fetch, only in-page links
    assert "url(" not in html
    body = html[html.index('id="body"') : html.index('id="appendices"')]
    assert body.count("full text in Appendix A") >= 10
    long_answer = max(
        (a for s in draft.stages for a in s.shared_answers), key=lambda a: len(a.answer)
    )
    first_paragraph = str(escape(long_answer.answer.split("\n\n")[0]))
    assert first_paragraph not in body and first_paragraph in html  # cut in the body only
    assert 'class="draft-banner"' in html and "@top-center" in html
    assert "@top-center" not in render.to_html(make_agreement(5, draft=False))


def test_formatting_of_money_and_cut_text() -> None:
    assert render.money("1234.5") == "£1,234.50"
    assert render.money("-1000000") == "-£1,000,000.00"
    assert render.money(None) == "Not set"
    assert render.shorten("a  b\nc", 10) == ("a b c", False)
    text, cut = render.shorten("word " * 40, 30)
    assert cut and text.endswith("…") and len(text) <= 30


# --- Word ---------------------------------------------------------------------------------------


def _docx(agreement: Agreement) -> Any:
    return docx.Document(io.BytesIO(render.to_docx(agreement)))


def _docx_text(document: Any) -> str:
    cells = (c.text for t in document.tables for row in t.rows for c in row.cells)
    return _flat(" ".join([*(p.text for p in document.paragraphs), *cells]))


HEADINGS = [
    "1. Executive summary",
    "2. The agreed position",
    "Appendix A: Full answers",
    "Appendix B: Sign-off register",
    "Appendix C: Funding",
    "Appendix D: Risk register",
    "Appendix E: Readiness snapshot",
    "Appendix F: Audit chain",
]


def test_docx_has_headings_partners_register_and_draft_mark(draft: Agreement) -> None:
    document = _docx(draft)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert all(h in headings for h in HEADINGS)
    text = _docx_text(document)
    for partner in draft.partners:
        assert partner.organisation in text
    register = next(t for t in document.tables if t.rows[0].cells[0].text == "Person")
    hashes = {row.cells[-1].text for row in register.rows[1:]}
    assert hashes == {s.content_hash for s in draft.signoffs}
    header = " ".join(p.text for p in document.sections[0].header.paragraphs)
    assert "DRAFT" in header
    footer = document.sections[0].footer._element.xml
    assert " PAGE " in footer and " NUMPAGES " in footer


def test_docx_of_an_agreed_summary_has_no_draft_mark(final: Agreement) -> None:
    document = _docx(final)
    header = " ".join(p.text for p in document.sections[0].header.paragraphs)
    assert "DRAFT" not in header and "DRAFT" not in _docx_text(document)


# --- OpenDocument -------------------------------------------------------------------------------


def _odt(agreement: Agreement) -> Any:
    return load(io.BytesIO(render.to_odt(agreement)))


def test_odt_has_headings_partners_register_and_draft_mark(draft: Agreement) -> None:
    document = _odt(draft)
    headings = [teletype.extractText(h) for h in document.getElementsByType(H)]
    assert all(h in headings for h in HEADINGS)
    text = teletype.extractText(document.text)
    for partner in draft.partners:
        assert partner.organisation in text
    register = next(
        t for t in document.getElementsByType(Table) if teletype.extractText(t).startswith("Person")
    )
    assert all(s.content_hash in teletype.extractText(register) for s in draft.signoffs)
    assert "DRAFT" in teletype.extractText(document.masterstyles)
    assert document.masterstyles.getElementsByType(PageNumber)
    assert document.masterstyles.getElementsByType(PageCount)


def test_odt_of_an_agreed_summary_has_no_draft_mark(final: Agreement) -> None:
    document = _odt(final)
    assert "DRAFT" not in teletype.extractText(document.masterstyles)
    assert "DRAFT" not in teletype.extractText(document.text)


def test_characters_xml_cannot_hold_are_dropped_not_fatal(draft: Agreement) -> None:
    odd = draft.model_copy(update={"name": "Bad\x0bname\x00 & co"})
    assert "Badname & co" in _docx_text(_docx(odd))
    assert "Badname & co" in teletype.extractText(_odt(odd).text)


# --- JSON ---------------------------------------------------------------------------------------


def test_json_is_valid_against_the_published_schema(draft: Agreement) -> None:
    exported = render.to_json(draft)
    assert Agreement.model_validate_json(exported) == draft
    jsonschema.validate(json.loads(exported), json_schema())


def _struct_types(node: Any, found: list[str]) -> list[str]:
    """Every structure element type under `node`, depth first."""
    node = node.get_object()
    if isinstance(node, list) or type(node).__name__ == "ArrayObject":
        for child in node:
            _struct_types(child, found)
        return found
    if hasattr(node, "get"):
        if "/S" in node:
            found.append(str(node["/S"]))
        kids = node.get("/K")
        if kids is not None and not isinstance(kids, int) and type(kids).__name__ != "NumberObject":
            _struct_types(kids, found)
    return found


def test_the_pdf_is_pdf_ua_with_tagged_tables_and_captions(draft: Agreement) -> None:
    reader = PdfReader(io.BytesIO(render.to_pdf(draft)))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in xmp and b"1" in xmp.split(b"pdfuaid:part")[1][:20]
    assert reader.metadata is not None and reader.metadata.title
    types = _struct_types(root["/StructTreeRoot"], [])
    html_tables = render.to_html(draft).count("<table")
    assert html_tables >= 5
    # Every table keeps its caption as a tagged Caption (a table split over pages is tagged once
    # per page by WeasyPrint, so there may be more Table elements than tables).
    assert types.count("/Caption") == html_tables <= types.count("/Table")
    for kind in ("/H1", "/H2", "/TH", "/TD", "/P"):
        assert kind in types, kind
