"""`python -m steer_train.compare`: the command line (see the package's docstring)."""

from __future__ import annotations

from .config import load_compare_config
from .orchestration import run


def main(argv: list[str] | None = None) -> dict:
    cc, opts = load_compare_config(argv)
    return run(cc, train=opts["train"], only=opts["only"])


if __name__ == "__main__":
    main()
