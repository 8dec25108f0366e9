"""Documentation as a document to summarize: a README or long description without its markup, capped in length and
without the line that states its own summary."""

from __future__ import annotations

import html
import re

from .records import MIN_DOCS_WORDS, RST_UNDERLINE, cap_paragraphs, n_words, normalized

_MD_IMAGE = re.compile(
    r"\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)"  # [![alt](img)](link): a linked badge
    r"|\[!\[[^\]]*\]\[[^\]]*\]\]\[[^\]]*\]"  # [![alt][img]][link]
    r"|\[!\[[^\]]*\]\([^)]*\)\]\[[^\]]*\]"  # [![alt](img)][link]
    r"|!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]"  # ![alt](img), ![alt][img]
)
HTML_TAG = re.compile(r"</?[a-zA-Z][\w-]*(?:\s[^<>]*)?/?>")
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
        cleaned = html.unescape(HTML_TAG.sub("", _MD_IMAGE.sub("", line)))
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
        if not line.strip() or RST_UNDERLINE.match(line):
            i += 1
            continue
        seen += 1
        plain = _plain_line(line)
        if target and (target in plain or (n_words(plain) >= 3 and plain in target)):
            del lines[i]
            if i < len(lines) and RST_UNDERLINE.match(lines[i]):
                del lines[i]
            continue
        i += 1
    return "\n".join(lines).strip()


def docs_document(raw: str, description: str) -> str | None:
    doc = strip_description_line(strip_markup(raw), description)
    if n_words(doc) < MIN_DOCS_WORDS:
        return None
    return cap_paragraphs(doc)
