"""The app through gradio_client against a live server on 127.0.0.1."""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from gradio_client import Client, handle_file

from tests.index import samples
from ui import AssistantService
from ui.render import plain_markdown

pytestmark = pytest.mark.slow


def test_ask_returns_the_answer_as_json(live_app: tuple[str, AssistantService]) -> None:
    client = Client(live_app[0], verbose=False)
    answer = client.predict(
        "Why do tree-based methods still beat neural networks on tabular data?", api_name="/ask"
    )
    assert answer["mode"] == "extractive"
    assert answer["citations"][0]["source"] == "001_a4dc316d66749b4e.txt"
    assert set(answer) >= {"text", "mode", "citations", "hits", "unsupported", "timings"}
    off = client.predict("What is the capital of Australia?", api_name="/ask")
    assert off["mode"] == "abstained" and off["citations"] == []


def test_chat_shows_sources_and_keeps_its_own_history(
    live_app: tuple[str, AssistantService],
) -> None:
    client = Client(live_app[0], verbose=False)
    messages, sources, cleared = client.predict(
        "Will deep learning be interpretable?", api_name="/chat"
    )
    assert cleared == "" and [m["role"] for m in messages] == ["user", "assistant"]
    assert 'class="rag-card"' in sources and "<mark>" in sources and "exact quote" in sources
    assert "#src-1-" in messages[1]["content"][0]["text"]  # markers link to their cards
    messages, _, _ = client.predict("Why not?", api_name="/chat")  # a follow-up in the session
    assert len(messages) == 4 and "Abstained" not in _


def test_upload_makes_a_new_document_answerable(
    tmp_path: Path, live_app: tuple[str, AssistantService]
) -> None:
    url, service = live_app
    note = tmp_path / "zorblax notes.md"
    note.write_text(
        "# Zorblax\n\nThe zorblax protocol compresses gradients with a 7-bit quantizer "
        "invented at the Quillmoor lab in 2024."
    )
    client = Client(url, verbose=False)
    status, documents, _, uploader = client.predict([handle_file(str(note))], api_name="/upload")
    assert "1 added" in status and "zorblax notes.md" in documents
    assert uploader is None  # emptied, so the next batch sends only its own files
    answer = client.predict("How does the zorblax protocol compress gradients?", api_name="/ask")
    assert answer["mode"] == "extractive"
    assert any(
        c["source"] == "zorblax notes.md" and "7-bit quantizer" in c["quote"]
        for c in answer["citations"]
    )
    assert (service.uploads / "zorblax notes.md").exists()

    removed = client.predict("zorblax notes.md", api_name="/remove")
    assert removed["message"] == "Removed zorblax notes.md."
    assert "zorblax notes.md" not in removed["documents"] and len(removed["documents"]) == 4
    assert not (service.uploads / "zorblax notes.md").exists()
    again = client.predict("zorblax notes.md", api_name="/remove")
    assert again["message"] == "⚠️ zorblax notes.md is not in the index."


def test_office_files_upload_and_answer_with_their_sheet(
    tmp_path: Path, live_app: tuple[str, AssistantService]
) -> None:
    url, service = live_app
    sheet, deck = tmp_path / "harvest.xlsx", tmp_path / "review.pptx"
    sheet.write_bytes(samples.xlsx_bytes())
    deck.write_bytes(samples.pptx_bytes())
    client = Client(url, verbose=False)
    status, documents, _, _ = client.predict(
        [handle_file(str(sheet)), handle_file(str(deck))], api_name="/upload"
    )
    assert "2 added" in status and "harvest.xlsx" in documents and "review.pptx" in documents
    answer = client.predict("How many tonnes of rye did Marrowfield harvest?", api_name="/ask")
    cited = next(c for c in answer["citations"] if c["source"] == "harvest.xlsx")
    assert "Tonnes: 845" in cited["quote"] and cited["page"] == samples.XLSX_SHEET
    for name in ("harvest.xlsx", "review.pptx"):
        client.predict(name, api_name="/remove")
    assert {row.source for row in service.documents()}.isdisjoint({sheet.name, deck.name})


def test_bad_uploads_are_refused_with_a_message(
    tmp_path: Path, live_app: tuple[str, AssistantService]
) -> None:
    url, service = live_app
    before = service.documents()
    script = tmp_path / "evil.sh"
    script.write_text("rm -rf /")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not really a pdf")
    outside = Path(tempfile.gettempdir()) / "gradio"  # where Gradio would put them by default
    seen_outside = set(outside.rglob("*"))
    client = Client(url, verbose=False)
    status, *_ = client.predict([handle_file(str(script))], api_name="/upload")
    assert (
        "Refused evil.sh: only .csv, .docx, .epub, .htm, .html, .markdown, .md, .pdf, .pptx, "
        ".text, .txt, .xlsx files can be added"
    ) in status
    status, *_ = client.predict([handle_file(str(broken))], api_name="/upload")
    assert "Skipped broken.pdf: corrupt PDF" in status
    assert service.documents() == before  # nothing else lost
    # Refused and skipped files are deleted: neither Gradio's copy nor a stored one is left.
    assert not (service.uploads / "evil.sh").exists()
    assert not (service.uploads / "broken.pdf").exists()
    assert not [p for p in service.incoming.rglob("*") if p.name in ("evil.sh", "broken.pdf")]
    assert set(outside.rglob("*")) == seen_outside  # nothing written outside $RAG_HOME


def test_an_oversized_question_gets_a_clear_message(live_app: tuple[str, AssistantService]) -> None:
    client = Client(live_app[0], verbose=False)
    messages, _, _ = client.predict("why " * 1000, api_name="/chat")
    assert "limit is 2000" in messages[-1]["content"][0]["text"]


def test_twenty_concurrent_sessions_keep_their_own_histories(
    live_app: tuple[str, AssistantService],
) -> None:
    questions = [
        "Why do tree-based methods beat neural networks on tabular data?",
        "What is program synthesis?",
        "Will deep learning be interpretable?",
        "Why was progress from scaling so rapid?",
        "What enabled deep learning to take off?",
        "What do skeptics think about a theory of deep learning?",
        "What is the universal recipe for efficiency?",
        "What are the downsides of transformers?",
        "What role does academia play?",
        "Do deep learning models understand their input?",
    ]

    def session(n: int) -> tuple[int, list[str]]:
        client = Client(live_app[0], verbose=False)
        first, second = questions[n % 10], f"{questions[(n + 3) % 10]} (session {n})"
        client.predict(first, api_name="/chat")
        messages, _, _ = client.predict(second, api_name="/chat")
        return n, [m["content"][0]["text"] for m in messages if m["role"] == "user"]

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(session, range(20)))
    assert len(results) == 20
    for n, asked in results:
        expected = [questions[n % 10], f"{questions[(n + 3) % 10]} (session {n})"]
        assert asked == [plain_markdown(q) for q in expected]  # shown literally


def test_refused_questions_add_no_turn_and_are_not_echoed(
    live_app: tuple[str, AssistantService],
) -> None:
    client = Client(live_app[0], verbose=False)
    first, _, _ = client.predict("What is program synthesis?", api_name="/chat")
    messages, _, _ = client.predict("why " * 25_000, api_name="/chat")
    assert "limit is 2000" in messages[-1]["content"][0]["text"]
    assert all(len(str(m["content"])) < 5_000 for m in messages)  # not echoed whole
    messages, _, _ = client.predict("   ", api_name="/chat")
    assert len(messages) == len(first) == 2  # the refusal was never part of the history


def test_ask_without_a_question_is_a_clear_error(live_app: tuple[str, AssistantService]) -> None:
    from gradio_client.exceptions import AppError

    client = Client(live_app[0], verbose=False)
    for empty in (None, ""):
        with pytest.raises(AppError, match="The question is empty"):
            client.predict(empty, api_name="/ask")


def test_a_refused_question_logs_no_traceback(
    live_app: tuple[str, AssistantService], capfd: pytest.CaptureFixture[str]
) -> None:
    from gradio_client.exceptions import AppError

    client = Client(live_app[0], verbose=False)
    with pytest.raises(AppError, match="the limit is 2000"):
        client.predict("why " * 1000, api_name="/ask")
    assert "Traceback" not in capfd.readouterr().err
