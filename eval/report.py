"""report.json and a self-contained report.html (plots inlined as PNG data URIs)."""

from __future__ import annotations

import base64
import html
import io
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rag.records import SentenceCheck

from .results import EvalReport, QuestionResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#222}
h1{font-size:1.5em}table{border-collapse:collapse;width:100%;margin:1em 0}
td,th{border:1px solid #ddd;padding:.35em .5em;vertical-align:top;text-align:left}
th{background:#f4f4f4}.ok{color:#176117;font-weight:600}.bad{color:#a11;font-weight:600}
.mode{font-size:.85em;padding:.1em .4em;border-radius:3px;background:#eef}
.plots img{max-width:48%;margin-right:1%}.plots img:first-child{max-width:100%;display:block}
q{font-style:italic;color:#444}.num{text-align:right}
"""


def _png(figure: Figure) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def plots(report: EvalReport) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    out = {}
    fig, ax = plt.subplots(figsize=(12, 3.2))
    ids = [q.id for q in report.questions]
    values = [q.faithfulness if q.faithfulness is not None else 0.0 for q in report.questions]
    colors = [
        "#bbb" if q.faithfulness is None else "#2a7" if v >= 0.999 else "#d84"
        for q, v in zip(report.questions, values, strict=True)
    ]
    ax.bar(range(len(ids)), values, color=colors)
    ax.set_xticks(range(len(ids)), ids, rotation=90, fontsize=6)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("faithfulness")
    ax.set_title("Faithfulness per question (grey: abstained)")
    out["faithfulness"] = _png(fig)

    fig, ax = plt.subplots(figsize=(4.5, 3.2))
    ks = sorted(report.recall_curve)
    ax.plot(ks, [report.recall_curve[k] for k in ks], marker="o")
    ax.set_xlabel("k")
    ax.set_ylabel("recall@k")
    ax.set_ylim(0, 1.05)
    ax.set_title("Retrieval recall@k")
    out["recall"] = _png(fig)

    fig, ax = plt.subplots(figsize=(4.5, 3.2))
    scores = [c.support for q in report.questions for c in q.claims]
    ax.hist(scores, bins=20, range=(0, 1), color="#57a")
    threshold = next((t for t in [report.metrics.get("judge_threshold")] if t is not None), None)
    if threshold is not None:
        ax.axvline(threshold, color="#a11", linestyle="--", label="threshold")
        ax.legend()
    ax.set_xlabel(f"support ({report.judge} judge)")
    ax.set_ylabel("claims")
    ax.set_title("Judge scores of answer claims")
    out["judge"] = _png(fig)
    return out


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def render_html(report: EvalReport) -> str:
    e = html.escape
    images = plots(report)
    metric_rows = "".join(
        f"<tr><th>{e(k)}</th><td class=num>{_fmt(v)}</td></tr>" for k, v in report.metrics.items()
    )
    rows = []
    for q in report.questions:
        cites = "".join(
            f"<li>[{c['marker']}] {e(c['source'])}"
            f"{'' if c['page'] is None else ', p. ' + str(c['page'])} "
            f"<span class={'ok' if c['verified'] else 'bad'}>"
            f"{'verified' if c['verified'] else 'unsupported'}</span> <q>{e(c['quote'])}</q></li>"
            for c in q.citations
        )
        unsupported = "".join(
            f"<li>{_highlight(c.text, c.unsupported_words)} <small>({c.support:.2f})</small></li>"
            for c in q.claims
            if not c.supported
        )
        rows.append(
            f"<tr><td>{e(q.id)}</td><td>{e(q.question)}"
            f"{'' if q.answerable else f' <small>({e(q.group)})</small>'}</td>"
            f"<td><span class=mode>{e(q.mode)}</span> {e(q.answer)}{_model_text(q)}</td>"
            f"<td><ul>{cites}</ul></td>"
            f"<td><ul>{unsupported}</ul></td><td class=num>{_fmt(q.faithfulness)}</td>"
            f"<td class=num>{_fmt(q.correctness)}</td>"
            f"<td class=num>{q.first_relevant_rank or '-'}</td><td class=num>{q.ms:.0f}</td></tr>"
        )
    return f"""<!doctype html><html><head><meta charset=utf-8><title>RAG eval report</title>
<style>{_CSS}</style></head><body>
<h1>Eval report</h1>
<p>Dataset <code>{e(report.dataset)}</code> · mode <b>{e(report.mode)}</b>
· judge <b>{e(report.judge)}</b> · k={report.k}
· {len(report.questions)} questions in {report.timings["total_seconds"]:.1f} s
({report.timings["per_question_ms"]:.0f} ms per question) · {e(report.created_at)}</p>
<div class=plots><img alt="faithfulness per question" src="{images["faithfulness"]}">
<img alt="recall at k" src="{images["recall"]}">
<img alt="judge scores" src="{images["judge"]}"></div>
<h2>Metrics</h2><table>{metric_rows}</table>{_gate_section(report)}
<h2>Questions</h2><table><tr><th>id</th><th>question</th><th>answer</th><th>citations</th>
<th>unsupported claims</th><th>faithfulness</th><th>correctness</th><th>gold rank</th>
<th>ms</th></tr>
{"".join(rows)}</table>{_conversation_section(report)}</body></html>"""


def _conversation_section(report: EvalReport) -> str:
    if not report.conversations:
        return ""
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(c.id)}</td><td>{e(' / '.join(c.history))}</td><td>{e(c.question)}</td>"
        f"<td>{'follow-up' if c.followup else 'standalone'}</td>"
        f"<td class={'ok' if c.rewritten == c.followup else 'bad'}>"
        f"{e(c.searched) if c.rewritten else 'kept'}</td>"
        f"<td class=num>{c.gold_rank or '-'}</td><td>{e(c.answer)}</td></tr>"
        for c in report.conversations
    )
    return (
        "<h2>Conversations: follow-up rewriting</h2><table><tr><th>id</th><th>before</th>"
        "<th>question</th><th>label</th><th>searched</th><th>gold rank</th><th>answer</th>"
        f"</tr>{rows}</table>"
    )


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def question_table(report: EvalReport) -> str:
    """One line per question: its group, what happened, and its scores."""
    head = f"{'correct':>7} {'faithful':>8} {'rank':>4}"
    lines = [f"  {'id':<5} {'group':<10} {'mode':<10} {head}  question"]
    for q in report.questions:
        lines.append(
            f"  {q.id:<5} {q.group:<10} {q.mode:<10} {_fmt(q.correctness):>7} "
            f"{_fmt(q.faithfulness):>8} {q.first_relevant_rank or '-':>4}  {_clip(q.question, 60)}"
        )
    return "\n".join(lines)


def conversation_table(report: EvalReport) -> str:
    """One line per conversation: was the second question rewritten, and should it have been."""
    lines = [f"\n  {'id':<5} {'label':<10} {'verdict':<16} {'gold':>4}  question -> searched"]
    for c in report.conversations:
        label = "follow-up" if c.followup else "standalone"
        verdict = ("rewritten" if c.rewritten else "kept") + (
            "" if c.rewritten == c.followup else " (wrong)"
        )
        searched = f" -> {_clip(c.searched, 50)}" if c.rewritten else ""
        lines.append(
            f"  {c.id:<5} {label:<10} {verdict:<16} {c.gold_rank or '-':>4}  "
            f"{_clip(c.question, 40)}{searched}"
        )
    return "\n".join(lines)


def gate_table(report: EvalReport) -> str:
    """The model's answers before the verification gate and what the user saw after it."""
    m = report.metrics

    def cell(name: str) -> str:
        value = m.get(name)
        return "n/a" if value is None else f"{value:.3f}"

    def count(name: str) -> str:
        value = m.get(name)
        return "n/a" if value is None else f"{value:.0f}"

    return "\n".join(
        [
            f"\n{report.model}: before and after the verification gate",
            f"  {'':<34} {'raw (model)':>12} {'shown (user)':>13}",
            f"  {'unsupported sentences':<34} {cell('raw_unsupported_rate'):>12} "
            f"{cell('shown_unsupported_rate'):>13}",
            f"  {'made up (no given passage supports)':<34} {cell('raw_ungrounded_rate'):>12}",
            f"  {'unsupported shown as verified':<34} {'':>12} "
            f"{cell('unsupported_shown_as_verified'):>13}",
            f"  {'invalid citations (no such passage)':<34} {cell('invalid_citation_rate'):>12}",
            f"  {'answers citing nothing':<34} {cell('uncited_answer_rate'):>12}",
            f"  {'answers replaced by quotes':<34} {cell('fallback_rate'):>12}",
            f"  {'answers shown whole / in part':<34} {'':>12} "
            f"{count('shown_whole_answers'):>6} / {count('shown_in_part_answers')}",
            f"  {'answers the model declined':<34} {count('declined_answers'):>12}",
            f"  {'abstentions (recall / false rate)':<34} {'':>12} "
            f"{cell('abstention_recall'):>6} / {cell('false_abstention_rate')}",
            f"  {'seconds per answer':<34} {'':>12} {cell('seconds_per_answer'):>13}",
            f"  {'tokens per second':<34} {cell('tokens_per_second'):>12}",
        ]
    )


def _gate_section(report: EvalReport) -> str:
    if report.model is None:
        return ""
    table = html.escape(gate_table(report))
    return f"<h2>The model before and after the gate</h2><pre>{table}</pre>"


def _model_text(q: QuestionResult) -> str:
    """What the model wrote, sentence by sentence with the gate's verdict, when it wrote."""
    if q.generated is None:
        return ""
    verdict = "passed" if q.generated.passed else "failed: replaced by quotes"
    sentences = "".join(
        f"<li class={'ok' if s.shown else 'bad'}>{html.escape(s.text)} "
        f"<small>{list(s.markers)} ({s.support:.2f}) {_fate(s)}</small></li>"
        for s in q.generated.sentences
    )
    shown = html.escape(q.generated.shown) or "nothing"
    return (
        f"<details><summary>the model's answer: {verdict}</summary>"
        f"<p>raw: <q>{html.escape(q.generated.raw)}</q></p><p>shown: <q>{shown}</q></p>"
        f"<ul>{sentences}</ul></details>"
    )


def _fate(s: SentenceCheck) -> str:
    if s.supported:
        return "shown"
    if s.attributed is not None:
        return f"shown, attributed by the verifier to [{s.attributed}]"
    return "held back"


def write_report(report: EvalReport, out_dir: str | Path) -> tuple[Path, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out / "report.json", out / "report.html"
    json_path.write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    html_path.write_text(render_html(report), encoding="utf-8")
    return json_path, html_path


def _highlight(text: str, words: Sequence[str]) -> str:
    """`text` escaped, with the words the judge found unsupported marked."""
    if not words:
        return html.escape(text)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)
    return "".join(
        f"<mark>{html.escape(part)}</mark>" if i % 2 else html.escape(part)
        for i, part in enumerate(pattern.split(text))
    )
