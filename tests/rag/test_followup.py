from rag.followup import FollowupRewriter

rewriter = FollowupRewriter()
needs_context, rule_rewrite = rewriter.needs_context, rewriter.rule_rewrite

HISTORY = [
    {"role": "user", "content": "Will deep learning be interpretable?"},
    {"role": "assistant", "content": "Unlikely to be fully interpretable [1]."},
]


def test_a_follow_up_is_searched_with_the_question_it_follows() -> None:
    assert rule_rewrite("Why not?", HISTORY) == "Will deep learning be interpretable? Why not?"
    assert rule_rewrite("What are its limits?", HISTORY).startswith("Will deep learning")


def test_a_standalone_question_is_left_alone() -> None:
    question = "What factors enabled deep learning to take off in the 2010s?"
    assert not needs_context(question)
    assert rule_rewrite(question, HISTORY) == question
    assert rule_rewrite("Why not?", []) == "Why not?"


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
