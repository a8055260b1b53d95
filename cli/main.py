"""`rag`: the entry point. Parses, configures logging, runs a command, turns domain errors
into one line and an exit code."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from eval import DatasetError
from index import IndexStageError
from modelhome import ModelError
from rag import RagError

from . import ask_commands, eval_commands, index_commands, models_commands, serve_commands

EXIT_OK, EXIT_PARTIAL, EXIT_ERROR = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rag", description="A local, private question-answering assistant over your documents."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    index_commands.register(commands)
    ask_commands.register(commands)
    models_commands.register(commands)
    eval_commands.register(commands)
    serve_commands.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        # pypdf warns about each defect it meets; the build report already says "corrupt PDF".
        logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        return int(args.run(args))
    except (IndexStageError, RagError, ModelError, DatasetError) as exc:
        print(f"rag: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except ValidationError as exc:  # an option outside what Settings allows
        for error in exc.errors():
            where = ".".join(map(str, error["loc"]))
            message = str(error["msg"]).removeprefix("Value error, ")
            print(f"rag: error: {where + ': ' if where else ''}{message}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("rag: interrupted; the index is unchanged unless a build finished", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
