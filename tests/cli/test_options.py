"""Command-line defaults come from Settings: written once."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import build_parser
from rag.settings import GenerationSettings, RetrievalSettings


def test_answer_options_default_to_the_settings() -> None:
    parser = build_parser()
    for argv in (["ask", "q"], ["chat"], ["eval"]):
        args = parser.parse_args(argv)
        assert args.k == RetrievalSettings().k
        assert args.mode == GenerationSettings().mode
    ask = parser.parse_args(["ask", "q"])
    assert ask.temperature == GenerationSettings().temperature and ask.model is None


def test_help_shows_the_settings_descriptions(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(["ask", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "Passages given to the answer (default: 5)" in shown


def test_an_option_outside_the_settings_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], corpus_index: Path
) -> None:
    from cli.main import main

    assert main(["ask", "x", "--k", "100", "--index-dir", str(corpus_index)]) == 2
    assert capsys.readouterr().err == "rag: error: k: Input should be less than or equal to 50\n"
    assert main(["ask", "x", "--k", "40", "--index-dir", str(corpus_index)]) == 2
    assert capsys.readouterr().err == "rag: error: k (40) cannot exceed candidates (30)\n"
