"""Off-topic questions abstain; on-topic ones do not. These questions are not the calibration
set (eval/datasets/qa.jsonl): they check the threshold generalises a little."""

import pytest

from rag import Assistant
from rag.assistant import ABSTAIN_NO_EVIDENCE

OFF_TOPIC = [
    "What is the capital of Australia?",
    "How do I bake sourdough bread?",
    "Who painted the Mona Lisa?",
    "What is the population of Brazil?",
    "Recommend a good hiking trail in Colorado.",
    "How tall is Mount Everest?",
]
ON_TOPIC = [
    "What made deep learning take off when it did?",
    "Do neural networks understand what they process?",
    "Will scaling keep driving progress?",
    "What is program synthesis?",
    "Is interpretability of large models achievable?",
    "What are the limitations of transformers?",
]


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_questions_abstain(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.mode == "abstained"
    assert answer.text == ABSTAIN_NO_EVIDENCE and answer.citations == ()


@pytest.mark.parametrize("question", ON_TOPIC)
def test_on_topic_questions_are_answered(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.mode == "extractive" and answer.citations
