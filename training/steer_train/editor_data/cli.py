"""`python -m steer_train.editor_data`: the command line and the default places to read from."""

from __future__ import annotations

import argparse
import sys
import sysconfig
from pathlib import Path

from .build import Sources, build
from .records import DEFAULT_SHARED, KINDS, REPO

DESCRIPTION = (
    "A mixed summarization set of what people summarize in an editor: documentation, code and the shared sets."
)


def default_site_packages() -> list[Path]:
    """The project's venv first, then the system Python's site-packages (a name found earlier wins)."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [
        *sorted((REPO / ".venv" / "lib").glob("python3*/site-packages")),
        Path(sys.base_prefix) / "lib" / version / "site-packages",
        Path("/usr/local/lib") / version / "dist-packages",
        Path("/usr/lib/python3/dist-packages"),
    ]
    seen: list[Path] = []
    for p in candidates:
        if p.is_dir() and p.resolve() not in [s.resolve() for s in seen]:
            seen.append(p)
    return seen


def default_stdlib() -> Path:
    debian = Path(f"/usr/lib/python{sys.version_info.major}.{sys.version_info.minor}")
    return debian if (debian / "json").is_dir() else Path(sysconfig.get_paths()["stdlib"])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="python -m steer_train.editor_data", description=DESCRIPTION, formatter_class=argparse.RawTextHelpFormatter
    )
    ap.add_argument("--out", type=Path, required=True, help="output folder (outside the repository)")
    ap.add_argument("--shared-data", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--limit-per-kind", type=int, default=4000, help="train records per kind")
    ap.add_argument("--limit-eval", type=int, default=300, help="validation and test records per kind")
    ap.add_argument("--per-package", type=int, default=40, help="code items per package and origin")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--site-packages", type=Path, action="append", help="instead of the venv's and the system's")
    ap.add_argument("--node-modules", type=Path, action="append", help=f"default: {REPO / 'node_modules'}")
    ap.add_argument("--stdlib", type=Path, default=None, help=f"default: {default_stdlib()}")
    ap.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    args = ap.parse_args(argv)
    sources = Sources(
        site_packages=args.site_packages or default_site_packages(),
        node_modules=args.node_modules or [REPO / "node_modules"],
        stdlib=args.stdlib or default_stdlib(),
        shared=args.shared_data,
    )
    manifest = build(args.out, sources, args.limit_per_kind, args.limit_eval, args.seed, args.per_package, args.kinds)
    for kind, info in manifest["kinds"].items():
        print(kind, info["counts"], "candidates", info["candidates"])
