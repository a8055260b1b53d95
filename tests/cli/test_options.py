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


def test_cluster_options_are_checked_before_anything_runs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from cli.main import main

    build = ["index", "build", "corpus", "--index-dir", str(tmp_path / "idx")]
    assert main([*build, "--embedders", "2"]) == 2
    assert capsys.readouterr().err == "rag index build: --embedders needs --ray\n"
    assert main([*build, "--ray", "--embedders", "0"]) == 2
    assert capsys.readouterr().err == "rag index build: --embedders must be at least 1\n"
    assert not (tmp_path / "idx").exists()
    args = build_parser().parse_args([*build, "--ray", "head:6379", "--embedders", "3"])
    assert (args.ray, args.embedders) == ("head:6379", 3)
    assert build_parser().parse_args([*build, "--ray"]).ray == ""  # RAY_ADDRESS, else local


def test_a_cluster_that_cannot_be_reached_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from cli.main import main

    corpus = Path(__file__).resolve().parents[2] / "corpus"
    argv = ["index", "build", str(corpus), "--index-dir", str(tmp_path / "idx")]
    assert main([*argv, "--ray", "127.0.0.1:1"]) == 2
    err = capsys.readouterr().err
    assert "Could not connect to the Ray cluster at 127.0.0.1:1" in err, err
    assert "ray start --head" in err


def test_the_training_commands_defaults_are_the_eval_modules() -> None:
    """The command line names them without importing eval's training modules (scikit-learn
    alone takes seconds to import, and every `rag` command would pay for it)."""
    from cli import training_commands
    from eval import grounding, probe_signals, train_judge

    assert training_commands.SHARED_DATA == train_judge.SHARED_DATA
    assert training_commands.SHARED_DATA / "grounding" == grounding.GROUNDING
    assert training_commands.CANDIDATES == probe_signals.CANDIDATES


def test_a_missing_path_is_an_error_and_builds_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from cli.main import main

    out = tmp_path / "index"
    assert main(["index", "build", str(tmp_path / "no-such-folder"), "--index-dir", str(out)]) == 2
    error = capsys.readouterr().err
    assert "no such file or folder" in error and "no-such-folder" in error
    assert not out.exists()


def test_a_port_in_use_is_an_error_before_anything_loads(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import socket

    from cli.main import main

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        # No index here: the port is checked before the index or any model is opened.
        argv = ["serve", "--port", str(port), "--index-dir", str(tmp_path / "none")]
        assert main(argv) == 2
    error = capsys.readouterr().err
    assert f"cannot serve on 127.0.0.1:{port}" in error and "--port" in error
