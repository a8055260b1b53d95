"""The cross-encoder's (evidence, sentence, supported?) pairs, built from ../shared/data where it
lies (never copied), with the source and model each came from so folds can hold both out.

- `answers`: sentences of LLM answers (grounding/): a sentence is unsupported when annotators'
  spans touch it, or when FaithJudge's explanation quotes it; every sentence of an answer
  labelled faithful is supported. A FaithJudge-rejected answer's other sentences are left out
  (their label is unknown).
- `nli`: the twelve entailment and faithfulness sets of nli/pairs.jsonl; "supported" is the
  set's own entailment / supported / fully attributable label.
- `halueval`: the question and its right or hallucinated answer against the knowledge.
- `negatives`: hard negatives (negatives.py) and their untouched sentences, from passages of
  the trainable answer sources and HaluEval's knowledge.

Only sets the data README marks trainable are trained on (`TRAINABLE`); the rest are kept for
validation. Every premise is cut by rag.verification.evidence, as the judge cuts it at run time.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.text import lexicon, sentence_spans
from rag.verification import evidence

from . import negatives as make

SEED = 0
HALUEVAL = "halueval_qa_dev.jsonl"
FOLDS = 3
# The sets a shipped model may learn from (../shared/data/README.md), and their licences.
TRAINABLE_NLI = {
    "snli": "CC BY-SA 4.0",
    "falke2019": "CC BY-SA 4.0",
    "frank-bbc": "MIT (annotations)",
    "frank-cnndm": "MIT (annotations)",
    "wice": "ODC-BY (annotations), Wikipedia text CC BY-SA",
    "begin-dev_tc": "CC BY 4.0 (Topical-Chat: CDLA-Sharing)",
    "begin-dev_cmu": "CC BY 4.0",
    "begin-dev_wow": "CC BY 4.0",
}
TRAINABLE_TASKS = {"ragtruth-qa": "MIT", "ragtruth-summary": "MIT", "ragtruth-data2txt": "MIT"}
HALUEVAL_LICENCE = "MIT"
SUPPORTED = {"entailment", "supported", "fully attributable", "supports"}
SKIPPED = {"generic"}  # BEGIN's generic replies claim nothing: the gate says "says nothing"
_QUOTED = re.compile(r"[\"“”‘’']([^\"“”‘’']{12,}?)[\"“”‘’']")


@dataclass(frozen=True, slots=True)
class Pair:
    premise: str  # the evidence the model reads
    hypothesis: str  # the sentence it judges
    label: int  # 1: the premise supports it
    dataset: str
    kind: str  # "answer", "nli", "halueval" or a negatives.KINDS entry
    source: str  # the premise's origin: pairs of one source share a fold
    model: str  # the answer's author ("" for written data): held out with its fold

    @property
    def trainable(self) -> bool:
        return (
            self.dataset in TRAINABLE_NLI
            or self.dataset.removeprefix("grounding-") in (TRAINABLE_TASKS)
            or self.dataset in ("halueval", "negatives")
        )


def fold(key: str, folds: int = FOLDS) -> int:
    """A stable fold for a source or a model name (seeded by SEED, not by Python's hash)."""
    digest = hashlib.sha256(f"{SEED}:{key}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % folds


def held_out(pair: Pair) -> bool:
    """Fold 0 of sources and of models: what validation scores."""
    return fold(pair.source) == 0 and (not pair.model or fold(pair.model) == 0)


def train_side(pair: Pair) -> bool:
    """Neither its source nor its model is in the held-out fold."""
    return fold(pair.source) != 0 and (not pair.model or fold(pair.model) != 0)


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    # One record per "\n": str.splitlines would also split at a U+2028 inside a text.
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            yield json.loads(line)


def _says_something(sentence: str) -> bool:
    return bool(lexicon.content_stems(sentence))


def nli(data: Path) -> list[Pair]:
    pairs = []
    for row in _lines(data / "nli" / "pairs.jsonl"):
        label = str(row["label"]).lower().replace("_", " ")
        if label in SKIPPED:
            continue
        premise, hypothesis = row["premise"], row["hypothesis"]
        pairs.append(
            Pair(
                evidence(premise, hypothesis).text,
                hypothesis,
                int(label in SUPPORTED),
                row["dataset"],
                "nli",
                nli_source(row["dataset"], premise),
                "",
            )
        )
    return pairs


def nli_source(dataset: str, premise: str) -> str:
    """An NLI pair's source: its premise (pairs sharing one share a fold)."""
    return f"{dataset}:{hashlib.sha256(premise.encode()).hexdigest()[:16]}"


def _sources(data: Path) -> dict[tuple[str, str], dict[str, Any]]:
    return {(s["task"], s["source_id"]): s for s in _lines(data / "grounding" / "sources.jsonl")}


def answers(data: Path, silver: int = 800) -> list[Pair]:
    """Sentence-level pairs from grounding answers (trainable and validation tasks): every
    human-labelled answer, and `silver` FaithJudge-labelled ones per task (seeded)."""
    sources = _sources(data)
    rows = list(_lines(data / "grounding" / "answers.jsonl"))
    rng = random.Random(SEED)
    rng.shuffle(rows)
    taken: dict[str, int] = {}
    pairs = []
    for row in rows:
        if row["labeler"] != "human":
            taken[row["task"]] = taken.get(row["task"], 0) + 1
            if taken[row["task"]] > silver:
                continue
        source = sources[row["task"], row["source_id"]]
        context = "\n\n".join(source["context"])
        answer = row["answer"]
        quoted = [q.lower() for q in _QUOTED.findall(row.get("explanation") or "")]
        for start, end in sentence_spans(answer):
            sentence = answer[start:end]
            if not _says_something(sentence):
                continue
            label = _sentence_label(row, sentence, start, end, quoted)
            if label is None:
                continue
            pairs.append(
                Pair(
                    evidence(context, sentence).text,
                    sentence,
                    label,
                    f"grounding-{row['task']}",
                    "answer",
                    f"{row['task']}:{row['source_id']}",
                    row["model"],
                )
            )
    return pairs


def _sentence_label(
    row: dict[str, Any], sentence: str, start: int, end: int, quoted: list[str]
) -> int | None:
    if not row["label"]:
        return 1
    if row["labeler"] == "human":
        return int(not any(s["start"] < end and s["end"] > start for s in row.get("spans") or ()))
    low = sentence.lower()
    return 0 if any(q in low for q in quoted) else None


def halueval_source(index: int) -> str:
    """A HaluEval row's source as eval.train_judge names it (its line), so both share folds."""
    return f"halueval:{HALUEVAL}:{index + 1}"


def halueval(data: Path) -> list[Pair]:
    pairs = []
    for i, row in enumerate(_lines(data / HALUEVAL)):
        for answer, label in ((row["right_answer"], 1), (row["hallucinated_answer"], 0)):
            sentence = f"{row['question']} {answer}"
            pairs.append(
                Pair(
                    evidence(row["knowledge"], sentence).text,
                    sentence,
                    label,
                    "halueval",
                    "halueval",
                    halueval_source(i),
                    "",
                )
            )
    return pairs


def passages(data: Path) -> list[tuple[str, str]]:
    """(source, passage) of the trainable answer sources and HaluEval's knowledge."""
    found = [
        (f"{task}:{s['source_id']}", passage)
        for (task, _), s in _sources(data).items()
        if task in TRAINABLE_TASKS
        for passage in s["context"]
    ]
    found += [
        (halueval_source(i), r["knowledge"])
        for i, r in enumerate(_lines(data / "halueval_qa_dev.jsonl"))
    ]
    return found


def hard_negatives(data: Path, per_passage: int = 3) -> list[Pair]:
    """For sentences of each passage: the sentence itself (supported), one changed by a
    negative kind in turn (each kind as often as it applies), and another sentence of the same
    window (supported)."""
    rng = random.Random(SEED)
    found = passages(data)
    pairs: list[Pair] = []
    turn = 0
    for source, passage in found:
        sentences = [passage[s:e] for s, e in sentence_spans(passage)]
        usable = [i for i, s in enumerate(sentences) if len(s.split()) >= 6]
        for i in rng.sample(usable, min(per_passage, len(usable))):
            sentence = sentences[i]
            window = evidence(passage, sentence)
            other = rng.choice(found)[1]
            pairs.append(Pair(window.text, sentence, 1, "negatives", "sentence", source, ""))
            for _ in range(len(make.NEGATIVE_KINDS)):
                kind = make.NEGATIVE_KINDS[turn % len(make.NEGATIVE_KINDS)]
                turn += 1
                changed = _negative(kind, sentence, passage, other, rng)
                if changed is not None and changed != sentence:
                    pairs.append(Pair(window.text, changed, 0, "negatives", kind, source, ""))
                    break
            inside = [s for s in sentences if s in window.text]
            elsewhere = make.true_elsewhere(
                inside, inside.index(sentence) if sentence in inside else -1, rng
            )
            if elsewhere is not None:
                pairs.append(
                    Pair(window.text, elsewhere, 1, "negatives", "true elsewhere", source, "")
                )
    return pairs


def _negative(kind: str, sentence: str, passage: str, other: str, rng: random.Random) -> str | None:
    if kind == "role swap":
        return make.role_swap(sentence)
    if kind == "negation":
        return make.negation(sentence)
    if kind == "changed number":
        return make.changed_number(sentence, rng)
    if kind == "swapped entity":
        return make.swapped_entity(sentence, passage, rng)
    sentences = [other[s:e] for s, e in sentence_spans(other)]
    return make.added_clause(sentence, rng.choice(sentences), rng) if sentences else None


def everything(data: Path) -> list[Pair]:
    return [*answers(data), *nli(data), *halueval(data), *hard_negatives(data)]
