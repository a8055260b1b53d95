"""The years, codes and names a question pins its answer to (rag/question/named.py)."""

import pytest

from rag.question.named import terms, unmentioned, vocabulary


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How much did Project Heron spend on marketing in Q3?", ["Project", "Heron", "Q3"]),
        ("What was the average lead concentration in 2019?", ["2019"]),
        ("What is the total amount due on invoice 2024-0719?", ["2024-0719"]),
        ("Who presented it? When was it?", []),  # a question's first word is not a name
        ("How many parameters does GPT-3 have?", ["GPT-3"]),
        ("what do I know about it?", []),  # "I" is a stopword
    ],
)
def test_terms(question: str, expected: list[str]) -> None:
    assert terms(question) == expected


def test_a_term_counts_as_mentioned_in_any_case_stem_or_file_name() -> None:
    report = vocabulary("water_quality_2023.html The LEAD levels in DeepMind's labs fell.")
    assert unmentioned("What did DeepMind measure in 2023?", [report]) == []
    assert unmentioned("What did DeepMind measure in 2019 and Q3?", [report]) == ["2019", "Q3"]
    # One of several documents mentioning it is enough; none is not.
    other = vocabulary("Results for 2019.")
    assert unmentioned("What changed in 2019?", [report, other]) == []
    assert unmentioned("What changed in 2019?", []) == ["2019"]
