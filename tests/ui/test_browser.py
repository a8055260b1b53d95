"""A real browser: Playwright driving Debian's Chromium (/usr/bin/chromium). Browsers cannot be
downloaded here, so `playwright install` is not used; a missing Chromium fails this test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import index
from ui import AssistantService, serve
from ui.uploads import MAX_BYTES

if TYPE_CHECKING:
    from playwright.sync_api import Page

from ..conftest import ROOT

pytestmark = pytest.mark.slow
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "reports" / "ui-screenshot.png"


@pytest.fixture
def page() -> Iterator[Page]:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian's chromium is missing: apt-get install chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser.new_page(viewport={"width": 1400, "height": 1000})
        browser.close()


def test_a_question_in_the_browser_shows_an_answer_and_a_source_card(
    live_app: tuple[str, AssistantService], page: Page
) -> None:
    from playwright.sync_api import expect

    page.goto(live_app[0])
    expect(page.locator("#no-llm")).to_contain_text("No language model is installed")
    page.locator("#question textarea").fill(
        "Why do tree-based methods still beat neural networks on tabular data?"
    )
    page.locator("#ask").click()
    answer = page.locator("#chat").get_by_text("remain superior on tabular data").first
    expect(answer).to_be_visible(timeout=60_000)
    card = page.locator("#sources .rag-card").first
    expect(card).to_be_visible(timeout=60_000)
    expect(card).to_contain_text("001_a4dc316d66749b4e.txt")
    # Named by the document's own title, and its markdown read, not shown as syntax.
    expect(card.locator(".rag-card-head")).to_contain_text(
        "There Will Be a Scientific Theory of Deep Learning"
    )
    expect(card.locator(".rag-quote li").first).to_be_visible()
    expect(card).not_to_contain_text("- Tree-based")
    expect(card.locator("mark")).to_contain_text("Tree-based methods")
    expect(card.locator(".rag-verified")).to_contain_text("exact quote")
    # Clicking the marker in the answer flashes its card.
    page.locator('#chat a[href^="#src-1-"]').first.click()
    expect(page.locator(".rag-card.rag-flash")).to_have_count(1)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    # The chat's trash icon forgets the history too: the next answer stands alone.
    page.locator('#chat button[aria-label^="Clear"]').first.click()
    expect(page.locator("#chat .message")).to_have_count(0)
    # Markup in a question is shown as typed, and the answer's markers still link.
    page.locator("#question textarea").fill(
        "<script>alert('x')</script> What is **program synthesis**?"
    )
    page.locator("#ask").click()
    expect(page.locator("#sources .rag-card").first).to_contain_text("[1]", timeout=60_000)
    expect(page.locator("#chat")).not_to_contain_text("tabular data")
    expect(page.locator("#chat")).to_contain_text(
        "<script>alert('x')</script> What is **program synthesis**?"
    )
    expect(page.locator('#chat a[href^="#src-1-"]').first).to_be_visible()
    # A second turn keeps the first one's cards: its [n] links still lead somewhere.
    page.locator("#question textarea").fill("Will deep learning be interpretable?")
    page.locator("#ask").click()
    expect(page.locator("#sources .rag-card[id^='src-2-']").first).to_be_visible(timeout=60_000)
    expect(page.locator("#sources #src-1-1")).to_have_count(1)
    # Beside the chat, each turn's sources sit under its question, newest first, and the
    # long extractive notice is said once, not per turn.
    headings = page.locator("#sources .rag-turn h4")
    expect(headings).to_have_text(
        ["Will deep learning be interpretable?", "<script>alert('x')</script> What is "
         "**program synthesis**?"]
    )  # fmt: skip
    expect(page.locator("#sources .rag-notice")).to_have_count(1)
    chat_box, sources_box = (
        page.locator("#chat").bounding_box(),
        page.locator("#sources").bounding_box(),
    )
    assert chat_box and sources_box and sources_box["x"] >= chat_box["x"] + chat_box["width"]
    page.screenshot(path=str(SCREENSHOT.with_name("ui-sources.png")), full_page=True)
    # A marker clicked while another tab is shown brings the Sources tab back to its card.
    page.get_by_role("tab", name="Documents").click()
    expect(page.locator("#src-1-1")).to_be_hidden()
    page.locator('#chat a[href="#src-1-1"]').first.click()
    expect(page.locator("#src-1-1")).to_be_visible()
    expect(page.locator("#src-1-1.rag-flash")).to_have_count(1)
    assert SCREENSHOT.stat().st_size > 10_000
    # Without a model, Settings offers no Mode to choose (one choice is no choice).
    page.get_by_role("tab", name="Settings").click()
    expect(page.get_by_text("Passages per answer (k)")).to_be_visible()
    expect(page.locator("#mode")).not_to_be_visible()


def test_the_documents_panel_is_live_and_removing_asks_first(
    live_app: tuple[str, AssistantService], page: Page, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    url, service = live_app
    note = tmp_path / "zorblax notes.md"
    note.write_text("# Zorblax\n\nThe zorblax protocol compresses gradients to 7 bits.\n")
    docs, status = page.locator("#documents"), page.locator("#upload-status")
    page.goto(url)
    _open_documents(page)
    expect(docs).to_contain_text("001_a4dc316d66749b4e.txt")
    expect(docs).to_contain_text("The Limitations of Deep Learning")  # titles beside names
    page.locator("#files input[type=file]").set_input_files(str(note))
    expect(status).to_contain_text("1 added", timeout=60_000)
    # A build from the command line while the app runs shows on the next page load.
    elsewhere = tmp_path / "cli" / "quillmoor.txt"
    elsewhere.parent.mkdir()
    elsewhere.write_text("The Quillmoor lab studies sparse attention.\n")
    index.build([elsewhere], service.index_dir)
    page.reload()
    _open_documents(page)
    expect(docs).to_contain_text("zorblax notes.md")
    expect(docs).to_contain_text("quillmoor.txt")

    page.locator("#remove").click()  # nothing is chosen on a fresh page
    expect(status).to_contain_text("Choose a document to remove.")
    confirm = page.locator("#confirm-text")
    page.locator("#chosen input").click()
    page.get_by_role("option", name="zorblax notes.md").click()
    page.locator("#remove").click()
    expect(confirm).to_contain_text("Remove zorblax notes.md from the index?")
    page.locator("#cancel").click()
    expect(page.locator("#confirm")).to_be_hidden()
    expect(docs).to_contain_text("zorblax notes.md")  # cancelled: still there
    page.locator("#remove").click()
    page.locator("#confirm").click()
    expect(status).to_contain_text("Removed zorblax notes.md.")
    expect(docs).not_to_contain_text("zorblax notes.md")
    page.reload()
    _open_documents(page)
    expect(docs).to_contain_text("quillmoor.txt")
    expect(docs).not_to_contain_text("zorblax notes.md")
    assert not (service.uploads / "zorblax notes.md").exists()
    assert not list(service.incoming.rglob("*.md"))  # Gradio's copy went after the ingest


def test_an_oversized_upload_is_refused_before_it_is_sent(
    live_app: tuple[str, AssistantService], page: Page, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    url, service = live_app
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * (MAX_BYTES // 5 + 1))
    page.goto(url)
    _open_documents(page)
    expect(page.locator("#documents")).to_contain_text("001_a4dc316d66749b4e.txt")
    page.locator("#files input[type=file]").set_input_files(str(big))
    toast = page.get_by_text("exceed the maximum allowed size")
    expect(toast).to_have_count(1, timeout=10_000)  # one message
    assert not list(service.incoming.rglob("big*"))  # never transferred
    assert not (service.uploads / "big.txt").exists()


def _open_documents(page: Page) -> None:
    """The Documents tab (the Sources tab is the one shown first)."""
    page.get_by_role("tab", name="Documents").click()


def _fact_file(folder: Path, name: str, word: str) -> Path:
    """A small document whose one fact is about a made-up `word`, so an answer can only
    come from it."""
    path = folder / name
    fact = f"The {word} protocol compresses gradients to {len(word)} bits at the {word} lab."
    if path.suffix == ".pdf":
        from ..index.pdfs import make_pdf

        path.write_bytes(make_pdf([fact]))
    elif path.suffix == ".html":
        path.write_text(f"<html><body><h1>{word}</h1><p>{fact}</p></body></html>")
    else:
        path.write_text(f"# {word.title()}\n\n{fact}\n")
    return path


def test_ten_files_in_five_batches_on_one_page_are_all_indexed(
    live_app: tuple[str, AssistantService], page: Page, tmp_path: Path
) -> None:
    """The uploader sends its whole list again with each batch; files of earlier batches are
    gone by then. Every accepted file of every batch must end up listed and answerable."""
    from playwright.sync_api import expect

    url, service = live_app
    words = ["plimsoll", "quarrowin", "vexadrine", "mordecant", "tibbolin", "sarquette",
             "fendralux", "gorvanti", "hespermold"]  # fmt: skip
    names = ["a.md", "b.txt", "c.pdf", "d.md", "e.html", "f.txt", "g.md", "h.txt", "i.md"]
    accepted = [_fact_file(tmp_path, n, w) for n, w in zip(names, words, strict=True)]
    refused = tmp_path / "report.odt"
    refused.write_bytes(b"PK\x03\x04 not really an OpenDocument file")
    batches = [accepted[0:2], [refused, accepted[2]], accepted[3:5], accepted[5:7], accepted[7:9]]
    docs, status = page.locator("#documents"), page.locator("#upload-status")
    listed = page.locator("#files .file-preview-holder, #files table tr, #files .file")
    page.goto(url)
    _open_documents(page)
    expect(docs).to_contain_text("001_a4dc316d66749b4e.txt")
    shots = Path(os.environ.get("RAG_SCREENSHOTS", tmp_path))
    for number, batch in enumerate(batches, start=1):
        page.locator("#files input[type=file]").set_input_files([str(p) for p in batch])
        for path in batch:
            if path != refused:
                expect(docs).to_contain_text(path.name, timeout=60_000)
        if refused in batch:
            expect(status).to_contain_text("Refused report.odt", timeout=60_000)
        else:
            expect(status).to_contain_text("Indexed:", timeout=60_000)
        expect(status).not_to_contain_text("Errno")
        expect(page.locator("#files")).not_to_contain_text(batch[-1].name)  # the list cleared
        expect(listed).to_have_count(0)
        expect(page.locator(".error, .toast-body.error")).to_have_count(0)
        page.screenshot(path=str(shots / f"upload-batch-{number}.png"))
        if number == 3:
            page.reload()
            _open_documents(page)
            expect(docs).to_contain_text(batch[-1].name)
    for path, word in zip(accepted, words, strict=True):
        answer = service.ask(f"How many bits does the {word} protocol compress gradients to?")
        assert answer.citations and answer.citations[0].source == path.name, word
        assert str(len(word)) in answer.text
    assert not (service.uploads / refused.name).exists()
    assert not [p for p in service.incoming.rglob("*") if p.is_file()]  # nothing left behind


def test_clicking_a_quote_opens_its_document_at_the_span(
    live_app: tuple[str, AssistantService], page: Page
) -> None:
    from playwright.sync_api import expect

    page.goto(live_app[0])
    page.locator("#question textarea").fill(
        "What percentage of a deep learning engineer's time goes into munging data?"
    )
    page.locator("#ask").click()
    quote = page.locator("#sources .rag-quote").first
    expect(quote).to_be_visible(timeout=60_000)
    cited = quote.locator("mark").first.inner_text()
    quote.click()
    viewer = page.locator("#viewer")
    expect(viewer.locator("mark#viewer-mark")).to_have_text(cited, timeout=30_000)
    expect(viewer.locator("mark#viewer-mark")).to_be_in_viewport()
    expect(viewer).to_contain_text("The Limitations of Deep Learning")  # the document's title
    # The whole document, not the card's few lines around the quote.
    assert len(viewer.inner_text()) > 5 * len(quote.inner_text())
    page.screenshot(path=str(SCREENSHOT.with_name("ui-viewer.png")), full_page=True)


@pytest.fixture(scope="module")
def folder_app(tmp_path_factory: pytest.TempPathFactory, minilm) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app over the regression folder of a new user (tests/rag/user_folder.py)."""
    from tests.rag import user_folder

    from .conftest import free_port

    home = tmp_path_factory.mktemp("folder-app")
    folder = user_folder.write(home / "docs")
    index.build([folder], home / "index", embedder=minilm)
    running = serve(AssistantService(home / "index", home), "127.0.0.1", free_port(), block=False)
    assert running is not None
    try:
        yield running.url
    finally:
        running.close()


LAYOUT_QUESTIONS = [
    "Who presented the Project Heron review?",
    "How much did Project Heron spend on marketing in Q3?",
    "What did the garden club decide?",
    "Who is Tobias Lindqvist?",
]


@pytest.mark.parametrize("width", [1400, 800])
def test_the_layout_holds_at_1400_and_800_pixels_wide(
    folder_app: str, page: Page, width: int
) -> None:
    """Screenshots of chat, sources, viewer and documents (reports/screenshots/), and what
    they must show: the sources end above the footer, the question box stops growing, no
    label floats over the messages, and at 800 px the four tabs fit (the columns stack)."""
    from playwright.sync_api import expect

    shots = ROOT / "reports" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(folder_app)
    for n, question in enumerate(LAYOUT_QUESTIONS, start=1):
        page.locator("#question textarea").fill(question)
        page.locator("#ask").click()
        expect(page.locator("#sources .rag-turn")).to_have_count(n, timeout=60_000)
    box = page.locator("#question textarea")
    box.fill("A question that goes on and on. " * 60)
    height = box.bounding_box()
    assert height is not None and height["height"] < 150  # four lines, then it scrolls
    expect(page.locator("#chat label[data-testid='block-label']")).to_have_count(0)
    sources = page.locator("#sources").bounding_box()
    footer = page.locator("footer").bounding_box()
    assert sources and footer and sources["y"] + sources["height"] <= footer["y"]
    for tab in ("Sources", "Document", "Documents", "Settings"):
        expect(page.get_by_role("tab", name=tab, exact=True)).to_be_visible()
    page.screenshot(path=str(shots / f"chat-{width}.png"), full_page=True)
    # The viewer opens a sheet's quote, named by its sheet.
    page.locator("#sources .rag-quote[data-open]").first.click()
    expect(page.locator("#viewer")).to_contain_text("sheet 1 of 2: Suppliers", timeout=30_000)
    page.screenshot(path=str(shots / f"viewer-{width}.png"), full_page=True)
    page.get_by_role("tab", name="Documents", exact=True).click()
    expect(page.locator("#documents")).to_contain_text("3 slides")
    page.screenshot(path=str(shots / f"documents-{width}.png"), full_page=True)
