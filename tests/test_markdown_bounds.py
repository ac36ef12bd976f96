"""Markdown that would make Python-Markdown slow is refused before anything renders it.

One careless or hostile file must not make the build take minutes: each Markdown field of an
incident or maintenance record (and a post-mortem's public summary) holds at most 20,000
characters, and every Markdown text (those fields, post-mortem and runbook bodies) is refused
when `generator/load/markdown_cost.py` estimates that rendering it costs more than its bound.
The inputs below took 1-16 s each to render (README, Bad input); a long log in a code fence is
fine.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from generator.load import markdown_cost
from generator.load.markdown_cost import DOCUMENT_COST, FIELD_COST, costliest
from tests.sitekit import INCIDENT_WITH_BODY, NOW, SITE_YAML, load, make_content, messages

#: An incident whose one update's body is written on line 12 (JSON is YAML's double-quoted text).
INCIDENT = INCIDENT_WITH_BODY.replace('"{body}"', "{body}")

POSTMORTEM = """\
---
incident: INC-1
status: draft
---
## Summary

Checkout failed for 20 minutes.

{body}
"""

#: Markdown under 20,000 characters that Python-Markdown took more than a second to render
#: (public flavour, measured on the development machine, see README).
SLOW = {
    "unclosed brackets": "[a " * 6_633,  # 16 s
    "nested brackets": "[" * 9_950 + "a" + "]" * 9_950,  # 16 s
    "unclosed link targets": "[a](" * 4_975,  # 5 s
    "unclosed tags": "<div " * 3_980,  # 1.2 s
    "headings in one block": "# a\n" * 4_975,  # 1.4 s in the knowledge base's flavour
}

LOG = "\n".join(f"2026-11-20T14:{i % 60:02d}:00Z [worker-{i} ERROR retrying (attempt {i} of 5 <conn" for i in range(250))


def body_messages(tmp_path: Path, body: str) -> list[str]:
    root = make_content(tmp_path / "content", {"incidents/a.yaml": INCIDENT.format(body=json.dumps(body))})
    return messages(load(root), root)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--no-cache", "--now", NOW], catch_exceptions=False)


def test_an_update_body_over_20000_characters_is_refused(tmp_path: Path) -> None:
    assert body_messages(tmp_path / "fits", "a" * 20_000) == []
    assert body_messages(tmp_path / "long", "a" * 20_001) == [
        "content/incidents/a.yaml:12: updates[0].body: Markdown text is 20,001 characters long; the limit is 20,000"
    ]


def test_a_maintenance_body_and_a_public_summary_have_the_same_limit(tmp_path: Path) -> None:
    window = (
        "id: MNT-1\ntitle: Upgrade\ncomponents: [api]\nscheduled_start: 2026-12-03T02:00:00Z\n"
        "scheduled_end: 2026-12-03T04:00:00Z\nupdates:\n  - at: 2026-11-26T10:00:00Z\n    status: scheduled\n"
        f"    body: {'b' * 20_001}\n"
    )
    summary = POSTMORTEM.format(body="").replace("status: draft", f"status: draft\npublic_summary: {'s' * 20_001}")
    root = make_content(tmp_path / "content", {
        "incidents/a.yaml": INCIDENT.format(body="fine"), "maintenance/m.yaml": window, "postmortems/INC-1.md": summary,
    })
    assert messages(load(root), root) == [
        "content/maintenance/m.yaml:9: updates[0].body: Markdown text is 20,001 characters long; the limit is 20,000",
        "content/postmortems/INC-1.md:4: public_summary: Markdown text is 20,001 characters long; the limit is 20,000",
    ]


@pytest.mark.parametrize("name", sorted(SLOW))
def test_slow_markdown_in_an_update_is_refused_before_it_is_rendered(tmp_path: Path, name: str) -> None:
    body = SLOW[name]
    assert len(body) < 20_000
    started = time.process_time()
    found = body_messages(tmp_path, body)
    assert time.process_time() - started < 5  # rendering it takes 1-16 s
    assert len(found) == 1
    assert found[0].startswith(
        "content/incidents/a.yaml:12: updates[0].body: this Markdown would take too long to render (estimated cost "
    )
    assert f"; the limit is {FIELD_COST:,}), mostly for " in found[0]


def test_the_message_says_what_is_slow(tmp_path: Path) -> None:
    assert "mostly for '[' without a matching ']' (or nested deeply)" in body_messages(tmp_path / "a", SLOW["unclosed brackets"])[0]
    assert "mostly for link targets '](' without a closing ')'" in body_messages(tmp_path / "b", SLOW["unclosed link targets"])[0]
    assert "mostly for HTML tags '<' without a closing '>'" in body_messages(tmp_path / "c", SLOW["unclosed tags"])[0]
    assert "mostly for headings or rules on consecutive lines" in body_messages(tmp_path / "d", SLOW["headings in one block"])[0]


def test_ordinary_markdown_costs_a_small_part_of_the_bound() -> None:
    paragraph = (
        "We see [elevated errors](https://status.example.com/x) on **checkout** in eu-west; see "
        "<https://example.com/a> (ticket [OPS-1](https://t.example/1)) and `retry_after`.\n\n"
    )
    body = paragraph * (19_000 // len(paragraph))
    assert costliest(body, public=True).cost < FIELD_COST / 10
    review = ("## Timeline\n\n| When | What |\n|---|---|\n" + "| 14:02 | [deploy](https://x.example/1) |\n" * 20
              + "\n" + paragraph * 20 + "- item [a](b)\n" * 30 + "\n") * 100
    assert len(review) > 200_000
    assert costliest(review, public=False).cost < DOCUMENT_COST / 2


def test_a_long_log_in_a_code_fence_is_fine(tmp_path: Path) -> None:
    """A fence is not parsed (in the knowledge base); on the public page, which has no fences,
    a fence without a blank line is one code span, not parsed either."""
    body = f"Our logs show:\n\n```\n{LOG}\n```\n"
    assert len(body) < 20_000
    assert costliest(LOG, public=True).cost > FIELD_COST  # the same lines outside a fence
    assert body_messages(tmp_path, body) == []


def test_a_fence_with_blank_lines_is_parsed_on_the_public_page(tmp_path: Path) -> None:
    """Without the fenced-code extension a blank line ends the code span, and the rest is text."""
    body = f"```\nlog:\n\n{LOG}\n```\n"
    assert markdown_cost.estimate(body, fences=True).cost < FIELD_COST
    assert "would take too long to render" in body_messages(tmp_path, body)[0]


def test_a_post_mortem_body_has_a_larger_bound_and_names_the_slow_block(tmp_path: Path) -> None:
    fine = LOG  # more than an update's bound, in one paragraph
    assert FIELD_COST < costliest(fine, public=False).cost < DOCUMENT_COST
    slow = "[a " * 30_000
    root = make_content(tmp_path / "content", {
        "incidents/a.yaml": INCIDENT.format(body="fine"), "postmortems/INC-1.md": POSTMORTEM.format(body=fine),
        "postmortems/INC-2.md": POSTMORTEM.replace("INC-1", "INC-2").format(body=slow),
    })
    found = messages(load(root), root)
    assert [m for m in found if "INC-1.md" in m] == []
    assert len([m for m in found if "INC-2.md" in m]) == 2  # and its incident is unknown
    assert found[1].startswith("content/postmortems/INC-2.md:9: body: this Markdown would take too long to render")
    assert f"; the limit is {DOCUMENT_COST:,})" in found[1]


def test_code_blocks_of_a_review_are_not_counted_but_a_list_item_is() -> None:
    slow = "[a " * 8_000
    indented = "\n".join("    " + slow[i:i + 60] for i in range(0, len(slow), 60))
    assert costliest(f"Paragraph.\n\n{indented}\n", public=False).cost < FIELD_COST
    assert costliest(f"```\n{slow}\n\n{slow}\n```\n", public=False).cost < FIELD_COST
    assert costliest(f"- item\n\n{indented}\n", public=False).cost > FIELD_COST  # the item's own text
    assert costliest(f"A `{slow}` span.", public=True).cost < FIELD_COST
    assert costliest(f"A `{slow} open span.", public=True).cost > FIELD_COST


def test_a_runbook_body_is_bounded_too(tmp_path: Path) -> None:
    runbook = "---\ntitle: Errors\nservices: [api]\n---\nIntro.\n\n" + "<div " * 20_000 + "\n"
    root = make_content(tmp_path / "content", {"runbooks/api/errors.md": runbook})
    found = messages(load(root), root)
    assert len(found) == 1
    assert found[0].startswith("content/runbooks/api/errors.md:7: body: this Markdown would take too long")


def test_a_build_with_slow_markdown_fails_and_keeps_the_previous_site(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content", {"incidents/a.yaml": INCIDENT.format(body="fine")})
    out = tmp_path / "site"
    assert run("build", "--content", str(root), "--out", str(out), "--public").exit_code == 0
    (root / "incidents" / "a.yaml").write_text(INCIDENT.format(body=json.dumps(SLOW["unclosed brackets"])))
    started = time.monotonic()
    result = run("build", "--content", str(root), "--out", str(out), "--public")
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    assert f"{root}/incidents/a.yaml:12: updates[0].body: this Markdown would take too long to render" in result.output
    published = (out / "public" / "api" / "v2" / "incidents.json").read_text()
    assert json.loads(published)["incidents"][0]["incident_updates"][0]["body"] == "fine"


def test_many_costly_fields_of_one_file_are_bounded_together(tmp_path: Path) -> None:
    """Each field just within its bound, but a file of many would take minutes."""
    body = json.dumps(SLOW["unclosed brackets"][:2_400])  # 0.7 s of rendering
    assert FIELD_COST / 2 < costliest(json.loads(body), public=True).cost < FIELD_COST
    update = "  - at: 2026-11-28T10:{minute:02d}:00Z\n    status: investigating\n    body: {body}\n"
    incident = INCIDENT.format(body=body) + "".join(update.format(minute=m, body=body) for m in range(6, 30))
    root = make_content(tmp_path / "content", {"incidents/a.yaml": incident})
    found = messages(load(root), root)
    assert found and all(
        "the Markdown fields of this file would take too long to render together (estimated cost " in m for m in found
    )
    assert found[0].startswith("content/incidents/a.yaml:")
    assert f"; the limit for one file is {markdown_cost.FILE_COST:,}); shorten them" in found[0]


def test_many_long_fields_that_render_fast_are_not_refused_together(tmp_path: Path) -> None:
    """A file's total counts what its fields are estimated to cost, not the cheap upper bound a
    field within its own bound is counted by (thirty times the estimate for a long body with
    many links): fifteen detailed updates render in a tenth of a second."""
    text = " ".join(f"See [the status note {i}](https://example.com/n/{i}) for details." for i in range(80))
    assert costliest(text, public=True).cost * 25 < markdown_cost.cost_of(text, True, FIELD_COST).cost
    update = "  - at: 2026-11-28T10:{minute:02d}:00Z\n    status: investigating\n    body: {body}\n"
    body = json.dumps(text)
    incident = INCIDENT.format(body=body) + "".join(update.format(minute=m, body=body) for m in range(6, 20))
    root = make_content(tmp_path / "content", {"incidents/a.yaml": incident})
    assert messages(load(root), root) == []


def test_titles_names_and_notes_the_knowledge_base_shows_are_bounded(tmp_path: Path) -> None:
    """The knowledge base puts them in headings, table cells and notes, where Python-Markdown's
    time grows with the square of their length (a 200,000-character title took 11 s)."""
    incident = (
        INCIDENT.format(body="fine").replace("title: Checkout errors", f"title: {'t' * 20_001}")
        + f"roles:\n  incident_manager: {'m' * 20_001}\n"
        + f"timeline:\n  - at: 2026-11-28T10:01:00Z\n    by: {'b' * 20_000}\n    text: {'n' * 20_001}\n"
        + f"  - at: 2026-11-28T10:02:00Z\n    text: {'n' * 20_000}\n"
    )
    review = POSTMORTEM.format(body="").replace(
        "status: draft", f"status: draft\naction_items:\n  - id: AI-1\n    title: {'a' * 20_001}\n    owner: {'o' * 20_001}"
    )
    root = make_content(tmp_path / "content", {"incidents/a.yaml": incident, "postmortems/INC-1.md": review})
    assert messages(load(root), root) == [
        "content/incidents/a.yaml:2: title: text is 20,001 characters long; the limit is 20,000",
        "content/incidents/a.yaml:14: roles.incident_manager: text is 20,001 characters long; the limit is 20,000",
        "content/incidents/a.yaml:18: timeline[0].text: text is 20,001 characters long; the limit is 20,000",
        "content/postmortems/INC-1.md:6: action_items[0].title: text is 20,001 characters long; the limit is 20,000",
        "content/postmortems/INC-1.md:7: action_items[0].owner: text is 20,001 characters long; the limit is 20,000",
    ]


def test_severity_guidelines_are_bounded_like_a_field(tmp_path: Path) -> None:
    site = SITE_YAML + f"severity_guidelines:\n  major: {json.dumps(SLOW['unclosed link targets'])}\n"
    root = make_content(tmp_path / "content", {"site.yaml": site})
    found = messages(load(root), root)
    assert len(found) == 1
    assert found[0].startswith("content/site.yaml:6: severity_guidelines.major: this Markdown would take too long")
