"""The manifest's schema, rules/manifest.schema.json: what export writes and the committed models' manifests
follow it, and it accepts and forbids the variants in rules/manifest-cases.json (the engine's parser gives
the same verdicts in test/engine/manifest-schema.test.ts)."""

import copy
import json

import jsonschema
import pytest
from conftest import REPO

from steer_train.config import RunConfig
from steer_train.export import write_manifest
from steer_train.model import CLPConfig
from steer_train.pack import BASE
from steer_train.runtime import build_model

SCHEMA = json.loads((REPO / "rules" / "manifest.schema.json").read_text(encoding="utf-8"))
CASES = json.loads((REPO / "rules" / "manifest-cases.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=None)


def problems(manifest: object) -> list[str]:
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(manifest)]


def with_changes(manifest: dict, changes: dict) -> dict:
    """``manifest`` with each dotted field path set to its value ("$delete": removed)."""
    out = copy.deepcopy(manifest)
    for path, value in changes.items():
        *parents, last = path.split(".")
        node = out
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        key = int(last) if isinstance(node, list) else last
        if value == "$delete":
            del node[key]
        else:
            node[key] = value
    return out


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", sorted(REPO.glob("models/*/manifest.json")), ids=lambda p: p.parent.name)
def test_committed_manifests_follow_the_schema(path):
    assert problems(json.loads(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("prompt_conditioning", [False, True])
def test_what_export_writes_follows_the_schema(tmp_path, prompt_conditioning):
    cfg = RunConfig(tiny=True, bf16=False, seed=0, clp=CLPConfig(rank=4, prompt_conditioning=prompt_conditioning))
    model, tok, _ = build_model(cfg)
    manifest = write_manifest(tmp_path, model, tok, "schema-test", BASE, {"hypervolume": 0.5})
    assert problems(manifest) == []
    assert json.loads((tmp_path / "manifest.json").read_text()) == manifest
    assert (manifest["prompt"]["weightsFormat"] is not None) == prompt_conditioning


BASE_MANIFEST = json.loads((REPO / CASES["manifest"]).read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["valid"], ids=lambda c: c["why"])
def test_the_schema_accepts(case):
    assert problems(with_changes(BASE_MANIFEST, case["changes"])) == []


@pytest.mark.parametrize("case", CASES["invalid"], ids=lambda c: c["why"])
def test_the_schema_forbids(case):
    assert problems(with_changes(BASE_MANIFEST, case["changes"])) != []
