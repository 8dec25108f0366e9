#!/usr/bin/env bash
# RL of the CLP on a lent GPU machine, in three calls of the device tool (each carries one part of .dev, made
# by scripts/device/pack_rl.py); the machine keeps /root/stage between calls while it stays warm.
#   a: the base model's first half         (carry .dev/a)
#   b: its second half; builds the float base and runs it once on the GPU   (carry .dev/b)
#   c: reward model, documents and starting deltas; trains (training/configs/mix-gpu.json) and returns the
#      log and three snapshots of the per-objective deltas, split under 16 MiB a file   (carry .dev/c)
#   d MINUTES: goes on from c's checkpoint while the machine is still warm; returns the log and the last deltas
set -euo pipefail
S=/root/stage
mkdir -p "$S"
export PYTHONPATH=$S/py:training STEER_CACHE=$S/cache STEER_MINILM_DIR=$S/minilm PYTHONUNBUFFERED=1
export TOKENIZERS_PARALLELISM=false HF_HUB_OFFLINE=1

# a delta file into $OUT, named by its step, in parts under the 16 MiB a returned file may have
send_deltas() {
  local step
  step=$(python3 -c "from safetensors import safe_open; print(safe_open('$1','pt').metadata()['step'])")
  split -b 15M -d "$1" "$OUT/rl_clp-$(printf %04d "$step").safetensors."
}
case "$1" in
a)
  cp .dev/a/base.gguf.0 "$S"/
  nvidia-smi -L
  python3 -c "import torch, transformers, sentence_transformers as st; print(torch.__version__, transformers.__version__, st.__version__, torch.cuda.is_available())"
  ;;
b)
  cp .dev/b/base.gguf.1 "$S"/
  mkdir -p "$S/py" && cp -r .dev/b/py/gguf* "$S/py/"
  python3 scripts/device/unpack.py base "$S"
  python3 - <<'PY'
import time, torch
from steer_train.config import load_config
from steer_train.runtime import build_model
from steer_train.generate import build_prefix, decode
t = time.time()
cfg = load_config(["--config", "training/configs/mix-gpu.json"])
model, tok, dev = build_model(cfg)
print("base built and loaded in", round(time.time() - t, 1), "s on", dev)
ids = tok("Summarize: The board met on Tuesday and approved the budget.").input_ids
w = torch.tensor([[1.0, 0.0, 0.0]])
with torch.no_grad(), torch.autocast(dev.type, dtype=torch.bfloat16):
    p = build_prefix(model, [ids], [0], w, tok.eos_token_id)
    out, _ = decode(model, p, w, 12, [tok.eos_token_id])
print("greedy:", tok.decode(out[0]))
PY
  ;;
c)
  python3 scripts/device/unpack.py minilm "$S" .dev/c/minilm
  mkdir -p "$S/run" && cp .dev/c/run/* "$S/run/"
  tar -xJf .dev/c/data.tar.xz -C "$S"
  set +e
  python3 -m steer_train.rl --config training/configs/mix-gpu.json > "$OUT/rl_stdout.log" 2>&1
  rc=$?
  set -e
  grep -v "^  w=" "$OUT/rl_stdout.log" | tail -n 25
  cp "$S/run/rl_log.jsonl" "$OUT/" || true
  snaps=("$S"/run/snapshots/*.safetensors)
  n=${#snaps[@]}
  picks=("$S/run/rl_clp.safetensors")
  if [ "$n" -ge 3 ]; then picks+=("${snaps[$((n / 3))]}" "${snaps[$((2 * n / 3))]}"); fi
  for f in "${picks[@]}"; do send_deltas "$f"; done
  ls -la "$OUT"
  exit $rc
  ;;
d)
  python3 -m steer_train.rl --config training/configs/mix-gpu.json --max_minutes="${2:-3}" > "$OUT/rl_stdout2.log" 2>&1
  tail -n 4 "$OUT/rl_stdout2.log"
  cp "$S/run/rl_log.jsonl" "$OUT/"
  send_deltas "$S/run/rl_clp.safetensors"
  ls -la "$OUT"
  ;;
esac
