"""The QA dev benchmark: a corpus a new user might bring, built from HaluEval-shaped rows.

Each row's `knowledge` (short Wikipedia passages) becomes one file of a corpus; a tenth of the
rows, chosen by a hash of the question (so the same rows every run), have their passage
withheld, and their questions are the unanswerable ones. Every question is asked of the real
assistant over that corpus, and the answers are scored:

- recall@5: the question's own file is among the first five passages retrieved;
- gold cited: the answer cites that file;
- contains the answer: the text shown holds ≥ 80 % of the right answer's content words;
- abstention: the share of unanswerable questions declined; false abstention: the share of
  answerable ones declined;
- latency: milliseconds an answer, p50 and p95;
- for a language model's answers: how many cite a passage as written (raw), how many were
  shown whole, in part, replaced by quotes or declined, the shown sentences the judge calls
  unsupported, and its seconds an answer.

The sample-corpus eval (`rag eval`) measures other things on four long documents; this one asks
whether "it says so when your documents don't hold the answer" holds on a folder of many short
ones, with questions that need two sentences (HotpotQA's multi-hop questions).
"""

from __future__ import annotations

import hashlib
import html
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

import index
from rag import Answer, Assistant
from rag.text import lexicon
from rag.verification import Judge

from . import metrics
from .datasets import DatasetError
from .scoring import judged_claims
from .summary import shown_as

WITHHELD_SHARE = 0.1  # of the rows: their passage is not indexed
CONTAINS_SHARE = 0.8  # of the right answer's content words, for "contains the answer"
RECALL_K = 5


@dataclass(frozen=True, slots=True)
class BenchRow:
    id: str
    question: str
    answer: str  # the right answer
    knowledge: str  # the passage that answers it
    answerable: bool  # False: its passage was withheld from the corpus

    @property
    def source(self) -> str:
        """The file its passage is indexed as (the first row of a shared passage names it)."""
        return f"{self.id}.txt"


@dataclass(frozen=True, slots=True)
class BenchResult:
    id: str
    question: str
    answerable: bool
    mode: str  # how it was answered: extractive, llm or abstained
    text: str
    gold: str  # the file holding its passage ("" when withheld)
    retrieved: tuple[str, ...]  # the files of the passages retrieved, best first
    cited: tuple[str, ...]
    contains: bool
    ms: float
    written: str = ""  # a model's answer: whole, part, replaced or declined ("": none)
    raw_cited: bool = False  # the model's answer, as written, cites a passage it was given
    shown_unsupported: int = 0  # sentences shown the judge calls unsupported by their passage
    model_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class BenchReport:
    dataset: str
    answerer: str  # "extractive", or the model's name
    metrics: dict[str, float | None]
    results: tuple[BenchResult, ...] = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_rows(path: Path, withheld: float = WITHHELD_SHARE) -> list[BenchRow]:
    """HaluEval QA rows (knowledge, question, right_answer), `withheld` of them unanswerable.
    Rows that share a passage share its file, and its fate."""
    try:
        raw = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    except (OSError, json.JSONDecodeError) as exc:
        raise DatasetError(f"cannot read {path}: {exc}") from exc
    missing = [
        n for n, r in enumerate(raw, 1) if not {"knowledge", "question", "right_answer"} <= set(r)
    ]
    if missing:
        raise DatasetError(
            f"{path}: rows {missing[:5]} lack knowledge, question or right_answer "
            "(HaluEval's QA shape)"
        )
    # A tenth of the passages, chosen by a hash of their first question: the same every run,
    # and not the first rows of the file (HaluEval's are grouped by source).
    first_question: dict[str, str] = {}
    for r in raw:
        first_question.setdefault(r["knowledge"], r["question"])
    ranked = sorted(first_question, key=lambda k: _hash(first_question[k]))
    gone = set(ranked[: round(withheld * len(ranked))])
    return [
        BenchRow(
            id=f"h{n:04d}",
            question=str(r["question"]),
            answer=str(r["right_answer"]),
            knowledge=str(r["knowledge"]),
            answerable=r["knowledge"] not in gone,
        )
        for n, r in enumerate(raw, 1)
    ]


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def sources(rows: Sequence[BenchRow]) -> dict[str, str]:
    """knowledge -> the file it is indexed as, for the answerable rows' passages."""
    out: dict[str, str] = {}
    for row in rows:
        if row.answerable:
            out.setdefault(row.knowledge, row.source)
    return out


def write_corpus(rows: Sequence[BenchRow], folder: Path) -> Path:
    """One file per indexed passage; files of passages no longer wanted are removed, so a
    work folder reused with other rows indexes what these rows say."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {name: text for text, name in sources(rows).items()}
    for stale in folder.glob("*.txt"):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text + "\n":
            path.write_text(text + "\n", encoding="utf-8")
    return folder


def build(rows: Sequence[BenchRow], work: Path, *, progress: bool = False) -> Path:
    """The benchmark's corpus and its index under `work` (incremental: a rerun is quick)."""
    corpus = write_corpus(rows, work / "corpus")
    index_dir = work / "index"
    report = index.build([corpus], index_dir, progress=progress)
    if report.failed:
        raise DatasetError(
            f"{len(report.failed)} passages could not be indexed: {report.failed[0]}"
        )
    return index_dir


def contains(text: str, answer: str, share: float = CONTAINS_SHARE) -> bool:
    """Does `text` hold `share` of the content words of `answer` ("President Richard Nixon":
    2 of its 3 are not enough)? An answer of stopwords only must appear as it is."""
    wanted = lexicon.content_stems(answer)
    if not wanted:
        return answer.strip().lower() in text.lower()
    return lexicon.coverage(wanted, lexicon.content_stems(text)) >= share


def score(row: BenchRow, answer: Answer, gold: str, ms: float, judge: Judge) -> BenchResult:
    """One answer's figures; a model's answer is also judged, by `judge`, as shown."""
    retrieved = tuple(dict.fromkeys(h.source for h in answer.hits))
    generated = answer.generated
    model: dict[str, Any] = {}
    if generated is not None:
        model = {
            "written": shown_as(generated),
            "raw_cited": generated.markers > len(generated.invalid_markers),
            "shown_unsupported": sum(
                not c.supported for c in judged_claims(answer, judge) if c.markers
            ),
            "model_seconds": generated.seconds,
        }
    return BenchResult(
        id=row.id,
        question=row.question,
        answerable=row.answerable,
        mode=answer.mode,
        text=answer.text,
        gold=gold,
        retrieved=retrieved,
        cited=tuple(dict.fromkeys(c.source for c in answer.citations)),
        contains=row.answerable
        and answer.mode != "abstained"
        and contains(answer.text, row.answer),
        ms=ms,
        **model,
    )


def ask_all(
    assistant: Assistant, rows: Sequence[BenchRow], *, progress: bool = False
) -> list[BenchResult]:
    files = sources(rows)
    results = []
    for row in tqdm(rows, desc="Asking", unit="question", disable=not progress):
        started = time.perf_counter()
        answer = assistant.ask(row.question)
        ms = (time.perf_counter() - started) * 1000
        gold = files.get(row.knowledge, "") if row.answerable else ""
        results.append(score(row, answer, gold, ms, assistant.judge))
    return results


def summarize(results: Sequence[BenchResult]) -> dict[str, float | None]:
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    latencies = sorted(r.ms for r in results)
    return {
        "questions": float(len(results)),
        "answerable": float(len(answerable)),
        "unanswerable": float(len(unanswerable)),
        f"recall@{RECALL_K}": metrics.mean([r.gold in r.retrieved[:RECALL_K] for r in answerable]),
        "gold_cited": metrics.mean([r.gold in r.cited for r in answerable]),
        "contains_answer": metrics.mean([r.contains for r in answerable]),
        "abstention": metrics.mean([r.mode == "abstained" for r in unanswerable]),
        "false_abstention": metrics.mean([r.mode == "abstained" for r in answerable]),
        "p50_ms": _percentile(latencies, 0.5),
        "p95_ms": _percentile(latencies, 0.95),
    } | _model_metrics(results)


def _model_metrics(results: Sequence[BenchResult]) -> dict[str, float | None]:
    """What became of a language model's answers, when it wrote some."""
    written = [r for r in results if r.written]
    if not written:
        return {}

    def count(outcome: str) -> float:
        return float(sum(r.written == outcome for r in written))

    return {
        "model_answers": float(len(written)),
        "raw_cited_answers": metrics.mean([r.raw_cited for r in written]),
        "shown_whole": count("whole"),
        "shown_in_part": count("part"),
        "replaced": count("replaced"),
        "declined": count("declined"),
        "shown_unsupported": float(sum(r.shown_unsupported for r in written)),
        "model_s_p50": _percentile(sorted(r.model_seconds for r in written), 0.5),
    }


def _percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    return float(values[min(len(values) - 1, int(q * len(values)))])


def run(
    assistant: Assistant, rows: Sequence[BenchRow], dataset: str, *, progress: bool = False
) -> BenchReport:
    results = ask_all(assistant, rows, progress=progress)
    name = "extractive" if assistant.mode == "extractive" else str(assistant.generator.name)  # type: ignore[union-attr]
    return BenchReport(dataset, name, summarize(results), tuple(results))


TABLE_METRICS = (
    f"recall@{RECALL_K}",
    "gold_cited",
    "contains_answer",
    "abstention",
    "false_abstention",
    "p50_ms",
    "p95_ms",
    "model_answers",
    "raw_cited_answers",
    "shown_whole",
    "shown_in_part",
    "replaced",
    "declined",
    "shown_unsupported",
    "model_s_p50",
)
_COUNTS = {
    "model_answers",
    "shown_whole",
    "shown_in_part",
    "replaced",
    "declined",
    "shown_unsupported",
}


def table(reports: Iterable[BenchReport]) -> str:
    """The answerers' figures side by side, one line per metric."""
    reports = list(reports)
    lines = [f"  {'':<18}" + "".join(f"{r.answerer[:22]:>24}" for r in reports)]
    for name in TABLE_METRICS:
        cells = "".join(f"{_cell(r.metrics.get(name), name):>24}" for r in reports)
        lines.append(f"  {name:<18}{cells}")
    return "\n".join(lines)


def _cell(value: float | None, name: str) -> str:
    if value is None:
        return "n/a"
    if name.endswith("_ms") or name in _COUNTS:
        return f"{value:.0f}"
    return f"{value:.1f}" if name.endswith("_p50") else f"{value:.3f}"


def write(reports: Sequence[BenchReport], out: Path) -> tuple[Path, Path]:
    """qa.json and qa.html under `out`: the figures, then every question that went wrong."""
    out.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out / "qa.json", out / "qa.html"
    json_path.write_text(
        json.dumps([r.to_dict() for r in reports], indent=2, ensure_ascii=False) + "\n"
    )
    html_path.write_text(render_html(reports), encoding="utf-8")
    return json_path, html_path


def render_html(reports: Sequence[BenchReport]) -> str:
    e = html.escape
    head = "".join(f"<th>{e(r.answerer)}</th>" for r in reports)
    rows = "".join(
        f"<tr><td>{e(name)}</td>"
        + "".join(f'<td class="num">{_cell(r.metrics.get(name), name)}</td>' for r in reports)
        + "</tr>"
        for name in TABLE_METRICS
    )
    sections = []
    for report in reports:
        wrong = [r for r in report.results if _went_wrong(r)]
        items = "".join(
            f"<tr><td>{e(r.id)}</td><td>{e(r.question)}</td><td>{e(_verdict(r))}</td>"
            f"<td>{e(r.text[:400])}</td><td>{e(r.gold)}</td><td>{e(', '.join(r.cited))}</td></tr>"
            for r in wrong
        )
        sections.append(
            f"<h2>{e(report.answerer)}: {len(wrong)} of {len(report.results)} went wrong</h2>"
            "<table><tr><th>id</th><th>question</th><th>what went wrong</th><th>answer</th>"
            f"<th>gold</th><th>cited</th></tr>{items}</table>"
        )
    dataset = e(reports[0].dataset) if reports else ""
    return (
        "<!doctype html><meta charset=utf-8><title>QA dev benchmark</title>"
        "<style>body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ddd;"
        "padding:.3em .5em;vertical-align:top;text-align:left}.num{text-align:right}</style>"
        f"<h1>QA dev benchmark</h1><p>{dataset}</p><table><tr><th></th>{head}</tr>{rows}</table>"
        + "".join(sections)
    )


def _went_wrong(result: BenchResult) -> bool:
    if not result.answerable:
        return result.mode != "abstained"
    return result.mode == "abstained" or not result.contains


def _verdict(result: BenchResult) -> str:
    if not result.answerable:
        return "answered, though its passage is not indexed"
    if result.mode == "abstained":
        return "declined, though its passage is indexed"
    return "the right answer is not in the text shown"
