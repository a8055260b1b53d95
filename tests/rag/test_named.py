"""The periods and codes a question pins its answer to (rag/question/named.py)."""

import pytest

from rag.question.named import pins, shape, unmatched, vocabulary


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How much did Project Heron spend on marketing in Q3?", ["Q3"]),
        ("What was the average lead concentration in 2019?", ["2019"]),
        ("What is the total amount due on invoice 2024-0719?", ["2024-0719"]),
        ("How many parameters does GPT-3 have?", ["GPT-3"]),
        ("What did the 1970s and FY2023 bring?", ["1970s", "FY2023"]),
        ("Who is Tobias Lindqvist?", []),  # names are not pins
        ("How many of the 12 members voted?", []),  # nor a plain number
    ],
)
def test_pins(question: str, expected: list[str]) -> None:
    assert pins(question) == expected


def test_shapes() -> None:
    assert [shape(t) for t in ("2019", "Q3", "H1", "2024-0719", "GPT-3", "Heron", "12")] == [
        "period", "period", "period", "code", "code", None, None
    ]  # fmt: skip


def test_a_pin_is_unmatched_when_the_quotes_give_a_rival_and_no_document_mentions_it() -> None:
    report = vocabulary("water_quality_2023.html The average lead level in 2023 was 3.1.")
    quoted = ["The average lead level in 2023 was 3.1."]
    asked = "What was the average lead level in 2019?"
    assert unmatched(asked, [report], quoted) == ["2019"]
    assert unmatched(asked.replace("2019", "2023"), [report], quoted) == []
    # A rival year in a quote about something else is no rival.
    assert unmatched("Which film did the director born in 1965 write?", [report], quoted) == []
    # No rival year in the quotes: the passage may simply not repeat the question's year.
    assert (
        unmatched("Who starred in New Faces of 1952?", [vocabulary("A revue.")], "A revue.") == []
    )
    # Another document of the answer mentioning it is enough.
    assert unmatched(asked, [report, vocabulary("In 2019, …")], quoted) == []
    invoice = "The total due on invoice 2024-0719 is 2,000 EUR."
    assert unmatched("What is due on invoice 2024-0720?", [vocabulary(invoice)], [invoice]) == [
        "2024-0720"
    ]
