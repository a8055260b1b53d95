"""The eval datasets (JSON Lines), read into typed rows with clear errors for bad lines."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATASETS = Path(__file__).with_name("datasets")
DEFAULT_QA = DATASETS / "qa.jsonl"
DEFAULT_JUDGE = DATASETS / "judge.jsonl"


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


@dataclass(frozen=True, slots=True)
class JudgeRow:
    context: tuple[str, ...]
    answer: str
    label: int  # 1 = unfaithful (not supported by the context)
    kind: str = ""


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
                )
            )
        except (KeyError, TypeError) as exc:
            raise DatasetError(f"{path}:{number}: expected id, question, answerable, gold") from exc
    return out


def load_judge(path: Path = DEFAULT_JUDGE) -> list[JudgeRow]:
    out = []
    for number, row in _lines(path):
        try:
            context = row["context"]
            passages = (context,) if isinstance(context, str) else tuple(map(str, context))
            label = int(row["label"])
        except (KeyError, TypeError, ValueError) as exc:
            raise DatasetError(f"{path}:{number}: expected context, answer, label") from exc
        if label not in (0, 1):
            raise DatasetError(f"{path}:{number}: label must be 0 (faithful) or 1 (unfaithful)")
        out.append(JudgeRow(passages, str(row["answer"]), label, str(row.get("kind", ""))))
    return out
