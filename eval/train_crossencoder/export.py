"""The trained cross-encoder as the wheel ships it: ONNX (int8 weights), its tokenizer.json and
a config.json, in modelhome/meaning (modelhome.pair_classifier reads them)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

from modelhome import loading

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def export_onnx(model_dir: Path, out: Path) -> Path:
    """The classifier's logit as an ONNX graph with dynamic batch and length."""
    import torch

    model = loading.sequence_classifier(model_dir)
    tokenizer = loading.tokenizer(model_dir)

    class Logit(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).logits

    sample = tokenizer(
        ["a premise", "another premise"],
        ["a claim", "a longer claim"],
        padding=True,
        return_tensors="pt",
    )
    axes = {name: {0: "batch", 1: "tokens"} for name in _INPUTS}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # shape checks traced as constants hold with a mask
        torch.onnx.export(
            Logit(),
            tuple(sample[name] for name in _INPUTS),
            str(out),
            input_names=list(_INPUTS),
            output_names=["logit"],
            dynamic_axes={**axes, "logit": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
    return out


def quantize(fp32: Path, out: Path) -> Path:
    """int8 weights, per channel, in 7 bits (`reduce_range`): products of u8 activations and
    7-bit weights cannot saturate AVX2's 16-bit sums, which is what made the embedder's int8
    vectors differ between AVX2 and VNNI machines (not yet compared on a VNNI machine for this
    model). The word-piece embeddings (a Gather, 47 MB in fp32) are int8 too."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        fp32,
        out,
        op_types_to_quantize=["MatMul", "Gather"],
        per_channel=True,
        reduce_range=True,
        weight_type=QuantType.QInt8,
    )
    return out


def ship(model_dir: Path, out: Path, config: dict[str, Any], int8: bool = True) -> str:
    """Write model.onnx, tokenizer.json and config.json to `out`; the model's sha256."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = export_onnx(model_dir, Path(tmp) / "fp32.onnx")
        final = quantize(fp32, Path(tmp) / "int8.onnx") if int8 else fp32
        shutil.copyfile(final, out / "model.onnx.tmp")
        os.replace(out / "model.onnx.tmp", out / "model.onnx")
    shutil.copyfile(model_dir / "tokenizer.json", out / "tokenizer.json")
    digest = hashlib.sha256((out / "model.onnx").read_bytes()).hexdigest()
    (out / "config.json").write_text(
        json.dumps({**config, "int8": int8, "sha256": digest}, indent=2) + "\n", encoding="utf-8"
    )
    return digest
