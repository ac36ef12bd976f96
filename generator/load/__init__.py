"""Reading `content/` into a validated `Site`, collecting every problem on the way.

`load_site` never raises on bad content: it returns the site it could read and the problems.
`load_or_raise` is what builds call: it raises `ContentError` with every error at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..model import Group, Incident, Maintenance, Postmortem, Runbook, Service, Settings, Site
from ..problems import ContentError, Problems
from .catalogue import read_services, read_settings
from .checks import Checker
from .documents import read_postmortem, read_runbook
from .files import ContentFolder
from .records import read_incident, read_maintenance

DEFAULT_MAX_BYTES = Settings(name="", base_url="").max_file_bytes


@dataclass(frozen=True, slots=True)
class Loaded:
    """The outcome of loading: the site (as far as it could be read) and every problem."""

    site: Site
    problems: Problems


def load_site(
    root: Path, now: datetime, max_bytes: int | None = None, overrides: Mapping[str, str] | None = None
) -> Loaded:
    """Read and check everything under `root`; `now` dates the warnings (overdue items).

    `overrides` maps paths relative to `root` to text that replaces (or adds) those files, so a
    change can be validated before it is written.
    """
    problems = Problems()
    folder = ContentFolder(root, problems, max_bytes or DEFAULT_MAX_BYTES, overrides)
    settings = Settings(name="Status", base_url="https://status.example.com/")
    site_file = folder.file("site.yaml")
    if not site_file.path.exists() and site_file.rel not in folder.overrides:
        problems.error(site_file.shown, 1, "missing: every content folder needs a site.yaml")
    else:
        node = folder.read_yaml(site_file)
        if node is not None:
            settings = read_settings(problems, site_file, node)
            if max_bytes is None:
                folder.max_bytes = settings.max_file_bytes

    groups: tuple[Group, ...] = ()
    services: tuple[Service, ...] = ()
    services_file = folder.file("services.yaml")
    if not services_file.path.exists() and services_file.rel not in folder.overrides:
        problems.error(services_file.shown, 1, "missing: every content folder needs a services.yaml")
    else:
        node = folder.read_yaml(services_file)
        if node is not None:
            groups, services = read_services(problems, services_file, node)
    by_id = {s.id: s for s in services}

    incidents: list[Incident] = []
    for file in folder.find("incidents", (".yaml", ".yml")):
        node = folder.read_yaml(file)
        incident = read_incident(problems, file, node, by_id) if node is not None else None
        if incident is not None:
            incidents.append(incident)

    windows: list[Maintenance] = []
    for file in folder.find("maintenance", (".yaml", ".yml")):
        node = folder.read_yaml(file)
        window = read_maintenance(problems, file, node, by_id) if node is not None else None
        if window is not None:
            windows.append(window)

    postmortems: list[Postmortem] = []
    for file in folder.find("postmortems", (".md",)):
        text = folder.read_text(file)
        postmortem = read_postmortem(problems, file, text) if text is not None else None
        if postmortem is not None:
            postmortems.append(postmortem)

    runbooks: list[Runbook] = []
    for file in folder.find("runbooks", (".md",), recursive=True):
        text = folder.read_text(file)
        runbook = read_runbook(problems, file, text, by_id) if text is not None else None
        if runbook is not None:
            runbooks.append(runbook)

    site = Site(
        settings=settings,
        groups=groups,
        services=services,
        incidents=tuple(sorted(incidents, key=lambda i: (i.started_at, i.id))),
        maintenance=tuple(sorted(windows, key=lambda m: (m.scheduled_start, m.id))),
        postmortems=tuple(sorted(postmortems, key=lambda p: p.incident)),
        runbooks=tuple(sorted(runbooks, key=lambda r: r.path)),
    )
    checker = Checker(problems, root)
    checker.check_site(site)
    checker.warn(site, now)
    return Loaded(site, problems)


def load_or_raise(root: Path, now: datetime, strict: bool = False, max_bytes: int | None = None) -> Loaded:
    """Load, then raise `ContentError` listing every error (and warning, when `strict`)."""
    loaded = load_site(root, now, max_bytes)
    failing = loaded.problems.sorted() if strict else loaded.problems.errors
    if failing:
        raise ContentError(failing)
    return loaded
