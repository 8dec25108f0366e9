"""Export: one ONNX graph whose inputs include the objective weights, a quantized CPU variant, the fused
graphs for onnxruntime's CPU kernels (fused_graph.py), the tokenizer, the manifest, and greedy reference
tokens for the engine's parity tests.

    python -m steer_train.export --model-dir models/clp-smollm2-135m [--tiny]
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import onnx
import torch
from torch import nn

from .data import INSTRUCTION, SYSTEM, TEMPLATE, WEIGHTS_FORMAT, WEIGHTS_PREFIX, build_prompt
from .fused_graph import CLP_PREFIX, OPSET, build_fused, io_names, with_float16_cache
from .generate import build_prefix, decode
from .grounding import grounded_decoder
from .model import CLPModel

# Graphs written node by node with GroupQueryAttention (fused_graph.py): their past and present key/value
# tensors may be one preallocated buffer, so the graph copies no cache.
FUSED_GRAPHS = {"fused_float32": "onnx/model_fused.onnx", "fast": "onnx/model_fast.onnx"}


class OnnxWrapper(nn.Module):
    """Flat tensors in and out, in the common decoder export convention."""

    def __init__(self, model: CLPModel) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, position_ids, clp_weights, *past_flat):
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(len(past_flat) // 2)]
        # only the last position's logits: the engine never needs the others, and a long prompt's full
        # logits would be hundreds of MB
        logits, present = self.model(input_ids, attention_mask, position_ids, past, clp_weights, last_logits=1)
        return (logits, *[t for kv in present for t in kv])


def export_float(model: CLPModel, path: Path) -> None:
    c = model.cfg
    model = model.float().eval()
    b, s, p = 2, 3, 4
    m = model.clp.num_objectives
    ids = torch.randint(0, c.vocab_size, (b, s))
    mask = torch.ones(b, p + s, dtype=torch.long)
    pos = torch.arange(p, p + s)[None].repeat(b, 1)
    w = torch.rand(b, m)
    past = [torch.randn(b, c.num_kv_heads, p, c.head_dim) for _ in range(2 * c.num_layers)]
    inputs, outputs = io_names(c.num_layers)
    axes = {
        "input_ids": {0: "batch", 1: "seq"},
        "attention_mask": {0: "batch", 1: "total"},
        "position_ids": {0: "batch", 1: "seq"},
        "clp_weights": {0: "batch"},
        "logits": {0: "batch", 1: "seq"},
    }
    for n in inputs[4:]:
        axes[n] = {0: "batch", 2: "past"}
    for n in outputs[1:]:
        axes[n] = {0: "batch", 2: "total"}
    path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(
            OnnxWrapper(model),
            (ids, mask, pos, w, *past),
            str(path),
            input_names=inputs,
            output_names=outputs,
            dynamic_axes=axes,
            opset_version=OPSET,
            dynamo=False,
            do_constant_folding=True,
        )


def quantize(src: Path, dst: Path, accuracy_level: int | None = None) -> None:
    """Weight-only 4-bit blocks (block 32, with a minimum per block, like the base's Q4_1 GGUF) for every
    large MatMul and the embedding Gather. Weight-only keeps batch rows independent (dynamic activation
    quantization would couple them through a shared scale); the small CLP products (down-projections, and the
    up-projections where they stand alone, as in the traced graph) stay float.
    accuracy_level 4: int8 activations inside MatMulNBits, quantized per row, so rows stay independent
    (1.25x faster decoding, same evaluation within noise: training/reports)."""
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    logging.getLogger("onnxruntime.quantization.matmul_nbits_quantizer").setLevel(logging.WARNING)

    model = onnx.load(str(src))
    inits = {i.name: i for i in model.graph.initializer}
    tiny = [
        n.name
        for n in model.graph.node
        if n.op_type == "MatMul"
        and (n.name.startswith(CLP_PREFIX) or any(i in inits and min(inits[i].dims) <= 64 for i in n.input))
    ]
    q = MatMulNBitsQuantizer(
        model,
        bits=4,
        block_size=32,
        is_symmetric=False,
        accuracy_level=accuracy_level,
        nodes_to_exclude=tiny,
        op_types_to_quantize=("MatMul", "Gather"),
        quant_axes=(("MatMul", 0), ("Gather", 1)),
    )
    q.process()
    q.model.save_model_to_file(str(dst), use_external_data_format=False)


OBJECTIVE_INFO = {
    "concise": ("Concise", "Shorter summaries, relative to the document; empty or broken output never counts."),
    "faithful": ("Faithful", "Every statement supported by the document; names and numbers must occur in it."),
    "complete": ("Complete", "Covers the document's main content: its central sentences and key terms."),
}
PRESETS = {
    "Balanced": {"concise": 1 / 3, "faithful": 1 / 3, "complete": 1 / 3},
    "Headline": {"concise": 0.8, "faithful": 0.2, "complete": 0.0},
    "Strictly faithful": {"concise": 0.2, "faithful": 0.8, "complete": 0.0},
    "Thorough": {"concise": 0.0, "faithful": 0.3, "complete": 0.7},
}
MEASURED_DECODING = ("unsureBelow", "novelSentenceWords")
"""Manifest `decoding` settings of the last check that are measured per model, by reading its summaries: a sentence
the model found unlikely itself (src/engine/unsure-sentences.ts, training/reports/unsure-sentences) and one in
words its document lacks (src/engine/grounding/novel-wording.ts, training/reports/novel-wording). A random test
model's every sentence is both, so a model gets them only where they were measured."""
# Where a sentence ends, the end-of-sequence logit is raised by up to this much as the concise weight rises above
# its default (the engine's src/engine/generation/end-bias.ts; training/reports/end-bias/README.md).
END_BIAS = 6.0
# Short hand-written documents for the reference tokens (the engine compares its greedy output to them).
REFERENCE_DOCS = [
    "The city council voted on Tuesday to build a new library in the north district. The project will cost "
    "12 million dollars and should open in 2027. Mayor Lena Ortiz said the library would include a children's "
    "wing and a makerspace. Some residents objected to the loss of a parking lot.",
    "#Person1#: Did you finish the report for Friday?\n#Person2#: Not yet, I still need the sales figures from "
    "Tom.\n#Person1#: I'll ask him to send them this afternoon.\n#Person2#: Thanks, then I can finish it by "
    "Thursday.",
    "# quickgrep\n\nA small command line tool that searches text files. Install it with `pip install "
    "quickgrep`, then run `quickgrep PATTERN DIR`.\n\n## Options\n\n- `-i`: ignore case\n- `--json`: print "
    "matches as JSON\n\nReleased under the MIT licence by Ada Lovelace in 2024.",
]


def reference_weightings(m: int) -> list[list[float]]:
    return [[1.0 / m] * m] + [list(np.eye(m)[i]) for i in range(m)]


def reference_tokens(model: CLPModel, tok, max_new_tokens: int) -> list[dict]:
    """Greedy tokens from the float PyTorch model: pure greedy (no repetition guard) for every reference
    document and weighting, then the same under grounded decoding (``grounded: true``), which the engine must
    reproduce token for token with its own twin of the rules."""
    model = model.float().eval()
    m = model.clp.num_objectives
    objs = list(OBJECTIVE_INFO) if model.clp.prompt_conditioning else None
    out = []
    for grounded in (False, True):
        for doc in REFERENCE_DOCS:
            for w in reference_weightings(m):
                text = build_prompt(doc, objs, w if objs else None)
                ids = tok(text).input_ids
                wt = torch.tensor([w], dtype=torch.float32)
                rules = [grounded_decoder(doc, tok, [tok.eos_token_id], sampling=False)] if grounded else None
                with torch.no_grad():
                    prefix = build_prefix(model, [ids], [0], wt, tok.eos_token_id)
                    toks, _ = decode(model, prefix, wt, max_new_tokens, [tok.eos_token_id], grounding=rules)
                out.append(
                    {
                        "prompt_text": text,
                        "document": doc,
                        "weights": w,
                        "max_new_tokens": max_new_tokens,
                        "prompt_tokens": ids,
                        "tokens": toks[0],
                        "text": tok.decode(toks[0]),
                        "grounded": grounded,
                    }
                )
    return out


def write_manifest(
    model_dir: Path,
    model: CLPModel,
    tok,
    model_id: str,
    base: dict,
    evaluation: dict,
    measured: dict | None = None,
) -> dict:
    """`measured`: decoding settings of this model; only those in MEASURED_DECODING are written."""
    c, clp = model.cfg, model.clp
    objectives = list(OBJECTIVE_INFO)[: clp.num_objectives]
    inputs, outputs = io_names(c.num_layers)
    manifest = {
        "id": model_id,
        "base": base,
        "objectives": [
            {"id": o, "label": OBJECTIVE_INFO[o][0], "description": OBJECTIVE_INFO[o][1]} for o in objectives
        ],
        "defaultWeights": {o: round(1 / len(objectives), 4) for o in objectives},
        "presets": {k: {o: round(v[o], 4) for o in objectives} for k, v in PRESETS.items()},
        "conditioning": {
            "subset": clp.subset,
            "rank": clp.rank,
            "responseOnly": clp.response_only,
            "promptConditioning": clp.prompt_conditioning,
        },
        "prompt": {
            "template": TEMPLATE.replace("{instruction}", INSTRUCTION),
            "system": SYSTEM,
            "weightsFormat": WEIGHTS_FORMAT if clp.prompt_conditioning else None,
            "weightsPrefix": WEIGHTS_PREFIX if clp.prompt_conditioning else None,
            "weightsSuffix": "." if clp.prompt_conditioning else None,
        },
        "decoding": {
            "strategy": "greedy",
            "noRepeatNgram": 4,
            "maxNewTokens": 128,
            # the engine's help to the concise slider (src/engine/generation/end-bias.ts)
            "endBias": {"objective": "concise", "logit": END_BIAS},
            # the last check's levels, measured per model, so only where they were measured
            **{k: v for k, v in (measured or {}).items() if k in MEASURED_DECODING},
        },
        "specialTokens": {"eos": [tok.eos_token_id], "pad": tok.eos_token_id, "bos": None},
        "contextLength": 2048,
        "graphs": {"float32": "onnx/model.onnx", "quantized": "onnx/model_quantized.onnx", **FUSED_GRAPHS},
        "sharedKvCache": list(FUSED_GRAPHS),
        "branches": list(FUSED_GRAPHS),
        "tokenizer": "tokenizer.json",
        "io": {
            "numLayers": c.num_layers,
            "numKvHeads": c.num_kv_heads,
            "headDim": c.head_dim,
            "vocabSize": c.vocab_size,
            "inputs": {
                "inputIds": inputs[0],
                "attentionMask": inputs[1],
                "positionIds": inputs[2],
                "weights": inputs[3],
                "pastKey": "past_key_values.{i}.key",
                "pastValue": "past_key_values.{i}.value",
            },
            "outputs": {"logits": outputs[0], "presentKey": "present.{i}.key", "presentValue": "present.{i}.value"},
        },
        "evaluation": evaluation,
    }
    (model_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def export_model_dir(
    model: CLPModel,
    tok,
    model_dir: Path,
    model_id: str,
    base: dict,
    evaluation: dict,
    ref_tokens: int = 48,
    measured: dict | None = None,
) -> dict:
    """Everything the engine needs in model_dir. The model's shared delta is merged first. `measured`: the
    decoding settings measured on this model (MEASURED_DECODING), none for an unmeasured model."""
    model = model.float().eval()
    model.merge_shared()
    onnx_dir = model_dir / "onnx"
    export_float(model, onnx_dir / "model.onnx")
    quantize(onnx_dir / "model.onnx", onnx_dir / "model_quantized.onnx")
    fused = model_dir / FUSED_GRAPHS["fused_float32"]
    onnx.save(build_fused(model), str(fused))
    fast = model_dir / FUSED_GRAPHS["fast"]
    quantize(fused, fast, accuracy_level=4)
    onnx.save(with_float16_cache(onnx.load(str(fast))), str(fast))
    tok.backend_tokenizer.save(str(model_dir / "tokenizer.json"))
    manifest = write_manifest(model_dir, model, tok, model_id, base, evaluation, measured)
    refs = reference_tokens(model, tok, ref_tokens)
    (model_dir / "reference_tokens.json").write_text(json.dumps(refs, indent=1) + "\n")
    return manifest
