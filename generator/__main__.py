"""`python -m generator` runs the `statuspress` command."""

from .cli import main

main()
