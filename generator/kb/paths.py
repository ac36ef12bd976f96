"""Where each knowledge-base page lives in the docs tree (paths relative to `docs_dir`).

Post-mortems and runbooks keep their content paths (`postmortems/ID.md`, `runbooks/...`), so
relative links their authors write between them keep working in the knowledge base.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Runbook

HOME = "index.md"
INCIDENTS = "incidents/index.md"
REVIEWS = "postmortems/index.md"
RUNBOOKS = "runbooks/index.md"
ALERTS = "runbooks/alerts.md"
SERVICES = "services/index.md"
FOLLOWUPS = "follow-ups/index.md"
SEVERITY = "severity.md"
TAGS = "tags.md"
ASSETS = "assets"

#: Pages the generator writes under `runbooks/`, which a runbook file must not overwrite.
_RUNBOOK_RESERVED = {RUNBOOKS, ALERTS}


def incident(incident_id: str) -> str:
    return f"incidents/{incident_id}.md"


def review(incident_id: str) -> str:
    return f"postmortems/{incident_id}.md"


def service(service_id: str) -> str:
    return f"services/{service_id}.md"


def service_incidents(service_id: str) -> str:
    """The page of every incident of a service: a service id has no dot (`[A-Za-z0-9_-]+`), so
    this is never another service's page, and it matches the `not_in_nav` pattern `/services/*.md`."""
    return f"services/{service_id}.incidents.md"


def runbook_pages(runbooks: Iterable[Runbook]) -> dict[str, str]:
    """Runbook content path -> page path; a runbook named like an index page gets a suffix."""
    pages: dict[str, str] = {}
    for runbook in runbooks:
        page = f"runbooks/{runbook.path}"
        if page in _RUNBOOK_RESERVED:
            page = page.removesuffix(".md") + "-runbook.md"
        pages[runbook.path] = page
    return pages
