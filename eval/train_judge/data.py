"""The labelled answers the judge is trained and validated on, cut into claims with their
signals: one Table."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.verification import (
    CLAIM_FEATURES,
    Featurizer,
    OverlapJudge,
    addresses,
    context_text,
    split_claims,
)

from ..datasets import DEFAULT_JUDGE, JudgeRow, load_judge
from ..grounding import load_grounding

NAN = float("nan")

FILES = {"ragtruth": "ragtruth_qa_dev.jsonl", "halueval": "halueval_qa_dev.jsonl"}
QA = ("grounding-qa", "ragtruth")  # the answers the gate is chosen and measured on
LEXICAL = 8  # the lexical judge's signals: the first 8 of CLAIM_FEATURES
SEED = 0
BOOTSTRAP = 1000
C = 1.0  # inverse regularisation strength: sklearn's default, not tuned
SHARES = (0.5, 0.6, 0.67, 0.75, 0.8, 0.9, 1.0)  # min_supported candidates
THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.01), 2)
TOLERANCE = 0.01  # gate choices this close (supported shown - unsupported shown) are alike


@dataclass(frozen=True)
class Table:
    """Labelled answers, one row each, and their claims, one row each (`owner`: the answer a
    claim belongs to): everything the fits and the gate need, computed once."""

    dataset: np.ndarray  # per answer
    model: np.ndarray
    source: np.ndarray
    label: np.ndarray
    overlap: np.ndarray  # the baseline: share of the answer's words the context lacks
    owner: np.ndarray  # per claim
    x: np.ndarray  # CLAIM_FEATURES per claim
    said: np.ndarray  # the claim has a content word
    change: np.ndarray  # what contradiction.py found the claim changes ("": nothing)
    on_topic: np.ndarray  # it shares a content word with the question

    def __len__(self) -> int:
        return len(self.label)

    def subset(self, keep: np.ndarray) -> Table:
        """The answers where `keep` (a bool per answer) is true, with their claims."""
        index = np.flatnonzero(keep)
        renumber = np.full(len(self), -1)
        renumber[index] = np.arange(len(index))
        claims = keep[self.owner]
        return Table(
            dataset=self.dataset[index],
            model=self.model[index],
            source=self.source[index],
            label=self.label[index],
            overlap=self.overlap[index],
            owner=renumber[self.owner[claims]],
            x=self.x[claims],
            said=self.said[claims],
            change=self.change[claims],
            on_topic=self.on_topic[claims],
        )

    def worst(self, only_said: bool) -> np.ndarray:
        """Each answer's worst value of each signal over its claims (that say something, or
        all of them when none does or `only_said` is false)."""
        rows = np.full((len(self), self.x.shape[1]), -np.inf)
        np.maximum.at(rows, self.owner, self.x)
        if only_said:
            said = np.full_like(rows, -np.inf)
            np.maximum.at(said, self.owner[self.said], self.x[self.said])
            rows = np.where(np.isfinite(said), said, rows)
        return rows


@dataclass(frozen=True)
class Labelled:
    """One labelled answer as the fit groups it: its dataset, model and source."""

    dataset: str
    model: str
    source: str
    row: JudgeRow


def labelled(data: Path, tasks: str) -> list[Labelled]:
    """The answers the judge is fitted and validated on, in the Table's order."""
    rows: list[Labelled] = []
    for answer in load_grounding(data / "grounding", None if tasks == "all" else "ragtruth-qa"):
        name = "grounding-qa" if answer.task == "ragtruth-qa" else f"grounding-{answer.task}"
        rows.append(Labelled(name, answer.model, answer.row.group, answer.row))
    raw = [
        json.loads(line)
        for line in (data / FILES["ragtruth"]).read_text(encoding="utf-8").split("\n")
        if line.strip()
    ]
    for row, line in zip(load_judge(data / FILES["ragtruth"]).rows, raw, strict=True):
        # The grounding QA answers are to the same 64 sources: one source group for both.
        rows.append(Labelled("ragtruth", line["model"], f"ragtruth-qa:{line['source_id']}", row))
    for name, path in (("halueval", data / FILES["halueval"]), ("judge.jsonl", DEFAULT_JUDGE)):
        for row in load_judge(path).rows:
            # Written answers, not a model's: each source stands for its own "model".
            rows.append(Labelled(name, f"{name}:{row.group}", f"{name}:{row.group}", row))
    return rows


def load(data: Path, tasks: str) -> Table:
    return table_of(labelled(data, tasks))


def table_of(rows: Sequence[Labelled]) -> Table:
    """The judge's signals of every claim of `rows`, computed once."""
    featurizer, overlap = Featurizer(), OverlapJudge()
    owner: list[int] = []
    x: list[list[float]] = []
    said: list[bool] = []
    change: list[str] = []
    on_topic: list[bool] = []
    for i, row in enumerate(r.row for r in rows):
        claims = split_claims(row.answer)
        text = context_text(row.context)
        for claim, signals in zip(
            claims, featurizer.signals(row.context, claims, row.question), strict=True
        ):
            owner.append(i)
            x.append([signals.values[f] for f in CLAIM_FEATURES])
            said.append(not signals.says_nothing)
            change.append(signals.contradiction)
            evidence = text[signals.best[0] : signals.best[1]]
            on_topic.append(addresses(claim, row.question, evidence))
    return Table(
        dataset=np.array([r.dataset for r in rows]),
        model=np.array([r.model for r in rows]),
        source=np.array([r.source for r in rows]),
        label=np.array([r.row.label for r in rows]),
        overlap=np.array([overlap.judge(r.row.context, r.row.answer).score for r in rows]),
        owner=np.array(owner),
        x=np.array(x),
        said=np.array(said),
        change=np.array(change),
        on_topic=np.array(on_topic),
    )
