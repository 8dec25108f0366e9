#!/usr/bin/env bash
# The whole test suite: linters, the Python pipeline and reward/metric tests, the engine and CLI tests, and the
# extension in a real VS Code (the suites, the browser-driven steering test, the installed VSIX).
set -euo pipefail
cd "$(dirname "$0")/.."
. .venv/bin/activate

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
npm run --silent test:engine

# The extension in a real VS Code server with the real model (test/vscode/runner/run-server.ts): the command
# suites on the development copy, then the VSIX as a user installs it: the Steering view driven in the
# browser (sliders, live summary, preview, reload) and a summary from the packaged engine and model.
node dist/test/vscode/runner/run-server.js --tests dist/test/vscode/suite
VSIX=dist/steer-$(node -p "require('./package.json').version")-linux-x64.vsix
python scripts/vsix_is_current.py "$VSIX" || bash scripts/package.sh linux-x64 # missing, or older bundles
node dist/test/vscode/runner/run-server.js --install-vsix "$VSIX" --ui dist/test/vscode/ui/steering.ui.js
STEER_TEST_GREP=VSIX node dist/test/vscode/runner/run-server.js --install-vsix "$VSIX" --tests dist/test/vscode/suite
