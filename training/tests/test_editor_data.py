"""steer_train.editor_data on a tiny synthetic site-packages, stdlib, node_modules and shared data (fast)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from steer_train.editor_data import (
    SPLITS,
    Sources,
    build,
    cap_paragraphs,
    first_sentence,
    js_functions,
    split_for,
    strip_markup,
    usable_code,
)

PY_NAMES = [f"pkg{i}" for i in range(12)]  # enough packages that the hash puts some in every split
NPM_NAMES = ["left-pad-x", "@scope/util-y", "nested-z"]
FILLER = " ".join(f"word{i}" for i in range(90))


def module_source(name: str) -> str:
    return textwrap.dedent(f'''\
        """Tools that fold {name} widgets into tidy stacks. More text follows here.

        A longer description of the module.
        """

        import os


        def add_{name}(a, b):
            """Add two {name} numbers and return the total. Second sentence here.

            Args:
                a: first.
            """
            total = a + b
            if total > 10:
                total -= 1
            return total


        class Stack_{name}:
            """Keep {name} widgets in the order they arrived.

            Long description.
            """

            def __init__(self):
                self.items = []
                self.size = 0
                self.name = "{name}"
                self.path = os.getcwd()

            def tiny(self):
                """Too short to be a useful input."""
                return 1
        ''')


def make_site(root: Path) -> Path:
    site = root / "site-packages"
    for name in PY_NAMES:
        (site / name).mkdir(parents=True)
        (site / name / "__init__.py").write_text(module_source(name))
        (site / name / "tests").mkdir()
        (site / name / "tests" / "test_it.py").write_text('def test_x():\n    """Test that the thing works."""\n')
        info = site / f"{name}-1.0.dist-info"
        info.mkdir()
        (info / "RECORD").write_text(f"{name}/__init__.py,,\n{name}/tests/test_it.py,,\n{info.name}/METADATA,,\n")
        readme = (
            f"# {name}\n\n[![build](https://ci/badge.svg)](https://ci)\n<img src='logo.png'>\n\n"
            f"A small library that folds {name} widgets.\n\n{name} documentation: {FILLER}\n"
        )
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n"
            f"Summary: A small library that folds {name} widgets\nLicense: MIT\n\n{readme}"
        )
    short = site / "shorty-1.0.dist-info"  # a README under 80 words: no docs record
    short.mkdir()
    (short / "METADATA").write_text("Metadata-Version: 2.1\nName: shorty\nSummary: Does short things well\n\nTiny.\n")
    return site


def make_stdlib(root: Path) -> Path:
    std = root / "stdlib"
    (std / "json").mkdir(parents=True)
    (std / "json" / "decoder.py").write_text(module_source("json"))
    (std / "test").mkdir()
    (std / "test" / "test_json.py").write_text(module_source("testjson"))
    return std


JS_SOURCE = """\
/**
 * Pads the {n} string on the left to a given width. Pads with spaces.
 * @param {{string}} s the string
 * @returns {{string}}
 */
function leftPad_{n}(s, width) {{
  const re = /[{{]/g;
  let out = s.replace(re, "{{");
  while (out.length < width) {{
    out = " " + out;
  }}
  return out;
}}

/** Too short, but documented well enough. */
const tiny = () => 1;
"""


def make_node_modules(root: Path) -> Path:
    nm = root / "node_modules"
    dirs = {
        "left-pad-x": nm / "left-pad-x",
        "@scope/util-y": nm / "@scope" / "util-y",
        "nested-z": nm / "left-pad-x" / "node_modules" / "nested-z",
    }
    for name, d in dirs.items():
        d.mkdir(parents=True)
        n = name.split("/")[-1].replace("-", "_")
        manifest = {"name": name, "description": f"Pad {n} strings nicely", "license": "MIT"}
        (d / "package.json").write_text(json.dumps(manifest))
        (d / "README.md").write_text(f"# {name}\n\n> Pad {n} strings nicely\n\n![logo](logo.png)\n\n{n}: {FILLER}\n")
        (d / "index.js").write_text(JS_SOURCE.format(n=n))
        (d / "index.min.js").write_text(JS_SOURCE.format(n=n + "_min"))
        (d / "test").mkdir()
        (d / "test" / "index.js").write_text(JS_SOURCE.format(n=n + "_test"))
    return nm


def make_shared(root: Path) -> Path:
    shared = root / "shared"
    rows = {
        "qmsum": [
            {"id": "q1", "document": "meeting " * 30, "summary": "a meeting", "split": "train", "type": "generic"},
            {"id": "q2", "document": "specific " * 30, "summary": "an answer", "split": "test", "query": "Why?"},
        ],
        "dialogsum": [
            {"id": f"d{i}", "document": f"#Person1#: hello {i} " * 5, "summary": f"greeting {i}", "split": s}
            for i, s in enumerate(["train", "train", "train", "validation", "test"])
        ],
    }
    for name, rs in rows.items():
        (shared / name).mkdir(parents=True)
        (shared / name / "data.jsonl").write_text("".join(json.dumps(r | {"source": "x"}) + "\n" for r in rs))
    return shared


def read(out: Path, kind: str) -> list[dict]:
    return [json.loads(x) for x in (out / kind / "data.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict, Sources]:
    root = tmp_path_factory.mktemp("editor")
    sources = Sources([make_site(root)], [make_node_modules(root)], make_stdlib(root), make_shared(root))
    manifest = build(root / "out", sources, limit_train=1000, limit_eval=1000, per_package=16)
    return root / "out", manifest, sources


def test_records_have_the_shared_format_and_a_kind(built):
    out, manifest, _ = built
    assert set(manifest["kinds"]) == {"docs", "code", "long", "dialogue"}
    for kind in manifest["kinds"]:
        records = read(out, kind)
        assert len(records) == sum(manifest["kinds"][kind]["counts"].values()) > 0
        for r in records:
            assert r["kind"] == kind and r["split"] in SPLITS
            assert r["document"].strip() and r["summary"].strip() and r["id"] and r["source"] and r["licence"]
    assert len({r["id"] for r in read(out, "code")}) == len(read(out, "code"))


def test_code_inputs_lose_their_docstring_and_keep_its_first_sentence(built):
    out, _, _ = built
    code = {r["source"]: r for r in read(out, "code")}
    fn = code["pypi:pkg3/pkg3/__init__.py::add_pkg3"]
    assert fn["summary"] == "Add two pkg3 numbers and return the total."
    assert fn["document"].startswith("def add_pkg3(a, b):\n    total = a + b")
    assert '"""' not in fn["document"] and "Second sentence" not in fn["document"]
    cls = code["pypi:pkg3/pkg3/__init__.py::Stack_pkg3"]
    assert cls["summary"] == "Keep pkg3 widgets in the order they arrived."
    assert "Long description" not in cls["document"] and "def __init__" in cls["document"]
    module = code["pypi:pkg3/pkg3/__init__.py"]
    assert module["summary"] == "Tools that fold pkg3 widgets into tidy stacks."
    assert module["document"].startswith("import os") and "A longer description" not in module["document"]
    std = code["stdlib:json/decoder.py::add_json"]
    assert std["package"] == "stdlib:json" and std["licence"] == "PSF-2.0"
    js = code["npm:left-pad-x/index.js::leftPad_left_pad_x"]
    assert js["summary"] == "Pads the left_pad_x string on the left to a given width."
    assert js["document"].startswith("function leftPad_left_pad_x(s, width) {") and js["document"].endswith("}")
    assert "/**" not in js["document"] and "@param" not in js["document"]
    names = {s.partition("::")[2] for s in code}
    assert not any(n.endswith(("tiny", "__init__")) for n in names)  # short functions and dunders
    sources = " ".join(code)
    assert "test" not in sources and ".min." not in sources  # tests and minified files
    assert "nested-z" in sources and "@scope/util-y" in sources  # nested and scoped packages


def test_docs_pair_a_cleaned_readme_with_the_description(built):
    out, _, _ = built
    docs = {r["package"]: r for r in read(out, "docs")}
    assert "pypi:shorty" not in docs
    pkg = docs["pypi:pkg5"]
    assert pkg["summary"] == "A small library that folds pkg5 widgets" and pkg["licence"] == "MIT"
    assert pkg["source"] == "pypi:pkg5/METADATA"
    assert "badge" not in pkg["document"] and "<img" not in pkg["document"]
    assert "A small library that folds" not in pkg["document"]  # the line repeating the description
    npm = docs["npm:@scope/util-y"]
    assert npm["summary"] == "Pad util_y strings nicely" and "logo" not in npm["document"]
    assert "Pad util_y strings nicely" not in npm["document"]


def test_splits_are_by_package(built):
    out, _, _ = built
    splits: dict[str, set[str]] = {}
    for kind in ("docs", "code"):
        for r in read(out, kind):
            splits.setdefault(r["package"], set()).add(r["split"])
            assert r["split"] == split_for(r["package"])
    assert all(len(s) == 1 for s in splits.values())
    assert {s for v in splits.values() for s in v} == set(SPLITS)


def test_shared_sets_keep_their_splits_and_qmsum_only_generic_queries(built):
    out, _, _ = built
    assert [r["id"] for r in read(out, "long")] == ["q1"]
    dialogue = read(out, "dialogue")
    assert sorted((r["id"], r["split"]) for r in dialogue) == [
        ("d0", "train"),
        ("d1", "train"),
        ("d2", "train"),
        ("d3", "validation"),
        ("d4", "test"),
    ]


def test_limits_and_determinism(built, tmp_path):
    out, _, sources = built
    manifest = build(tmp_path, sources, limit_train=3, limit_eval=1, per_package=10)
    for info in manifest["kinds"].values():
        assert info["counts"]["train"] <= 3 and info["counts"]["validation"] <= 1 and info["counts"]["test"] <= 1
    again = build(tmp_path / "again", sources, limit_train=3, limit_eval=1, per_package=10)
    assert again["kinds"] == manifest["kinds"]
    for kind in manifest["kinds"]:
        assert (tmp_path / kind / "data.jsonl").read_text() == (tmp_path / "again" / kind / "data.jsonl").read_text()


def test_text_helpers():
    assert first_sentence("Title\n=====\n\nReturn the sum, e.g. of two. Then more.") == "Return the sum, e.g. of two."
    text = "\n\n".join(["one two three"] * 10)
    assert cap_paragraphs(text, limit=7) == "one two three\n\none two three"
    assert strip_markup("[![ci](b.svg)](x)\n<p align='center'>Hi &amp; bye</p>\n```\n<b>kept</b>\n```") == (
        "Hi & bye\n```\n<b>kept</b>\n```"
    )
    js = "/** Sums the numbers in a list. */\nexport const sum = (xs) => {\n  let t = 0;\n  // }\n  const s = '}';\n"
    js += "  for (const x of xs) t += x;\n  return t;\n};\n"
    body = "def f(x):\n    y = x\n    y += 1\n    y *= 2\n    return y\n"
    assert usable_code("Double the successor of x.", body)
    assert not usable_code("Double the successor of x.", body + "# double the successor of x\n")  # a copy task
    [(name, ref, code)] = list(js_functions(js))
    assert name == "sum" and ref == "Sums the numbers in a list." and code.endswith("return t;\n}")
