"""Readers of Markdown documents with YAML front matter: post-mortems and runbooks."""

from __future__ import annotations

from collections.abc import Mapping

from ..model import (
    ActionItem,
    ActionStatus,
    Postmortem,
    Priority,
    ReviewStatus,
    Runbook,
    Service,
    Source,
)
from ..problems import Problems
from ..published import forbidden_message, forbidden_published
from .fields import RESERVED_HINT, TEXT_CHARACTERS, Fields, is_reserved_name
from .files import ContentFile
from .markdown_cost import DOCUMENT_COST, problem
from .yamlsafe import Node, YamlError, parse


def split_front_matter(problems: Problems, file: ContentFile, text: str) -> tuple[Node, str, int] | None:
    """(front matter node, body, first line of the body), or None after reporting a problem.

    The front matter sits between a first line `---` and the next line `---`; its YAML lines
    keep their line numbers in the file.
    """
    if not text.startswith("---\n"):
        problems.error(file.shown, 1, "expected YAML front matter starting with '---' on the first line")
        return None
    end = text.find("\n---", 3)
    while end != -1 and text[end + 4 : end + 5] not in ("\n", ""):
        end = text.find("\n---", end + 4)
    if end == -1:
        problems.error(file.shown, 1, "front matter is not closed by a '---' line")
        return None
    try:
        node = parse(text[4 : end + 1], first_line=2)
    except YamlError as exc:
        problems.error(file.shown, exc.line, exc.message)
        return None
    body_start = end + 5
    body_line = text.count("\n", 0, body_start) + 1
    return node, text[body_start:], body_line


def checked_body(problems: Problems, file: ContentFile, body: str, body_line: int) -> str:
    """The Markdown body, or "" after reporting Markdown too costly to render (markdown_cost.py:
    checked first, as the check on characters renders it) or a forbidden character its rendering
    would publish (in the knowledge base); the line is the costly block's or the reference's,
    else the body's first."""
    slow = problem(body, DOCUMENT_COST, public=False)
    if slow is not None:
        problems.error(file.shown, body_line + slow[0], f"body: {slow[1]}")
        return ""
    bad = forbidden_published(body, knowledge_base=True)
    if bad is None:
        return body
    at = body.find(bad[1])
    line = body_line + (body.count("\n", 0, at) if at >= 0 else 0)
    problems.error(file.shown, line, forbidden_message(*bad))
    return ""


def read_postmortem(problems: Problems, file: ContentFile, text: str) -> Postmortem | None:
    parts = split_front_matter(problems, file, text)
    if parts is None:
        return None
    node, body, body_line = parts
    f = Fields(problems, file.shown, node)
    incident = f.ident("incident")
    items = []
    for item in f.items("action_items"):
        action = ActionItem(
            id=item.ident("id"),
            title=item.text("title", required=True, limit=TEXT_CHARACTERS),
            owner=item.text("owner", limit=TEXT_CHARACTERS),
            priority=item.enum("priority", Priority, default=Priority.P2) or Priority.P2,
            due=item.day("due"),
            status=item.enum("status", ActionStatus, default=ActionStatus.OPEN) or ActionStatus.OPEN,
            link=item.text("link", limit=TEXT_CHARACTERS),
            done_at=item.day("done_at"),
            source=Source(file.rel, item.line),
        )
        item.finish()
        if action.id:
            items.append(action)
    postmortem = Postmortem(
        incident=incident,
        authors=f.text_list("authors"),
        status=f.enum("status", ReviewStatus, default=ReviewStatus.DRAFT) or ReviewStatus.DRAFT,
        review_date=f.day("review_date"),
        public_summary=f.markdown("public_summary", knowledge_base=True),
        action_items=tuple(items),
        body=checked_body(problems, file, body, body_line),
        body_line=body_line,
        source=Source(file.rel, f.key_line("incident")),
    )
    f.finish()
    return postmortem if incident else None


def read_runbook(
    problems: Problems, file: ContentFile, text: str, services: Mapping[str, Service]
) -> Runbook | None:
    parts = split_front_matter(problems, file, text)
    if parts is None:
        return None
    node, body, body_line = parts
    body = checked_body(problems, file, body, body_line)
    f = Fields(problems, file.shown, node)
    runbook = Runbook(
        path=file.rel.removeprefix("runbooks/"),
        title=f.text("title", required=True, limit=TEXT_CHARACTERS),
        services=f.text_list("services", required=True),
        alerts=f.text_list("alerts"),
        owner=f.text("owner", limit=TEXT_CHARACTERS),
        last_reviewed=f.day("last_reviewed"),
        body=body,
        source=Source(file.rel, 1),
    )
    for name in runbook.services:
        if name not in services:
            f.bad("services", f"unknown service {name!r}")
    for part in runbook.path.split("/"):
        if is_reserved_name(part):  # the path names the runbook's page in the knowledge base
            f.error(1, f"runbook path: {part!r} is {RESERVED_HINT}; rename it")
    f.finish()
    return runbook
