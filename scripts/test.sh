#!/usr/bin/env bash
# The whole test suite: linters, the Python pipeline and reward/metric tests, the engine and CLI tests, and the
# extension in a real VS Code (the suites, engine faults, the browser-driven steering tests, the installed VSIX).
set -euo pipefail
cd "$(dirname "$0")/.."
. .venv/bin/activate

# The engine and extension tests run with no network but loopback (scripts/test-offline.sh) where a network
# namespace can be made; elsewhere they run as they are, and the reason is printed.
offline=()
if reason=$(bash scripts/test-offline.sh --check); then
  offline=(bash scripts/test-offline.sh)
else
  echo "test.sh: the tests run with the network, not offline: $reason"
fi

ruff check training
ruff format --check training
npm run --silent typecheck
npm run --silent lint

[ -f models/tiny-random/manifest.json ] || python -m steer_train.build_tiny --out models/tiny-random
python -m pytest training/tests -q
# the real model's greedy tokens against its Python reference, when setup has built it
if [ -f models/clp-smollm2-135m/reference_tokens.json ]; then
  export STEER_REFERENCE_MODELS=models/clp-smollm2-135m
fi
"${offline[@]}" npm run --silent test:engine

# The extension in a real VS Code server with the real model (test/vscode/runner/run-server.ts): the command
# suites on the development copy; engine faults (killed, frozen, garbage) with deadlines short enough to
# wait for; the Steering view's Replace and a 60 s soak of its slider, driven in the browser; then the VSIX
# as a user installs it: the Steering view (sliders, live summary, preview, reload) and a summary from the
# packaged engine and model.
SERVER=dist/test/vscode/runner/run-server.js
"${offline[@]}" node $SERVER --tests dist/test/vscode/suite
STEER_ENGINE_TIMEOUTS='{"loadMs":30000,"idleMs":10000}' STEER_TEST_GREP='engine faults' \
  "${offline[@]}" node $SERVER --tests dist/test/vscode/suite
"${offline[@]}" node $SERVER --ui dist/test/vscode/ui/steering-replace.ui.js
"${offline[@]}" node $SERVER --ui dist/test/vscode/ui/steering-soak.ui.js
VSIX=dist/steer-$(node -p "require('./package.json').version")-linux-x64.vsix
python scripts/vsix_is_current.py "$VSIX" || bash scripts/package.sh linux-x64 # missing, or older bundles
"${offline[@]}" node $SERVER --install-vsix "$VSIX" --ui dist/test/vscode/ui/steering.ui.js
STEER_TEST_GREP=VSIX "${offline[@]}" node $SERVER --install-vsix "$VSIX" --tests dist/test/vscode/suite
