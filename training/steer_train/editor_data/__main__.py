"""``python -m steer_train.editor_data``: builds the set (see the package's docstring)."""

from .cli import main

main()
