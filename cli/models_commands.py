"""`rag models list | download`."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from rag.models import ROLES, download, local_path, models_file, read_models


def register(commands: Any) -> None:
    group = commands.add_parser("models", help="the models of models.txt: status and download")
    sub = group.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    show = sub.add_parser("list", help="each model's status and local path")
    show.add_argument("--json", action="store_true")
    show.set_defaults(run=_list)
    fetch = sub.add_parser("download", help="download models (default: the llm)")
    fetch.add_argument(
        "roles",
        nargs="*",
        choices=[[], *ROLES],
        metavar="ROLE",
        help=f"any of {', '.join(ROLES)} (default: llm)",
    )
    fetch.set_defaults(run=_download)


def _list(args: argparse.Namespace) -> int:
    specs = read_models()
    paths = [local_path(spec) for spec in specs]
    if args.json:
        rows = [
            {
                **asdict(spec),
                "status": "installed" if path else "missing",
                "path": str(path) if path else None,
            }
            for spec, path in zip(specs, paths, strict=True)
        ]
        print(json.dumps({"models_file": str(models_file()), "models": rows}, indent=2))
        return 0
    print(f"models file: {models_file()}")
    for spec, path in zip(specs, paths, strict=True):
        name = spec.repo + (f"/{spec.file}" if spec.file else "")
        status = "installed" if path else "missing"
        where = path or f"not installed: rag models download {spec.role}"
        print(f"  {spec.role:<9} {status:<9} {name} ({spec.license})\n  {'':<9} {where}")
    return 0


def _download(args: argparse.Namespace) -> int:
    wanted = args.roles or ["llm"]
    for spec in read_models():
        if spec.role in wanted:
            path = download(spec)
            print(f"{spec.role}: {path}")
    return 0
