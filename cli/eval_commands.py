"""`rag eval` (run the eval suite) and `rag eval judge` (validate a judge): the eval package's
functions, wired to the command line; the training commands are in training_commands.py."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import eval
from rag.settings import ASK_MODES, GenerationSettings, RetrievalSettings
from rag.verification import make_judge

from . import training_commands
from .options import add_index_dir, add_judge, add_model, add_setting

_METRIC_HELP = "fail (exit 1) when METRIC is below VALUE, e.g. faithfulness=0.9 recall@5=0.8"


def register(commands: Any) -> None:
    run = commands.add_parser("eval", help="measure faithfulness, citations, retrieval, abstention")
    run.add_argument("--dataset", type=Path, default=eval.DEFAULT_QA, help="QA rows (JSON Lines)")
    add_setting(run, "--mode", GenerationSettings, "mode", choices=ASK_MODES)
    add_model(run, also="; the report adds its figures before and after the verification gate")
    run.add_argument(
        "--conversations",
        type=Path,
        help="question pairs labelled follow-up or standalone (JSON Lines), for rewrite "
        "precision/recall; default: the bundled set, when --dataset is the bundled one",
    )
    add_judge(run)
    add_setting(run, "--k", RetrievalSettings, "k", type=int)
    run.add_argument("--out", type=Path, help="write report.json and report.html here")
    run.add_argument(
        "--fail-under", nargs="+", default=[], metavar="METRIC=VALUE", help=_METRIC_HELP
    )
    run.add_argument("--json", action="store_true", help="print the report as JSON")
    add_index_dir(run)
    run.set_defaults(run=_run)
    sub = run.add_subparsers(dest="eval_command", metavar="[judge|train-judge|probe|grounding]")
    judge = sub.add_parser(
        "judge", help="score labeled (context, answer) pairs: how good is a judge?"
    )
    judge.add_argument(
        "files",
        type=Path,
        nargs="*",
        default=[eval.DEFAULT_JUDGE],
        metavar="FILE",
        help="labeled rows (JSON Lines: context/answer/label, or HaluEval's knowledge/question/"
        "right_answer/hallucinated_answer); default: the project's judge.jsonl",
    )
    add_judge(judge, dest="judge_name")
    judge.add_argument("--json", dest="judge_json", action="store_true")
    judge.set_defaults(run=_judge)
    qa = sub.add_parser(
        "qa",
        help="the QA dev benchmark: each row's passage a file, a tenth withheld; every "
        "question asked; recall, citations, answers, abstention, latency",
    )
    qa.add_argument(
        "qa_file",
        type=Path,
        metavar="FILE",
        help="HaluEval-shaped rows (JSON Lines: knowledge, question, right_answer), e.g. "
        "../shared/data/halueval_qa_dev.jsonl",
    )
    qa.add_argument(
        "--work",
        type=Path,
        help="where the corpus and its index are kept between runs (default: a folder beside "
        "$RAG_HOME's index, per FILE)",
    )
    qa.add_argument("--limit", type=int, help="ask only the first N rows (a quick look)")
    add_model(qa, also="; its answers are scored beside the extractive ones")
    qa.add_argument("--out", dest="qa_out", type=Path, help="write qa.json and qa.html here")
    qa.add_argument("--json", dest="qa_json", action="store_true", help="print qa.json")
    qa.set_defaults(run=_qa)
    training_commands.register(sub)


def _thresholds(specs: list[str]) -> dict[str, float]:
    out = {}
    for spec in specs:
        name, sep, value = spec.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise SystemExit(f"rag: error: --fail-under wants METRIC=VALUE, got {spec!r}")
    return out


def _run(args: argparse.Namespace) -> int:

    bars = _thresholds(args.fail_under)
    report = eval.run_eval(
        args.dataset,
        index_dir=args.index_dir,
        mode=args.mode,
        model=args.model,
        judge=args.judge,
        k=args.k,
        conversations=args.conversations,
        progress=not args.json and sys.stderr.isatty(),
    )
    unknown = sorted(set(bars) - set(report.metrics))
    if unknown:
        print(
            f"rag: error: unknown metric(s) {', '.join(unknown)}; known: "
            f"{', '.join(report.metrics)}",
            file=sys.stderr,
        )
        return 2
    if args.out:
        json_path, html_path = eval.write_report(report, args.out)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(eval.question_table(report))
        if report.conversations:
            print(eval.conversation_table(report))
        print(
            f"{len(report.questions)} questions, mode {report.mode}, judge {report.judge}, "
            f"{report.timings['total_seconds']:.1f} s ({report.timings['per_question_ms']:.0f} "
            "ms per question)"
        )
        for name, value in report.metrics.items():
            print(f"  {name:<29} {'n/a' if value is None else f'{value:.3f}'}")
        if report.model is not None:
            print(eval.gate_table(report))
        if args.out:
            print(f"wrote {json_path} and {html_path}")
    failed = False
    for name, bar in bars.items():
        value = report.metrics[name]
        if value is None or value < bar:
            shown = "n/a" if value is None else f"{value:.3f}"
            print(f"rag: below the bar: {name} = {shown} < {bar}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


def _judge(args: argparse.Namespace) -> int:
    judge = make_judge(args.judge_name)
    results = []
    for path in args.files:
        loaded = eval.load_judge(path)
        for problem in loaded.problems:
            print(f"rag: skipped {problem}", file=sys.stderr)
        results.append(
            eval.validate_judge(
                judge,
                loaded.rows,
                file=str(path),
                skipped=loaded.problems,
                min_supported=judge.min_supported,
            )
        )
    if args.judge_json:
        print(json.dumps([r.to_dict() for r in results], indent=2))
        return 0
    for result in results:
        print(f"{result.file}: {result.rows} labeled answers ({len(result.skipped)} skipped)")
        print(f"  {'':<20} {'AUROC':>6} {'bal.acc':>7} {'prec':>6} {'recall':>6} {'F1':>6}  at")
        for s in (result.judge, result.baseline):
            print(
                f"  {s.judge:<20} {s.auroc:>6.3f} {s.balanced_accuracy:>7.3f} {s.precision:>6.3f} "
                f"{s.recall:>6.3f} {s.f1:>6.3f}  {s.threshold:.2f}  "
                f"({s.rows_per_second:.0f} rows/s)"
            )
        for kind, value in result.by_kind.items():
            print(f"  AUROC on {kind:<22} {value:.3f}")
        gate = result.judge.gate
        print(f"  the answer gate (>= {gate.min_supported:.0%} of sentences supported) would show:")
        for s in (result.judge, result.baseline):
            print(
                f"  {s.judge:<20} {s.gate.supported_shown:>6.1%} of {s.gate.supported} supported "
                f"answers, {s.gate.unsupported_shown:>6.1%} of {s.gate.unsupported} unsupported"
            )
    return 0


def _qa(args: argparse.Namespace) -> int:
    from eval import qa_bench
    from index import rag_home
    from rag import Assistant
    from rag.settings import with_choices

    rows = qa_bench.load_rows(args.qa_file)[: args.limit]
    work = args.work or rag_home() / "qa-bench" / args.qa_file.stem
    progress = not args.qa_json and sys.stderr.isatty()
    index_dir = qa_bench.build(rows, work, progress=progress)
    answerers = [with_choices(mode="extractive")]
    if args.model is not None:
        answerers.append(with_choices(mode="llm", model=args.model))
    reports = []
    for settings in answerers:
        assistant = Assistant.open(index_dir, settings)
        try:
            assistant.warm_up()
            reports.append(qa_bench.run(assistant, rows, str(args.qa_file), progress=progress))
        finally:
            assistant.index.close()
    if args.qa_out:
        json_path, html_path = qa_bench.write(reports, args.qa_out)
    if args.qa_json:
        print(json.dumps([r.to_dict() for r in reports], indent=2, ensure_ascii=False))
        return 0
    first = reports[0].metrics
    print(
        f"{first['questions']:.0f} questions: {first['answerable']:.0f} answerable, "
        f"{first['unanswerable']:.0f} whose passage is withheld (index: {index_dir})"
    )
    print(qa_bench.table(reports))
    if args.qa_out:
        print(f"wrote {json_path} and {html_path}")
    return 0
