"""`python -m generator` runs the `statuspress` command."""

from .cli.process import run

run()
