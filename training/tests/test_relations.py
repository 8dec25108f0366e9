"""The relation check: golden cases shared with the engine (rules/relation-cases.json), and the rewards it feeds."""

import json
from pathlib import Path

import pytest

from steer_train.grounding.relations import DocumentPlaces, misrelated

CASES = json.loads((Path(__file__).resolve().parents[2] / "rules" / "relation-cases.json").read_text())


@pytest.mark.parametrize("case", CASES["misrelated"], ids=lambda c: c["summary"][:40])
def test_golden_cases(case):
    assert misrelated(case["summary"], DocumentPlaces.of(case["document"])) == case["misrelated"]


def test_a_name_absent_from_the_document_is_left_to_the_terms_rule():
    assert misrelated("Gordon Brown praises the farm.", "The farm opened on Monday.") == []
