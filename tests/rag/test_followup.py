import pytest

from rag import Assistant
from rag.answer import NO_MORE
from rag.question.followup import FollowupRewriter, is_fragment, pointers

from ..conftest import VNNI

rewriter = FollowupRewriter()

HISTORY = [
    {"role": "user", "content": "Will deep learning be interpretable?"},
    {"role": "assistant", "content": "Unlikely to be fully interpretable [1]."},
]
PREVIOUS = "Will deep learning be interpretable?"


@pytest.mark.parametrize(
    "question",
    [
        "Why not?",
        "How so?",
        "And the optimists?",
        "What about tabular data?",
        "Any examples?",
        "What are its limits?",
        "How does it differ from machine learning?",
        "What does he think about specialist training?",
        "What strengths does it keep?",
        "What should replace them?",
        "Why does that happen?",
        "Why is that?",
    ],
)
def test_a_follow_up_is_searched_with_the_question_it_follows(question: str) -> None:
    assert rewriter.standalone(question, HISTORY) == f"{PREVIOUS} {question}"


@pytest.mark.parametrize(
    "question",
    [
        # The word list this replaced glued these to the question before: "why", "how",
        # "it", "there" and shortness are no reason to.
        "Why do tree-based methods still beat neural networks on tabular data?",
        "How is OOD detection seen?",
        "Where do neural networks dominate?",
        "What is AlexNet?",
        "Is it possible to make deep learning fully interpretable?",
        "Is there going to be a scientific theory of deep learning?",
        "Who said that we have reached the limits of scaling?",
        "Do deep learning models understand their input?",
    ],
)
def test_a_question_that_stands_alone_is_left_alone(question: str) -> None:
    assert rewriter.standalone(question, HISTORY) == question
    assert rewriter.standalone("Why not?", []) == "Why not?"


def test_fragments_and_pointers() -> None:
    assert is_fragment("Why not?") and is_fragment("Transformers?")
    assert not is_fragment("What is AlexNet?")
    assert pointers("How can it make backprop more efficient?") == (True, True)
    assert pointers("Do deep learning models understand their input?") == (True, False)
    assert pointers("Is it true that scaling has ended?") == (False, False)


def test_a_question_that_may_point_back_is_rewritten_when_it_retrieves_too_little() -> None:
    question = "Does the brain approximate it?"  # "it" may be the brain's or the topic before
    answerable = {question: False, f"{PREVIOUS} {question}": True}
    weak = FollowupRewriter(answerable=answerable.__getitem__)
    assert weak.standalone(question, HISTORY) == f"{PREVIOUS} {question}"
    strong = FollowupRewriter(answerable=lambda q: True)
    assert strong.standalone(question, HISTORY) == question


def test_with_a_model_the_rewrite_is_the_models_first_line() -> None:
    from .test_llm import ScriptedGenerator

    model = ScriptedGenerator("Why is deep learning unlikely to be interpretable?\nExtra text.")
    assert (
        rewriter.standalone("Why not?", HISTORY, model)
        == "Why is deep learning unlikely to be interpretable?"
    )
    # A standalone question is not sent to the model at all.
    question = "What factors enabled deep learning to take off in the 2010s?"
    assert rewriter.standalone(question, HISTORY, ScriptedGenerator("WRONG")) == question


def test_a_rambling_or_silent_model_falls_back_to_the_rule() -> None:
    from .test_llm import ScriptedGenerator

    for reply in ("", "word " * 200):
        assert (
            rewriter.standalone("Why not?", HISTORY, ScriptedGenerator(reply))
            == "Will deep learning be interpretable? Why not?"
        )


def test_an_unrelated_second_question_gets_the_answer_it_gets_alone(assistant: Assistant) -> None:
    first = "What is program synthesis?"
    history = [
        {"role": "user", "content": first},
        {"role": "assistant", "content": assistant.ask(first).text},
    ]
    second = "Why do tree-based methods still beat neural networks on tabular data?"
    assert assistant.ask(second, history).text == assistant.ask(second).text


def test_why_not_gives_a_reason_or_says_there_is_no_more(assistant: Assistant) -> None:
    """The documents say deep learning is unlikely to be fully interpretable, and not why: the
    answer says so and cites what it said, instead of quoting an unrelated sentence."""
    first = assistant.ask(PREVIOUS)
    history = [{"role": "user", "content": PREVIOUS}, {"role": "assistant", "content": first.text}]
    followup = assistant.ask("Why not?", history)
    assert followup.question == f"{PREVIOUS} Why not?"
    assert followup.text.startswith(NO_MORE)
    assert followup.citations and all(c.quote in first.text for c in followup.citations)
    assert all(c.verified for c in followup.citations)


@pytest.mark.parametrize(
    ("first", "followup", "reason"),
    [
        ("Does Ilya Sutskever expect deep learning to keep making progress?", "Why?",
         "improvement in many areas will still lead to robust progress"),
        ("What did the Keras blog say about program synthesis?",
         "How does it differ from machine learning?", "we generate source code via"),
    ],
)  # fmt: skip
def test_why_and_how_after_an_answer_quote_a_new_sentence_that_explains(
    assistant: Assistant, first: str, followup: str, reason: str
) -> None:
    earlier = assistant.ask(first)
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": earlier.text}]
    answer = assistant.ask(followup, history)
    assert reason in answer.text and not answer.text.startswith(NO_MORE)
    assert all(c.quote not in earlier.text for c in answer.citations)


@pytest.mark.xfail(
    VNNI,
    reason="with VNNI's int8 vectors a 'because' sentence about physics-like theories scores "
    "0.375 against a bar of 0.35 and is quoted as the reason (tests/conftest.py VNNI)",
    strict=False,
)
def test_why_after_an_answer_whose_reason_is_all_there_is_says_so(assistant: Assistant) -> None:
    first = "Why do tree-based methods still beat neural networks on tabular data?"
    earlier = assistant.ask(first)
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": earlier.text}]
    answer = assistant.ask("Why?", history)
    assert answer.text == f"{NO_MORE} {earlier.text}"  # the same quote, the same [1]
    assert "augmented" not in answer.text


def test_a_model_that_echoes_the_question_resolved_nothing() -> None:
    from .test_llm import ScriptedGenerator

    for reply in ("Why not?", "Why is it not so?"):
        assert rewriter.standalone("Why not?", HISTORY, ScriptedGenerator(reply)) == (
            "Will deep learning be interpretable? Why not?"
        )


def test_a_follow_up_is_answered_about_its_own_words(assistant: Assistant) -> None:
    """Searched together with the question before it, "What strengths does it keep?" is
    still about strengths, not about academia's role in general."""
    first = "What role does academia play in deep learning research?"
    earlier = assistant.ask(first)
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": earlier.text}]
    answer = assistant.ask("What strengths does it keep?", history)
    assert answer.text.startswith(
        "The entire ecosystem is evolving but academia retains unique strengths."
    )


def test_a_model_rewrite_that_is_no_question_or_copies_an_answer_is_not_searched() -> None:
    """SmolLM2 returned earlier answers instead of questions (4 of 8 follow-ups): those are
    refused for the rule's joined question."""
    from rag.question import good_rewrite

    from .test_llm import ScriptedGenerator

    answer = HISTORY[-1]["content"]
    joined = "Will deep learning be interpretable? Why not?"
    for reply in (answer, f"{answer.rstrip('.')}?", "Deep learning is not interpretable."):
        assert rewriter.standalone("Why not?", HISTORY, ScriptedGenerator(reply)) == joined
    assert good_rewrite("Why is deep learning unlikely to be interpretable?", "Why not?", HISTORY)
    assert not good_rewrite("Why not?", "Why not?", HISTORY)  # brings nothing in
