#!/usr/bin/env bash
# Builds the extension and packages it for one platform:
#   scripts/package.sh [TARGET]   TARGET: linux-x64 (default), linux-arm64, win32-x64, win32-arm64, darwin-arm64
# → dist/steer-<version>-<TARGET>.vsix with the bundles, media, the fused 4-bit model (`fast`), and onnxruntime-node with
# the native binary for TARGET only (.vscodeignore is the allow-list; its binary line is rewritten here).
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=${1:-linux-x64}
case "$TARGET" in
  linux-x64 | linux-arm64 | win32-x64 | win32-arm64 | darwin-arm64) ;;
  *)
    # onnxruntime-node 1.30 carries binaries for these five only (no darwin-x64, no alpine).
    echo "package.sh: unsupported target '$TARGET' (linux-x64 linux-arm64 win32-x64 win32-arm64 darwin-arm64)" >&2
    exit 2
    ;;
esac
PLATFORM=${TARGET%-*}
ARCH=${TARGET#*-}

MODEL=models/clp-smollm2-135m
if [ ! -f "$MODEL/onnx/model_fast.onnx" ] || [ ! -f "$MODEL/tokenizer.json" ]; then
  echo "package.sh: $MODEL is not built (run npm run setup)" >&2
  exit 3
fi
if ! compgen -G "node_modules/onnxruntime-node/bin/napi-v*/$PLATFORM/$ARCH/*" >/dev/null; then
  echo "package.sh: no onnxruntime-node binary for $PLATFORM/$ARCH in node_modules (run npm ci)" >&2
  exit 3
fi

npm run build

VERSION=$(node -p "require('./package.json').version")
OUT="dist/steer-$VERSION-$TARGET.vsix"
IGNORE=$(mktemp)
README=dist/README.vsix.md # vsce reads it relative to the package root
trap 'rm -f "$IGNORE" "$README"' EXIT
# The VSIX's README is the project's without its screenshots: vsce must rewrite relative image links to a
# hosted repository, and there is none.
sed '/<!-- screenshots/,/<!-- \/screenshots -->/d' README.md >"$README"
sed "s#/bin/napi-v\*/linux/x64/#/bin/napi-v*/$PLATFORM/$ARCH/#" .vscodeignore >"$IGNORE"

# vsce collects production dependencies with `npm list --production`, then filters them with the ignore
# file (with --no-dependencies it would leave node_modules out entirely, and onnxruntime-node is needed).
LICENSE_FLAG=()
compgen -G 'LICENSE*' >/dev/null || LICENSE_FLAG=(--skip-license)
npx vsce package --target "$TARGET" --ignoreFile "$IGNORE" --readme-path "$README" --out "$OUT" "${LICENSE_FLAG[@]}"
ls -l "$OUT"
