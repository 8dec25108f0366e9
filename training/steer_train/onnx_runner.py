"""A minimal onnxruntime runner for exported graphs: parity checks against PyTorch and a first summary."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime as ort


class OnnxModel:
    def __init__(self, model_dir: Path, graph: str = "float32") -> None:
        self.dir = Path(model_dir)
        self.manifest = json.loads((self.dir / "manifest.json").read_text())
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(self.dir / self.manifest["graphs"][graph]), opts, providers=["CPUExecutionProvider"]
        )
        io = self.manifest["io"]
        self.layers, self.kv, self.hd = io["numLayers"], io["numKvHeads"], io["headDim"]
        self.m = len(self.manifest["objectives"])
        past = {i.name: i.type for i in self.session.get_inputs()}.get("past_key_values.0.key")
        self.kv_dtype = np.float16 if past == "tensor(float16)" else np.float32  # the fast graph's cache

    def empty_past(self, batch: int) -> list[np.ndarray]:
        return [np.zeros((batch, self.kv, 0, self.hd), self.kv_dtype) for _ in range(2 * self.layers)]

    def forward(self, ids, mask, pos, weights, past):
        feeds = {
            "input_ids": ids.astype(np.int64),
            "attention_mask": mask.astype(np.int64),
            "position_ids": pos.astype(np.int64),
            "clp_weights": weights.astype(np.float32),
        }
        for i in range(self.layers):
            feeds[f"past_key_values.{i}.key"] = past[2 * i]
            feeds[f"past_key_values.{i}.value"] = past[2 * i + 1]
        out = self.session.run(None, feeds)
        return out[0], out[1:]

    def greedy(self, prompt_ids: list[int], weights: list[float], max_new_tokens: int) -> list[int]:
        """Response-only two-phase decode, one row: prefill without the last token at w = 0, then steer."""
        eos = set(self.manifest["specialTokens"]["eos"])
        w = np.array([weights], np.float32)
        response_only = self.manifest["conditioning"]["responseOnly"]
        head = np.array([prompt_ids[:-1]])
        n = head.shape[1]
        _, past = self.forward(
            head, np.ones((1, n)), np.arange(n)[None], w * 0 if response_only else w, self.empty_past(1)
        )
        tok, pos, out = prompt_ids[-1], n, []
        for _ in range(max_new_tokens):
            logits, past = self.forward(np.array([[tok]]), np.ones((1, pos + 1)), np.array([[pos]]), w, past)
            tok = int(logits[0, -1].argmax())
            if tok in eos:
                break
            out.append(tok)
            pos += 1
        return out
