"""What the page shows, from the pure render functions: links only for cited markers, text
escaped, the quote highlighted inside its document."""

from __future__ import annotations

from index import Document, Page
from rag import Answer, Citation
from rag.records import Mode
from ui import render

DOC = Document(
    id="d1",
    source="<b>notes</b>.txt",
    path="/x/notes.txt",
    title="notes",
    text="Intro text. Trees beat nets on <tables>. More text follows here.",
)
START = DOC.text.index("Trees")
END = DOC.text.index("More") - 1


def _answer(verified: bool = True, mode: Mode = "extractive") -> Answer:
    quote = DOC.text[START:END]
    citation = Citation(1, DOC.source, DOC.id, None, START, END, quote, verified, 0.9, quote)
    return Answer(f"{quote} [1] and [7].", mode, (citation,), notice="Quoted <verbatim>.")


def test_only_cited_markers_become_links() -> None:
    markdown = render.answer_markdown(_answer(), turn=3)
    assert "[\\[1\\]](#src-3-1)" in markdown and "\\[7\\]" in markdown
    assert "#src-3-7" not in markdown


def test_cards_escape_text_and_highlight_the_quote_in_context() -> None:
    html = render.source_cards(_answer(), 2, {DOC.id: DOC}.get)
    assert 'id="src-2-1"' in html and "&lt;b&gt;notes&lt;/b&gt;.txt" in html
    assert "<mark>Trees beat nets on &lt;tables&gt;.</mark>" in html
    assert "Intro text. <mark>" in html
    assert "<b>notes</b>" not in html and "<tables>" not in html


def test_the_sources_panel_groups_cards_under_each_question_with_the_notice_once() -> None:
    from ui.chat import all_sources

    cards = render.source_cards(_answer(), 1, {DOC.id: DOC}.get)
    extractive = {"mode": "extractive", "notice": "Quoted <verbatim>.", "cards": cards}
    turns = [
        {"question": "Why <trees>?", **extractive},
        {"question": "Capital of France?", "mode": "abstained", "notice": "", "cards": ""},
        {"question": "And nets?", **extractive},
        {"question": "Broken", "answer": "⚠️ failed", "display": "⚠️ failed"},  # no sources
    ]
    html = all_sources(turns)  # type: ignore[arg-type]
    headings = [h.rsplit(">", 1)[1] for h in html.split("</h4>")[:-1]]
    assert headings == ["And nets?", "Capital of France?", "Why &lt;trees&gt;?"]  # newest first
    assert html.count('<section class="rag-turn"') == 3 and html.count("</section>") == 3
    # Shown on the newest extractive turn; the older one after the abstention shows it again
    # only because the turn above it said something else.
    assert html.count("Quoted &lt;verbatim&gt;.") == 2
    same = [{"question": f"q{i}", **extractive} for i in range(4)]
    assert all_sources(same).count("Quoted &lt;verbatim&gt;.") == 1  # type: ignore[arg-type]
    section = html.split('<section class="rag-turn" id="turn-2"')[1].split("</section>")[0]
    assert ">Abstained<" in section and "rag-card" not in section


def test_badges_say_what_was_checked() -> None:
    # A quote is only "quoted word for word"; a model's sentence is supported or not.
    assert ">exact quote<" in render.source_cards(_answer(), 1, {}.get)
    assert ">verified<" not in render.source_cards(_answer(), 1, {}.get)
    assert ">supported<" in render.source_cards(_answer(mode="llm"), 1, {}.get)
    unsupported = render.source_cards(_answer(verified=False, mode="llm"), 1, {}.get)
    assert "rag-unsupported" in unsupported and ">unsupported<" in unsupported


def test_documents_table_escapes_names() -> None:
    table = render.documents_table([render.DocumentRow("<i>x</i>.md", "<i>x</i>.md", None, 3)])
    assert "&lt;i&gt;x&lt;/i&gt;.md" in table and "<i>" not in table
    titled = render.documents_table([render.DocumentRow("a.md", "<b>Notes</b>", 2, 5)])
    assert "&lt;b&gt;Notes&lt;/b&gt;" in titled and "a.md" in titled and "<b>N" not in titled
    assert "No documents yet" in render.documents_table([])


def test_questions_and_sources_show_literally_in_the_chat() -> None:
    shown = render.plain_markdown("<script>alert('x')</script> **bold [a](b) $x$ \x07end")
    assert shown == (
        "\\<script\\>alert\\('x'\\)\\</script\\> \\*\\*bold \\[a\\]\\(b\\) \\$x\\$ end"
    )
    quote = "Unbalanced ** emphasis and <b>tags</b> from a source."
    citation = Citation(1, "s.txt", "d", None, 0, len(quote), quote, True, 1.0, quote)
    markdown = render.answer_markdown(Answer(f"{quote} [1]", "extractive", (citation,)), 1)
    assert markdown.startswith("Unbalanced \\*\\* emphasis and \\<b\\>tags\\</b\\>")
    assert markdown.endswith("[\\[1\\]](#src-1-1)")


def test_an_answer_that_replaced_a_failed_model_answer_says_so_in_the_chat() -> None:
    from dataclasses import replace

    from rag.records import Generated

    failed = Generated("Made up [1].", (), 1, (), passed=False, tokens=4, seconds=0.1)
    notice = "The model's answer failed verification (1 of 1 sentences ...)."
    answer = replace(_answer(), notice=notice, generated=failed)
    markdown = render.answer_markdown(answer, 1)
    assert markdown.startswith("⚠️ *The model's answer failed verification")
    assert "Made up" not in markdown  # the rejected text is not shown again
    passed = replace(failed, passed=True)
    assert not render.answer_markdown(replace(answer, generated=passed), 1).startswith("⚠️")


def test_cards_render_the_documents_markdown_and_never_its_html() -> None:
    text = (
        "## Limits of *deep* learning\n"
        "> Neural nets are [pure functions](javascript:alert(1)) of their input.\n"
        "- Trees beat nets on tabular data.\n"
        "- ![tracker](http://evil.example/x.png) <img src=x onerror=alert(1)> **bold** end.\n"
    )
    doc = Document(id="m", source="m.md", path="/m.md", title="", text=text)
    start = text.index("Trees")
    end = text.index("data.") + len("data.")
    citation = Citation(1, "m.md", "m", None, start, end, text[start:end], True, 1.0, "")
    card = render.source_cards(
        Answer("Trees beat nets. [1]", "extractive", (citation,)), 1, {"m": doc}.get
    )
    assert "<h2>Limits of <em>deep</em> learning</h2>" in card
    assert (
        "<blockquote>" in card and "<li><mark>Trees beat nets on tabular data.</mark></li>" in card
    )
    assert "<strong>bold</strong>" in card and "##" not in card and "**" not in card
    assert 'href="javascript' not in card and "<img" not in card
    assert "&lt;img src=x onerror=alert(1)&gt;" in card  # shown as text, never run


def test_a_span_across_a_paragraph_break_is_highlighted_in_each_paragraph() -> None:
    text = "Intro. But the reason we do the generalist\n\ntraining is just so. Then more."
    doc = Document(id="d2", source="t.txt", path="/t.txt", title="t", text=text)
    start, end = text.index("But"), text.index(" Then")
    html = render.document_view(doc, start, end)
    assert '<mark id="viewer-mark">But the reason we do the generalist</mark></p>' in html
    assert "<p><mark>training is just so.</mark> Then more.</p>" in html
    assert html.count("<mark") == html.count("</mark>") == 2


def test_a_citation_the_verifier_added_says_so() -> None:
    quote = DOC.text[START:END]
    citation = Citation(
        1, DOC.source, DOC.id, None, START, END, quote, True, 0.9, quote, attributed=True
    )
    html = render.source_cards(Answer(f"{quote} [1]", "llm", (citation,)), 1, {DOC.id: DOC}.get)
    assert "supported (cited by the verifier)" in html


def test_slides_sheets_and_chapters_are_named_as_such_in_cards_and_the_viewer() -> None:
    text = (
        "# Stock\n\nItem: bolts; Count: 40\n\n"
        "# Orders\n\nItem: nuts; Count: 12\nItem: pins; Count: 7"
    )
    second = text.index("# Orders")
    pages = (Page(1, 0, second), Page(2, second, len(text)))
    sheet = Document(id="x", source="inventory.xlsx", path="/i.xlsx", title="i", text=text,
                     pages=pages)  # fmt: skip
    start = text.index("Item: nuts")
    viewer = render.document_view(sheet, start, start + 10)
    assert "sheet 2 of 2: Orders" in viewer and "page" not in viewer
    assert "Count: 12<br />\nItem: pins" in viewer  # a row a line, not one paragraph
    quote = text[start : start + 10]
    for source, unit in (("inventory.xlsx", "sheet"), ("deck.pptx", "slide"), ("b.epub", "chapter"),
                         ("r.pdf", "page")):  # fmt: skip
        citation = Citation(1, source, "x", 2, start, start + 10, quote, True, 1.0, "")
        card = render.source_cards(Answer(f"{quote} [1]", "extractive", (citation,)), 1,
                                   {"x": sheet}.get)  # fmt: skip
        assert f"{source}</span>, {unit} 2" in card, card
