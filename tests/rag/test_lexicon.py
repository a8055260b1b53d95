"""The one lexicon: what counts as a word, a number, a negation, and how much of a text
another one covers."""

from rag.text import lexicon


def test_coverage_is_the_share_of_wanted_words_found() -> None:
    wanted = lexicon.content_stems("Neural networks trained on tabular data")
    found = lexicon.content_stems("Trees beat neural nets on tabular datasets")
    assert wanted == {"neural", "network", "train", "tabular", "data"}
    assert lexicon.coverage(wanted, found) == 2 / 5


def test_nothing_wanted_is_fully_covered() -> None:
    assert lexicon.coverage(set(), {"anything"}) == 1.0
    assert lexicon.content_stems("What is it, and why not?") == set()


def test_spelled_numbers_equal_digits() -> None:
    assert lexicon.numbers("ten layers, 3.5% error, 1,000 GPUs, twice") == {
        "10",
        "3.5",
        "1000",
        "2",
    }


def test_negation_names_and_opposites() -> None:
    assert lexicon.negated("It isn’t interpretable") and not lexicon.negated("It is clear")
    assert lexicon.names("Ilya Sutskever said so. The model agreed.") == {"ilya", "sutskever"}
    assert lexicon.flipped("Trees are inferior", "Trees are superior on tables")
    assert not lexicon.flipped("Trees are superior", "Trees are superior on tables")
