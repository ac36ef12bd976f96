"""The `statuspress` command: thin wrappers that call the library and turn errors into exit codes.

Exit codes: 0 success, 1 content errors (every problem listed as `path:line: message`),
2 usage errors (bad options, another build running).
"""

from __future__ import annotations

import click

from .importer import import_group
from .metrics import metrics_command
from .responder import new_group, postmortem_command, resolve_command, update_command
from .serve import serve_command
from .site import build_command, validate_command


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="statuspress")
def main() -> None:
    """Statuspress: a status page and incident knowledge base from plain files in git."""


main.add_command(validate_command)
main.add_command(build_command)
main.add_command(metrics_command)
main.add_command(new_group)
main.add_command(update_command)
main.add_command(resolve_command)
main.add_command(postmortem_command)
main.add_command(import_group)
main.add_command(serve_command)
