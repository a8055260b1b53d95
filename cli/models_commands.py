"""`rag models list | download`."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from modelhome import (
    ROLES,
    ModelSpec,
    download,
    local_path,
    models_file,
    packaged,
    read_models,
)


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
    """Each model's status. Only lists: a model a package carries in parts is not joined
    here (that writes hundreds of MB), it is "packaged" until first use."""
    specs = read_models()
    paths = [local_path(spec, assemble=False) for spec in specs]
    statuses = [_status(spec, path) for spec, path in zip(specs, paths, strict=True)]
    if args.json:
        rows = [
            {**asdict(spec), "status": status, "path": str(path) if path else None}
            for spec, path, status in zip(specs, paths, statuses, strict=True)
        ]
        print(json.dumps({"models_file": str(models_file()), "models": rows}, indent=2))
        return 0
    print(f"models file: {models_file()}")
    for spec, path, status in zip(specs, paths, statuses, strict=True):
        name = spec.repo + (f"/{spec.file}" if spec.file else "")
        where = path or (
            "in its package; joined into the models folder on first use"
            if status == "packaged"
            else f"not installed: rag models download {spec.role}"
        )
        print(f"  {spec.role:<9} {status:<9} {name} ({spec.license})\n  {'':<9} {where}")
    return 0


def _status(spec: ModelSpec, path: object) -> str:
    if path:
        return "installed"
    return "packaged" if packaged(spec) else "missing"


def _download(args: argparse.Namespace) -> int:
    wanted = args.roles or ["llm"]
    for spec in read_models():
        if spec.role in wanted:
            path = download(spec)
            print(f"{spec.role}: {path}")
    return 0
