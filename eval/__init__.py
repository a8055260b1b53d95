"""The eval suite: hallucination as a number. Faithfulness, citation quality, retrieval and
abstention of the real assistant on a QA dataset, scored by a judge whose own trustworthiness
`rag eval judge` measures.

    from eval import run_eval, write_report
    report = run_eval(mode="extractive")
    report.metrics["faithfulness"]
"""

from rag.judge import Judge

from .datasets import DatasetError
from .judge_validation import JudgeValidation, validate_judge
from .report import write_report
from .runner import EvalReport, run_eval

__all__ = [
    "DatasetError",
    "EvalReport",
    "Judge",
    "JudgeValidation",
    "run_eval",
    "validate_judge",
    "write_report",
]
