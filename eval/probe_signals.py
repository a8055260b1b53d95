"""Score a candidate signal against the grounding judge's held-out folds before building it into
the judge: does it separate supported claims from unsupported ones on models and sources a fit
never saw, and does the judge gain from it?

    rag eval probe alignment|likelihood|nli [--model smol|tiny|llm|PATH]
                   [--limit N] [--data ../shared/data] [--folds 5]

Candidates, each a few numbers per claim (higher: less supported), computed on the claim and
its window (the context sentence closest to it, with its neighbours):
- `alignment`: MiniLM's token embeddings (the embedder's weights): how well each content token
  of the claim is matched by some token of the window, and of the whole context (mean, worst,
  share under 0.6 cosine). A soft version of "the words it lacks", which forgives synonyms.
- `likelihood`: a GGUF language model through llama.cpp: the claim's log-likelihood given the
  question and the window, and its gain over the question alone (pointwise mutual
  information): a claim the passage supports becomes likely once the model has read it.
- `nli`: the NLI cross-encoder of models.txt (role `judge`): 1 - P(window entails claim).
  Needs the model on disk (rag models download judge), which this workplace cannot reach.

Printed in one run: each candidate column alone (an answer's worst claim) per dataset, AUROC
beside the best lexical signal on the same answers; then eval.train_judge's report for the
judge with the candidate's columns added and without them, on the same folds. `--limit N`
takes N answers per dataset (seeded) for candidates too slow for all 5,200.
Nothing is written: a candidate that earns its place is then built into features.py.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from modelhome import LLM_ROLES, ModelMissingError, find, loading
from modelhome.files import resolve_model
from rag.text import lexicon
from rag.verification import (
    CLAIM_FEATURES,
    ContextView,
    NLIJudge,
    claim_signals,
    context_text,
    split_claims,
    strip_markers,
)

from . import metrics, train_judge
from .train_judge import Judge, Labelled, Table

NAN = float("nan")

SEED = 0
EMBEDDER = "sentence-transformers/all-MiniLM-L6-v2"
LEXICAL_BEST = "novel_content_not_question"  # the best single lexical signal on QA answers


@dataclass(frozen=True)
class ClaimInput:
    claim: str  # without citation markers
    window: str  # the closest context sentence and its neighbours
    context: str
    question: str
    says_something: bool  # one that does not is not counted by the judge: it is not scored


class Candidate(Protocol):
    name: str
    columns: tuple[str, ...]

    def score(self, claims: Sequence[ClaimInput]) -> np.ndarray:
        """(len(claims), len(columns)): higher means less supported."""
        ...


def claim_inputs(rows: Sequence[Labelled]) -> list[ClaimInput]:
    """Every claim of every answer, in the order of train_judge's Table."""
    inputs = []
    views: dict[str, ContextView] = {}  # 43 models answer each grounding source: prepare once
    for r in rows:
        text = context_text(r.row.context)
        view = views.get(text) or views.setdefault(text, ContextView.of(text))
        question = r.row.question or ""
        for claim in split_claims(r.row.answer):
            signals = claim_signals(claim, view, question)
            at = view.sentences.index(signals.best)
            first, last = max(0, at - 1), min(len(view.sentences) - 1, at + 1)
            window = text[view.sentences[first][0] : view.sentences[last][1]]
            inputs.append(
                ClaimInput(
                    strip_markers(claim).strip(), window, text, question, not signals.says_nothing
                )
            )
    return inputs


class Alignment:
    """Soft word alignment with the embedder's contextual token vectors (BERTScore precision)."""

    name = "alignment"
    columns: tuple[str, ...] = (
        "window_mean",
        "window_worst",
        "window_low",
        "context_mean",
        "context_worst",
        "context_low",
    )
    LOW = 0.6  # cosine under which a token counts as unmatched

    def __init__(self) -> None:
        self.model = loading.sentence_transformer(resolve_model(EMBEDDER), device="cpu")
        self._vectors: dict[str, np.ndarray] = {}

    def score(self, claims: Sequence[ClaimInput]) -> np.ndarray:
        sentences: dict[str, list[str]] = {}
        for c in claims:
            if c.context not in sentences:
                view = ContextView.of(c.context)
                sentences[c.context] = [c.context[s:e] for s, e in view.sentences]
        texts = [c.claim for c in claims] + [c.window for c in claims]
        texts += [s for group in sentences.values() for s in group]
        self._encode(texts)
        rows = np.zeros((len(claims), len(self.columns)))
        for i, c in enumerate(claims):
            claim = self._vectors[c.claim]
            if not c.says_something or not len(claim):
                continue
            context = np.concatenate([self._vectors[s] for s in sentences[c.context]] or [claim])
            values = []
            for reference in (self._vectors[c.window], context):
                if not len(reference):
                    values += [1.0, 1.0, 1.0]
                    continue
                best = (claim @ reference.T).max(axis=1)
                values += [1 - best.mean(), 1 - best.min(), float((best < self.LOW).mean())]
            rows[i] = values
        return rows

    def _encode(self, texts: Sequence[str]) -> None:
        todo = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if not todo:
            return
        tokenizer = self.model.tokenizer
        outputs = self.model.encode(todo, output_value="token_embeddings", batch_size=64)
        for text, vectors in zip(todo, outputs, strict=True):
            ids = tokenizer(text, truncation=True, max_length=self.model.max_seq_length)
            keep = _content_tokens(tokenizer.convert_ids_to_tokens(ids["input_ids"]))
            v = np.asarray(vectors.cpu().numpy() if hasattr(vectors, "cpu") else vectors)
            v = v[: len(keep)][keep[: len(v)]]
            self._vectors[text] = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)


def _content_tokens(tokens: Sequence[str]) -> np.ndarray:
    """WordPiece tokens of content words: no [CLS]/[SEP], punctuation or stopwords (a word's
    continuation pieces follow its first piece)."""
    keep: list[bool] = []
    for token in tokens:
        piece = token.removeprefix("##")
        if token in ("[CLS]", "[SEP]", "[PAD]") or not any(ch.isalnum() for ch in piece):
            keep.append(False)
        elif token.startswith("##"):
            keep.append(bool(keep) and keep[-1])
        else:
            keep.append(piece.lower() not in lexicon.STOPWORDS)
    return np.array(keep, dtype=bool)


class Likelihood:
    """How likely a language model finds the claim after reading its window, and how much more
    likely than without it."""

    name = "likelihood"
    columns: tuple[str, ...] = (
        "nll_mean",
        "nll_worst",
        "surprising",
        "gain_mean",
        "gain_worst3",
        "low_gain",
    )
    SURPRISING = -5.0  # log-probability under which a token surprises the model
    LOW_GAIN = 0.5  # nats: a token the passage barely makes likelier

    def __init__(self, path: Path, context_tokens: int = 1024) -> None:
        loaded = loading.llama(
            path, n_ctx=context_tokens, n_threads=os.cpu_count() or 1, logits_all=True
        )
        self.model: Any = loaded.llm

    def score(self, claims: Sequence[ClaimInput]) -> np.ndarray:
        rows = np.zeros((len(claims), len(self.columns)))
        for i, c in enumerate(claims):
            if not c.says_something or not c.claim:
                continue
            read = self._log_probs(f"Question: {c.question}\nPassage: {c.window}\nAnswer:", c.claim)
            unread = self._log_probs(f"Question: {c.question}\nAnswer:", c.claim)
            gain = read - unread
            rows[i] = [
                -read.mean(),
                -read.min(),
                float((read < self.SURPRISING).mean()),
                -gain.mean(),
                -np.sort(gain)[:3].mean(),
                float((gain < self.LOW_GAIN).mean()),
            ]
        return rows

    def _log_probs(self, prefix: str, claim: str) -> np.ndarray:
        """log P(each token of the claim | prefix and the tokens before it)."""
        head = self.model.tokenize(prefix.encode(), add_bos=True, special=False)
        tail = self.model.tokenize((" " + claim).encode(), add_bos=False, special=False)
        room = self.model.n_ctx() - 1
        tail = tail[: room // 2]
        tokens = (head[-(room - len(tail)) :] if len(head) + len(tail) > room else head) + tail
        self.model.reset()
        self.model.eval(tokens)
        at = np.arange(len(tokens) - len(tail), len(tokens))
        logits = np.asarray(self.model.scores[at - 1], dtype=np.float64)
        top = logits.max(axis=1, keepdims=True)
        log_probs = logits - top - np.log(np.exp(logits - top).sum(axis=1, keepdims=True))
        return np.asarray(log_probs[np.arange(len(at)), np.array(tokens)[at]])


class Entailment:
    """The NLI cross-encoder of models.txt (role `judge`): 1 - P(window entails claim)."""

    name = "nli"
    columns: tuple[str, ...] = ("not_entailed",)

    def __init__(self) -> None:
        path = find("judge")
        if path is None:
            raise ModelMissingError(
                "No NLI cross-encoder installed (models.txt role 'judge'): rag models download "
                "judge, where the model hub can be reached"
            )
        self.judge = NLIJudge(path)

    def score(self, claims: Sequence[ClaimInput]) -> np.ndarray:
        return np.array(
            [
                [self.judge.unsupported(c.window, c.claim) if c.says_something else 0.0]
                for c in claims
            ]
        )


def make_candidate(name: str, model: str) -> Candidate:
    if name == "alignment":
        return Alignment()
    if name == "likelihood":
        path = find(model) if model in LLM_ROLES else Path(model)  # type: ignore[arg-type]
        if path is None or not path.is_file():
            raise ModelMissingError(f"No GGUF for {model!r}: rag models download {model}")
        return Likelihood(path)
    if name == "nli":
        return Entailment()
    raise ValueError(f"unknown candidate {name!r}")


def sample(table: Table, rows: list[Labelled], limit: int | None) -> tuple[Table, list[Labelled]]:
    """Up to `limit` answers of each dataset (seeded), or all."""
    if limit is None:
        return table, rows
    rng = np.random.default_rng(SEED)
    keep = np.zeros(len(table), bool)
    for name in np.unique(table.dataset):
        answers = np.flatnonzero(table.dataset == name)
        keep[rng.permutation(answers)[:limit]] = True
    return table.subset(keep), [r for r, k in zip(rows, keep, strict=True) if k]


def alone(table: Table, extra: np.ndarray, columns: Sequence[str]) -> None:
    """Each column alone as an answer's score (its worst claim that says something)."""
    worst = np.zeros((len(table), extra.shape[1]))
    np.maximum.at(worst, table.owner[table.said], extra[table.said])
    lexical = table.worst(only_said=True)[:, CLAIM_FEATURES.index(LEXICAL_BEST)]
    print("each signal alone (an answer's worst claim), AUROC:")
    heads = (*columns, LEXICAL_BEST)
    print(f"{'dataset':<14} {'n':>5} " + " ".join(heads))
    for name in sorted(set(table.dataset)):
        pick = table.dataset == name
        y = table.label[pick]
        cells = [metrics.auroc(worst[pick, k], y, undefined=NAN) for k in range(len(columns))]
        cells.append(metrics.auroc(lexical[pick], y, undefined=NAN))
        print(
            f"{name:<14} {pick.sum():>5} "
            + " ".join(f"{v:>{len(h)}.3f}" for v, h in zip(cells, heads, strict=True))
        )


CANDIDATES = ("alignment", "likelihood", "nli")


def probe(
    name: str,
    model: str = "smol",
    limit: int | None = None,
    data: Path = train_judge.SHARED_DATA,
    folds: int = 5,
) -> None:
    """Print the candidate `name`'s held-out figures (`rag eval probe`); writes nothing.
    `model`: the GGUF (role or path) of `likelihood`; `limit`: answers per dataset."""
    candidate = make_candidate(name, model)
    everything = train_judge.labelled(data, "qa")
    table, rows = sample(train_judge.table_of(everything), everything, limit)
    claims = claim_inputs(rows)
    started = time.perf_counter()
    extra = candidate.score(claims)
    seconds = time.perf_counter() - started
    scored = sum(c.says_something for c in claims)
    print(
        f"{candidate.name}: {len(claims)} claims of {len(table)} answers in {seconds:.0f} s "
        f"({1000 * seconds / max(scored, 1):.1f} ms a claim that says something)\n"
    )
    columns = tuple(f"{candidate.name}.{c}" for c in candidate.columns)
    alone(table, extra, columns)
    augmented = replace(table, x=np.hstack([table.x, extra]))
    base = train_judge.JUDGES[0]
    judges = (Judge(f"+{candidate.name}", base.columns + extra.shape[1], True), base)
    train_judge.report(
        augmented, train_judge.cross_validate(augmented, folds, judges), folds, judges
    )
