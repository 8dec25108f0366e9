"""Grounded decoding, the Python twin of ``src/engine/grounding/`` and ``generation/grounded-decoding.ts``.

A summary never states a name, number or identifier that the document lacks, is one paragraph of prose (no
code fence, heading, list marker, table, brackets or line break) and never writes a word twice in a row
(unless the document does).
RL rollouts and evaluation decode under these rules, exactly as the engine serves, so the policy learns under
the rule it is used with. Both languages run the golden cases in ``rules/grounding-cases.json``.

- :class:`DocumentTerms`: the document's restricted terms; ``allows`` / ``allows_prefix`` for finished and
  partial terms; :func:`unsupported_terms` lists what a summary states without support (the evaluation's count).
- :class:`Continuation`: whether a piece of text may follow the summary so far (``None`` or a refusal reason).
- :class:`GroundedDecoder`: the logits processor over token pieces for one row.
"""

from .continuation import Continuation
from .decoder import GroundedDecoder, PieceTable, grounded_decoder
from .terms import NUMBER_WORDS, DocumentTerms, Lexicon, default_lexicon, default_vocabulary, unsupported_terms

__all__ = [
    "NUMBER_WORDS",
    "Continuation",
    "DocumentTerms",
    "GroundedDecoder",
    "Lexicon",
    "PieceTable",
    "default_lexicon",
    "default_vocabulary",
    "grounded_decoder",
    "unsupported_terms",
]
