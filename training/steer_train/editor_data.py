"""A mixed summarization set of what people summarize in an editor: documentation, code and the shared sets.

    python -m steer_train.editor_data --out DIR [--shared-data PATH] [--limit-per-kind N]

writes DIR/<kind>/data.jsonl (the shared sets' record format plus `kind`, `origin`, `package`, `licence`)
and DIR/manifest.json. Kinds:

- docs: a package's long description (PyPI METADATA body, npm README) -> its one-line summary/description.
- code: a Python function/class without its docstring, a Python module without its module docstring, or a
  JavaScript/TypeScript function without its JSDoc -> the first sentence of that docstring/JSDoc.
- long, email, news, dialogue, science: the shared sets (../shared/data/summarization), splits as published.

docs and code are split by package (a stable hash of the package name), so no package is in two splits;
everything is read from local files (installed packages, node_modules, the stdlib) and nothing is fetched.
"""

from __future__ import annotations

import argparse
import ast
import email.parser
import email.policy
import hashlib
import html
import json
import os
import random
import re
import sys
import sysconfig
import textwrap
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = REPO.parent / "shared" / "data" / "summarization"
SPLITS = ("train", "validation", "test")
MAX_DOC_WORDS = 1500
MIN_DOCS_WORDS = 80  # a README shorter than this is mostly install lines and links
MIN_CODE_LINES = 5
MAX_REF_WORDS = 50  # a longer "first sentence" is a paragraph the splitter could not cut
MAX_FILE_BYTES = 1_000_000  # larger source files are bundles, tables or generated

# The shared sets: kind and licence as published (../shared/data/summarization/README.md).
SHARED_SETS: dict[str, tuple[str, str]] = {
    "qmsum": ("long", "MIT"),
    "squality": ("long", "CC BY (summaries); Project Gutenberg (stories)"),
    "ectsum": ("long", "GPL-3.0 (repository)"),
    "aeslc": ("email", "CC BY-NC-SA 4.0"),
    "bbc_news": ("news", "research use (BBC)"),
    "dialogsum": ("dialogue", "CC BY-NC-SA 4.0"),
    "samsum": ("dialogue", "non-commercial (original release)"),
    "scitldr": ("science", "Apache-2.0"),
}
KINDS = ("docs", "code", "long", "email", "news", "dialogue", "science")


@dataclass
class Record:
    kind: str
    origin: str  # the sub-source sampled evenly within a kind: pypi, npm, python_function, ..., a shared set
    package: str | None  # the split unit for docs and code, e.g. pypi:requests, npm:express, stdlib:json
    id: str
    document: str
    summary: str
    split: str
    source: str
    licence: str
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        out = {
            "id": self.id,
            "kind": self.kind,
            "origin": self.origin,
            "document": self.document,
            "summary": self.summary,
            "split": self.split,
            "source": self.source,
            "licence": self.licence,
        }
        if self.package:
            out["package"] = self.package
        return out | self.extra


# ---------------------------------------------------------------- text


def n_words(text: str) -> int:
    return len(text.split())


def normalized(text: str) -> str:
    return " ".join(text.lower().split())


def text_hash(text: str) -> str:
    return hashlib.sha1(normalized(text).encode()).hexdigest()


def split_for(package: str) -> str:
    """train/validation/test as 80/10/10 by a stable hash of the package, never by row."""
    bucket = int(hashlib.sha1(package.encode()).hexdigest(), 16) % 100
    return "train" if bucket < 80 else "validation" if bucket < 90 else "test"


def record_id(kind: str, source: str) -> str:
    return f"{kind}-{hashlib.sha1(source.encode()).hexdigest()[:16]}"


_RST_UNDERLINE = re.compile(r"^\s*([=\-~^*+#\"'`])\1{2,}\s*$")
# A sentence ends at . ! ? followed by a space and something that starts a sentence: "e.g. foo" stays whole.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`'\"(\[])")


def first_sentence(text: str) -> str:
    """The first sentence of the first paragraph that is not an rst title, rst roles written as plain `code`."""
    for para in re.split(r"\n\s*\n", text.strip()):
        lines = [x for x in para.strip().splitlines() if x.strip()]
        if not lines or any(_RST_UNDERLINE.match(x) for x in lines):
            continue
        flat = " ".join(" ".join(lines).split())
        flat = re.sub(r":[\w:.-]+:`~?", "`", flat).replace("``", "`")  # :class:`~a.B`, ``x`` -> `a.B`, `x`
        return _SENTENCE_END.split(flat, maxsplit=1)[0].strip()
    return ""


# Openings of docstrings that say nothing about what the code does, or are not prose at all.
_BOILERPLATE = re.compile(
    r"^(?:todo|fixme|xxx|hack|deprecated|internal|private|helper\b|see\b|same as\b|alias\b|overrid|"
    r"implementation of\b|implements\b|copyright|\(c\)|licen[sc]ed?\b|spdx|generated|auto-?generated|"
    r"do not (?:edit|use)|this file\b|inherit|@|:|>>>|\.\.|#|\$|-|\*|\||\{|<)",
    re.IGNORECASE,
)
# "S.lower() -> str", "foo(a, b) -> None": signatures, which old-style and C-level docstrings start with.
_SIGNATURE = re.compile(r"^[\w.]+\(.*\)\s*(?:->|-->|=)|^[\w.]+\([^)]*\)$")


def is_good_code_reference(ref: str) -> bool:
    words = n_words(ref)
    return (
        4 <= words <= MAX_REF_WORDS
        and not _BOILERPLATE.match(ref)
        and not _SIGNATURE.match(ref)
        and "{@inheritdoc" not in ref.lower()
        and ref[0].isalpha()
    )


_GENERIC_DESCRIPTIONS = {
    "unknown",
    "todo",
    "none",
    "n/a",
    "description",
    "package description",
    "project description",
    "a python package",
    "a python library",
    "python package",
    "python library",
    "my project",
    "test",
    "add a short description here",
    "a short description of the project",
    "an example package",
}


def is_good_description(desc: str, package: str) -> bool:
    plain = normalized(desc).rstrip(".!")
    name = normalized(package)
    return (
        n_words(desc) >= 3
        and plain not in _GENERIC_DESCRIPTIONS
        and plain not in (name, name.replace("-", " "))
        and "todo" not in plain.split()
        and not plain.startswith(("[", "<", "http://", "https://"))
        and n_words(desc) <= MAX_REF_WORDS
    )


def cap_paragraphs(text: str, limit: int = MAX_DOC_WORDS) -> str:
    """At most `limit` words, cut at a paragraph boundary (a line boundary if the first paragraph is longer)."""
    if n_words(text) <= limit:
        return text
    kept: list[str] = []
    total = 0
    for para in re.split(r"\n\s*\n", text):
        w = n_words(para)
        if total + w > limit:
            break
        kept.append(para)
        total += w
    if not kept:  # one very long paragraph: keep whole lines
        for line in text.splitlines():
            if total + n_words(line) > limit:
                break
            kept.append(line)
            total += n_words(line)
        out = "\n".join(kept)
    else:
        out = "\n\n".join(kept)
    # a cut inside a fenced block would leave the rest of the text looking like code
    if sum(1 for x in out.splitlines() if x.lstrip().startswith(("```", "~~~"))) % 2:
        out += "\n```"
    return out.rstrip()


# ---------------------------------------------------------------- documentation markup

_MD_IMAGE = re.compile(
    r"\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)"  # [![alt](img)](link): a linked badge
    r"|\[!\[[^\]]*\]\[[^\]]*\]\]\[[^\]]*\]"  # [![alt][img]][link]
    r"|\[!\[[^\]]*\]\([^)]*\)\]\[[^\]]*\]"  # [![alt](img)][link]
    r"|!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]"  # ![alt](img), ![alt][img]
)
_HTML_TAG = re.compile(r"</?[a-zA-Z][\w-]*(?:\s[^<>]*)?/?>")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")
_RST_IMAGE = re.compile(r"^\s*\.\.\s+(?:\|[^|]+\|\s+)?(?:image|figure|raw)::")
_RST_SUBSTITUTIONS = re.compile(r"^\s*(?:\|[\w\s.-]+\|[\s\\]*)+$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def strip_markup(text: str) -> str:
    """Documentation text without badges, images, HTML and link definitions; fenced code is left alone."""
    text = _HTML_COMMENT.sub("", text.replace("\r\n", "\n"))
    out: list[str] = []
    in_fence = False
    skipping_directive = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
            out.append(line)
            continue
        if in_fence:
            out.append(line)
            continue
        if skipping_directive:  # an rst image/raw directive's indented options and content
            if not line.strip() or line[:1].isspace():
                continue
            skipping_directive = False
        if _RST_IMAGE.match(line):
            skipping_directive = True
            continue
        if _LINK_DEFINITION.match(line) or _RST_SUBSTITUTIONS.match(line):
            continue
        cleaned = html.unescape(_HTML_TAG.sub("", _MD_IMAGE.sub("", line)))
        if line.strip() and not cleaned.strip():
            continue  # the line was only badges, images or tags
        out.append(cleaned.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def _plain_line(line: str) -> str:
    return normalized(re.sub(r"[#>*_`]", " ", line)).rstrip(".!: ")


def strip_description_line(doc: str, description: str) -> str:
    """Remove an opening line that repeats the description, so the reference is not copied from line one.

    Looks at the first three non-blank lines (the title, a tagline, the first sentence) and removes each one
    that contains the description verbatim, or is itself (3+ words) part of it (case, markdown emphasis and a
    final period ignored), with its rst underline; the document is kept."""
    target = _plain_line(description)
    lines = doc.split("\n")
    seen = 0
    i = 0
    while i < len(lines) and seen < 3:
        line = lines[i]
        if not line.strip() or _RST_UNDERLINE.match(line):
            i += 1
            continue
        seen += 1
        plain = _plain_line(line)
        if target and (target in plain or (n_words(plain) >= 3 and plain in target)):
            del lines[i]
            if i < len(lines) and _RST_UNDERLINE.match(lines[i]):
                del lines[i]
            continue
        i += 1
    return "\n".join(lines).strip()


def docs_document(raw: str, description: str) -> str | None:
    doc = strip_description_line(strip_markup(raw), description)
    if n_words(doc) < MIN_DOCS_WORDS:
        return None
    return cap_paragraphs(doc)


# ---------------------------------------------------------------- installed Python distributions


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


def docs_from_distributions(dists: Iterable[Distribution]) -> Iterator[Record]:
    for d in dists:
        summary = " ".join(str(d.metadata.get("Summary") or "").split())
        if not is_good_description(summary, d.name):
            continue
        doc = docs_document(long_description(d.metadata), summary)
        if doc is None:
            continue
        source = f"{d.package}/METADATA"
        licence = python_licence(d.metadata)
        yield Record(
            "docs", "pypi", d.package, record_id("docs", source), doc, summary, split_for(d.package), source, licence
        )


# ---------------------------------------------------------------- npm packages


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
        source = f"{p.package}/{readme.name}"
        licence = npm_licence(p.manifest)
        yield Record(
            "docs", "npm", p.package, record_id("docs", source), doc, desc, split_for(p.package), source, licence
        )


# ---------------------------------------------------------------- Python code

_TEST_DIRS = {"test", "tests", "__tests__", "testsuite", "idle_test", "__mocks__", "fixtures", "__fixtures__"}
_GENERATED = re.compile(r"generated by|auto-?generated|do not edit|automatically generated", re.IGNORECASE)


def is_test_or_generated(rel: str, text: str) -> bool:
    parts = rel.replace("\\", "/").split("/")
    name = parts[-1]
    return (
        any(p in _TEST_DIRS for p in parts[:-1])
        or name.startswith("test_")
        or name == "conftest.py"
        or re.search(r"[._-](?:test|tests|spec)\.[cm]?[jt]sx?$|_test\.py$|_pb2\.py$|\.min\.", name) is not None
        or _GENERATED.search(text[:800]) is not None
    )


def _line_slice(line: str, start: int | None = None, end: int | None = None) -> str:
    """ast columns count UTF-8 bytes."""
    return line.encode()[start:end].decode(errors="ignore")


def _docstring_node(body: list[ast.stmt]) -> ast.Expr | None:
    if body and isinstance(body[0], ast.Expr):
        value = body[0].value
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return body[0]
    return None


def _without_lines(lines: list[str], start: int, end: int, doc: ast.Expr) -> str | None:
    """lines[start:end] (0-based) minus the docstring's lines, or None when the docstring shares a line."""
    doc_end = doc.end_lineno or doc.lineno
    first, last = lines[doc.lineno - 1], lines[doc_end - 1]
    if _line_slice(first, end=doc.col_offset).strip() or _line_slice(last, doc.end_col_offset).strip(" \t\n;"):
        return None
    kept = lines[start : doc.lineno - 1]
    after = lines[doc_end:end]
    if after and not after[0].strip():
        after = after[1:]  # the blank line that followed the docstring
    return textwrap.dedent("".join(kept + after)).strip("\n")


def source_lines(text: str) -> list[str]:
    """Lines as ast numbers them (str.splitlines also splits at form feeds, which old modules contain)."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def _code_lines(code: str) -> int:
    return sum(1 for x in code.splitlines() if x.strip())


def usable_code(ref: str, code: str) -> bool:
    """Long enough, not too long, and not already saying the reference (a module docstring repeated by a
    class's, a docstring also used as an error message), which would make the pair a copy task."""
    return (
        _code_lines(code) >= MIN_CODE_LINES
        and n_words(code) <= MAX_DOC_WORDS
        and normalized(ref).rstrip(".") not in normalized(code)
    )


def _definitions(body: list[ast.stmt], prefix: str = "") -> Iterator[tuple[str, ast.AST]]:
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            qual = f"{prefix}{node.name}"
            yield qual, node
            yield from _definitions(node.body, qual + ".")


def python_functions(text: str, tree: ast.Module) -> Iterator[tuple[str, str, str]]:
    """(qualified name, reference, code without its docstring) for each documented function or class."""
    lines = source_lines(text)
    for qual, node in _definitions(tree.body):
        assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        name = node.name
        if name.startswith("__") and name.endswith("__"):
            continue  # dunder docstrings are generic ("Return repr(self).")
        doc = _docstring_node(node.body)
        if doc is None or len(node.body) < 2:
            continue  # a docstring-only body is a stub
        ref = first_sentence(ast.get_docstring(node) or "")
        if not is_good_code_reference(ref):
            continue
        start = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
        code = _without_lines(lines, start, node.end_lineno or node.lineno, doc)
        if code and usable_code(ref, code):
            yield qual, ref, code


def cap_code(code: str, limit: int = MAX_DOC_WORDS) -> str:
    """At most `limit` words of a module, cut before a top-level statement (a line boundary if there is none)."""
    if n_words(code) <= limit:
        return code
    lines = code.splitlines()
    total, best, last_fit = 0, 0, 0
    for i, line in enumerate(lines):
        if i and line[:1] not in ("", " ", "\t", ")", "]", "}") and not lines[i - 1].strip():
            if total <= limit:
                best = i  # a cut here keeps whole top-level statements
        total += n_words(line)
        if total <= limit:
            last_fit = i + 1
    return "\n".join(lines[: best or last_fit]).rstrip()


def python_module(text: str, tree: ast.Module) -> tuple[str, str] | None:
    """(reference, module source without its docstring) for a documented module that defines something."""
    doc = _docstring_node(tree.body)
    if doc is None or not any(isinstance(n, ast.FunctionDef | ast.ClassDef) for n in tree.body):
        return None
    ref = first_sentence(ast.get_docstring(tree) or "")
    if not is_good_code_reference(ref):
        return None
    lines = source_lines(text)
    code = _without_lines(lines, 0, len(lines), doc)
    if not code:
        return None
    code = cap_code(code)
    return (ref, code) if usable_code(ref, code) else None


def parse_python(text: str) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences in old code
            return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


@dataclass
class CodeSource:
    """A unit of code split as one package: a distribution, a stdlib top-level module or an npm package."""

    package: str
    licence: str
    files: list[tuple[Path, str]]  # (path, name shown in `source`)


def stdlib_sources(stdlib: Path) -> list[CodeSource]:
    """The stdlib's .py files grouped by top-level module (json, email, ...), each one split unit."""
    groups: dict[str, list[tuple[Path, str]]] = defaultdict(list)
    skip_top = {"test", "site-packages", "dist-packages", "lib2to3", "turtledemo", "__phello__"}
    for dirpath, dirnames, filenames in os.walk(stdlib):
        rel_dir = Path(dirpath).relative_to(stdlib)
        dirnames[:] = sorted(
            d for d in dirnames if not (rel_dir == Path(".") and (d in skip_top or d.startswith("config-")))
        )
        for f in sorted(filenames):
            if f.endswith(".py") and not f.startswith("_sysconfigdata"):
                rel = (rel_dir / f).as_posix()
                top = rel.split("/")[0].removesuffix(".py")
                groups[top].append((Path(dirpath) / f, rel))
    return [CodeSource(f"stdlib:{top}", "PSF-2.0", groups[top]) for top in sorted(groups)]


def distribution_sources(dists: Iterable[Distribution]) -> list[CodeSource]:
    return [
        CodeSource(d.package, python_licence(d.metadata), [(f, f.relative_to(d.root).as_posix()) for f in d.files])
        for d in dists
        if d.files
    ]


def _sample_files(src: CodeSource, seed: int) -> list[tuple[Path, str]]:
    """The files in a seeded order, so a package's first items come from across it, not from its 'a' files."""
    files = list(src.files)
    random.Random(f"{seed}:{src.package}").shuffle(files)
    return files


def code_from_python(sources: Iterable[CodeSource], per_package: int, seed: int) -> Iterator[Record]:
    """Up to `per_package` functions/classes (a few per file) and `per_package` modules per package."""
    per_file = max(1, per_package // 8)
    for src in sources:
        prefix = src.package.split(":")[0]
        n_fun = n_mod = 0
        for path, rel in _sample_files(src, seed):
            if n_fun >= per_package and n_mod >= per_package:
                break
            text = read_text(path)
            if text is None or is_test_or_generated(rel, text):
                continue
            tree = parse_python(text)
            if tree is None:
                continue
            base = f"{prefix}:{rel}" if prefix == "stdlib" else f"{src.package}/{rel}"
            if n_mod < per_package and (mod := python_module(text, tree)):
                n_mod += 1
                yield _code_record("python_module", src, base, mod[0], mod[1])
            if n_fun >= per_package:
                continue
            funcs = list(python_functions(text, tree))
            random.Random(f"{seed}:{base}").shuffle(funcs)
            for qual, ref, code in funcs[: min(per_file, per_package - n_fun)]:
                n_fun += 1
                yield _code_record("python_function", src, f"{base}::{qual}", ref, code)


def _code_record(origin: str, src: CodeSource, source: str, ref: str, code: str) -> Record:
    return Record(
        "code", origin, src.package, record_id("code", source), code, ref, split_for(src.package), source, src.licence
    )


# ---------------------------------------------------------------- JavaScript / TypeScript code

_JS_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx")
_JSDOC = re.compile(r"/\*\*(?!/)(.*?)\*/", re.DOTALL)
_JS_KEYWORDS = {"if", "for", "while", "switch", "catch", "return", "function", "with", "typeof", "new", "await"}
# What may follow a JSDoc for it to document a function, method or class.
_JS_DECL = re.compile(
    r"(?:export\s+(?:default\s+)?)?(?:declare\s+)?(?:abstract\s+)?(?:"
    r"(?:async\s+)?function\b\s*\*?\s*(?P<function>[\w$]*)\s*(?:<[^>{]*>)?\s*\("
    r"|class\s+(?P<class>[\w$]+)"
    r"|(?:const|let|var)\s+(?P<var>[\w$]+)\s*(?::[^=;]+)?=\s*(?:async\s+)?"
    r"(?:function\b|\([^)]*\)\s*(?::[^=;{]+)?=>|[\w$]+\s*=>)"
    r"|(?P<assign>[\w$]+(?:\.[\w$]+)+)\s*=\s*(?:async\s+)?function\b"
    r"|(?P<prop>[\w$]+)\s*:\s*(?:async\s+)?function\b"
    r"|(?:(?:public|private|protected|static|async|override|get|set)\s+)*\*?\s*"
    r"(?P<method>[\w$#]+)\s*(?:<[^>{]*>)?\s*\([^)]*\)\s*(?::\s*[^{;]+)?\{"
    r")"
)
_REGEX_PRECEDERS = set("(,=:[!&|?{};+-*%<>~^")


def _skip_literal(text: str, i: int, prev: str) -> int | None:
    """The end of a string, template, comment or regex literal starting at i; None if none starts there."""
    c, nxt = text[i], text[i + 1 : i + 2]
    if c in "'\"":
        j = i + 1
        while j < len(text) and text[j] not in (c, "\n"):
            j += 2 if text[j] == "\\" else 1
        return j + 1
    if c == "`":
        j = i + 1
        while j < len(text) and text[j] != "`":
            if text[j] == "\\":
                j += 2
            elif text.startswith("${", j):
                end = _match_brace(text, j + 1)
                if end is None:
                    return None
                j = end
            else:
                j += 1
        return j + 1
    if c == "/" and nxt == "/":
        j = text.find("\n", i)
        return len(text) if j < 0 else j
    if c == "/" and nxt == "*":
        j = text.find("*/", i + 2)
        return len(text) if j < 0 else j + 2
    if c == "/" and (prev == "" or prev in _REGEX_PRECEDERS):
        j, in_class = i + 1, False
        while j < len(text) and text[j] != "\n":
            ch = text[j]
            if ch == "\\":
                j += 1
            elif ch == "[":
                in_class = True
            elif ch == "]":
                in_class = False
            elif ch == "/" and not in_class:
                return j + 1
            j += 1
        return None  # not a regex after all: a division
    return None


def _match_brace(text: str, i: int, limit: int = 60_000) -> int | None:
    """text[i] is '{': the index after its matching '}', skipping strings, comments and regexes."""
    depth, prev, j, end = 0, "", i, min(len(text), i + limit)
    while j < end:
        c = text[j]
        skipped = _skip_literal(text, j, prev) if c in "'\"`/" else None
        if skipped is not None:
            j, prev = skipped, "a"
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return j + 1
        if not c.isspace():
            prev = c
        j += 1
    return None


def _js_body_end(text: str, start: int) -> int | None:
    """The end of the declaration starting at `start`: the '}' closing the first '{' outside parentheses."""
    paren, prev, j, end = 0, "", start, min(len(text), start + 4000)
    while j < end:
        c = text[j]
        skipped = _skip_literal(text, j, prev) if c in "'\"`/" else None
        if skipped is not None:
            j, prev = skipped, "a"
            continue
        if c in "([":
            paren += 1
        elif c in ")]":
            paren -= 1
        elif c == "{" and paren == 0:
            return _match_brace(text, j)
        elif c == ";" and paren == 0:
            return None  # a declaration without a body (overload, abstract, expression arrow)
        if not c.isspace():
            prev = c
        j += 1
    return None


def jsdoc_description(raw: str) -> str:
    """The JSDoc's free text: before the first @tag, with {@link X} written as X and HTML tags removed."""
    lines = [re.sub(r"^\s*\*? ?", "", line) for line in raw.splitlines()]
    desc: list[str] = []
    for line in lines:
        if line.lstrip().startswith("@"):
            break
        desc.append(line)
    text = "\n".join(desc)
    text = re.sub(r"\{@link(?:code|plain)?\s+([^}|\s]+)(?:[\s|]+([^}]*))?\}", lambda m: m.group(2) or m.group(1), text)
    return _HTML_TAG.sub("", text)


def js_functions(text: str) -> Iterator[tuple[str, str, str]]:
    """(name, reference, code without its JSDoc) for each function, method or class right after a JSDoc."""
    for m in _JSDOC.finditer(text):
        ref = first_sentence(jsdoc_description(m.group(1)))
        if not is_good_code_reference(ref):
            continue
        gap = re.compile(r"\s*").match(text, m.end())
        start = gap.end() if gap else m.end()
        decl = _JS_DECL.match(text, start)
        if decl is None:
            continue
        name = next((v for v in decl.groupdict().values() if v), "default")
        if name in _JS_KEYWORDS:
            continue
        end = _js_body_end(text, start)
        if end is None:
            continue
        indent = text[text.rfind("\n", 0, start) + 1 : start]
        code = textwrap.dedent((indent if not indent.strip() else "") + text[start:end])
        if usable_code(ref, code):
            yield name, ref, code


def _is_minified(text: str) -> bool:
    lines = text[:20_000].splitlines()[:50]
    return any(len(x) > 1000 for x in lines) or (bool(lines) and sum(map(len, lines)) / len(lines) > 200)


def npm_sources(packages: Iterable[NpmPackage]) -> list[CodeSource]:
    out = []
    for p in packages:
        files: list[tuple[Path, str]] = []
        for dirpath, dirnames, filenames in os.walk(p.path):
            # nested node_modules are packages of their own; tests, examples and dot-folders are not the package
            dirnames[:] = sorted(
                d
                for d in dirnames
                if d != "node_modules" and d not in _TEST_DIRS and d not in ("example", "examples", "umd")
                if not d.startswith(".")
            )
            for f in sorted(filenames):
                if f.endswith(_JS_SUFFIXES) and not f.endswith((".d.ts", ".d.mts", ".d.cts")):
                    path = Path(dirpath) / f
                    files.append((path, path.relative_to(p.path).as_posix()))
        if files:
            out.append(CodeSource(p.package, npm_licence(p.manifest), files))
    return out


def code_from_js(sources: Iterable[CodeSource], per_package: int, seed: int) -> Iterator[Record]:
    per_file = max(1, per_package // 8)
    for src in sources:
        n = 0
        for path, rel in _sample_files(src, seed):
            if n >= per_package:
                break
            text = read_text(path)
            if text is None or "/**" not in text or is_test_or_generated(rel, text) or _is_minified(text):
                continue
            funcs = list(js_functions(text))
            random.Random(f"{seed}:{src.package}/{rel}").shuffle(funcs)
            for name, ref, code in funcs[: min(per_file, per_package - n)]:
                n += 1
                yield _code_record("js_function", src, f"{src.package}/{rel}::{name}", ref, code)


# ---------------------------------------------------------------- shared sets


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


# ---------------------------------------------------------------- mixing and writing


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


# ---------------------------------------------------------------- defaults and CLI


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
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
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


if __name__ == "__main__":
    main()
