"""`rag models list | download`."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..models import ROLES, download, local_path, models_file, read_models


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
    rows = []
    for spec in read_models():
        path = local_path(spec)
        rows.append(
            {
                "role": spec.role,
                "repo": spec.repo,
                "file": spec.file,
                "revision": spec.revision,
                "sha256": spec.sha256,
                "license": spec.license,
                "status": "installed" if path else "missing",
                "path": str(path) if path else None,
            }
        )
    if args.json:
        print(json.dumps({"models_file": str(models_file()), "models": rows}, indent=2))
        return 0
    print(f"models file: {models_file()}")
    for row in rows:
        name = row["repo"] + (f"/{row['file']}" if row["file"] else "")
        where = row["path"] or f"not installed: rag models download {row['role']}"
        print(f"  {row['role']:<9} {row['status']:<9} {name} ({row['license']})\n  {'':<9} {where}")
    return 0


def _download(args: argparse.Namespace) -> int:
    wanted = args.roles or ["llm"]
    for spec in read_models():
        if spec.role in wanted:
            path = download(spec)
            print(f"{spec.role}: {path}")
    return 0
