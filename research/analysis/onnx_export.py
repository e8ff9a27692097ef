"""The steps that turn the packaged PyTorch MiniLM into one ONNX graph: trace, fuse, quantise.

Run once per model and data directory by :func:`research.analysis.embeddings._export`, which checks the result
against PyTorch's vectors before using it; kept here so the embedding module holds only what runs every time.
"""

from __future__ import annotations

import logging
from pathlib import Path

from research.analysis.embeddings import PROBES, ExportFailed


def trace(torch_model, path: Path) -> None:
    """Trace the transformer plus mean pooling and L2 normalisation into one ONNX graph.

    Eager attention traces into the pattern onnxruntime's optimiser fuses; the default (SDPA) does not fuse.
    """
    pooling = torch_model[1]
    if getattr(pooling, "pooling_mode_mean_tokens", True) is not True:
        raise ExportFailed("only mean-pooling models are exported")
    transformer = torch_model[0].auto_model
    transformer.set_attn_implementation("eager")
    export_graph(mean_pooled(transformer), torch_model.tokenizer, path, "embedding")


def mean_pooled(body):
    """A module from token ids to the unit-length mean of ``body``'s last hidden states (the sentence vector)."""
    import torch

    class Pooled(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.body = body

        def forward(self, input_ids, attention_mask, token_type_ids):
            tokens = self.body(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=1)

    return Pooled()


def export_graph(module, tokenizer, path: Path, output: str) -> None:
    """Trace ``module`` (token ids in, one row per text out, named ``output``) into an ONNX graph whose batch and
    token counts may vary; also used for the fine-tuned sentiment model (``bench/train_sentiment.py``)."""
    import torch

    example = tokenizer(PROBES[:2], padding=True, return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "tokens"} for n in names} | {output: {0: "batch"}}
    with torch.no_grad():
        torch.onnx.export(module.eval(), tuple(example[n] for n in names), str(path), input_names=names,
                          output_names=[output], dynamic_axes=axes, opset_version=17, dynamo=False)


def fuse(source: Path, target: Path, heads: int, hidden: int) -> None:
    """onnxruntime's BERT fusions (attention, embedding and skip layer norms, bias GELU)."""
    from onnxruntime.transformers.optimizer import optimize_model

    optimize_model(str(source), model_type="bert", num_heads=heads, hidden_size=hidden,
                   opt_level=1).save_model_to_file(str(target))


def quantise(source: Path, target: Path) -> None:
    """Int8 weights, one scale per output channel (per-tensor scales lose much more: mean cosine 0.958)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    quiet = logging.NullHandler()  # the quantiser logs through the root logger, which would configure it
    root.addHandler(quiet)
    try:
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    finally:
        root.removeHandler(quiet)
