"""Judges by name: `VerificationSettings.judge` (and `--judge`) chooses the one that verifies
answers. Adding a judge is one module (a class that is a `Judge`) plus one entry here, or a
call to `register_judge` from outside.

- `lexical` (default): the fitted lexical judge (judge.py, judge_weights.json), fast and
  model-free; `learned`, its former name, still chooses it;
- `meaning`: the cross-encoder trained here, shipped in the wheel (meaning.py); not the
  default until it beats `lexical` on held-out answers (modelhome/meaning/card.md);
- `overlap`: the share of the answer's words the context lacks, the baseline to beat;
- `nli`: the NLI cross-encoder of models.txt (role `judge`), when installed;
- `llm`: the language model answering, asked whether the context supports each claim.
"""

from __future__ import annotations

from collections.abc import Callable

from modelhome import ModelMissingError, find

from ..models import TextModel
from ..settings import VerificationSettings
from .by_claim import LLMJudge, NLIJudge
from .judge import Judge, LearnedJudge, OverlapJudge
from .meaning import MeaningJudge

# A judge is made from the verification settings and, for a judge that asks it, the model.
Maker = Callable[[VerificationSettings, TextModel | None], Judge]


def _meaning(settings: VerificationSettings, generator: TextModel | None) -> Judge:
    return MeaningJudge(settings.threshold, settings.min_supported)


def _learned(settings: VerificationSettings, generator: TextModel | None) -> Judge:
    return LearnedJudge(settings.threshold, min_supported=settings.min_supported)


def _overlap(settings: VerificationSettings, generator: TextModel | None) -> Judge:
    return OverlapJudge(min_supported=settings.min_supported)


def _nli(settings: VerificationSettings, generator: TextModel | None) -> Judge:
    path = find("judge")
    if path is None:
        raise ModelMissingError(
            "No NLI judge installed (cross-encoder of models.txt role 'judge'). Get it with: "
            "rag models download judge, or use the default judge: --judge learned"
        )
    return NLIJudge(path, settings.min_supported)


def _llm(settings: VerificationSettings, generator: TextModel | None) -> Judge:
    if generator is None:
        raise ModelMissingError("The llm judge needs a GGUF: rag models download llm")
    return LLMJudge(generator, settings.min_supported)


_JUDGES: dict[str, Maker] = {
    "meaning": _meaning,
    "lexical": _learned,
    "overlap": _overlap,
    "nli": _nli,
    "llm": _llm,
}
_FORMER = {"learned": "lexical"}  # names settings files and scripts may still use


def register_judge(name: str, maker: Maker) -> None:
    """Make `name` a choice of `VerificationSettings.judge` and `--judge`."""
    _JUDGES[name] = maker


def judge_names() -> tuple[str, ...]:
    """The choices of `--judge`, former names included."""
    return (*_JUDGES, *_FORMER)


def make_judge(
    name: str, settings: VerificationSettings | None = None, generator: TextModel | None = None
) -> Judge:
    """The judge called `name`, from settings and installed models only: no index is opened.
    `ModelMissingError` when it needs a model that is not here."""
    try:
        maker = _JUDGES[_FORMER.get(name, name)]
    except KeyError:
        raise ValueError(f"unknown judge {name!r}; choose from {', '.join(_JUDGES)}") from None
    return maker(settings or VerificationSettings(), generator)
