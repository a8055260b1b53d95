"""Command-line options shared by the `rag` commands of every stage, with their defaults and
help read from `Settings` fields, so a default is written once (paper-qa's way)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from modelhome import LLM_ROLES
from rag.settings import (
    ASK_MODES,
    GenerationSettings,
    RetrievalSettings,
    Settings,
    VerificationSettings,
    with_choices,
)
from rag.verification import judge_names


def add_index_dir(parser: argparse.ArgumentParser, dest: str = "index_dir") -> None:
    parser.add_argument(
        "--index-dir",
        dest=dest,
        type=Path,
        help="index folder (default: $RAG_HOME/index, RAG_HOME defaulting to ~/.local/share/rag)",
    )


def add_setting(
    parser: argparse.ArgumentParser,
    flag: str,
    section: type[BaseModel],
    name: str,
    **kwargs: Any,
) -> None:
    """`flag` for the field `name` of a Settings section: its default, and its description
    as help ("(default: ...)" appended)."""
    field = section.model_fields[name]
    default = field.get_default(call_default_factory=True)
    help_text = (field.description or "").rstrip(".")
    parser.add_argument(flag, default=default, help=f"{help_text} (default: {default})", **kwargs)


def add_model(parser: argparse.ArgumentParser, also: str = "") -> None:
    """--model: a GGUF file or a language-model role of models.txt; `also` ends its help."""
    roles = ", ".join(LLM_ROLES)
    parser.add_argument(
        "--model",
        type=Path,
        metavar="GGUF|ROLE",
        help=f"a GGUF file to answer with, or a language model of models.txt ({roles}; tiny "
        f"and smol are weak base and chat models, for trying verification){also}",
    )


def add_judge(parser: argparse.ArgumentParser, dest: str = "judge") -> None:
    """--judge: which judge, by name, of rag/verification/judges.py."""
    add_setting(parser, "--judge", VerificationSettings, "judge", dest=dest, choices=judge_names())


def add_answer_options(parser: argparse.ArgumentParser) -> None:
    """--mode, --k, --model, --temperature, --judge: how questions are answered."""
    add_setting(parser, "--mode", GenerationSettings, "mode", choices=ASK_MODES)
    add_setting(parser, "--k", RetrievalSettings, "k", type=int)
    add_model(parser)
    add_setting(parser, "--temperature", GenerationSettings, "temperature", type=float)
    add_judge(parser)


def answer_settings(args: argparse.Namespace) -> Settings:
    """The Settings that the options of `add_answer_options` ask for."""
    return with_choices(
        mode=args.mode, model=args.model, k=args.k, temperature=args.temperature, judge=args.judge
    )
