#!/usr/bin/env bash
# Steer must work with no network at all (the model, the tokenizer and VS Code's workbench are all local), so
# its tests also run in a fresh network namespace whose only interface is loopback (`unshare -n`, which
# needs root or CAP_SYS_ADMIN): anything that reaches out fails there instead of passing by luck.
#
#   scripts/test-offline.sh                the engine tests and the VS Code suites, offline
#   scripts/test-offline.sh CMD [ARG...]   CMD offline (scripts/test.sh runs its test steps this way)
#   scripts/test-offline.sh --check        exit 0 when an offline namespace can be made here; else say why, exit 1
set -euo pipefail
cd "$(dirname "$0")/.."

why_not() {
  command -v unshare >/dev/null || { echo "unshare is not installed"; return; }
  command -v ip >/dev/null || { echo "ip (iproute2) is not installed"; return; }
  unshare -n true 2>/dev/null || { echo "unshare -n is not permitted here (it needs root or CAP_SYS_ADMIN)"; return; }
}

if [ "${1:-}" = --check ]; then
  reason=$(why_not)
  [ -z "$reason" ] || { echo "$reason"; exit 1; }
  exit 0
fi
reason=$(why_not)
[ -z "$reason" ] || { echo "test-offline: $reason" >&2; exit 2; }

if [ $# -eq 0 ]; then
  set -- bash -c 'npm run --silent test:engine && node dist/test/vscode/runner/run-server.js --tests dist/test/vscode/suite'
fi
# Inside: loopback up (the VS Code server and its browser talk over 127.0.0.1), and nothing else there.
exec unshare -n bash -c '
  set -e
  ip link set lo up
  others=$(ip -o link show | awk -F": " "\$2 != \"lo\" {print \$2}")
  [ -z "$others" ] || { echo "test-offline: interfaces besides lo: $others" >&2; exit 2; }
  echo "test-offline: no network but loopback: $*"
  exec "$@"
' test-offline "$@"
