"""What the page shows, from the pure render functions: links only for cited markers, text
escaped, the quote highlighted inside its document."""

from __future__ import annotations

from index import Document
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
    assert "Intro text. <mark>" in html and "Quoted &lt;verbatim&gt;." in html
    assert "<b>notes</b>" not in html and "<tables>" not in html


def test_badges_say_what_was_checked() -> None:
    # A quote is only "quoted word for word"; a model's sentence is supported or not.
    assert ">exact quote<" in render.source_cards(_answer(), 1, {}.get)
    assert ">verified<" not in render.source_cards(_answer(), 1, {}.get)
    assert ">supported<" in render.source_cards(_answer(mode="llm"), 1, {}.get)
    unsupported = render.source_cards(_answer(verified=False, mode="llm"), 1, {}.get)
    assert "rag-unsupported" in unsupported and ">unsupported<" in unsupported


def test_documents_table_escapes_names() -> None:
    table = render.documents_table([("<i>x</i>.md", None, 3)])
    assert "&lt;i&gt;x&lt;/i&gt;.md" in table and "<i>" not in table
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
