"""Where a decode step's time goes inside onnxruntime: one graph, 1 and 4 rows, per-operator kernel time.

    python -m steer_train.profile_step --model ../models/clp-smollm2-135m [--graph onnx/model_fast.onnx]

The cache is bound in place (past and present the same buffers, as the engine binds them), so this is the
step without the copy onnxruntime-node adds after each run. Run it on an idle machine.
"""

import argparse
import collections
import json
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort


def step_ms(
    graph: Path, rows: int, past: int, steps: int, threads: int, profile: bool, branches: bool = False
) -> float:
    """Median ms of `steps` decode steps after `past` positions; with `profile`, prints kernel time per operator.
    With `branches`, the `rows` weightings are branches of one sequence (one cache row, a tree bias)."""
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    so.enable_profiling = profile
    s = ort.InferenceSession(str(graph), so, providers=["CPUExecutionProvider"])
    warm = 3
    k, batch = (rows, 1) if branches else (1, rows)
    capacity = past + (steps + warm) * k + 8
    caches = {}
    for i in s.get_inputs():
        if i.name.startswith("past"):
            dtype = np.float16 if "float16" in i.type else np.float32
            caches[i.name] = ort.OrtValue.ortvalue_from_numpy(
                (np.random.default_rng(0).standard_normal((batch, i.shape[1], capacity, i.shape[3])) * 0.1).astype(
                    dtype
                )
            )
    times = []
    for step in range(steps + warm):
        total = past + (step + 1) * k
        b = s.io_binding()
        b.bind_cpu_input("input_ids", np.full((batch, k), 42, np.int64))
        if branches:  # each branch sees the prompt and its own tokens
            mask = np.zeros((1, k, total), np.int64)
            mask[..., :past] = 1
            for j in range(k):
                mask[0, j, past + j :: k] = 1
        else:
            mask = np.ones((batch, total), np.int64)
        b.bind_cpu_input("attention_mask", mask)
        b.bind_cpu_input("position_ids", np.full((batch, k), past + step, np.int64))
        w = np.array([0.3, 0.4, 0.3], np.float32)
        b.bind_cpu_input("clp_weights", np.tile(w, (1, k, 1)) if branches else np.tile(w, (rows, 1)))
        for name, value in caches.items():
            b.bind_ortvalue_input(name, value)
            b.bind_ortvalue_output(name.replace("past_key_values", "present"), value)
        b.bind_output("logits")
        t = time.perf_counter()
        s.run_with_iobinding(b)
        times.append(time.perf_counter() - t)
    ms = 1000 * float(np.median(times[warm:]))
    if profile:
        trace = Path(s.end_profiling())
        events = json.loads(trace.read_text())
        trace.unlink()
        per_op: collections.Counter[str] = collections.Counter()
        for e in events:
            if e.get("cat") == "Node" and e["name"].endswith("_kernel_time"):
                per_op[e["args"]["op_name"]] += e["dur"]
        total_us = sum(per_op.values())
        print(f"{rows} {'branches' if branches else 'row(s)'}: {ms:.1f} ms a step (profiled); kernel time by operator:")
        for op, us in per_op.most_common(8):
            print(f"  {op:34s} {us / (steps + warm) / 1000:6.2f} ms  {100 * us / total_us:5.1f}%")
    return ms


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, required=True)
    p.add_argument("--graph", default="onnx/model_fast.onnx")
    p.add_argument("--past", type=int, default=470)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    graph = a.model / a.graph
    for rows, branches in ((1, False), (4, False), (4, True)):
        step_ms(graph, rows, a.past, a.steps, a.threads, profile=True, branches=branches)
    runs = [
        [
            step_ms(graph, r, a.past, a.steps, a.threads, profile=False, branches=br)
            for r, br in ((1, False), (4, False), (4, True))
        ]
        for _ in range(3)
    ]
    print(
        "unprofiled, interleaved, ms a step (1 row / 4 rows / 4 branches):",
        ", ".join(" / ".join(f"{x:.1f}" for x in r) for r in runs),
    )
    rows4, branches4 = (np.median([r[i] / r[0] for r in runs]) for i in (1, 2))
    print(f"4 rows / 1 row: {rows4:.2f}; 4 branches / 1 row: {branches4:.2f}")


if __name__ == "__main__":
    main()
