"""The eval suite: hallucination as a number. Faithfulness, citation quality, retrieval and
abstention of the real assistant on a QA dataset, scored by a judge whose own trustworthiness
`rag eval judge` measures.

    from eval import run_eval, write_report
    report = run_eval(mode="extractive")
    report.metrics["faithfulness"]
"""

from rag.verification import Judge

from .datasets import DEFAULT_JUDGE, DEFAULT_QA, DatasetError, load_judge
from .judge_validation import JudgeValidation, validate_judge
from .report import conversation_table, gate_table, question_table, write_report
from .results import EvalReport
from .runner import run_eval

__all__ = [
    "DEFAULT_JUDGE",
    "DEFAULT_QA",
    "DatasetError",
    "EvalReport",
    "Judge",
    "JudgeValidation",
    "conversation_table",
    "gate_table",
    "load_judge",
    "question_table",
    "run_eval",
    "validate_judge",
    "write_report",
]
