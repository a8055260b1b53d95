"""The thin Assistant: one place decides the mode, components are its own, bad requests fail
before anything streams."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

import index
from rag import Assistant, ModelMissingError, QuestionError, RagError, Settings
from rag.settings import GenerationSettings, RetrievalSettings

from .test_llm import ScriptedGenerator


def test_the_mode_is_resolved_in_one_place(assistant: Assistant, corpus_index: Path) -> None:
    assert assistant.mode == "extractive" and assistant.resolve_mode("auto") == "extractive"
    with pytest.raises(ModelMissingError, match="rag models download llm"):
        assistant.resolve_mode("llm")
    with_llm = Assistant(index.open(corpus_index), Settings(), ScriptedGenerator("x [1]."))
    assert with_llm.mode == "llm"
    assert with_llm.resolve_mode("extractive") == "extractive"
    assert with_llm.ask("What is program synthesis?", mode="extractive").mode == "extractive"


def test_bad_questions_and_modes_fail_before_streaming(assistant: Assistant) -> None:
    with pytest.raises(QuestionError):
        assistant.ask_stream("   ")
    with pytest.raises(ModelMissingError):
        assistant.ask_stream("What is program synthesis?", mode="llm")


def test_k_beyond_the_candidate_pool_is_refused(assistant: Assistant) -> None:
    with pytest.raises(RagError, match="k must be between 1 and 30"):
        assistant.retrieve("What is program synthesis?", 100)
    with pytest.raises(ValidationError, match="cannot exceed candidates"):
        RetrievalSettings(k=40, candidates=30)
    with pytest.raises(ValidationError, match="Extra inputs"):
        GenerationSettings(extractive_sentences=3)  # type: ignore[call-arg]


def test_asking_for_more_passages_keeps_the_order_of_the_first(assistant: Assistant) -> None:
    for question in ("What is program synthesis?", "Will deep learning be interpretable?"):
        five = assistant.retrieve(question, 5)
        ten = assistant.retrieve(question, 10)
        # The same passages first, in the same order; one may have grown by a neighbour
        # found further down the longer list, merged into it.
        for short, long in zip(five, ten[:5], strict=True):
            assert short.chunk.document_id == long.chunk.document_id
            assert long.chunk.start <= short.chunk.start <= short.chunk.end <= long.chunk.end


def test_caches_belong_to_their_judge(assistant: Assistant, corpus_index: Path) -> None:
    other = Assistant(index.open(corpus_index), assistant.settings)
    assistant.judge.claim("Some passage only the first judge saw.", "A claim.")
    assert other.judge.featurizer._context.cache_info().currsize == 0
    assert assistant.judge.featurizer._context.cache_info().currsize >= 1


def test_with_generation_shares_components_and_changes_only_generation(
    assistant: Assistant,
) -> None:
    warmer = assistant.with_generation(temperature=0.7)
    assert warmer.settings.generation.temperature == 0.7
    assert assistant.settings.generation.temperature == 0.0
    assert warmer.judge is assistant.judge and warmer.index is assistant.index


def test_warm_up_loads_the_models(assistant: Assistant) -> None:
    assistant.warm_up()  # extractive: the encoder; no LLM, no reranker installed
    assert assistant.ask("What is program synthesis?").citations


def test_a_history_in_another_shape_is_refused_with_the_shape_it_wants(
    assistant: Assistant,
) -> None:
    with pytest.raises(QuestionError, match=r"\{'role': 'user', 'content': 'the question'\}"):
        assistant.ask("Why not?", [("Will deep learning be interpretable?", "Unlikely.")])  # type: ignore[list-item]
    history = [
        {"role": "user", "content": "Will deep learning be interpretable?"},
        {"role": "assistant", "content": "Unlikely to be fully interpretable."},
    ]
    assert assistant.ask("Why not?", history).citations
