"""The `statuspress` command: thin wrappers that call the library and turn errors into exit codes.

Exit codes: 0 success, 1 content errors (every problem listed as `path:line: message`),
2 usage errors (bad options, another build running).
"""

from __future__ import annotations

import importlib

import click

#: Each command and where it is defined, imported only when it runs (or help lists it): the
#: importers, the server and the metrics pull in libraries that cost a responder a third of a
#: second of start-up during an outage.
COMMANDS = {
    "validate": "site:validate_command",
    "build": "site:build_command",
    "metrics": "metrics:metrics_command",
    "new": "responder:new_group",
    "update": "responder:update_command",
    "resolve": "responder:resolve_command",
    "reopen": "responder:reopen_command",
    "postmortem": "responder:postmortem_command",
    "import": "importer:import_group",
    "serve": "serve:serve_command",
    "notify": "notify:notify_command",
    "init": "init:init_command",
}


class LazyGroup(click.Group):
    """A group whose commands are imported from `COMMANDS` when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, _, name = COMMANDS[cmd_name].partition(":")
            command = getattr(importlib.import_module(f"{__name__}.{module}"), name)
            assert isinstance(command, click.Command)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="statuspress")
def main() -> None:
    """Statuspress: a status page and incident knowledge base from plain files in git."""
