"""The eval datasets (JSON Lines), read into typed rows with clear errors for bad lines."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATASETS = Path(__file__).with_name("datasets")
DEFAULT_QA = DATASETS / "qa.jsonl"
# The public labelled data beside a checkout (read where it lies, never copied).
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT_JUDGE = DATASETS / "judge.jsonl"
DEFAULT_CONVERSATIONS = DATASETS / "conversations.jsonl"


class DatasetError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Gold:
    source: str  # file name in the corpus
    quote: str  # verbatim text of that file (normalized)


@dataclass(frozen=True, slots=True)
class QARow:
    id: str
    question: str
    answerable: bool
    gold: tuple[Gold, ...]
    reference: str = ""
    # "near_miss": on the documents' topic, asking for something (a figure, a date, a name)
    # they do not give; "off_topic": nothing to do with them. Answerable rows have no kind.
    kind: str = ""

    @property
    def group(self) -> str:
        """answerable, off_topic or near_miss: the rows the eval counts together."""
        return "answerable" if self.answerable else self.kind or "off_topic"


@dataclass(frozen=True, slots=True)
class ConversationRow:
    """A question asked after `history` (earlier user questions, oldest first). `followup`:
    it cannot stand on its own and must be rewritten before it is searched."""

    id: str
    history: tuple[str, ...]
    question: str
    followup: bool
    gold: tuple[Gold, ...] = ()
    # The documents give no more than the earlier answer quoted: a follow-up's answer must
    # say so ("Why?" after an answer whose reason is all there is).
    no_more: bool = False


@dataclass(frozen=True, slots=True)
class JudgeRow:
    context: tuple[str, ...]
    answer: str
    label: int  # 1 = unfaithful (not supported by the context)
    kind: str = ""
    question: str = ""
    group: str = ""  # rows of one group share a context: cross-validation keeps them together


def _lines(path: Path) -> list[tuple[int, dict[str, Any]]]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DatasetError(f"cannot read dataset {path}: {exc.strerror or exc}") from exc
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                rows.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path}:{number}: not JSON ({exc.msg})") from exc
    if not rows:
        raise DatasetError(f"dataset {path} is empty")
    return rows


def load_qa(path: Path = DEFAULT_QA) -> list[QARow]:
    out = []
    for number, row in _lines(path):
        try:
            gold = tuple(Gold(str(g["source"]), str(g["quote"])) for g in row.get("gold", []))
            out.append(
                QARow(
                    str(row["id"]),
                    str(row["question"]),
                    bool(row["answerable"]),
                    gold,
                    str(row.get("reference", "")),
                    str(row.get("kind", "")),
                )
            )
        except (KeyError, TypeError) as exc:
            raise DatasetError(f"{path}:{number}: expected id, question, answerable, gold") from exc
    return out


def load_conversations(path: Path = DEFAULT_CONVERSATIONS) -> list[ConversationRow]:
    out = []
    for number, row in _lines(path):
        try:
            history = row["history"]
            if not isinstance(history, list) or not history:
                raise TypeError("history")
            out.append(
                ConversationRow(
                    str(row["id"]),
                    tuple(map(str, history)),
                    str(row["question"]),
                    bool(row["followup"]),
                    tuple(Gold(str(g["source"]), str(g["quote"])) for g in row.get("gold", [])),
                    bool(row.get("no_more", False)),
                )
            )
        except (KeyError, TypeError) as exc:
            raise DatasetError(
                f"{path}:{number}: expected id, history (a non-empty list of questions), "
                "question, followup"
            ) from exc
    return out


@dataclass(frozen=True)
class JudgeFile:
    rows: list[JudgeRow]
    problems: list[str]  # "path:line: what is wrong" for each row that was left out


def load_judge(path: Path = DEFAULT_JUDGE) -> JudgeFile:
    """Labeled (context, answer) rows: the project's format (context as a string or a list of
    passages, answer, label 1 = unfaithful, optional question and kind) or HaluEval-QA's
    native one (knowledge, question, right_answer, hallucinated_answer: two rows each).
    A malformed line is reported with its number and skipped; the others are kept."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DatasetError(f"cannot read dataset {path}: {exc.strerror or exc}") from exc
    rows: list[JudgeRow] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows += _judge_rows(json.loads(line), group=f"{Path(path).name}:{number}")
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{number}: not JSON ({exc.msg})")
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"{path}:{number}: {exc}")
    if not rows:
        raise DatasetError(
            f"dataset {path} has no usable rows" + (f": {problems[0]}" if problems else "")
        )
    return JudgeFile(rows, problems)


def _judge_rows(row: Any, group: str) -> list[JudgeRow]:
    """The rows of one line; `group` names the line, for HaluEval's pair of answers."""
    if not isinstance(row, dict):
        raise TypeError("expected a JSON object")
    if "knowledge" in row:  # HaluEval-QA
        context, question = (str(row["knowledge"]),), str(row["question"])
        return [
            JudgeRow(context, str(row["right_answer"]), 0, "", question, group),
            JudgeRow(context, str(row["hallucinated_answer"]), 1, "halueval", question, group),
        ]
    missing = [key for key in ("context", "answer", "label") if key not in row]
    if missing:
        raise ValueError(f"expected context, answer, label (missing {', '.join(missing)})")
    context = row["context"]
    passages = (context,) if isinstance(context, str) else tuple(map(str, context))
    label = row["label"]
    if label not in (0, 1):
        raise ValueError("label must be 0 (faithful) or 1 (unfaithful)")
    return [
        JudgeRow(
            passages,
            str(row["answer"]),
            int(label),
            str(row.get("kind", "")),
            str(row.get("question", "")),
            # Rows sharing a context (a source, or the same text) stay in one fold.
            str(row.get("source_id") or "\n\n".join(passages)),
        )
    ]
