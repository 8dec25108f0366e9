"""``python -m steer_train.compare``: runs the comparison (see the package's docstring)."""

from .cli import main

main()
