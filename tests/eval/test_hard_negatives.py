"""The hard negatives the meaning judge is trained on: each kind changes what it should and
nothing else, on several sentences, and declines a sentence it cannot change."""

from __future__ import annotations

import random

import pytest

from eval.train_crossencoder import negatives as make


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Navarone Garibaldi is the son of Priscilla Presley.",
            "Priscilla Presley is the son of Navarone Garibaldi.",
        ),
        ("Anna Smith hired Ben Jones in 2019.", "Ben Jones hired Anna Smith in 2019."),
        (
            "In 1998 Google acquired DejaNews from Deja.",
            "In 1998 DejaNews acquired Google from Deja.",
        ),
    ],
)
def test_role_swap_trades_the_first_two_names(sentence: str, expected: str) -> None:
    assert make.role_swap(sentence) == expected


@pytest.mark.parametrize(
    "sentence", ["The committee approved the budget.", "Revenue rose sharply in March."]
)
def test_role_swap_needs_two_names(sentence: str) -> None:
    assert make.role_swap(sentence) is None


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The Drever was bred in Sweden.", "The Drever was not bred in Sweden."),
        ("Prices have risen since May.", "Prices have not risen since May."),
        ("The company did not release the phone.", "The company did release the phone."),
        ("He can't swim and won't try.", "He can swim and will try."),
        ("The vote isn't final.", "The vote is final."),
    ],
)
def test_negation_adds_or_removes_not(sentence: str, expected: str) -> None:
    assert make.negation(sentence) == expected


def test_negation_needs_an_auxiliary() -> None:
    assert make.negation("Bees make honey in summer.") is None


@pytest.mark.parametrize(
    ("sentence", "number"),
    [
        ("The bridge opened in 1932.", "1932"),
        ("The team scored 12 goals.", "12"),
        ("Revenue reached 1,200 million.", "1,200"),
        ("The rate was 3.5 percent.", "3.5"),
    ],
)
def test_changed_number_changes_only_that_number(sentence: str, number: str) -> None:
    for seed in range(5):
        changed = make.changed_number(sentence, random.Random(seed))
        assert changed is not None and changed != sentence
        before, _, after = sentence.partition(number)
        assert changed.startswith(before) and changed.endswith(after)
        assert number not in changed[len(before) : len(changed) - len(after)]


def test_a_year_stays_a_plausible_year() -> None:
    for seed in range(10):
        changed = make.changed_number("It was founded in 1990.", random.Random(seed))
        assert changed is not None
        year = int(changed.split()[-1].rstrip("."))
        assert 1980 <= year <= 2000 and year != 1990


def test_changed_number_needs_a_number() -> None:
    assert make.changed_number("No figures here.", random.Random(0)) is None


@pytest.mark.parametrize(
    ("sentence", "passage", "others"),
    [
        (
            "Lisa Marie Presley was born in Memphis.",
            "Lisa Marie Presley was born in Memphis. "
            "Elvis Presley met Priscilla Beaulieu in Germany.",
            {"Elvis Presley", "Priscilla Beaulieu", "Germany"},
        ),
        (
            "The treaty was signed by Bulgaria.",
            "The treaty was signed by Bulgaria. Romania and Serbia refused.",
            {"Romania", "Serbia"},
        ),
    ],
)
def test_swapped_entity_uses_another_name_of_the_passage(
    sentence: str, passage: str, others: set[str]
) -> None:
    for seed in range(5):
        changed = make.swapped_entity(sentence, passage, random.Random(seed))
        assert changed is not None and changed != sentence
        assert any(o in changed for o in others)


def test_swapped_entity_needs_another_name() -> None:
    assert make.swapped_entity("Paris Hilton sang.", "Paris Hilton sang.", random.Random(0)) is None


@pytest.mark.parametrize(
    ("sentence", "other"),
    [
        ("The Drever is a Swedish hound.", "The Finnish Hound is bred for hunting hares."),
        ("Sales rose in May!", "Warehouse staff went on strike in June."),
    ],
)
def test_added_clause_keeps_the_sentence_and_adds_the_other(sentence: str, other: str) -> None:
    changed = make.added_clause(sentence, other, random.Random(1))
    assert changed is not None
    assert changed.startswith(sentence.rstrip(".!?"))
    assert other.rstrip(".")[1:] in changed  # the added claim, its first letter maybe lowered


def test_added_clause_needs_a_claim_to_add() -> None:
    assert make.added_clause("The Drever is a hound.", "Yes.", random.Random(0)) is None


def test_true_elsewhere_is_another_sentence_of_the_passage() -> None:
    sentences = [
        "The Drever is a Swedish hound.",
        "It was recognised as a breed in 1953 by clubs.",
        "Short.",
    ]
    for seed in range(5):
        chosen = make.true_elsewhere(sentences, 0, random.Random(seed))
        assert chosen == sentences[1]  # never the sentence itself, never a fragment
    assert make.true_elsewhere(sentences[:1], 0, random.Random(0)) is None
