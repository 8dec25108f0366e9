"""The installed packages the docs and code kinds read: Python distributions (site-packages) and npm packages
(node_modules), with their licences and long descriptions; everything is read from local files."""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

from .docs_markup import docs_document
from .records import MAX_FILE_BYTES, Record, is_good_description, record_id, split_for


@dataclass
class Distribution:
    name: str  # normalized (PEP 503)
    root: Path  # the site-packages directory it is installed in
    metadata: Message
    files: list[Path]  # its .py files

    @property
    def package(self) -> str:
        return f"pypi:{self.name}"


def pep503(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_text(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _distribution_files(info: Path, root: Path) -> list[Path]:
    """The .py files a dist-info's RECORD lists; an egg-info (or a RECORD-less install) by its top_level.txt."""
    files: list[Path] = []
    record = info / "RECORD"
    if record.is_file():
        for line in (read_text(record) or "").splitlines():
            rel = line.rsplit(",", 2)[0]
            if rel.endswith(".py") and not rel.startswith(".."):
                files.append(root / rel)
    elif info.is_dir() and (info / "top_level.txt").is_file():
        for top in (read_text(info / "top_level.txt") or "").split():
            if (root / f"{top}.py").is_file():
                files.append(root / f"{top}.py")
            elif (root / top).is_dir():
                files.extend(sorted((root / top).rglob("*.py")))
    return sorted(f for f in files if f.is_file())


def find_distributions(site_roots: Iterable[Path]) -> list[Distribution]:
    """Installed distributions in the given site-packages, sorted; a name seen in an earlier root wins."""
    out: dict[str, Distribution] = {}
    for root in site_roots:
        if not root.is_dir():
            continue
        for info in sorted(root.iterdir()):
            if info.suffix == ".dist-info":
                meta_path = info / "METADATA"
            elif info.suffix == ".egg-info":
                meta_path = info / "PKG-INFO" if info.is_dir() else info
            else:
                continue
            text = read_text(meta_path) if meta_path.is_file() else None
            if text is None:
                continue
            meta = email.parser.Parser(policy=email.policy.compat32).parsestr(text)
            name = pep503(meta.get("Name") or "")
            if name and name not in out:
                out[name] = Distribution(name, root, meta, _distribution_files(info, root))
    return [out[k] for k in sorted(out)]


def python_licence(meta: Message) -> str:
    if meta.get("License-Expression"):
        return str(meta["License-Expression"]).strip()
    licence = str(meta.get("License") or "").strip()
    if licence and licence.upper() != "UNKNOWN" and "\n" not in licence and len(licence) <= 60:
        return licence  # a longer License field is the whole licence text
    classifiers = [
        c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if str(c).startswith("License ::")
    ]
    classifiers = [c for c in classifiers if c != "OSI Approved"]
    return "; ".join(classifiers) or "unknown"


def long_description(meta: Message) -> str:
    body = meta.get_payload()
    if isinstance(body, str) and body.strip():
        return body
    # Metadata 1.x keeps it in a folded Description header, continuation lines prefixed with "       |"
    desc = str(meta.get("Description") or "")
    first, _, rest = desc.partition("\n")
    if re.search(r"^ {7,8}\|", rest, re.MULTILINE):
        rest = re.sub(r"^ {7,8}\|", "", rest, flags=re.MULTILINE)
    else:
        rest = textwrap.dedent(rest)
    return f"{first}\n{rest}"


def docs_record(origin: str, package: str, source: str, doc: str, summary: str, licence: str) -> Record:
    """A docs record: a package's documentation -> its one-line summary, split by package."""
    return Record("docs", origin, package, record_id("docs", source), doc, summary, split_for(package), source, licence)


def docs_from_distributions(dists: Iterable[Distribution]) -> Iterator[Record]:
    for d in dists:
        summary = " ".join(str(d.metadata.get("Summary") or "").split())
        if not is_good_description(summary, d.name):
            continue
        doc = docs_document(long_description(d.metadata), summary)
        if doc is None:
            continue
        yield docs_record("pypi", d.package, f"{d.package}/METADATA", doc, summary, python_licence(d.metadata))


@dataclass
class NpmPackage:
    name: str
    path: Path
    manifest: dict

    @property
    def package(self) -> str:
        return f"npm:{self.name}"


def find_npm_packages(node_modules: Iterable[Path]) -> list[NpmPackage]:
    """Packages under node_modules folders (scoped and nested ones too), breadth first; the first of a name wins."""
    out: dict[str, NpmPackage] = {}
    queue = [p for p in node_modules if p.is_dir()]
    visited: set[Path] = set()
    while queue:
        nm = queue.pop(0)
        if nm.resolve() in visited:
            continue
        visited.add(nm.resolve())
        for entry in sorted(nm.iterdir()):
            if entry.name.startswith(".") or not entry.is_dir():
                continue
            dirs = sorted(d for d in entry.iterdir() if d.is_dir()) if entry.name.startswith("@") else [entry]
            for d in dirs:
                if (d / "node_modules").is_dir():
                    queue.append(d / "node_modules")
                try:
                    manifest = json.loads((d / "package.json").read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue
                name = manifest.get("name") if isinstance(manifest, dict) else None
                if isinstance(name, str) and name and name not in out:
                    out[name] = NpmPackage(name, d, manifest)
    return [out[k] for k in sorted(out)]


def npm_licence(manifest: dict) -> str:
    lic = manifest.get("license") or manifest.get("licenses")
    if isinstance(lic, dict):
        lic = lic.get("type")
    if isinstance(lic, list):
        lic = " OR ".join(str(x.get("type", x) if isinstance(x, dict) else x) for x in lic)
    return str(lic) if lic else "unknown"


def _readme(path: Path) -> Path | None:
    names = sorted(p for p in path.iterdir() if p.is_file() and p.name.lower().startswith("readme"))
    ranked = sorted(names, key=lambda p: (p.suffix.lower() not in (".md", ".markdown"), p.suffix != "", p.name))
    return ranked[0] if ranked else None


def docs_from_npm(packages: Iterable[NpmPackage]) -> Iterator[Record]:
    for p in packages:
        if p.name.startswith("@types/"):
            continue  # DefinitelyTyped READMEs and descriptions are one template filled in with the name
        desc = p.manifest.get("description")
        if not isinstance(desc, str):
            continue
        desc = " ".join(desc.split())
        readme = _readme(p.path)
        if readme is None or not is_good_description(desc, p.name.split("/")[-1]):
            continue
        doc = docs_document(read_text(readme) or "", desc)
        if doc is None:
            continue
        yield docs_record("npm", p.package, f"{p.package}/{readme.name}", doc, desc, npm_licence(p.manifest))
