"""``python -m steer_train.eval_kinds``: scores the engine's summaries per kind (see the package's docstring)."""

from .cli import main

main()
