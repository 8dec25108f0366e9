"""Exit 0 when the VSIX holds exactly the bundles now in dist/ (so `npm test` need not package again)."""

import pathlib
import sys
import zipfile

BUNDLES = ("dist/extension.js", "dist/engine-host.js", "dist/webview/steering.js")

vsix = pathlib.Path(sys.argv[1])
if not vsix.exists():
    sys.exit(1)
with zipfile.ZipFile(vsix) as z:
    names = set(z.namelist())
    same = all(
        f"extension/{f}" in names
        and z.read(f"extension/{f}") == pathlib.Path(f).read_bytes()
        for f in BUNDLES
    )
sys.exit(0 if same else 1)
