"""The first ten minutes with a folder of one's own (tests/rag/user_folder.py: a dozen files of
every format, with names, roles, dates, figures and tables): names asked with "who" are
answered, near misses are declined saying what is missing, each marker holds one quote, no
markdown reaches the answer, follow-ups find what they point at, and the two files that cannot
be read are skipped with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

import index
from rag import Answer, Assistant, Settings
from rag.answer import MARKER
from rag.settings import GenerationSettings

from . import user_folder

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, minilm) -> Assistant:  # type: ignore[no-untyped-def]
    folder = user_folder.write(tmp_path_factory.mktemp("my-documents"))
    out = tmp_path_factory.mktemp("my-index")
    report = index.build([folder], out, embedder=minilm)
    assert report.added == user_folder.READABLE
    assert {Path(f.path).name for f in report.failed} == {"broken.pdf", "empty.txt"}
    assert all(f.reason for f in report.failed)
    settings = Settings(generation=GenerationSettings(mode="extractive"))
    return Assistant(index.open(out, embedder=minilm), settings)


def _quoted(answer: Answer, source: str, words: str) -> bool:
    return any(c.source == source and words in c.quote for c in answer.citations)


WHO = [  # a question asking for a name or a role, the file and the words its quote must hold
    ("Who presented the Project Heron review?", "heron_review.pptx", "Amara Okafor"),
    ("Who wrote the bike repair guide?", "bike_repair.html", "Jonas Weber"),
    ("Who won the city marathon?", "city_marathon_2024.csv", "Keiko Tanaka"),
    ("Who came second in the city marathon?", "city_marathon_2024.csv", "Marek Novak"),
    ("Who chaired the garden club meeting?", "garden_club_minutes.docx", "Priya Raman"),
    ("Who took the minutes of the garden club meeting?", "garden_club_minutes.docx", "Tom Hale"),
    ("Who visited Waikato Bees in September 2024?", "supplier_visits.txt", "Lucia Fernandes"),
    ("Who planted the orchard?", "orchard.epub", "Harriet Cole"),
]  # fmt: skip


@pytest.mark.parametrize(("question", "source", "words"), WHO)
def test_names_and_roles_asked_with_who_are_answered(
    assistant: Assistant, question: str, source: str, words: str
) -> None:
    answer = assistant.ask(question)
    assert answer.mode == "extractive", answer.text
    assert words in answer.text and _quoted(answer, source, words)


def test_who_is_someone_quotes_their_whole_row_past_an_abbreviation(assistant: Assistant) -> None:
    """The row goes on after "Nordic Honey Co.": the quote is not cut there."""
    answer = assistant.ask("Who is Tobias Lindqvist?")
    assert answer.mode == "extractive"
    assert _quoted(answer, "suppliers.xlsx", "Nordic Honey Co.; Country: Sweden")


NEAR_MISSES = [  # on a file's topic, pinned to a year, quarter or code that no file mentions
    ("How much did Project Heron spend on marketing in Q3?", "“Q3”"),
    ("What was the average lead concentration in 2019?", "“2019”"),
    ("What is the total amount due on invoice 2024-0720?", "“2024-0720”"),
    ("Who visited Waikato Bees in March 2023?", "“2023”"),
]  # fmt: skip


@pytest.mark.parametrize(("question", "missing"), NEAR_MISSES)
def test_near_misses_are_declined_naming_what_the_documents_lack(
    assistant: Assistant, question: str, missing: str
) -> None:
    answer = assistant.ask(question)
    assert answer.mode == "abstained"
    assert answer.text.startswith(f"Your documents don't mention {missing}. What they do say: ")
    assert answer.citations and all(c.verified for c in answer.citations)


@pytest.mark.parametrize(
    ("question", "source", "words"),
    [
        ("What was the average lead concentration in 2023?", "water_quality.html", "3.1"),
        ("What is the total amount due on invoice 2024-0719?", "invoice_2024-0719.pdf", "2,000"),
        ("What is the total budget for Project Heron?", "heron_review.pptx", "1.2 million"),
    ],
)
def test_the_same_questions_pinned_to_what_the_documents_hold_are_answered(
    assistant: Assistant, question: str, source: str, words: str
) -> None:
    answer = assistant.ask(question)
    assert answer.mode == "extractive" and _quoted(answer, source, words), answer.text


def test_a_question_with_no_name_to_give_says_so(assistant: Assistant) -> None:
    answer = assistant.ask("Who audited the Nilgiri Spice warehouse?")  # "the quality team"
    assert answer.mode == "abstained"
    assert answer.text.startswith("Your documents don't give the name you ask for.")


def test_markdown_is_shown_as_its_words_and_cited_exactly(assistant: Assistant) -> None:
    for question, words, source_text in [
        ("When is the summer fair?", "on Saturday 22 June 2024 on", "**Saturday 22 June 2024**"),
        ("How much does a stall at the summer fair cost?",
         "Stalls cost 15 pounds each; book one with the parish office.", "*15 pounds*"),
    ]:  # fmt: skip
        answer = assistant.ask(question)
        assert words in answer.text, answer.text
        assert not any(mark in answer.text for mark in ("*", "](", "`"))
        # The citation keeps the file's own text, at its offsets.
        assert _quoted(answer, "summer_fair.md", source_text)
        for c in answer.citations:
            document = assistant.index.document(c.document_id)
            assert document is not None and document.text[c.start : c.end] == c.quote


def test_each_marker_holds_one_quote(assistant: Assistant) -> None:
    """Two quotes of one passage get two markers (tests/rag/test_extractive.py has one)."""
    for question, *_ in WHO + NEAR_MISSES:
        answer = assistant.ask(question)
        markers = [int(n) for n in MARKER.findall(answer.text)]
        assert markers == list(range(1, len(markers) + 1)), answer.text
        assert [c.marker for c in answer.citations] == markers


def test_a_short_field_answers_what_it_gives_not_a_general_question(assistant: Assistant) -> None:
    """ "Chair: Priya Raman" answers "Who chaired…?"; "What did the club decide?" gets the
    sentence that says what it decided."""
    answer = assistant.ask("What did the garden club decide?")
    assert "Chair" not in answer.text and "Minutes taken" not in answer.text, answer.text
    assert _quoted(answer, "garden_club_minutes.docx", "The club planted forty oak saplings")


@pytest.mark.parametrize(
    ("first", "follow_up", "words", "not_words"),
    [
        ("Who presented the Project Heron review?", "When was it?", "March 2024", "budget"),
        ("When does general availability of the Heron app start?", "What about the beta?",
         "3 June 2024", "16 September"),
    ],
)  # fmt: skip
def test_follow_ups_find_what_they_point_at(
    assistant: Assistant, first: str, follow_up: str, words: str, not_words: str
) -> None:
    before = assistant.ask(first)
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": before.text}]
    answer = assistant.ask(follow_up, history)
    assert answer.mode == "extractive" and words in answer.text and not_words not in answer.text


def test_a_question_the_folder_does_not_touch_is_declined(assistant: Assistant) -> None:
    answer = assistant.ask("What is the capital of France?")
    assert answer.mode == "abstained" and not answer.citations
