#!/usr/bin/env bash
# The whole test suite in two stages. The fast first stage (linters, TypeScript and Python types, the Python
# and engine unit tests that need no real model; a few minutes) fails before the slow stage starts: the whole
# pipeline on a tiny model, the real model's tests, and the extension in a real VS Code (the suites, the
# browser-driven steering test, the installed VSIX). `bash scripts/test.sh --fast` (`npm run test:fast`) runs the first stage only.
set -euo pipefail
cd "$(dirname "$0")/.."
. .venv/bin/activate

stage() { printf '\n==== %s ====\n' "$1"; }

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

stage 'fast: engine and CLI unit tests (tiny model)'
npm run --silent build:test
engine_unit=()
for f in dist/test/engine/*.test.js; do
  [[ " ${ENGINE_REAL[*]} " == *" $f "* ]] || engine_unit+=("$f")
done
node --test --test-reporter=spec --test-concurrency=1 "${engine_unit[@]}"

[ "${1:-}" = --fast ] && exit 0

stage 'slow: the Python pipeline and the method comparison on a tiny model'
python -m pytest "${PY_SLOW[@]}" -q

stage 'slow: the real model'
# the real model's greedy tokens against its Python reference, when setup has built it
if [ -f models/clp-smollm2-135m/reference_tokens.json ]; then
  export STEER_REFERENCE_MODELS=models/clp-smollm2-135m
fi
node --test --test-reporter=spec --test-concurrency=1 "${ENGINE_REAL[@]}"

# The extension in a real VS Code server with the real model (test/vscode/runner/run-server.ts): the command
# suites on the development copy, then the VSIX as a user installs it: the Steering view driven in the
# browser (sliders, live summary, preview, reload) and a summary from the packaged engine and model.
stage 'slow: the extension in VS Code'
node dist/test/vscode/runner/run-server.js --tests dist/test/vscode/suite
VSIX=dist/steer-$(node -p "require('./package.json').version")-linux-x64.vsix
python scripts/vsix_is_current.py "$VSIX" || bash scripts/package.sh linux-x64 # missing, or older bundles
node dist/test/vscode/runner/run-server.js --install-vsix "$VSIX" --ui dist/test/vscode/ui/steering.ui.js
STEER_TEST_GREP=VSIX node dist/test/vscode/runner/run-server.js --install-vsix "$VSIX" --tests dist/test/vscode/suite
