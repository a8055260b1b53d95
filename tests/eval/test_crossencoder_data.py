"""How the meaning judge's training pairs are labelled and split: sentence labels from
annotators' spans and FaithJudge's quotes, folds that keep a source and a model on one side."""

from __future__ import annotations

from eval.train_crossencoder import data as d
from eval.train_crossencoder.fit import Recipe, training_set


def _row(label: int, labeler: str, spans=(), explanation: str = "") -> dict:  # type: ignore[no-untyped-def]
    return {"label": label, "labeler": labeler, "spans": list(spans), "explanation": explanation}


def test_a_sentence_an_annotated_span_touches_is_unsupported() -> None:
    row = _row(1, "human", [{"start": 30, "end": 40}])
    assert d._sentence_label(row, "first", 0, 20, []) == 1
    assert d._sentence_label(row, "second", 25, 35, []) == 0
    assert d._sentence_label(row, "third", 39, 60, []) == 0
    assert d._sentence_label(row, "fourth", 40, 60, []) == 1


def test_faithjudge_labels_only_the_sentences_it_quotes() -> None:
    explanation = 'The summary says "the ceremony is chaired by AC Grayling" which is wrong.'
    quoted = [q.lower() for q in d._QUOTED.findall(explanation)]
    row = _row(1, "faithjudge", explanation=explanation)
    assert d._sentence_label(row, "The ceremony is chaired by AC Grayling.", 0, 10, quoted) == 0
    assert d._sentence_label(row, "The shortlist has six books.", 0, 10, quoted) is None
    assert d._sentence_label(_row(0, "faithjudge"), "Anything.", 0, 9, []) == 1


def test_folds_keep_sources_and_models_apart() -> None:
    pairs = [
        d.Pair("p", "h", 1, "grounding-ragtruth-qa", "answer", f"ragtruth-qa:{s}", f"model-{m}")
        for s in range(60)
        for m in range(12)
    ]
    held = [p for p in pairs if d.held_out(p)]
    train = [p for p in pairs if d.train_side(p)]
    assert held and train
    assert not {p.source for p in held} & {p.source for p in train}
    assert not {p.model for p in held} & {p.model for p in train}
    # nothing is both, and the rest (one side held out, the other not) sits out
    assert len(held) + len(train) < len(pairs)


def test_only_trainable_sets_on_the_train_side_are_trained_on() -> None:
    pairs = [
        d.Pair("p", "h", i % 2, name, "nli", f"{name}:{i}", "")
        for name in ("snli", "sick", "rte", "wice", "climate-fever")
        for i in range(90)
    ] + [
        d.Pair("p", "h", 0, "grounding-faithbench-summary", "answer", f"fb:{i}", "m")
        for i in range(30)
    ]
    chosen = training_set(pairs, Recipe())
    assert {p.dataset for p in chosen} == {"snli", "wice"}
    assert all(d.train_side(p) for p in chosen)
