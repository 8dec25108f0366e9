"""The word rules shared with the engine's estimates: the golden cases in rules/word-cases.json, which the
engine's tests run too, so the estimates shown beside a summary measure it as the rewards do."""

import json

import pytest
from conftest import REPO

from steer_train.grounding import NUMBER_WORDS as GROUNDING_NUMBER_WORDS
from steer_train.grounding.terms import conversation_tags
from steer_train.reward_lexical import (
    concise_score,
    document_facts,
    keyword_recall,
    lexical_faithfulness,
    weakest_weighted,
)
from steer_train.rule_data import rule_lines
from steer_train.text_quality import (
    NUMBER_WORDS,
    content_stems,
    speaks_as_participant,
    split_sentences,
    stem,
    token_count,
    tokens,
)

CASES = json.loads((REPO / "rules" / "word-cases.json").read_text(encoding="utf-8"))
LEXICON = frozenset(rule_lines("lexicon.txt"))


def test_golden_tokens_counts_and_content_stems():
    for c in CASES["tokens"]:
        assert tokens(c["text"]) == c["tokens"], c["text"]
        assert token_count(c["text"]) == c["count"], c["text"]
        assert content_stems(c["text"]) == c["contentStems"], c["text"]


def test_golden_stems():
    for word, expected in CASES["stems"].items():
        assert stem(word) == expected, word


def test_golden_sentences():
    for c in CASES["sentences"]:
        assert split_sentences(c["text"]) == c["sentences"], c["text"]


@pytest.mark.parametrize("case", CASES["estimates"], ids=lambda c: c["summary"][:40])
def test_golden_estimates_are_the_rewards_lexical_values(case):
    doc = document_facts(case["document"])
    summary = case["summary"]
    assert concise_score(token_count(summary), token_count(case["document"])) == pytest.approx(
        case["concise"], abs=1e-9
    )
    per_sentence = lexical_faithfulness(doc, split_sentences(summary), LEXICON)
    assert weakest_weighted(per_sentence) == pytest.approx(case["faithful"], abs=1e-9)
    assert keyword_recall(doc, summary) == pytest.approx(case["complete"], abs=1e-9)


def test_golden_number_words():
    """One list, rules/number-words.txt: the rewards read an ordinal as its number; grounding restricts every number
    word but the common ones."""
    assert NUMBER_WORDS == CASES["numberWords"]["rewards"]
    assert GROUNDING_NUMBER_WORDS == CASES["numberWords"]["grounding"]
    assert NUMBER_WORDS["second"] == "2" and GROUNDING_NUMBER_WORDS["second"] == "2nd"
    assert "one" not in GROUNDING_NUMBER_WORDS


def test_golden_participant_voice():
    for c in CASES["participantVoice"]:
        tags = conversation_tags(c["document"])
        assert (bool(tags) and speaks_as_participant(c["sentence"], tags)) == c["voice"], c["sentence"]
