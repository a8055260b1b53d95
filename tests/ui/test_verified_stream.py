"""The web app's chat stream with a real chat model (SmolLM2-135M-Instruct, models.txt's
"smol"): what the page shows while the answer streams is only ever verified sentences, then
the notice and quotes if the answer failed; a held-back sentence never reaches the page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag import Settings
from rag.settings import GenerationSettings
from ui import AssistantService
from ui.chat import Chat


@pytest.mark.slow
def test_the_page_never_shows_an_unverified_sentence(
    tmp_path: Path, corpus_index: Path, smol: Path
) -> None:
    index_dir = Path(shutil.copytree(corpus_index, tmp_path / "index"))
    settings = Settings(generation=GenerationSettings(mode="llm", model_path=smol))
    service = AssistantService(index_dir, tmp_path, settings)
    chat = Chat(service)
    question = "Why do tree-based methods still beat neural networks on tabular data?"
    updates = list(chat.respond(question, [], 5, "llm", 0.0))
    displays = [messages[-1]["content"] for messages, *_ in updates]
    turns = updates[-1][-1]
    answer = service.assistant.ask(question)  # the same reply: temperature 0, a fixed seed
    generated = answer.generated
    assert generated is not None and turns[-1]["answer"] == answer.text
    held = [s.text for s in generated.sentences if not s.shown]
    for shown in displays[:-1]:  # while it streams
        assert all(sentence not in shown for sentence in held)
        assert "Eiffel" not in shown
