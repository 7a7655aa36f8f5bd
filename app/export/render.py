"""The agreement summary rendered as HTML, PDF, Word, OpenDocument and JSON from one Agreement.

Every function here is pure (an `Agreement` in, text or bytes out) and synchronous: PDF rendering
takes a second or more, so callers in the web app run these in a thread, not on the event loop.

One view (`_view`) decides what the document says: the HTML template (and so the PDF) reads it,
and the Word and OpenDocument writers walk the same blocks (`_blocks`), so the formats agree.

Page budget (BRIEF §7): the executive summary fits in half an A4 page and the body ("the agreed
position") in four, for five partners with every answer filled. The body shows each answer cut
to a length chosen from how many answers there are, with a pointer to the full text in Appendix A;
the summary lists at most SUMMARY_PARTNERS partners and points to Appendix C for the rest.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from odf import teletype  # type: ignore[import-untyped]
from odf.opendocument import OpenDocumentText  # type: ignore[import-untyped]
from odf.style import (  # type: ignore[import-untyped]
    Footer,
    Header,
    MasterPage,
    PageLayout,
    PageLayoutProperties,
    ParagraphProperties,
    Style,
    TableCellProperties,
    TableColumnProperties,
    TableProperties,
    TextProperties,
)
from odf.table import (  # type: ignore[import-untyped]
    Table,
    TableCell,
    TableColumn,
    TableHeaderRows,
    TableRow,
)
from odf.text import H, P, PageCount, PageNumber, Span  # type: ignore[import-untyped]

from app.core.templating import environment
from app.export.schema import Agreement, AnswerEntry, FundingRowEntry, PartnerEntry, StageEntry
from app.funding.formula import METHOD_LABELS, Method

TEMPLATE = "export/agreement.html"
ATTACHMENT = "agreement.json"  # the JSON export, carried inside the PDF
DRAFT = "DRAFT"
POINTER = "full text in Appendix A"
# The body must fit four A4 pages, so the more answers the roadmap asks for (about 90 shared ones
# today), the shorter each is cut: each gets an equal share of a fixed budget of characters.
BODY_CHARACTERS = 9000
MIN_ANSWER_CHARACTERS = 60
MAX_ANSWER_CHARACTERS = 400
SUMMARY_DESCRIPTION_CHARACTERS = 240
# Beyond this many partners the summary table would pass half a page: the rest are in Appendix C.
SUMMARY_PARTNERS = 8
# Up to this many partners the documents print each partner's own answers and readiness evidence
# (Appendix G); beyond it that appendix would run to hundreds of pages, and points to the JSON
# export, which has it all (and which the PDF carries inside it).
ANNEX_PARTNERS = 12
# More year columns than this will not fit across a portrait page, so years go in several tables.
YEARS_PER_TABLE = 4
# A4 less the Word and OpenDocument side margins (18 mm each), for their table column widths.
TEXT_WIDTH_CM = 17.4

LABELS = {"rag": "RAG rating"}
ROLE_LABELS = {"signatory": "Signatory", "ceo": "Chief executive", "cfo": "Chief finance officer"}
# Characters XML 1.0 cannot hold: python-docx's lxml raises on them and odfpy writes U+FFFD in
# their place, so they are dropped from every string that goes into either.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --- Formatting --------------------------------------------------------------------------------


def money(value: str | None) -> str:
    """ "£1,234.56" from a decimal string such as "1234.5"; "Not set" when there is none."""
    amount = _decimal(value)
    if amount is None:
        return value or "Not set"
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def percent(value: str | None) -> str:
    """ "33.33%" from "33.33"."""
    return f"{value}%" if value else "Not set"


def when(value: datetime | None) -> str:
    """ "3 March 2027 at 2:05pm UTC": GOV.UK style, in UTC so every reader sees the same time."""
    if value is None:
        return "Not recorded"
    if value.tzinfo is not None:  # naive times are UTC already, as the database stores them
        value = value.astimezone(UTC)
    time = value.strftime("%-I:%M%p").lower().replace(":00", "")
    return f"{value.day} {value.strftime('%B %Y')} at {time} UTC"


def shorten(text: str, limit: int) -> tuple[str, bool]:
    """`text` on one line, cut at a word before `limit` characters with an ellipsis if longer."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat, False
    cut = flat[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…", True


def _decimal(value: str | None) -> Decimal | None:
    if not value:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _sum(values: Sequence[str | None]) -> str | None:
    """The exact total of decimal strings, or None if any is missing or not a number."""
    amounts = [_decimal(v) for v in values]
    if not amounts or any(a is None for a in amounts):
        return None
    return str(sum(a for a in amounts if a is not None))


def _sentence(value: str) -> str:
    return value[:1].upper() + value[1:] if value else value


def _label(key: str) -> str:
    return LABELS.get(key) or _sentence(key.replace("_", " ").replace("-", " "))


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


# --- The view: what the document says, whatever the format ---------------------------------------


@dataclass(frozen=True)
class PartnerLine:
    organisation: str
    is_lead: bool
    status: str
    share: str
    annual: str


@dataclass(frozen=True)
class BodyItem:
    question: str
    answer: str
    truncated: bool
    anchor: str


@dataclass(frozen=True)
class StageView:
    stage: StageEntry
    heading: str
    status: str
    items: list[BodyItem]


@dataclass(frozen=True)
class SimpleTable:
    caption: str
    headers: list[str]
    rows: list[list[str]]
    numeric: set[int] = field(default_factory=set)
    mono: set[int] = field(default_factory=set)
    total: list[str] | None = None
    # Column widths in per cent, for long tables: with them the PDF lays the table out "fixed",
    # as WeasyPrint's automatic layout measures every cell's text first, and that made a
    # 50-partner sign-off register take seconds. Short tables of money size to their figures.
    widths: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class PartnerStage:
    title: str
    answers: list[tuple[str, str]]  # (question, answer)
    scores: list[tuple[str, str]]  # (statement, score and evidence)


@dataclass(frozen=True)
class PartnerAnnex:
    organisation: str
    figures: str
    stages: list[PartnerStage]


@dataclass(frozen=True)
class View:
    title: str
    meta: list[tuple[str, str]]
    description: str
    description_truncated: bool
    partners: list[PartnerLine]
    partners_left_out: int
    funding_line: str
    verdict: str
    verdict_detail: str
    stages: list[StageView]
    terms: list[BodyItem]  # the Day 1 terms, cut like the stages' answers
    signoffs: SimpleTable
    authorities: SimpleTable
    funding_facts: list[tuple[str, str]]
    funding_tables: list[SimpleTable]
    figures: SimpleTable
    annex: list[PartnerAnnex]
    annex_left_out: int  # partners whose answers are only in the JSON (a large partnership)
    risks: SimpleTable
    readiness_facts: list[tuple[str, str]]
    readiness: SimpleTable
    blockers: list[str]
    audit_facts: list[tuple[str, str]]
    how_to_verify: list[list[tuple[str, bool]]]


def _anchor(stage: StageEntry, answer: AnswerEntry) -> str:
    return f"answer-{stage.number}-{answer.key}"


def _stage_heading(stage: StageEntry) -> str:
    return f"Stage {stage.number} \N{EN DASH} {stage.title}"


def _stage_status(stage: StageEntry) -> str:
    if stage.agreed:
        return f"Agreed: signed for {stage.signed_by} of {stage.partners} partners."
    return f"Not yet agreed: signed for {stage.signed_by} of {stage.partners} partners."


def _answer_limit(agreement: Agreement) -> int:
    count = sum(len(s.shared_answers) for s in agreement.stages) + len(agreement.funding.terms)
    share = BODY_CHARACTERS // max(count, 1)
    return max(MIN_ANSWER_CHARACTERS, min(MAX_ANSWER_CHARACTERS, share))


def _partner_lines(agreement: Agreement) -> tuple[list[PartnerLine], int]:
    rows = {r.partner_id: r for r in agreement.funding.rows}

    def line(p: PartnerEntry) -> PartnerLine:
        row = rows.get(p.partner_id)
        return PartnerLine(
            organisation=p.organisation,
            is_lead=p.is_lead,
            status=_sentence(p.status),
            share=percent(row.share_percent) if row else "Not set",
            annual=money(row.per_year[0]) if row and row.per_year else "Not set",
        )

    def share(p: PartnerEntry) -> Decimal:
        row = rows.get(p.partner_id)
        return (_decimal(row.share_percent) if row else None) or Decimal(0)

    partners = agreement.partners
    if len(partners) <= SUMMARY_PARTNERS:
        return [line(p) for p in partners], 0
    # The lead first, then the largest shares: the partners a reader most needs to see.
    kept = sorted(partners, key=lambda p: (not p.is_lead, -share(p)))[: SUMMARY_PARTNERS - 1]
    return [line(p) for p in kept], len(partners) - len(kept)


def _method(method: str | None) -> str:
    """The funding method as the funding page words it."""
    if not method:
        return "Not chosen"
    try:
        return METHOD_LABELS[Method(method)]
    except ValueError:  # a method newer than this code: show it as it is
        return _sentence(method)


def _funding_line(agreement: Agreement) -> str:
    f = agreement.funding
    if f.method is None:
        return "No funding method has been chosen yet."
    parts = [_method(f.method)]
    if f.one_off_cost is not None:
        parts.append(f"one-off cost {money(f.one_off_cost)}")
    if f.annual_cost is not None:
        years = f" over {f.years} year{'s' if f.years != 1 else ''}" if f.years else ""
        parts.append(f"annual cost {money(f.annual_cost)}{years}")
    if f.grand_total is not None:
        parts.append(f"{money(f.grand_total)} in all")
    state = "agreed" if f.agreed else "not yet agreed"
    return "; ".join(parts) + f". Funding is {state}."


def _verdict(agreement: Agreement) -> tuple[str, str]:
    agreed = sum(1 for s in agreement.stages if s.agreed)
    stages = f"{agreed} of {len(agreement.stages)} stages agreed"
    funding = "funding agreed" if agreement.funding.agreed else "funding not yet agreed"
    blockers = len(agreement.readiness.blockers)
    detail = f"{stages}; {funding}"
    if blockers:
        detail += f"; {blockers} thing{'s' if blockers != 1 else ''} in the way (Appendix E)"
    return _sentence(agreement.verdict), detail + "."


def _body(agreement: Agreement) -> list[StageView]:
    limit = _answer_limit(agreement)
    views = []
    for stage in agreement.stages:
        items = []
        for answer in stage.shared_answers:
            text, cut = shorten(answer.answer, limit)
            items.append(BodyItem(answer.question, text, cut, _anchor(stage, answer)))
        views.append(StageView(stage, _stage_heading(stage), _stage_status(stage), items))
    return views


def _terms(agreement: Agreement) -> list[BodyItem]:
    limit = _answer_limit(agreement)
    items = []
    for answer in agreement.funding.terms:
        text, cut = shorten(answer.answer, limit)
        items.append(BodyItem(answer.question, text, cut, f"term-{answer.key}"))
    return items


STATES = {
    "current": "Current: counts",
    "superseded": "Superseded: the content changed",
    "revoked": "Revoked",
    "declined": "Declined",
}


def _state(state: str, reason: str | None) -> str:
    words = STATES.get(state, _sentence(state))
    return f"{words}: {reason}" if reason and state in {"revoked", "declined"} else words


def _figures(agreement: Agreement) -> SimpleTable:
    names = {p.partner_id: p.organisation for p in agreement.partners}
    return SimpleTable(
        caption="Each partner's figures for the funding formula",
        headers=["Partner", "Population", "Driver figure", "Budget", "Fixed percentage"],
        rows=[
            [
                names.get(r.partner_id, r.organisation),
                r.figures.population or "Not entered",
                r.figures.driver or "Not entered",
                money(r.figures.budget) if r.figures.budget else "Not entered",
                percent(r.figures.percentage) if r.figures.percentage else "Not entered",
            ]
            for r in agreement.partner_records
        ],
        numeric={1, 2, 3, 4},
        widths=[36, 16, 16, 16, 16],
    )


def _score_words(score: Any) -> str:
    if score.get("score") is None:
        return "Not scored"
    words = [f"{score['score']} of 4"]
    for key, lead in (("evidence", ""), ("evidence_url", ""), ("valid_until", "valid until ")):
        if score.get(key):
            words.append(f"{lead}{score[key]}")
    return "; ".join(words)


def _annex(agreement: Agreement) -> tuple[list[PartnerAnnex], int]:
    records = agreement.partner_records
    if len(records) > ANNEX_PARTNERS:
        return [], len(records)
    texts = {(q.stage, q.key): q.text for q in agreement.questions}
    titles = {s.key: s.title for s in agreement.stages}
    annex = []
    for r in records:
        stages = [
            PartnerStage(
                title=titles.get(s.stage, _label(s.stage)),
                answers=[(texts.get((s.stage, k), k), a) for k, a in s.answers.items()],
                scores=[(texts.get((s.stage, k), k), _score_words(v)) for k, v in s.scores.items()],
            )
            for s in r.stages
            if s.answers or s.scores
        ]
        f = r.figures
        figures = ", ".join(
            f"{name} {value}"
            for name, value in (
                ("population", f.population),
                ("driver", f.driver),
                ("budget", money(f.budget) if f.budget else None),
                ("fixed percentage", percent(f.percentage) if f.percentage else None),
            )
            if value
        )
        annex.append(PartnerAnnex(r.organisation, figures or "none entered", stages))
    return annex, 0


def _signoffs(agreement: Agreement) -> SimpleTable:
    titles = {s.key: s.title for s in agreement.stages}
    rows = [
        [
            s.person,
            ROLE_LABELS.get(s.role, _sentence(s.role)),
            s.organisation,
            "Day 1 funding" if s.kind == "funding" else titles.get(s.stage or "", s.stage or ""),
            when(s.signed_at),
            _state(s.state, s.reason),
            s.content_hash,
        ]
        for s in agreement.signoffs
    ]
    return SimpleTable(
        caption="Sign-off register: every signature, of which only current ones count",
        headers=["Person", "Role", "Organisation", "Subject", "When", "State", "Content hash"],
        rows=rows,
        mono={6},
        widths=[12, 9, 15, 12, 14, 14, 24],
    )


def _authorities(agreement: Agreement) -> SimpleTable:
    rows = [
        [
            a.person,
            ROLE_LABELS.get(a.role, _sentence(a.role)),
            a.organisation,
            a.authority or "Not recorded",
            a.granted_by or "Not recorded",
            when(a.granted_at),
        ]
        for a in agreement.authorities
    ]
    return SimpleTable(
        caption="Signing authority: who holds each signing role, and the decision it rests on",
        headers=["Person", "Role", "Organisation", "Authority", "Granted by", "When"],
        rows=rows,
        widths=[14, 10, 18, 28, 14, 16],
    )


def _funding_tables(agreement: Agreement) -> list[SimpleTable]:
    f = agreement.funding
    rows = f.rows
    if not rows:
        return []
    years = max(len(r.per_year) for r in rows)
    starts = range(0, years, YEARS_PER_TABLE)
    chunks = [list(range(i, min(i + YEARS_PER_TABLE, years))) for i in starts] or [[]]
    tables = []
    for n, chunk in enumerate(chunks):
        first, last = n == 0, n == len(chunks) - 1
        headers = ["Partner"] + (["Share", "One-off"] if first else [])
        headers += [f"Year {y + 1}" for y in chunk] + (["Total"] if last else [])
        body = [_funding_cells(r, chunk, first, last) for r in rows]
        totals = ["Total"]
        if first:
            share = _sum([r.share_percent for r in rows])
            totals += [percent(share), money(_sum([r.one_off for r in rows]))]
        totals += [money(_sum([_year(r, y) for r in rows])) for y in chunk]
        if last:
            totals.append(money(f.grand_total or _sum([r.total for r in rows])))
        span = f" (years {chunk[0] + 1} to {chunk[-1] + 1})" if len(chunks) > 1 else ""
        tables.append(
            SimpleTable(
                caption=f"Contributions by partner{span}",
                headers=headers,
                rows=body,
                numeric=set(range(1, len(headers))),
                total=totals,
            )
        )
    return tables


def _year(row: FundingRowEntry, year: int) -> str | None:
    return row.per_year[year] if year < len(row.per_year) else None


def _funding_cells(row: FundingRowEntry, years: list[int], first: bool, last: bool) -> list[str]:
    cells = [row.organisation]
    if first:
        cells += [percent(row.share_percent), money(row.one_off)]
    cells += [money(_year(row, y)) if _year(row, y) is not None else "" for y in years]
    return cells + ([money(row.total)] if last else [])


def _risks(agreement: Agreement) -> SimpleTable:
    titles = {s.key: s.title for s in agreement.stages}
    return SimpleTable(
        caption="Risk register",
        headers=["Risk", "Stage", "Likelihood", "Impact", "Score", "Owner", "Mitigation", "Status"],
        rows=[
            [
                r.title,
                titles.get(r.stage, r.stage) if r.stage else "Whole partnership",
                str(r.likelihood),
                str(r.impact),
                str(r.score),
                r.owner or "No owner",
                r.mitigation or "None recorded",
                _sentence(r.status),
            ]
            for r in agreement.risks
        ],
        numeric={2, 3, 4},
        widths=[17, 11, 10, 8, 7, 10, 28, 9],
    )


def _readiness(agreement: Agreement) -> SimpleTable:
    dims = agreement.readiness.dimensions
    keys: list[str] = []
    for d in dims:
        keys += [k for k in d if k not in keys]
    return SimpleTable(
        caption="Readiness by dimension",
        headers=[_label(k) for k in keys],
        rows=[[_sentence(d.get(k) or "") for k in keys] for d in dims],
    )


def _view(agreement: Agreement) -> View:
    a = agreement
    description, description_cut = shorten(a.description, SUMMARY_DESCRIPTION_CHARACTERS)
    partners, left_out = _partner_lines(a)
    verdict, verdict_detail = _verdict(a)
    f = a.funding
    funding_tables = _funding_tables(a)
    annex, annex_left_out = _annex(a)
    return View(
        title=f"Agreement summary: {a.name}",
        meta=[
            ("Generated", when(a.generated_at)),
            ("Roadmap version", a.roadmap_version),
            ("Document version", a.schema_version),
        ],
        description=description,
        description_truncated=description_cut,
        partners=partners,
        partners_left_out=left_out,
        funding_line=_funding_line(a),
        verdict=verdict,
        verdict_detail=verdict_detail,
        stages=_body(a),
        terms=_terms(a),
        signoffs=_signoffs(a),
        authorities=_authorities(a),
        funding_facts=[
            ("Method", _method(f.method)),
            ("Agreed", "Yes" if f.agreed else "No"),
            ("One-off cost", money(f.one_off_cost)),
            ("Annual cost", money(f.annual_cost)),
            ("Years", str(f.years) if f.years is not None else "Not set"),
            ("Grand total", money(f.grand_total)),
            ("Content hash", f.content_hash or "None"),
        ],
        funding_tables=funding_tables,
        figures=_figures(a),
        annex=annex,
        annex_left_out=annex_left_out,
        risks=_risks(a),
        readiness_facts=[
            ("Collected", when(a.readiness.collected_at)),
            ("Verdict", _sentence(a.readiness.verdict)),
            ("Snapshot hash", a.readiness.snapshot_hash or "No snapshot"),
        ],
        readiness=_readiness(a),
        blockers=list(a.readiness.blockers),
        audit_facts=[
            ("Partnership ID", a.partnership_id),
            ("Chain", a.audit.chain),
            ("Events", f"{a.audit.events:,}"),
            ("Head hash", a.audit.head_hash),
        ],
        how_to_verify=[_segments(p) for p in _paragraphs(a.audit.how_to_verify)],
    )


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _segments(text: str) -> list[tuple[str, bool]]:
    """Text split into (words, is_code) parts: `backticks` mark commands to type, as in Markdown."""
    parts = re.split(r"`([^`]+)`", text)
    return [(part, i % 2 == 1) for i, part in enumerate(parts) if part]


TERMS_HEADING = "Day 1 \N{EN DASH} the funding terms"
TERMS_STATUS = "Agreed: signed by every partner's chief executive and chief finance officer."
TERMS_NOT_AGREED = "Not yet agreed by every partner's chief executive and chief finance officer."
ANNEX_HEADING = "Appendix G: Each partner's answers and readiness evidence"


def annex_pointer(partners: int) -> str:
    return (
        f"With {partners} partners, each partner's own answers, readiness scores and evidence "
        f"are in the JSON export (which this PDF also carries inside it, as {ATTACHMENT}), "
        "rather than in hundreds of pages here."
    )


# --- HTML and PDF ------------------------------------------------------------------------------


def to_html(agreement: Agreement) -> str:
    """The agreement summary as one standalone print HTML document (for the PDF and previews)."""
    template = environment().get_template(TEMPLATE)
    return template.render(
        a=agreement,
        v=_view(agreement),
        pointer=POINTER,
        terms_heading=TERMS_HEADING,
        terms_status=TERMS_STATUS,
        terms_not_agreed=TERMS_NOT_AGREED,
        annex_heading=ANNEX_HEADING,
        annex_pointer=annex_pointer,
    )


def to_pdf(agreement: Agreement) -> bytes:
    """The agreement summary as an A4 PDF/UA-1 document (WeasyPrint; takes seconds: run it in a
    thread)."""
    from weasyprint import HTML, Attachment  # type: ignore[import-untyped]  # slow: when needed
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    # The document is self-contained; refusing every URL means a crafted answer can never make
    # the server fetch anything (no file://, no internal addresses).
    fetcher = URLFetcher(allowed_protocols=())
    # The PDF carries the JSON export, so that `roadmap agreement verify` checks a PDF as
    # thoroughly as the JSON: every field of it, not only what the pages show.
    data = Attachment(
        string=to_json(agreement).decode("utf-8"),
        name=ATTACHMENT,
        description="The agreement as data: check it with `roadmap agreement verify`",
    )
    # PDF/UA-1: tagged structure, language, title shown, and the XMP claim that a checker (or
    # a screen reader's host) relies on; many councils must publish accessible documents.
    pdf = HTML(string=to_html(agreement), url_fetcher=fetcher).write_pdf(
        pdf_tags=True, pdf_variant="pdf/ua-1", attachments=[data]
    )
    return bytes(pdf)


# --- Blocks: the document for the Word and OpenDocument writers ----------------------------------


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    page_break: bool = False


@dataclass(frozen=True)
class Para:
    text: str
    bold_lead: str = ""
    style: str = "normal"  # "normal", "small", "mono", "bullet" or "code" (`backticks` as code)


Block = Heading | Para | SimpleTable


def _facts(facts: list[tuple[str, str]]) -> Iterator[Block]:
    for name, value in facts:
        yield Para(
            value, bold_lead=f"{name}: ", style="mono" if "hash" in name.lower() else "normal"
        )


def _blocks(agreement: Agreement) -> Iterator[Block]:
    v = _view(agreement)
    yield Heading(0, v.title)
    yield Para(" · ".join(f"{k}: {val}" for k, val in v.meta), style="small")
    yield Heading(1, "1. Executive summary")
    more = " (full description in Appendix A)" if v.description_truncated else ""
    yield Para(f"{agreement.service}. {v.description}{more}", bold_lead="Service and scope: ")
    yield SimpleTable(
        caption="Partners and funding shares",
        headers=["Partner", "Status", "Funding share", "Annual contribution (year 1)"],
        rows=[
            [p.organisation + (" (lead partner)" if p.is_lead else ""), p.status, p.share, p.annual]
            for p in v.partners
        ],
        numeric={2, 3},
    )
    if v.partners_left_out:
        yield Para(f"And {v.partners_left_out} more partners: every partner is in Appendix C.")
    yield Para(v.funding_line, bold_lead="Funding: ")
    yield Para(v.verdict_detail, bold_lead=f"Verdict: {v.verdict}. ")
    yield Heading(1, "2. The agreed position")
    for s in v.stages:
        yield Heading(2, s.heading)
        yield Para(s.status, style="small")
        if s.items:
            yield SimpleTable(
                caption=f"Agreed position: {s.stage.title}",
                headers=["Question", "Answer"],
                rows=[
                    [i.question, i.answer + (f" ({POINTER})" if i.truncated else "")]
                    for i in s.items
                ],
            )
        else:
            yield Para("No shared answers.")
    yield Heading(2, TERMS_HEADING)
    yield Para(TERMS_STATUS if agreement.funding.agreed else TERMS_NOT_AGREED, style="small")
    if v.terms:
        yield SimpleTable(
            caption="Agreed position: the Day 1 terms",
            headers=["Term", "Answer"],
            rows=[
                [i.question, i.answer + (f" ({POINTER})" if i.truncated else "")] for i in v.terms
            ],
        )
    yield Heading(1, "Appendices", page_break=True)
    yield Heading(2, "Appendix A: Full answers")
    yield Para("", bold_lead="The service and its scope")
    yield Para(f"{agreement.service}.")
    for paragraph in _paragraphs(agreement.description):
        yield Para(paragraph)
    for s in v.stages:
        yield Heading(3, s.heading)
        for answer in s.stage.shared_answers:
            yield Para("", bold_lead=answer.question)
            for paragraph in _paragraphs(answer.answer) or [""]:
                yield Para(paragraph)
    yield Heading(3, TERMS_HEADING)
    for answer in agreement.funding.terms:
        yield Para("", bold_lead=answer.question)
        for paragraph in _paragraphs(answer.answer) or [""]:
            yield Para(paragraph)
    yield Heading(2, "Appendix B: Sign-off register")
    yield v.signoffs if v.signoffs.rows else Para("No one has signed yet.")
    yield v.authorities if v.authorities.rows else Para("No one holds a signing role.")
    yield Heading(2, "Appendix C: Funding")
    yield from _facts(v.funding_facts)
    yield from v.funding_tables
    if v.figures.rows:
        yield v.figures
    yield Heading(2, "Appendix D: Risk register")
    yield v.risks if v.risks.rows else Para("No risks are recorded.")
    yield Heading(2, "Appendix E: Readiness snapshot")
    yield from _facts(v.readiness_facts)
    if v.readiness.rows:
        yield v.readiness
    yield Para("What stands in the way:" if v.blockers else "Nothing stands in the way.")
    for b in v.blockers:
        yield Para(b, style="bullet")
    yield Heading(2, "Appendix F: Audit chain")
    yield from _facts(v.audit_facts)
    yield Heading(3, "How to verify")
    for paragraph in _paragraphs(agreement.audit.how_to_verify):
        yield Para(paragraph, style="code")
    yield Heading(2, ANNEX_HEADING)
    if v.annex_left_out:
        yield Para(annex_pointer(v.annex_left_out))
    for partner in v.annex:
        yield Heading(3, partner.organisation)
        yield Para(partner.figures, bold_lead="Funding figures: ")
        for stage in partner.stages:
            yield Para("", bold_lead=stage.title)
            for question, text in [*stage.answers, *stage.scores]:
                yield Para(text, bold_lead=f"{question} ", style="small")


# --- Word ---------------------------------------------------------------------------------------


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the document out."""

    def char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    char("separate")
    paragraph.add_run("1")  # shown until Word updates the field
    char("end")


def _widths(t: SimpleTable) -> list[int]:
    """Column widths in per cent: the table's own, or equal shares."""
    return t.widths or [100 // len(t.headers)] * len(t.headers)


def _docx_table(doc: Any, t: SimpleTable) -> None:
    doc.add_paragraph(_clean(t.caption), style="Caption")
    rows = t.rows + ([t.total] if t.total else [])
    # Every row at once: python-docx writes a new table's XML in one go, where adding rows one
    # by one looks up and sets each cell's width (most of a second for 400 partners).
    table = doc.add_table(rows=1 + len(rows), cols=len(t.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = [Mm(TEXT_WIDTH_CM * 10 * w / 100) for w in _widths(t)]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    # A fixed layout takes the column widths from the grid, so the rows need no width of their
    # own (setting one on every cell of a 400-partner table took most of a second).
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    header = table.rows[0]
    # Repeat the header row on each page, and let screen readers know it is one.
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, text, width in zip(header.cells, t.headers, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].add_run(_clean(text)).bold = True
    for n, (row, values) in enumerate(zip(table.rows[1:], rows, strict=True)):
        for i, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(_clean(text))
            if t.total is not None and n == len(rows) - 1:
                run.bold = True
            if i in t.mono:
                run.font.name = "Courier New"
                run.font.size = Pt(7)
            if i in t.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def to_docx(agreement: Agreement) -> bytes:
    """The agreement summary as a Word document, with DRAFT in the header while a draft."""
    doc = Document()
    doc.core_properties.title = _clean(f"Agreement summary: {agreement.name}")
    doc.core_properties.language = "en-GB"
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(18))
    if agreement.draft:
        mark = section.header.paragraphs[0]
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = mark.add_run(DRAFT)
        run.bold = True
        run.font.size = Pt(28)
        run.font.color.rgb = RGBColor(0xB1, 0x0E, 0x1E)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")

    for block in _blocks(agreement):
        if isinstance(block, Heading):
            heading = doc.add_heading(_clean(block.text), level=block.level)
            heading.paragraph_format.page_break_before = block.page_break
        elif isinstance(block, SimpleTable):
            _docx_table(doc, block)
        else:
            style = "List Bullet" if block.style == "bullet" else None
            paragraph = doc.add_paragraph(style=style)
            if block.bold_lead:
                paragraph.add_run(_clean(block.bold_lead)).bold = True
            parts = _segments(block.text) if block.style == "code" else [(block.text, False)]
            for text, code in parts:
                run = paragraph.add_run(_clean(text))
                if code or block.style == "mono":
                    run.font.name = "Courier New"
                    run.font.size = Pt(8)
                elif block.style == "small":
                    run.font.size = Pt(8)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- OpenDocument -------------------------------------------------------------------------------


class _OdtStyles:
    """The named and automatic styles an OpenDocument text needs, made once per document."""

    def __init__(self, doc: Any, draft: bool) -> None:
        def add(where: Any, style: Any) -> Any:
            where.addElement(style)
            return style

        self.doc = doc
        self.headings: dict[int, Any] = {}
        self.columns: dict[int, Any] = {}
        for level, size in ((0, "18pt"), (1, "15pt"), (2, "12.5pt"), (3, "11pt")):
            name = "Title" if level == 0 else f"Heading_20_{level}"
            style = Style(name=name, displayname=name.replace("_20_", " "), family="paragraph")
            style.addElement(TextProperties(fontsize=size, fontweight="bold"))
            style.addElement(ParagraphProperties(margintop="0.3cm", marginbottom="0.15cm"))
            self.headings[level] = add(doc.styles, style)
        self.page_break = Style(name="PageBreakHeading", family="paragraph")
        self.page_break.addElement(ParagraphProperties(breakbefore="page"))
        self.page_break.addElement(TextProperties(fontsize="15pt", fontweight="bold"))
        add(doc.automaticstyles, self.page_break)
        self.bold = add(doc.automaticstyles, Style(name="Bold", family="text"))
        self.bold.addElement(TextProperties(fontweight="bold"))
        self.mono = add(doc.automaticstyles, Style(name="Mono", family="text"))
        self.mono.addElement(TextProperties(fontname="DejaVu Sans Mono", fontsize="7.5pt"))
        self.small = add(doc.automaticstyles, Style(name="Small", family="text"))
        self.small.addElement(TextProperties(fontsize="8pt"))
        self.bullet = add(doc.automaticstyles, Style(name="Bullet", family="paragraph"))
        self.bullet.addElement(ParagraphProperties(marginleft="0.6cm"))
        self.right = add(doc.automaticstyles, Style(name="Right", family="paragraph"))
        self.right.addElement(ParagraphProperties(textalign="end"))
        self.table = add(doc.automaticstyles, Style(name="Table", family="table"))
        self.table.addElement(TableProperties(width=f"{TEXT_WIDTH_CM}cm", align="margins"))
        self.cell = add(doc.automaticstyles, Style(name="Cell", family="table-cell"))
        self.cell.addElement(TableCellProperties(border="0.5pt solid #505a5f", padding="0.08cm"))

        layout = add(doc.automaticstyles, PageLayout(name="A4"))
        layout.addElement(
            PageLayoutProperties(
                pagewidth="21cm",
                pageheight="29.7cm",
                printorientation="portrait",
                margintop="1.5cm",
                marginbottom="1.5cm",
                marginleft="1.8cm",
                marginright="1.8cm",
            )
        )
        master = add(doc.masterstyles, MasterPage(name="Standard", pagelayoutname=layout))
        if draft:
            mark = add(doc.styles, Style(name="DraftMark", family="paragraph"))
            mark.addElement(ParagraphProperties(textalign="center"))
            mark.addElement(TextProperties(fontsize="28pt", fontweight="bold", color="#b10e1e"))
            header = add(master, Header())
            header.addElement(P(stylename=mark, text=DRAFT))
        footer = add(master, Footer())
        page = P(stylename=self.right, text="Page ")
        page.addElement(PageNumber(selectpage="current"))
        teletype.addTextToElement(page, " of ")
        page.addElement(PageCount())
        footer.addElement(page)

    def column(self, percent: int) -> Any:
        """A column style `percent` of the text width wide, made the first time it is asked for."""
        if percent not in self.columns:
            style = Style(name=f"Column{percent}", family="table-column")
            width = f"{TEXT_WIDTH_CM * percent / 100:.2f}cm"
            style.addElement(TableColumnProperties(columnwidth=width, relcolumnwidth=f"{percent}*"))
            self.doc.automaticstyles.addElement(style)
            self.columns[percent] = style
        return self.columns[percent]


def _odt_paragraph(styles: _OdtStyles, block: Para) -> Any:
    paragraph = P(stylename=styles.bullet) if block.style == "bullet" else P()
    if block.style == "bullet":
        teletype.addTextToElement(paragraph, "• ")
    if block.bold_lead:
        paragraph.addElement(Span(stylename=styles.bold, text=_clean(block.bold_lead)))
    parts = _segments(block.text) if block.style == "code" else [(block.text, False)]
    for text, code in parts:
        style = (
            styles.mono if code else {"mono": styles.mono, "small": styles.small}.get(block.style)
        )
        if style is not None:
            paragraph.addElement(Span(stylename=style, text=_clean(text)))
        else:
            teletype.addTextToElement(paragraph, _clean(text))
    return paragraph


def _odt_table(styles: _OdtStyles, t: SimpleTable, n: int) -> list[Any]:
    caption = P()
    caption.addElement(Span(stylename=styles.bold, text=_clean(t.caption)))
    table = Table(name=f"Table{n}", stylename=styles.table)
    for width in _widths(t):
        table.addElement(TableColumn(stylename=styles.column(width)))

    def row(values: list[str], bold: bool) -> Any:
        tr = TableRow()
        for i, text in enumerate(values):
            cell = TableCell(valuetype="string", stylename=styles.cell)
            p = P(stylename=styles.right) if i in t.numeric and not bold else P()
            span = styles.bold if bold else styles.mono if i in t.mono else None
            if span is not None:
                p.addElement(Span(stylename=span, text=_clean(text)))
            else:
                teletype.addTextToElement(p, _clean(text))
            cell.addElement(p)
            tr.addElement(cell)
        return tr

    head = TableHeaderRows()
    head.addElement(row(t.headers, bold=True))
    table.addElement(head)
    for values in t.rows:
        table.addElement(row(values, bold=False))
    if t.total:
        table.addElement(row(t.total, bold=True))
    return [caption, table]


def to_odt(agreement: Agreement) -> bytes:
    """The agreement summary as OpenDocument text, with DRAFT in the header while a draft."""
    doc = OpenDocumentText()
    styles = _OdtStyles(doc, agreement.draft)
    tables = 0
    for block in _blocks(agreement):
        if isinstance(block, Heading) and block.level == 0:
            doc.text.addElement(P(stylename=styles.headings[0], text=_clean(block.text)))
        elif isinstance(block, Heading):
            style = styles.page_break if block.page_break else styles.headings[block.level]
            doc.text.addElement(
                H(outlinelevel=block.level, stylename=style, text=_clean(block.text))
            )
        elif isinstance(block, SimpleTable):
            tables += 1
            for element in _odt_table(styles, block, tables):
                doc.text.addElement(element)
        else:
            doc.text.addElement(_odt_paragraph(styles, block))
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


# --- JSON ---------------------------------------------------------------------------------------


def to_json(agreement: Agreement) -> bytes:
    """The agreement summary as JSON, valid against `app.export.schema.json_schema()`."""
    return agreement.model_dump_json(indent=2).encode("utf-8")
