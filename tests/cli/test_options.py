"""Command-line defaults come from Settings: written once."""

from __future__ import annotations

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
