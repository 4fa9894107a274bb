"""``python -m pipeline`` is the ``newsflow`` command."""

from pipeline.cli import main

main()
