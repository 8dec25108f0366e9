"""The fused graph: the same CLP model as export.py's traced graph, written node by node in the form
onnxruntime-genai's model builder gives a Llama, because onnxruntime's GroupQueryAttention can take past and
present as one preallocated buffer (the traced graph concatenates and copies the cache every step); measured
in bench/fused-graph.md.

Per layer: SkipSimplifiedLayerNormalization (the residual add fused into the next norm), one MatMul (4-bit
MatMulNBits once quantized) for q, k and v together and one for gate and up, GroupQueryAttention
(com.microsoft) with the rotary embedding inside it, and the CLP deltas of each fused group: one float
down-projection product for the group, its up-projections inside the group's big product (_fused_linear).
The contract is export.py's (same inputs and outputs), with one restriction: there is no padding (the engine
never pads: finished rows are dropped, every row has the same length), so every row's cache length is the
attention mask's length.

Branches (tree decoding): several continuations of one prompt decoded as one sequence, so that attention
reads the shared prompt once for all of them instead of once per batch row (bench/fused-graph.md). Three
things make it possible, and none changes a caller that does not use them:
- clp_weights is [batch, m] (one weighting per row) or [batch, seq, m] (one per token: each branch's token
  carries its branch's weighting);
- position_ids reach the rotary embedding (the branches' tokens of one step share a position);
- attention_mask is [batch, total] (all ones) or [batch, seq, total]: per token, 0 hides a cache position
  from it (the other branches' tokens), added to the attention scores as -inf.
Logits come for every position that has its own weighting (the last position only with [batch, m]).
"""

from __future__ import annotations

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

from .model import CLPLinear, CLPModel, Layer

MS = "com.microsoft"
OPSET = 18  # the 4-bit Gather quantizer needs ReduceMean with axes as an input (opset 18)
CLP_PREFIX = "clp_"  # nodes of the float delta products, which the 4-bit quantizer leaves alone


class _Graph:
    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.count = 0

    def init(self, name: str, value: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(self, op: str, inputs: list[str], n_out: int = 1, name: str = "", domain: str = "", **attrs) -> list[str]:
        self.count += 1
        name = name or f"{op}_{self.count}"
        outs = [f"{name}/out{i}" for i in range(n_out)]
        self.nodes.append(helper.make_node(op, inputs, outs, name=name, domain=domain, **attrs))
        return outs

    def one(self, op: str, inputs: list[str], name: str = "", domain: str = "", **attrs) -> str:
        return self.node(op, inputs, 1, name, domain, **attrs)[0]


def _np(t: torch.Tensor) -> np.ndarray:
    return t.detach().float().cpu().numpy()


def _fused_linear(g: _Graph, x: str, name: str, mods: list[CLPLinear], gates: dict[int, str]) -> str:
    """y = [W_1; ...; W_k] x + [B_1 (g ⊙ A_1 x); ...; B_k (g ⊙ A_k x)] as two products: the down-projections
    of all members in one, then the base weights and the up-projections in one, [x, g ⊙ A x] times [W; B]
    with B block-diagonal. A decode step is mostly per-node overhead in the small products, so the
    up-projections ride along in the big one (4-bit once quantized: its zeros cost half a byte each, and
    zeros dequantize exactly), instead of a split, one product per member, a concat and an add."""
    w = np.concatenate([_np(m.weight).T for m in mods], axis=1)  # [in, sum(out)]
    deltas = [(m.clp_a, m.clp_b) for m in mods if m.clp_a is not None and m.clp_b is not None]
    if not deltas:
        return g.one("MatMul", [x, g.init(f"{name}.weight", w)], name=name)
    # the subsets condition q, k, v together and gate, up together: a group is all conditioned or not at all
    assert len(deltas) == len(mods), f"{name}: a fused group with some members conditioned"
    p = CLP_PREFIX + name
    a = np.concatenate([_np(a).T for a, _ in deltas], axis=1)  # [in, k·m·r]
    down = g.one("MatMul", [x, g.init(f"{p}.a", a)], name=f"{p}/down")
    gated = g.one("Mul", [down, gates[len(deltas)]], name=f"{p}/gate")
    ups = [_np(b).T for _, b in deltas]  # [m·r, out_i]
    block = np.zeros((sum(u.shape[0] for u in ups), w.shape[1]), np.float32)
    row = col = 0
    for u in ups:
        block[row : row + u.shape[0], col : col + u.shape[1]] = u
        row, col = row + u.shape[0], col + u.shape[1]
    z = g.one("Concat", [x, gated], name=f"{p}/concat", axis=-1)
    return g.one("MatMul", [z, g.init(f"{name}.weight", np.concatenate([w, block], axis=0))], name=name)


def _rotary_caches(model: CLPModel, positions: int) -> tuple[np.ndarray, np.ndarray]:
    freqs = np.arange(positions, dtype=np.float32)[:, None] * _np(model.inv_freq)[None, :]
    return np.cos(freqs).astype(np.float32), np.sin(freqs).astype(np.float32)


def io_names(n_layers: int) -> tuple[list[str], list[str]]:
    """The graph contract's names, the traced graph's (export.py) and the fused graph's."""
    past = [f"past_key_values.{i}.{kv}" for i in range(n_layers) for kv in ("key", "value")]
    present = [f"present.{i}.{kv}" for i in range(n_layers) for kv in ("key", "value")]
    return ["input_ids", "attention_mask", "position_ids", "clp_weights", *past], ["logits", *present]


def build_fused(model: CLPModel, max_positions: int = 4096) -> onnx.ModelProto:
    """The float fused graph of a model whose shared delta is merged (model.merge_shared()). max_positions:
    rows of the rotary tables, at least the manifest's contextLength (2048)."""
    c, clp = model.cfg, model.clp
    m, r = clp.num_objectives, clp.rank
    g = _Graph()
    inputs, outputs = io_names(c.num_layers)
    ids, mask, positions, weights = inputs[:4]

    # gate_k [b, 1 or seq, k·m·r]: each weighting repeated r times and scaled, once per member of a fused group
    gates: dict[int, str] = {}
    if r:
        rep = np.repeat(np.eye(m, dtype=np.float32), r, axis=1) * (clp.alpha / r)
        for k in (1, 2, 3):
            gk = g.one("MatMul", [weights, g.init(f"{CLP_PREFIX}gate{k}", np.tile(rep, (1, k)))], name=f"clp_gate{k}")
            shape = g.init(f"shape_gate{k}", np.array([0, -1, k * m * r], np.int64))
            gates[k] = g.one("Reshape", [gk, shape], name=f"clp_gate{k}/rows")

    # GroupQueryAttention reads each row's cache length from seqlens_k (= total length - 1): no padding
    mask_shape = g.one("Shape", [mask])
    batch64 = g.one(
        "Slice", [mask_shape, g.init("zero_1d", np.array([0], np.int64)), g.init("one_1d", np.array([1], np.int64))]
    )
    total64 = g.one(
        "Slice",
        [mask_shape, g.init("minus_one_1d", np.array([-1], np.int64)), g.init("end_1d", np.array([2**62], np.int64))],
    )
    total = g.one("Cast", [total64], to=TensorProto.INT32, name="total_sequence_length")
    seqlens = g.one("Cast", [g.one("Expand", [g.one("Sub", [total64, "one_1d"]), batch64])], to=TensorProto.INT32)
    cos, sin = _rotary_caches(model, max_positions)
    g.init("cos_cache", cos)
    g.init("sin_cache", sin)
    # the mask as [batch, 1 or seq, total], then -inf where it hides a position, broadcast to [batch, 1, seq, total]
    rows3 = g.one("Concat", [batch64, "minus_one_1d", total64], axis=0)
    mask3 = g.one("Reshape", [mask, rows3])
    hidden = g.one("Equal", [mask3, g.init("zero_i64", np.array(0, np.int64))])
    bias3 = g.one(
        "Where",
        [hidden, g.init("minus_inf", np.array(-np.inf, np.float32)), g.init("zero_f32", np.array(0, np.float32))],
    )
    seq64 = g.one("Slice", [g.one("Shape", [ids]), "one_1d", g.init("two_1d", np.array([2], np.int64))])
    bias_shape = g.one("Concat", [g.init("ones_2", np.array([1, 1], np.int64)), seq64, total64], axis=0)
    bias = g.one("Expand", [g.one("Unsqueeze", [bias3, "one_1d"]), bias_shape], name="attention_bias")

    x = g.one("Gather", [g.init("embed_tokens", _np(model.embed_tokens)), ids], name="embed")
    residual, pending = x, None  # pending: the block output not yet added to the residual stream
    presents: list[str] = []
    for i, module in enumerate(model.layers):
        layer: Layer = module  # type: ignore[assignment]
        ln = g.init(f"layers.{i}.input_layernorm", _np(layer.input_layernorm.weight))
        if pending is None:
            hx = g.one("SimplifiedLayerNormalization", [residual, ln], axis=-1, epsilon=c.rms_eps)
        else:
            hx, _, _, residual = g.node(
                "SkipSimplifiedLayerNormalization", [pending, residual, ln], 4, domain=MS, epsilon=c.rms_eps
            )
        qkv = _fused_linear(g, hx, f"layers.{i}.qkv", [layer.q_proj, layer.k_proj, layer.v_proj], gates)
        past = [f"past_key_values.{i}.key", f"past_key_values.{i}.value"]
        att, pk, pv = g.node(
            "GroupQueryAttention",
            [qkv, "", "", *past, seqlens, total, "cos_cache", "sin_cache", positions, bias],
            3,
            name=f"layers.{i}.attention",
            domain=MS,
            num_heads=c.num_heads,
            kv_num_heads=c.num_kv_heads,
            do_rotary=1,
            rotary_interleaved=0,
        )
        presents += [pk, pv]
        o = _fused_linear(g, att, f"layers.{i}.o", [layer.o_proj], gates)
        ln2 = g.init(f"layers.{i}.post_attention_layernorm", _np(layer.post_attention_layernorm.weight))
        hx, _, _, residual = g.node(
            "SkipSimplifiedLayerNormalization", [o, residual, ln2], 4, domain=MS, epsilon=c.rms_eps
        )
        gu = _fused_linear(g, hx, f"layers.{i}.gate_up", [layer.gate_proj, layer.up_proj], gates)
        gate_, up = g.node("Split", [gu], 2, axis=2, num_outputs=2)
        act = g.one("Mul", [g.one("Mul", [gate_, g.one("Sigmoid", [gate_])]), up])
        pending = _fused_linear(g, act, f"layers.{i}.down", [layer.down_proj], gates)

    # only the positions with their own weighting (the last one, or every branch token) reach the norm and head
    assert pending is not None, "a model without layers"
    one = "one_1d"
    n_out = g.one("Slice", [g.one("Shape", [gates[1]]), one, "two_1d"]) if r else one
    start = g.one("Neg", [n_out])
    pl = g.one("Slice", [pending, start, "end_1d", one])
    rl = g.one("Slice", [residual, start, "end_1d", one])
    hx, _, _, _ = g.node(
        "SkipSimplifiedLayerNormalization",
        [pl, rl, g.init("norm", _np(model.norm.weight))],
        4,
        domain=MS,
        epsilon=c.rms_eps,
    )
    head = model.head_delta
    head.weight = torch.nn.Parameter(model.embed_tokens.detach(), requires_grad=False)
    try:
        logits = _fused_linear(g, hx, "lm_head", [head], gates)
    finally:
        del head.weight

    # name the outputs as the contract says
    g.nodes.append(helper.make_node("Identity", [logits], [outputs[0]], name="logits_out"))
    for name, t in zip(outputs[1:], presents):
        g.nodes.append(helper.make_node("Identity", [t], [name], name=f"{name}_out"))

    f32, i64 = TensorProto.FLOAT, TensorProto.INT64
    graph_inputs = [
        helper.make_tensor_value_info(ids, i64, ["batch", "seq"]),
        helper.make_tensor_value_info(mask, i64, None),  # [batch, total] or [batch, seq, total]
        helper.make_tensor_value_info(positions, i64, ["batch", "seq"]),
        helper.make_tensor_value_info(weights, f32, None),  # [batch, m] or [batch, seq, m]
        *[helper.make_tensor_value_info(n, f32, ["batch", c.num_kv_heads, "past", c.head_dim]) for n in inputs[4:]],
    ]
    graph_outputs = [
        helper.make_tensor_value_info(outputs[0], f32, ["batch", "weighted_positions", c.vocab_size]),
        *[helper.make_tensor_value_info(n, f32, ["batch", c.num_kv_heads, "total", c.head_dim]) for n in outputs[1:]],
    ]
    graph = helper.make_graph(g.nodes, "steer_fused", graph_inputs, graph_outputs, g.inits)
    return helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid(MS, 1)], ir_version=10
    )


def with_float16_cache(model: onnx.ModelProto) -> onnx.ModelProto:
    """The same graph with its key/value cache in float16: each GroupQueryAttention reads q, k, v and its
    rotary tables in float16 and returns float32 to the rest of the graph; past and present are float16.
    What it saves is outside the run: onnxruntime-node copies every output into a new JavaScript buffer after
    a run, the cache buffers too, and half the bytes is half that copy (a decode step at 470 positions
    1.19x faster for one row and 1.35x for four on a 2-core machine; llama.cpp keeps its cache in float16
    too by default)."""
    g = model.graph
    tables = {"cos_cache", "sin_cache"}
    for init in g.initializer:
        if init.name in tables:
            init.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), init.name))
    nodes: list[onnx.NodeProto] = []
    bias16: str | None = None
    for n in g.node:
        if n.op_type != "GroupQueryAttention":
            nodes.append(n)
            continue
        if len(n.input) > 10 and n.input[10]:
            if bias16 is None:
                bias16 = f"{n.input[10]}/f16"
                nodes.append(
                    helper.make_node("Cast", [n.input[10]], [bias16], name="attention_bias/f16", to=TensorProto.FLOAT16)
                )
            n.input[10] = bias16
        qkv, out = n.input[0], n.output[0]
        nodes.append(helper.make_node("Cast", [qkv], [f"{qkv}/f16"], name=f"{n.name}/qkv_f16", to=TensorProto.FLOAT16))
        n.input[0], n.output[0] = f"{qkv}/f16", f"{out}/f16"
        nodes.append(n)
        nodes.append(helper.make_node("Cast", [f"{out}/f16"], [out], name=f"{n.name}/out_f32", to=TensorProto.FLOAT))
    del g.node[:]
    g.node.extend(nodes)
    for v in [*g.input, *g.output]:
        if v.name.startswith(("past_key_values.", "present.")):
            v.type.tensor_type.elem_type = TensorProto.FLOAT16
    return model
