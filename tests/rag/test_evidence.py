"""The evidence the meaning judge reads: the passage's sentences closest to the claim, in the
passage's order, within the word budget."""

from __future__ import annotations

from rag.verification import evidence

FILLER = " ".join(f"Filler sentence number {i} talks about weather and tea." for i in range(40))


def test_a_short_passage_is_read_whole() -> None:
    passage = "The Drever is a Swedish hound. It hunts deer."
    cut = evidence(passage, "The Drever hunts deer.")
    assert cut.text == passage
    assert passage[slice(*cut.best)] == "It hunts deer."  # two of its three content words


def test_a_long_passage_keeps_the_sentences_the_claim_needs_in_order() -> None:
    passage = (
        "Navarone Garibaldi is the son of Priscilla Presley. "
        + FILLER
        + " He is the half-brother of Lisa Marie Presley."
    )
    cut = evidence(
        passage,
        "Navarone Garibaldi, son of Priscilla Presley, is Lisa Marie's half-brother.",
        budget=40,
    )
    assert len(cut.text.split()) <= 40
    first = cut.text.index("Navarone Garibaldi is the son")
    assert first < cut.text.index("He is the half-brother of Lisa Marie Presley.")
    assert passage[slice(*cut.best)].startswith("Navarone Garibaldi is the son")


def test_one_sentence_longer_than_the_budget_is_cut_to_it() -> None:
    passage = "Rows " + " ".join(f"item{i}" for i in range(300)) + "."
    cut = evidence(passage, "item3 is listed", budget=50)
    assert len(cut.text.split()) == 50
