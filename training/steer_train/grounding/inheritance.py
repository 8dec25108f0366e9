"""What a summary says a class inherits, checked against the class's declaration.

Of source code the model writes "Class SigmaY inherits SigmaZ class." (both are declared
``class SigmaY(SigmaOpBase)`` and ``class SigmaZ(SigmaOpBase)``) and "Class AsyncAcquireSoftReadWriteReturnProxy
extends AsyncAcquireSoftReadWriteReturnProxy.": every word is the document's, and no test of proximity sees that
the relation is false. A declaration says it: the names in its header (Python's parentheses, ``extends`` and
``implements``, C#'s and C++'s colon, Ruby's ``<``) are what a class can inherit.

- A class said to inherit itself is wrong whatever the document.
- A class the document declares, said to inherit a class the document knows (declared, or named in a header)
  that its own header does not name, is wrong.

Anything else (a class the document does not declare, a base it never names) is left be.
Twin of ``src/engine/grounding/inheritance.ts``; both run the golden cases in ``rules/relation-cases.json``.
"""

from __future__ import annotations

import re

_DECLARATION = re.compile(r"\b(?:class|struct|interface|trait)\s+([A-Za-z_$][A-Za-z0-9_$]*)")
_HEADER_WORDS = frozenset(
    "extends implements public private protected virtual internal sealed abstract final where with metaclass".split()
)
_MAX_HEADER = 300
_CLAIM = re.compile(
    r"([A-Za-z_$][A-Za-z0-9_$.]*)\s+(?:class\s+)?(?:inherits(?:\s+from)?|extends|subclasses|derives\s+from|"
    r"is\s+an?\s+(?:subclass|child\s+class)\s+of)\s+(?:the\s+|an?\s+)?(?:(?:base\s+|parent\s+)?class\s+)?"
    r"([A-Za-z_$][A-Za-z0-9_$.]*)"
)
_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_LINE_END_COLON = re.compile(r"[ \t]*(?:#[^\n]*)?(?:\n|$)")
_IDENTIFIER_LOOK = re.compile(r"^[A-Z].*[A-Z_0-9]|_")

ClassHeaders = dict[str, set[str]]


def _header_after(text: str, start: int) -> str:
    """The header after a declared name: up to ``{`` or ``;``, a colon that ends its line (Python), or the line's
    end outside brackets; at most ``_MAX_HEADER`` characters."""
    end = min(len(text), start + _MAX_HEADER)
    depth = 0
    for i in range(start, end):
        c = text[i]
        if c in "(<[":
            depth += 1
        elif c in ")>]":
            depth = max(0, depth - 1)
        elif c in "{;":
            return text[start:i]
        elif c == ":" and depth == 0 and _LINE_END_COLON.match(text[i + 1 : i + 121]):
            return text[start:i]
        elif c == "\n" and depth == 0:
            return text[start:i]
    return text[start:end]


def class_headers(document: str) -> ClassHeaders:
    """Each class a document declares, with the names its declarations' headers give (bases, interfaces)."""
    out: ClassHeaders = {}
    for m in _DECLARATION.finditer(document):
        header = _header_after(document, m.end())
        out.setdefault(m.group(1), set()).update(n for n in _NAME.findall(header) if n not in _HEADER_WORDS)
    return out


def _last_part(name: str) -> str:
    """A dotted name's last part, without a sentence's full stop: "module.Base." -> "Base"."""
    return name.rstrip(".").split(".")[-1]


def misstated_inheritance(sentence: str, classes: ClassHeaders) -> str | None:
    """The first inheritance ``sentence`` states that the declarations contradict, as "A inherits B", or None."""

    def known(name: str) -> bool:
        return name in classes or any(name in header for header in classes.values())

    for m in _CLAIM.finditer(sentence):
        a, b = _last_part(m.group(1)), _last_part(m.group(2))
        if not a or not b:
            continue
        # a class of its own: a capital or an underscore past the first letter says it is an identifier
        if a == b and (a in classes or _IDENTIFIER_LOOK.search(a)):
            return f"{a} inherits {b}"
        header = classes.get(a)
        if header is not None and a != b and known(b) and b not in header:
            return f"{a} inherits {b}"
    return None
