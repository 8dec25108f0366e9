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


def step_ms(graph: Path, rows: int, past: int, steps: int, threads: int, profile: bool) -> float:
    """Median ms of `steps` decode steps after `past` positions; with `profile`, prints kernel time per operator."""
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    so.enable_profiling = profile
    s = ort.InferenceSession(str(graph), so, providers=["CPUExecutionProvider"])
    capacity = past + steps + 8
    caches = {}
    for i in s.get_inputs():
        if i.name.startswith("past"):
            dtype = np.float16 if "float16" in i.type else np.float32
            caches[i.name] = ort.OrtValue.ortvalue_from_numpy(
                (np.random.default_rng(0).standard_normal((rows, i.shape[1], capacity, i.shape[3])) * 0.1).astype(dtype)
            )
    warm = 3
    times = []
    for step in range(steps + warm):
        total = past + step + 1
        b = s.io_binding()
        b.bind_cpu_input("input_ids", np.full((rows, 1), 42, np.int64))
        b.bind_cpu_input("attention_mask", np.ones((rows, total), np.int64))
        b.bind_cpu_input("position_ids", np.full((rows, 1), total - 1, np.int64))
        b.bind_cpu_input("clp_weights", np.tile(np.array([[0.3, 0.4, 0.3]], np.float32), (rows, 1)))
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
        print(f"{rows} row(s): {ms:.1f} ms a step (profiled); kernel time a step by operator:")
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
    for rows in (1, 4):
        step_ms(graph, rows, a.past, a.steps, a.threads, profile=True)
    pairs = [tuple(step_ms(graph, r, a.past, a.steps, a.threads, profile=False) for r in (1, 4)) for _ in range(3)]
    print("unprofiled, interleaved, ms a step (1 row / 4 rows):", ", ".join(f"{x:.1f} / {y:.1f}" for x, y in pairs))
    print(f"4 rows / 1 row: {np.median([y / x for x, y in pairs]):.2f}")


if __name__ == "__main__":
    main()
