"""Near misses: on the documents' topic, asking for a figure, date, name or place that they do
not give. The honest reply says so and quotes what they do say, with any answerer."""

from pathlib import Path

from rag import Assistant
from rag.text import plain

from .test_llm import _scripted

NEAR_MISS = "How many GPUs does a large training run need today?"


def test_a_near_miss_says_what_is_missing_and_quotes_what_is_there(assistant: Assistant) -> None:
    answer = assistant.ask(NEAR_MISS)
    assert answer.mode == "abstained"
    assert answer.text.startswith("Your documents don't give the figure you ask for.")
    assert answer.citations and all(c.verified for c in answer.citations)
    assert all(plain(c.quote) in answer.text for c in answer.citations)
    streamed = "".join(assistant.ask_stream(NEAR_MISS))
    assert streamed == answer.text


def test_the_same_kind_of_question_is_answered_when_the_documents_hold_it(
    assistant: Assistant,
) -> None:
    years = assistant.ask("How many years from now does Sutskever expect systems to be better?")
    assert years.mode == "extractive" and "five to 10 years" in years.text
    who = assistant.ask("Who said that we have reached the limits of scaling?")
    assert who.mode == "extractive" and "Sam Altman" in who.text
    when = assistant.ask("In what year did AlexNet become an inflection point for vision?")
    assert when.mode == "extractive" and "2012" in when.text


def test_a_model_is_not_asked_to_make_the_figure_up(corpus_index: Path) -> None:
    liar = _scripted(corpus_index, "A large training run needs 25,000 GPUs [1].")
    answer = liar.ask(NEAR_MISS)
    assert answer.mode == "abstained" and "25,000" not in answer.text
    assert answer.generated is None  # the model never wrote
