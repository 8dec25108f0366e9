"""Grounded decoding (the twin of the engine's): the shared golden cases and the processor on crafted logits."""

import json

import torch
from conftest import REPO

from steer_train.grounding import Continuation, DocumentTerms, GroundedDecoder, unsupported_terms
from steer_train.text_quality import degeneracy

CASES = json.loads((REPO / "rules" / "grounding-cases.json").read_text())


def test_golden_unsupported_terms():
    for c in CASES["unsupported"]:
        assert unsupported_terms(c["summary"], DocumentTerms(c["document"])) == c["unsupported"], c["summary"]


def test_golden_looping():
    for c in CASES["looping"]:
        assert (degeneracy(c["text"]) == "looping") == c["looping"], c["text"]


def test_golden_continuations():
    for c in CASES["continuation"]:
        cont = Continuation(DocumentTerms(c["document"]))
        assert cont.check(cont.prepare(c["text"]), c["piece"], c["end"]) == c["refusal"], (c["text"], c["piece"])


VOCAB = ["", "The", " board", " met", " on", " July", " 27", " Google", " last", " year", ".", "```", "\n"]


class ToyPieces:
    def piece(self, tid):
        return VOCAB[tid]

    def text(self, ids):
        return "".join(VOCAB[i] for i in ids)

    def encode(self, text):
        return [VOCAB.index(text)] if text in VOCAB else []


def step(document, generated, scores, keep=1):
    logits = torch.full((len(VOCAB),), -5.0)
    for p, v in scores.items():
        logits[VOCAB.index(p)] = v
    GroundedDecoder(Continuation(DocumentTerms(document)), ToyPieces(), [0], keep).process(logits, generated)
    return logits


def ids(*pieces):
    return [VOCAB.index(p) for p in pieces]


def test_never_picks_an_unsupported_number_or_name():
    doc = "The board met in July last year."
    logits = step(doc, ids("The", " board", " met", " on", " July"), {" 27": 9, ".": 2, " last": 1})
    assert VOCAB[int(logits.argmax())] == "."
    gen = ids("The", " board", " met")
    assert VOCAB[int(step(doc, gen, {" Google": 9, " last": 3}).argmax())] == " last"
    assert VOCAB[int(step("Google: the board met.", gen, {" Google": 9, " last": 3}).argmax())] == " Google"


def test_refuses_markup_and_keeps_the_best_allowed_when_sampling():
    assert VOCAB[int(step("The board met.", [], {"```": 9, "\n": 7, "The": 1}).argmax())] == "The"
    logits = step("The board met last year.", ids("The", " board"), {" 27": 9, " met": 8, " last": 7, " year": 6}, 2)
    assert [VOCAB[i] for i in torch.isfinite(logits).nonzero()[:, 0].tolist()] == [" met", " last"]


def test_a_number_its_word_binds_otherwise_ends_the_row_unless_a_bound_number_is_next():
    """As the engine: "will cost 15" where the document says "will cost 38" is refused; 38 may follow instead,
    but a word instead of a number ends the row (what the model would write there is seldom prose)."""
    vocab = ["", "The", " farm", " will", " cost", " 15", " 38", " ers", " million", "."]

    class Pieces:
        piece = staticmethod(lambda tid: vocab[tid])
        text = staticmethod(lambda ids: "".join(vocab[i] for i in ids))
        encode = staticmethod(lambda text: [vocab.index(text)] if text in vocab else [])

    doc = DocumentTerms("The farm will cost 38 million euros, of which 15 million comes from a fund.")
    generated = [vocab.index(p) for p in ("The", " farm", " will", " cost")]

    def best(scores):
        logits = torch.full((len(vocab),), float("-inf"))
        for p, v in scores.items():
            logits[vocab.index(p)] = v
        GroundedDecoder(Continuation(doc), Pieces(), [0], 1).process(logits, generated)
        return vocab[int(logits.argmax())]

    assert best({" 15": 9, " 38": 5, " ers": 4}) == " 38"
    assert best({" 15": 9, " ers": 5, " 38": 4}) == ""  # end of sequence


def test_sampling_draws_only_allowed_tokens_in_proportion_to_the_model():
    """The rollouts' shortcut (GroundedDecoder.draw): a refused candidate is never drawn however likely, and the
    allowed ones come in proportion to their probabilities."""
    import numpy as np

    doc = "The board met in July last year."
    dec = GroundedDecoder(Continuation(DocumentTerms(doc)), ToyPieces(), [0], 40)
    gen = ids("The", " board", " met")
    cands = ids(" Google", " last", " on")
    probs = np.array([0.8, 0.15, 0.05])
    rng = np.random.default_rng(0)
    drawn = [dec.draw(cands, probs, gen, rng) for _ in range(400)]
    assert VOCAB.index(" Google") not in drawn
    share_last = drawn.count(VOCAB.index(" last")) / len(drawn)
    assert 0.65 < share_last < 0.85  # 0.15 / (0.15 + 0.05) = 0.75
    assert dec.draw(ids(" Google", "```"), np.array([0.9, 0.1]), gen, rng) is None  # nothing allowed: full path
