"""Building the set: the shared sets by kind, then every kind deduplicated, balanced and written per split with a
manifest."""

from __future__ import annotations

import json
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .js_code import code_from_js, npm_sources
from .packages import docs_from_distributions, docs_from_npm, find_distributions, find_npm_packages
from .python_code import code_from_python, distribution_sources, stdlib_sources
from .records import KINDS, SHARED_SETS, SPLITS, Record, text_hash


def shared_records(shared_dir: Path) -> Iterator[Record]:
    """The shared sets by kind, splits as published; qmsum only where the query asks for the whole meeting."""
    for name, (kind, licence) in SHARED_SETS.items():
        path = shared_dir / name / "data.jsonl"
        if not path.is_file():
            print(f"editor_data: no {path}, skipping {name}", file=sys.stderr)
            continue
        with path.open(encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                if name == "qmsum" and r.get("query") and r.get("type") != "generic":
                    continue
                extra = {k: v for k, v in r.items() if k not in ("id", "document", "summary", "split", "source")}
                source = r.get("source", name)
                yield Record(kind, name, None, r["id"], r["document"], r["summary"], r["split"], source, licence, extra)


def dedupe(records: Iterable[Record]) -> list[Record]:
    """One record per document (normalized text), the train copy first, so a duplicate never crosses splits."""
    ordered = sorted(records, key=lambda r: (SPLITS.index(r.split), r.source, r.id))
    seen: set[str] = set()
    out = []
    for r in ordered:
        h = text_hash(r.document)
        if h not in seen:
            seen.add(h)
            out.append(r)
    return out


def balanced_sample(records: list[Record], n: int, rng: random.Random) -> list[Record]:
    """Up to n records, shuffled, taken in turn from each origin so a large source does not crowd out the rest."""
    by_origin: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        by_origin[r.origin].append(r)
    pools = [by_origin[k] for k in sorted(by_origin)]
    for pool in pools:
        rng.shuffle(pool)
    out: list[Record] = []
    while len(out) < n and any(pools):
        for pool in pools:
            if pool and len(out) < n:
                out.append(pool.pop())
    return out


@dataclass
class Sources:
    site_packages: list[Path]
    node_modules: list[Path]
    stdlib: Path | None
    shared: Path | None


def collect(sources: Sources, kinds: Iterable[str], per_package: int, seed: int) -> dict[str, list[Record]]:
    kinds = set(kinds)
    out: dict[str, list[Record]] = defaultdict(list)
    dists = find_distributions(sources.site_packages) if kinds & {"docs", "code"} else []
    npm = find_npm_packages(sources.node_modules) if kinds & {"docs", "code"} else []
    if "docs" in kinds:
        out["docs"] += docs_from_distributions(dists)
        out["docs"] += docs_from_npm(npm)
    if "code" in kinds:
        py = (stdlib_sources(sources.stdlib) if sources.stdlib else []) + distribution_sources(dists)
        out["code"] += code_from_python(py, per_package, seed)
        out["code"] += code_from_js(npm_sources(npm), per_package, seed)
    if sources.shared:
        for r in shared_records(sources.shared):
            if r.kind in kinds:
                out[r.kind].append(r)
    return out


def build(
    out_dir: Path,
    sources: Sources,
    limit_train: int = 4000,
    limit_eval: int = 300,
    seed: int = 0,
    per_package: int = 40,
    kinds: Iterable[str] = KINDS,
) -> dict:
    """Write out_dir/<kind>/data.jsonl and out_dir/manifest.json; returns the manifest."""
    collected = collect(sources, kinds, per_package, seed)
    manifest: dict = {
        "limit_per_kind": limit_train,
        "limit_eval": limit_eval,
        "seed": seed,
        "per_package": per_package,
        "sources": {k: [str(p) for p in v] if isinstance(v, list) else str(v) for k, v in vars(sources).items()},
        "kinds": {},
    }
    for kind in sorted(collected):
        records = dedupe(collected[kind])
        chosen: list[Record] = []
        for split in SPLITS:
            pool = [r for r in records if r.split == split]
            limit = limit_train if split == "train" else limit_eval
            chosen += balanced_sample(pool, limit, random.Random(f"{seed}:{kind}:{split}"))
        path = out_dir / kind / "data.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as f:
            for r in chosen:
                f.write(json.dumps(r.to_json(), ensure_ascii=False) + "\n")
        info = manifest["kinds"][kind] = {
            "counts": {s: sum(r.split == s for r in chosen) for s in SPLITS},
            "candidates": {s: sum(r.split == s for r in records) for s in SPLITS},
            "duplicates_dropped": len(collected[kind]) - len(records),
            "origins": dict(sorted(Counter(r.origin for r in chosen).items())),
        }
        if any(r.package for r in chosen):
            info["packages"] = {s: len({r.package for r in chosen if r.split == s}) for s in SPLITS}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest
