"""`statuspress init`: scaffold a new status-page repository."""

from __future__ import annotations

import re
from pathlib import Path

import click

from ..init import HOSTS, Host, InitOptions, InitRefused, Requirement, scaffold
from ..init.files import version
from ..init.requirement import given, installed
from .common import now_option, parse_now

#: Where the page is until `--url` (or site.yaml) says otherwise.
PLACEHOLDER_URL = "https://status.example.com/"

def base_url(value: str | None) -> str:
    """An absolute http(s) URL ending in `/`."""
    if value is None:
        return PLACEHOLDER_URL
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
        raise click.BadParameter(f"expected an absolute http(s) URL such as {PLACEHOLDER_URL}; got {value!r}")
    return value if value.endswith("/") else value + "/"


def page_name(value: str | None, folder: Path) -> str:
    name = value if value is not None else (folder.resolve().name or "Status")
    if not name.strip() or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise click.BadParameter("expected a name on one line, without control characters")
    return name.strip()


def requirement(spec: str | None) -> Requirement:
    """--requirement, checked, else the line worked out from how this Statuspress was installed."""
    if spec is None:
        return installed()
    try:
        return given(spec, version())
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--requirement'") from None


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path), default=Path("."), required=False)
@click.option("--name", default=None, help="The page's name (default: the folder's name).")
@click.option("--url", "url", default=None, metavar="BASE_URL",
              help=f"Where the public page will be published (default {PLACEHOLDER_URL}).")
@click.option("--host", type=click.Choice([h.value for h in HOSTS]), default=Host.GITHUB_PAGES.value,
              show_default=True, help="Where it will be published: which CI or settings files to write.")
@click.option("--requirement", "spec", default=None, metavar="SPEC",
              help="The requirements.txt line CI installs Statuspress with, e.g. "
                   "'statuspress @ git+https://github.com/acme/statuspress@v0.1.0' "
                   "(default: from how this Statuspress was installed).")
@now_option
def init_command(folder: Path, name: str | None, url: str | None, host: str, spec: str | None,
                 now: str | None) -> None:
    """Scaffold a new status-page repository in FOLDER (default: here), new or empty."""
    chosen = Host(host)
    options = InitOptions(folder, page_name(name, folder), base_url(url), chosen, parse_now(now), requirement(spec))
    try:
        result = scaffold(options)
    except InitRefused as error:
        click.echo(f"statuspress init: {error}; nothing was written.", err=True)
        raise SystemExit(2) from None
    except OSError as error:
        click.echo(f"statuspress init: {error}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Wrote a {HOSTS[chosen].label} status page repository into {folder}:")
    for rel in result.written:
        click.echo(f"  {rel}")
    for rel in result.kept:
        click.echo(f"Kept {rel} (it exists; see the Statuspress README, \"Put it online\", for what it should hold)")
    unreachable = not options.requirement.reachable and "requirements.txt" in result.written
    if unreachable:
        click.echo(options.requirement.warning(), err=True)
    click.echo("Next:")
    if folder != Path("."):
        click.echo(f"  cd {folder}")
    click.echo("  statuspress validate && statuspress build   # both sites into site/")
    if unreachable:
        click.echo("  write in requirements.txt where CI installs Statuspress from (see the warning)")
    if url is None:
        click.echo(f"  set base_url in content/site.yaml to where the page will be published (now {PLACEHOLDER_URL})")
    click.echo(f"  git init, commit, {HOSTS[chosen].next_step}")
