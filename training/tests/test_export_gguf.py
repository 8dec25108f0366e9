"""The llama.cpp export: each objective's adapter is its rank slice, q/k rows follow the GGUF's rotary order,
and what llama.cpp reads back has the shapes and scale it checks."""

from __future__ import annotations

import numpy as np
import pytest

gguf = pytest.importorskip("gguf")

from steer_train.export_gguf import adapters, gguf_name, gguf_permute, write_adapter  # noqa: E402


def test_names_map_to_llama_cpp_tensors() -> None:
    assert gguf_name("layers.3.q_proj.clp_a") == ("blk.3.attn_q.weight", "clp_a")
    assert gguf_name("layers.0.down_proj.shared_b") == ("blk.0.ffn_down.weight", "shared_b")
    assert gguf_name("head_delta.clp_b") == ("output.weight", "clp_b")


def test_permute_interleaves_each_heads_rotary_halves() -> None:
    # one head of 4 dims: rows [x0, x1, y0, y1] (Hugging Face halves) → [x0, y0, x1, y1] (GGUF pairs)
    rows = np.array([[0.0], [1.0], [2.0], [3.0]])
    assert gguf_permute(rows, 1)[:, 0].tolist() == [0.0, 2.0, 1.0, 3.0]


def test_each_objective_gets_its_rank_slice_and_q_rows_are_permuted() -> None:
    rng = np.random.default_rng(0)
    rank, m, d_in, d_out = 2, 3, 8, 8
    a = rng.standard_normal((m * rank, d_in)).astype(np.float32)
    b = rng.standard_normal((d_out, m * rank)).astype(np.float32)
    sa = rng.standard_normal((4, d_in)).astype(np.float32)
    sb = rng.standard_normal((d_out, 4)).astype(np.float32)
    deltas = {
        "layers.0.q_proj.clp_a": a,
        "layers.0.q_proj.clp_b": b,
        "layers.0.q_proj.shared_a": sa,
        "layers.0.q_proj.shared_b": sb,
        "layers.0.up_proj.clp_a": a,
        "layers.0.up_proj.clp_b": b,
    }
    out = adapters(deltas, rank, m, heads=2, kv_heads=1)
    assert sorted(out) == ["objective-0", "objective-1", "objective-2", "shared"]
    # θ(w) = θ + shared + Σ w_i B_i A_i: the adapters at scales w_i add up to the training gate's product
    w = np.array([0.2, 0.5, 0.3], np.float32)
    gate = np.repeat(w, rank)
    up_proj = [out[f"objective-{i}"] for i in range(m)]
    up = sum(w[i] * t["blk.0.ffn_up.weight.lora_b"] @ t["blk.0.ffn_up.weight.lora_a"] for i, t in enumerate(up_proj))
    np.testing.assert_allclose(up, (b * gate) @ a, rtol=1e-5, atol=1e-6)
    q = out["objective-1"]["blk.0.attn_q.weight.lora_b"] @ out["objective-1"]["blk.0.attn_q.weight.lora_a"]
    np.testing.assert_allclose(q, gguf_permute(b[:, 2:4] @ a[2:4], 2), rtol=1e-5, atol=1e-6)
    shared = out["shared"]["blk.0.attn_q.weight.lora_b"] @ out["shared"]["blk.0.attn_q.weight.lora_a"]
    np.testing.assert_allclose(shared, gguf_permute(sb @ sa, 2), rtol=1e-5, atol=1e-6)
    assert not any("up" in k for k in out["shared"])


def test_adapter_file_reads_back_as_llama_cpp_expects(tmp_path) -> None:
    a = np.ones((8, 32), np.float32)
    b = np.full((16, 8), 0.5, np.float32)
    path = tmp_path / "lora.gguf"
    write_adapter(path, "llama", 16.0, {"blk.0.attn_q.weight.lora_a": a, "blk.0.attn_q.weight.lora_b": b})
    reader = gguf.GGUFReader(str(path))
    assert reader.fields["general.type"].contents() == "adapter"
    assert reader.fields["adapter.type"].contents() == "lora"
    assert reader.fields["adapter.lora.alpha"].contents() == 16.0
    tensors = {t.name: t for t in reader.tensors}
    # ggml's order: lora_a is [in, rank] and lora_b [rank, out] (llama-adapter.cpp's shape checks)
    assert list(tensors["blk.0.attn_q.weight.lora_a"].shape) == [32, 8]
    assert list(tensors["blk.0.attn_q.weight.lora_b"].shape) == [8, 16]
    assert tensors["blk.0.attn_q.weight.lora_b"].tensor_type == gguf.GGMLQuantizationType.F16
