"""`rag index build | info | remove`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import index
from cli.options import add_index_dir
from index.building.builder import DEFAULT_WAIT_SECONDS


def register(commands: Any) -> None:
    group = commands.add_parser("index", help="build, inspect and change the document index")
    sub = group.add_subparsers(dest="index_command", required=True, metavar="ACTION")

    build = sub.add_parser("build", help="index files and folders (incremental)")
    build.add_argument(
        "paths", nargs="+", metavar="PATH", help=f"files or folders ({' '.join(index.SUPPORTED)})"
    )
    add_index_dir(build)
    build.add_argument("--json", action="store_true", help="print the build report as JSON")
    build.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    build.add_argument("--rebuild", action="store_true", help="re-embed everything from scratch")
    build.add_argument("--embedding-model", help="sentence-transformers model name or path")
    build.add_argument(
        "--wait",
        type=float,
        default=DEFAULT_WAIT_SECONDS,
        metavar="SECONDS",
        help="how long to wait for another build of the same index (default %(default)s)",
    )
    build.add_argument(
        "--ray",
        nargs="?",
        const="",
        metavar="ADDRESS",
        help="read, chunk and embed on a Ray cluster (pip install 'rag-assistant[cluster]'): "
        "the one at ADDRESS (e.g. HOST:6379), else the one RAY_ADDRESS names, else a Ray "
        "instance on this machine; the index is the same as a local build's",
    )
    build.add_argument(
        "--embedders",
        type=int,
        metavar="N",
        help="with --ray: build actors (they chunk and embed), one core each (default: one per "
        "CPU of the cluster)",
    )
    build.set_defaults(run=_build)

    info = sub.add_parser("info", help="what the index holds and how it was built")
    add_index_dir(info)
    info.add_argument("--json", action="store_true", help="print as JSON")
    info.set_defaults(run=_info)

    remove = sub.add_parser("remove", help="remove documents (path, folder or file name)")
    remove.add_argument("paths", nargs="+", metavar="PATH")
    add_index_dir(remove)
    remove.add_argument("--json", action="store_true", help="print the report as JSON")
    remove.set_defaults(run=_remove)


def _print_report(report: index.BuildReport, as_json: bool, verb: str) -> int:
    if as_json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(
            f"{verb} {report.index_dir}: {report.added} added, {report.updated} updated, "
            f"{report.removed} removed, {report.unchanged} unchanged; "
            f"{report.chunks_embedded} chunks embedded in {report.seconds:.1f}s"
        )
        for failed in report.failed:
            print(f"  skipped {failed.path}: {failed.reason}", file=sys.stderr)
        for warning in report.warnings:
            print(f"  partly read {warning.path}: {warning.reason}", file=sys.stderr)
    return 0 if report.ok else 1


def _build(args: argparse.Namespace) -> int:
    settings = index.IndexSettings(
        **({"embedding_model": args.embedding_model} if args.embedding_model else {})
    )
    try:
        cluster = _cluster(args)
    except ValueError as exc:
        print(f"rag index build: {exc}", file=sys.stderr)
        return 2
    # A path that is not there is a mistyped argument, not a file that failed to load (which
    # the build skips, exit 1): say so, and build nothing.
    missing = [str(p) for p in args.paths if not Path(p).expanduser().exists()]
    if missing:
        print(
            f"rag: error: no such file or folder: {', '.join(missing)}. Nothing was indexed.",
            file=sys.stderr,
        )
        return 2
    report = index.build(
        args.paths,
        args.index_dir,
        settings=settings,
        rebuild=args.rebuild,
        wait=args.wait,
        progress=not (args.quiet or args.json) and sys.stderr.isatty(),
        cluster=cluster,
    )
    return _print_report(report, args.json, "Indexed")


def _cluster(args: argparse.Namespace) -> index.Cluster | None:
    if args.ray is None:
        if args.embedders is not None:
            raise ValueError("--embedders needs --ray")
        return None
    if args.embedders is not None and args.embedders < 1:
        raise ValueError("--embedders must be at least 1")
    return index.Cluster(address=args.ray or None, embedders=args.embedders)


def _remove(args: argparse.Namespace) -> int:
    return _print_report(index.remove(args.paths, args.index_dir), args.json, "Updated")


def info_dict(idx: index.Index) -> dict[str, Any]:
    counts = idx.chunk_counts()
    return {
        "index_dir": str(idx.index_dir),
        "documents": [
            {
                "source": doc.source,
                "path": doc.path,
                "pages": len(doc.pages) or None,
                "chunks": counts.get(doc.id, 0),
                "content_hash": doc.content_hash,
            }
            for doc in idx.documents()
        ],
        "chunks": len(idx),
        "embedding_model": idx.manifest.embedding_model,
        "dimension": idx.manifest.dimension,
        "encoder": idx.manifest.encoder,
        "vectors": idx.manifest.vectors,
        "built_at": idx.manifest.built_at,
        "created_at": idx.manifest.created_at,
        "chunking": idx.manifest.chunking,
        "tool_version": idx.manifest.tool_version,
    }


def _info(args: argparse.Namespace) -> int:
    with index.open(args.index_dir) as idx:
        data = info_dict(idx)
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(f"Index {data['index_dir']} (built {data['built_at']})")
    print(
        f"  embedding model {data['embedding_model']}, dimension {data['dimension']}, "
        f"encoder {data['encoder']}"
    )
    layout = ", ".join(f"{k} {v}" for k, v in data["vectors"].items() if k != "index")
    print(
        f"  {len(data['documents'])} documents, {data['chunks']} chunks; vectors "
        f"{data['vectors']['index']}{f' ({layout})' if layout else ''}"
    )
    for doc in data["documents"]:
        pages = f"{doc['pages']} pages, " if doc["pages"] else ""
        print(f"  - {doc['source']}: {pages}{doc['chunks']} chunks  [{doc['content_hash'][:12]}]")
    return 0
