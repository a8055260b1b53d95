"""What a question asks for, and whether a sentence gives it (rag/question/asks.py)."""

import json

import pytest

from rag.question.asks import asks

from ..conftest import ROOT


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many parameters does GPT-3 have?", "number"),
        ("How much does it cost to train?", "number"),
        ("How much better will systems be in ten years?", None),  # a degree, not a figure
        ("What top-5 error rate did AlexNet reach?", "number"),
        ("In what year was OpenAI founded?", "date"),
        ("When did DeepMind publish it?", "date"),
        ("When does multitask training help?", None),  # a condition, not a date
        ("Who is the chief scientist of OpenAI?", "person"),
        ("Who is Ilya Sutskever?", None),  # who someone is, not a name
        ("Where was he born?", "place"),
        ("Where do neural networks dominate?", None),  # a domain, not a place
        ("What is program synthesis?", None),
    ],
)
def test_kinds(question: str, kind: str | None) -> None:
    assert asks(question).kind == kind


def test_the_near_miss_questions_are_recognised_for_what_they_ask() -> None:
    rows = [json.loads(line) for line in (ROOT / "eval/datasets/qa.jsonl").open()]
    near = [r for r in rows if r.get("kind") == "near_miss"]
    assert near and all(asks(r["question"]).kind == r["asks"] for r in near)


def test_a_sentence_gives_the_kind_only_with_something_the_question_does_not_name() -> None:
    number = asks("What top-5 error rate did AlexNet reach in 2012?")
    assert not number.gives("Key inflection points cited: AlexNet (2012) for vision.")
    assert not number.gives("00:02:07,410 Progress from GPT-1 to GPT-3 came from scaling.")
    assert number.gives("It reached a top-5 error of 15.3% that year.")
    assert asks("How many years until then?").gives("systems of five to 10 years from now")
    person = asks("Who said we reached the limits of scaling?")
    assert person.gives("Your co-founder, Sam Altman, has said that we've reached the limits.")
    assert not person.gives("Scaling has reached its limits, some say.")
    assert asks("In what year did it start?").gives("The eCorner talk was on 26-04-2023.")


def test_why_wants_a_reason() -> None:
    why = asks("Why was progress from scaling so rapid?")
    assert why.reason and why.gives_reason("It was rapid because data centers sat idle.")
    assert not why.gives_reason("Progress from scaling was rapid.")
    assert not asks("What is scaling?").gives_reason("It grew because of GPUs.")


def test_a_name_the_question_already_says_is_not_an_answer() -> None:
    who = asks("Who wrote the blog post on the limitations of deep learning?")
    assert not who.gives("[The Limitations of Deep Learning](https://blog.keras.io/x.html)")
    assert who.gives("François Chollet wrote it on the Keras blog.")


def test_a_title_names_no_one() -> None:
    who = asks("Who proposed a scientific theory of deep learning?")
    assert not who.gives("There Will Be a Scientific Theory of Deep Learning")
    assert who.gives("The theory was proposed by Ilya Sutskever in a talk.")


@pytest.mark.parametrize(
    ("sentence", "gives"),
    [
        ("Presented by Amara Okafor, Head of Product.", True),  # capitalised, still a byline
        ("Written by Jonas Weber", True),
        ("By Clara Nguyen, 12 March 2024", True),  # a name right after "By"
        ("Chair: Priya Raman", True),
        ("There Will Be a Scientific Theory of Deep Learning", False),  # a title names no one
        ("In November 2024, the quality team audited the warehouse.", False),
    ],
)
def test_names_in_bylines_and_fields_are_names(sentence: str, gives: bool) -> None:
    assert asks("Who wrote it?").gives(sentence) is gives


@pytest.mark.parametrize(
    ("question", "row", "gives"),
    [
        ("Who won the city marathon?", "Place: 1; Runner: Keiko Tanaka; Time: 2:31:04.", True),
        ("Who won the city marathon?", "Place: 3; Runner: Sofia Lindgren; Time: 2:35:12.", False),
        ("Who came second?", "Place: 2; Runner: Marek Novak.", True),
        ("Who finished third in the race?", "She finished 3rd of 40 runners.", True),
        ("Who wrote the guide?", "Place: 1; Runner: Keiko Tanaka.", False),  # no place asked
    ],
)
def test_a_question_about_a_place_in_a_ranking_finds_its_row(
    question: str, row: str, gives: bool
) -> None:
    assert asks(question).gives_rank(row) is gives
