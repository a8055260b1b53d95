"""The meaning judge's training code end to end, on tiny real inputs: two steps of
CrossEncoderTrainer from the real MiniLM weights on 16 pairs, the int8 ONNX export, and the
runtime that reads it. (The shipped model is trained for ~40 min: see its card.) Its outputs
after two steps mean nothing; what is checked is that every stage runs and hands the next one
what it needs, and that the runtime tokenises exactly as training did."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from eval.train_crossencoder.data import Pair
from eval.train_crossencoder.export import ship
from eval.train_crossencoder.fit import MAX_LENGTH, Recipe, fine_tune
from modelhome import find, loading
from modelhome.pair_classifier import PairClassifier
from rag.verification import MeaningJudge

PAIRS = [
    Pair(
        "The Drever is a Swedish hound bred for hunting deer.",
        "The Drever hunts deer.",
        1,
        "t",
        "x",
        "s",
        "",
    ),
    Pair(
        "The Drever is a Swedish hound bred for hunting deer.",
        "The Drever is Finnish.",
        0,
        "t",
        "x",
        "s",
        "",
    ),
] * 8


@pytest.mark.slow
def test_train_export_and_read_back(tmp_path: Path) -> None:
    base = find("embedder")
    assert base is not None
    model_dir = fine_tune(base, PAIRS, Recipe(batch_size=8), tmp_path / "work")
    out = tmp_path / "meaning"
    digest = ship(
        model_dir, out, {"max_length": MAX_LENGTH, "threshold": 0.5, "min_supported": 0.75}
    )
    assert len(digest) == 64 and (out / "model.onnx").stat().st_size < 30_000_000  # int8

    classifier = PairClassifier(out)
    probabilities = classifier.probabilities([(p.premise, p.hypothesis) for p in PAIRS[:2]])
    assert probabilities.shape == (2,) and np.all((probabilities > 0) & (probabilities < 1))
    # The same pair alone or beside a longer one (padding) gets the same probability.
    alone = classifier.probabilities([(PAIRS[1].premise, PAIRS[1].hypothesis)])
    assert alone[0] == pytest.approx(probabilities[1], abs=1e-4)

    judge = MeaningJudge(classifier=classifier)
    judgment = judge.judge([PAIRS[0].premise], "The Drever hunts deer. Based on the passages:")
    assert [c.reason for c in judgment.claims] == ["", "says nothing"]


def test_the_runtime_tokenises_pairs_as_training_did() -> None:
    """The Rust tokenizer the judge runs with gives the ids transformers' tokenizer gave the
    trainer, truncation included, on every chunk of the sample corpus paired with a claim."""
    from transformers import AutoTokenizer

    from index.chunking import Chunker

    base = find("embedder")
    assert base is not None
    fast = loading.fast_tokenizer(base / "tokenizer.json", MAX_LENGTH)
    slow = AutoTokenizer.from_pretrained(str(base))
    chunker = Chunker(
        lambda t: len(slow.tokenize(t)), chunk_tokens=200, chunk_overlap=0, max_tokens=256
    )
    texts = [
        text[span.start : span.end]
        for path in sorted((Path(__file__).parents[2] / "corpus").glob("*.txt"))
        for text in [path.read_text(encoding="utf-8")]
        for span in chunker.spans(text)
    ]
    pairs = [(text, "Deep learning is hitting a wall, he said in 2022.") for text in texts]
    pairs += [("Short passage.", text[:3000]) for text in texts[:5]]  # a long second text
    assert len(pairs) > 5
    for premise, hypothesis in pairs:
        want = slow(premise, hypothesis, truncation=True, max_length=MAX_LENGTH)["input_ids"]
        assert fast.encode(premise, hypothesis).ids == want
