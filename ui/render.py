"""HTML for answers and source cards. Pure functions: what the page shows is testable."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from markdown_it import MarkdownIt

from index import Document, page_unit
from rag import Answer, Citation
from rag.answer import MARKER

CONTEXT_CHARS = 280
# The highlighted span travels through the markdown renderer as two private-use characters.
_OPEN, _CLOSE = "\ue000", "\ue001"
# CommonMark, raw HTML off (escaped as text), no images: a card never loads anything.
_MARKDOWN_RENDERER = MarkdownIt("commonmark", {"html": False}).disable("image")
# Sheets and slides are read a row or a text box a line (index/reading/formats): each line
# stays a line, where markdown would run a table's rows together into one paragraph.
_LINES_RENDERER = MarkdownIt("commonmark", {"html": False, "breaks": True}).disable("image")
LINE_UNITS = ("sheet", "slide")


class DocumentRow(NamedTuple):
    """A row of the Documents table."""

    source: str  # the file name: what Remove and the /remove API take
    title: str  # the document's own title, else its file name
    pages: int | None
    chunks: int


MODE_LABELS = {"llm": "LLM", "extractive": "Extractive", "abstained": "Abstained"}


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$<>])")


def plain_markdown(text: str) -> str:
    """`text` as the chat's markdown shows it literally: no HTML, no emphasis, links or math
    made of a question's or a source's own characters, no control characters."""
    return _MARKDOWN.sub(r"\\\1", _CONTROL.sub("", text))


def answer_markdown(answer: Answer, turn: int) -> str:
    """The answer shown literally, with each cited [n] turned into a link to its card."""
    cited = {c.marker for c in answer.citations}
    parts = []
    at = 0
    for match in MARKER.finditer(answer.text):
        parts.append(plain_markdown(answer.text[at : match.start()]))
        n = int(match.group(1))
        parts.append(f"[\\[{n}\\]](#src-{turn}-{n})" if n in cited else plain_markdown(match[0]))
        at = match.end()
    parts.append(plain_markdown(answer.text[at:]))
    if answer.generated is not None and not answer.generated.passed:
        # The streamed model text is replaced: the chat must say why the answer changed.
        parts.insert(0, f"⚠️ *{plain_markdown(answer.notice)}*\n\n")
    return "".join(parts)


def source_section(
    question: str, mode: str, notice: str, cards: str, turn: int, *, show_notice: bool
) -> str:
    """One turn of the sources panel: the question as its heading, how it was answered, the
    notice (left out where the turn above said the same), and the turn's cards."""
    e = html.escape
    label = MODE_LABELS.get(mode, mode)
    parts = [
        f'<section class="rag-turn" id="turn-{turn}" data-mode="{e(mode)}">',
        f'<h4 class="rag-question">{e(question)}</h4>',
        f'<span class="rag-mode rag-mode-{e(mode)}">{e(label)}</span>',
    ]
    if notice and show_notice:
        parts.append(f'<p class="rag-notice">{e(notice)}</p>')
    return "".join([*parts, cards, "</section>"])


def source_cards(answer: Answer, turn: int, document: Callable[[str], Document | None]) -> str:
    """One card per cited passage: document, page, the quoted span highlighted in its
    surrounding text, and a verified / unsupported badge per citation."""
    e = html.escape
    parts = [f'<div class="rag-answer" data-mode="{e(answer.mode)}">']
    by_marker: dict[int, list[Citation]] = {}
    for c in answer.citations:
        by_marker.setdefault(c.marker, []).append(c)
    for marker, citations in sorted(by_marker.items()):
        first = citations[0]
        doc = document(first.document_id)
        page = f", {first.page_label}" if first.page_label else ""
        quotes = []
        for c in citations:
            css, label, meaning = _badge(answer, c)
            # Clicking a quote opens the whole document at it (the page's JS reads data-open).
            target = f"{c.document_id}:{c.start}:{c.end}"
            quotes.append(
                f'<div class="rag-quote" data-open="{e(target)}" title="Click to open the '
                f'document here"><span class="rag-badge {css}" title="{meaning}">{label}'
                f"</span> {_in_context(doc, c.start, c.end, c.quote)}</div>"
            )
        parts.append(
            f'<div class="rag-card" id="src-{turn}-{marker}"><div class="rag-card-head">'
            f"<b>[{marker}]</b> {_named(doc.title if doc else '', first.source)}{page}</div>"
            f"{''.join(quotes)}</div>"
        )
    if answer.unsupported and answer.mode == "llm":
        items = "".join(f"<li>{e(s)}</li>" for s in answer.unsupported)
        parts.append(
            f'<div class="rag-unsupported-list"><b>Not supported by the cited '
            f"passages:</b><ul>{items}</ul></div>"
        )
    parts.append("</div>")
    return "".join(parts)


def _badge(answer: Answer, citation: Citation) -> tuple[str, str, str]:
    """CSS class, label and tooltip. An extractive quote is only ever "quoted word for word":
    saying "verified" there reads as "this answers the question", which no check says."""
    if answer.mode == "extractive":
        return "rag-verified", "exact quote", "Quoted word for word from the document."
    if citation.verified and citation.attributed:
        return (
            "rag-verified",
            "supported (cited by the verifier)",
            "The model cited no passage that supports this sentence; the judge finds this does.",
        )
    if citation.verified:
        return "rag-verified", "supported", "The judge finds this passage supports the sentence."
    return "rag-unsupported", "unsupported", "The judge finds no support for the sentence here."


def _in_context(doc: Document | None, start: int, end: int, quote: str) -> str:
    """The quote highlighted in the lines around it, rendered as the document's markdown
    reads (headings, lists, emphasis, links) and never as its HTML: raw HTML is escaped and
    images are not fetched."""
    if doc is None or doc.text[start:end] != quote:
        return f"<mark>{html.escape(quote)}</mark>"
    text = doc.text
    # From a line's start, so a heading's # or a list's - reads as markdown, when one is near.
    begin = max(0, start - CONTEXT_CHARS)
    if begin > 0 and text[begin - 1] != "\n":
        line = text.find("\n", begin, start)
        begin = line + 1 if line != -1 else begin
    stop = min(len(text), end + CONTEXT_CHARS)
    if stop < len(text) and text[stop] != "\n":
        line = text.rfind("\n", end, stop)
        stop = line if line != -1 else stop
    lead = "…" if begin > 0 and text[begin - 1] != "\n" else ""
    tail = "…" if stop < len(text) and text[stop] != "\n" else ""
    lines = page_unit(doc.source) in LINE_UNITS
    return _highlighted(f"{lead}{text[begin:start]}", quote, f"{text[end:stop]}{tail}", lines=lines)


def _highlighted(
    before: str, span: str, after: str, mark: str = "<mark>", *, lines: bool = False
) -> str:
    """`before` `span` `after` rendered as markdown, `span` highlighted: it travels through
    the renderer between two private-use characters, which then become the mark's tags."""
    # A span across a paragraph break is marked line by line: a mark cannot hold a <p>.
    parts = [f"{_OPEN}{line}{_CLOSE}" if line.strip() else line for line in span.split("\n")]
    marked = before + "\n".join(parts) + after
    renderer = _LINES_RENDERER if lines else _MARKDOWN_RENDERER
    rendered = str(renderer.render(_CONTROL.sub("", marked)))
    # The first mark is `mark` (the viewer's has the id it scrolls to), the others plain.
    rendered = rendered.replace(_OPEN, mark, 1).replace(_OPEN, "<mark>")
    return rendered.replace(_CLOSE, "</mark>")


def document_view(doc: Document, start: int, end: int) -> str:
    """The whole document (a PDF: the cited page) as its markdown reads, the span from
    `start` to `end` highlighted; the page's JS scrolls to the highlight."""
    e = html.escape
    text, offset, where = doc.text, 0, ""
    page = next((p for p in doc.pages if p.start <= start < p.end), None)
    if page is not None:
        text, offset = doc.text[page.start : page.end], page.start
        unit = page_unit(doc.source)
        # A sheet's text opens with its name as a heading (index/reading/formats/sheets.py).
        first = text.split("\n", 1)[0]
        name = f": {e(first[2:].strip())}" if unit == "sheet" and first.startswith("# ") else ""
        where = (
            f'<span class="rag-file">{unit} {page.number} of {doc.pages[-1].number}{name}</span>'
        )
    a, b = max(0, start - offset), min(len(text), end - offset)
    lines = page_unit(doc.source) in LINE_UNITS
    body = _highlighted(text[:a], text[a:b], text[b:], mark='<mark id="viewer-mark">', lines=lines)
    return (
        f'<div class="rag-viewer" data-document="{e(doc.id)}"><h3>{_named(doc.title, doc.source)}'
        f" {where}</h3>{body}</div>"
    )


def documents_table(rows: Sequence[DocumentRow]) -> str:
    if not rows:
        return "<p>No documents yet. Upload some below.</p>"
    body = "".join(
        f"<tr><td>{_named(r.title, r.source)}</td><td>{_counted(r.pages, r.source)}</td>"
        f"<td>{r.chunks}</td></tr>"
        for r in rows
    )
    return (
        '<table class="rag-docs"><tr><th>document</th><th>length</th><th>chunks</th></tr>'
        f"{body}</table>"
    )


def _counted(pages: int | None, source: str) -> str:
    """ "3 slides", "1 sheet", "12 pages"; "" for a document without pages."""
    if not pages:
        return ""
    return f"{pages} {page_unit(source)}{'s' if pages != 1 else ''}"


def _named(title: str, source: str) -> str:
    """A document's title with its file name beside it, smaller (the file name is what the
    Remove box lists); the file name alone when it is the title."""
    e = html.escape
    if not title or title == source:
        return e(source)
    return f'{e(title)} <span class="rag-file">{e(source)}</span>'
