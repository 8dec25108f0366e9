"""The record every kind is written as, where the data comes from and goes, and the text rules the kinds share:
word counts, the split of a package, first sentences and what makes a good reference."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
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


RST_UNDERLINE = re.compile(r"^\s*([=\-~^*+#\"'`])\1{2,}\s*$")
# A sentence ends at . ! ? followed by a space and something that starts a sentence: "e.g. foo" stays whole.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`'\"(\[])")


def first_sentence(text: str) -> str:
    """The first sentence of the first paragraph that is not an rst title, rst roles written as plain `code`."""
    for para in re.split(r"\n\s*\n", text.strip()):
        lines = [x for x in para.strip().splitlines() if x.strip()]
        if not lines or any(RST_UNDERLINE.match(x) for x in lines):
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
