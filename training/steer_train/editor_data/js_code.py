"""The code kind from JavaScript and TypeScript: functions without their JSDoc -> its first sentence, from npm
packages (a small scanner that skips strings, comments and regular expressions to find a body's end)."""

from __future__ import annotations

import os
import random
import re
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path

from .docs_markup import HTML_TAG
from .packages import NpmPackage, npm_licence, read_text
from .python_code import TEST_DIRS, CodeSource, code_record, is_test_or_generated, sample_files, usable_code
from .records import Record, first_sentence, is_good_code_reference

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


def _code_chars(text: str, start: int, end: int):
    """(index, character) of JavaScript source from `start` to `end`, skipping strings, comments and regexes."""
    prev, j = "", start
    while j < end:
        c = text[j]
        skipped = _skip_literal(text, j, prev) if c in "'\"`/" else None
        if skipped is not None:
            j, prev = skipped, "a"
            continue
        yield j, c
        if not c.isspace():
            prev = c
        j += 1


def _match_brace(text: str, i: int, limit: int = 60_000) -> int | None:
    """text[i] is '{': the index after its matching '}', skipping strings, comments and regexes."""
    depth = 0
    for j, c in _code_chars(text, i, min(len(text), i + limit)):
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return j + 1
    return None


def _js_body_end(text: str, start: int) -> int | None:
    """The end of the declaration starting at `start`: the '}' closing the first '{' outside parentheses."""
    paren = 0
    for j, c in _code_chars(text, start, min(len(text), start + 4000)):
        if c in "([":
            paren += 1
        elif c in ")]":
            paren -= 1
        elif c == "{" and paren == 0:
            return _match_brace(text, j)
        elif c == ";" and paren == 0:
            return None  # a declaration without a body (overload, abstract, expression arrow)
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
    return HTML_TAG.sub("", text)


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
                if d != "node_modules" and d not in TEST_DIRS and d not in ("example", "examples", "umd")
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
        for path, rel in sample_files(src, seed):
            if n >= per_package:
                break
            text = read_text(path)
            if text is None or "/**" not in text or is_test_or_generated(rel, text) or _is_minified(text):
                continue
            funcs = list(js_functions(text))
            random.Random(f"{seed}:{src.package}/{rel}").shuffle(funcs)
            for name, ref, code in funcs[: min(per_file, per_package - n)]:
                n += 1
                yield code_record("js_function", src, f"{src.package}/{rel}::{name}", ref, code)
