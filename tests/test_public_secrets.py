"""A secret pasted into text that would be published or sent is an error, and never shown again.

Responders paste from terminals, alerts and chat. Every text that can reach the public site or a
notification (titles, regions, update bodies, maintenance texts, public summaries, the page's and
services' names and descriptions, group names, roles, timeline notes marked `notify`) is checked
for the built-in shapes of generator/load/secrets.py, as written and as published. The message
names the file, the line and the kind of secret, and no output of any command holds the value.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from generator.load.secrets import NOTIFY, kind_of, masked, published_secret
from tests.sitekit import EXAMPLE, INCIDENT_WITH_BODY, NOW, REPO, SERVICES_YAML, SITE_YAML, load, make_content, messages

INCIDENT = INCIDENT_WITH_BODY.replace('"{body}"', "{body}")
HINT = "; it would be published: remove it (and revoke it: it is in the repository's history)"

#: (kind, a made-up secret of that kind), built in pieces so no file holds one whole.
SECRETS = [
    ("an AWS access key id", "AKIA" + "Q7ZKD3WJ5NXP2LMV"),
    ("an AWS access key id", "ASIA" + "4TWR9BVCX2KJH7QE"),
    ("a Slack webhook URL", "https://hooks.slack" + ".com/services/T0123ABCD/B0456EFGH/" + "q7Zk3Wj5Nxp2LmVb8TcR1sYa"),
    ("a Slack token", "xox" + "b-1234567890-0987654321-" + "q7Zk3Wj5Nxp2LmVb8TcR"),
    ("a GitHub token", "ghp" + "_" + "q7Zk3Wj5Nxp2LmVb8TcR1sYaQ7Zk3Wj5Nxp2"),
    ("a GitHub token", "gho" + "_" + "Nxp2LmVb8TcR1sYaQ7Zk3Wj5Nxp2LmVb8TcR"),
    ("a GitHub token", "github" + "_pat_" + "11ABCDEFG0q7Zk3Wj5Nxp2_LmVb8TcR1sYaQ7Zk3Wj5Nxp2LmVb8"),
    ("a PEM private key", "-----BEGIN " + "RSA PRIVATE KEY-----"),
    ("a PEM private key", "-----BEGIN " + "OPENSSH PRIVATE KEY-----"),
    ("a Stripe live key", "sk" + "_live_" + "51Hq7Zk3Wj5Nxp2LmVb8TcR1sYa"),
    ("a Stripe live key", "rk" + "_live_" + "51Hq7Zk3Wj5Nxp2LmVb8TcR1sYa"),
    ("a Google API key", "AIza" + "SyD7q7Zk3Wj5Nxp2LmVb8TcR1sYaQ7Zk3Wj"),
    ("a URL with a password in it", "postgres://app:" + "S3cr3t-Hunter2" + "@db.example.net:5432/shop"),
    ("a Discord webhook URL", "https://discord" + ".com/api/webhooks/123456789/" + "q7Zk3Wj5Nxp2LmVb8TcR"),
]
#: The part of each secret that must never be shown (the password, not the whole URL).
SHOWN_NEVER = [value.split("://app:")[-1].split("@")[0] if "://app:" in value else value for _, value in SECRETS]

#: Text that is not a secret, though it looks a little like one.
NOT_SECRETS = [
    "Failover to the Asia-Pacific region AKIA is done.",
    "AKIAQ7ZKD3WJ5NXP",  # too short
    "Test keys (sk_test_51Hq7Zk3Wj5Nxp2LmVb8TcR1sYa) are unaffected.",
    "Connect with postgres://app:****@db.example.net/shop or postgres://app:${DB_PASSWORD}@db/shop.",
    "Log in at https://user@sso.example.com/ and see https://status.example.com:443/x.",
    "Our Slack workspace was slow; GitHub and Stripe webhooks were delayed.",
    "The key id prefix ghp_ is GitHub's; -----BEGIN PUBLIC KEY----- blocks are public.",
    "xoxo-thanks for your patience",
]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--no-cache", "--now", NOW], catch_exceptions=False)


def body_messages(tmp_path: Path, body: str) -> list[str]:
    root = make_content(tmp_path / "content", {"incidents/a.yaml": INCIDENT.format(body=json.dumps(body))})
    return messages(load(root), root)


@pytest.mark.parametrize(("kind", "value"), SECRETS)
def test_a_secret_in_an_update_body_is_an_error_naming_the_line_and_kind(tmp_path: Path, kind: str, value: str) -> None:
    assert body_messages(tmp_path, f"Fixed by rotating {value} on the API hosts.") == [
        f"content/incidents/a.yaml:12: updates[0].body: this looks like {kind}{HINT}"
    ]


@pytest.mark.parametrize("index", range(len(SECRETS)))
def test_no_output_of_validate_or_build_holds_the_secret(tmp_path: Path, index: int) -> None:
    value, never = SECRETS[index][1], SHOWN_NEVER[index]
    root = make_content(tmp_path / "content", {
        "incidents/a.yaml": INCIDENT.format(body=json.dumps(f"Rotated {value}.")).replace(
            "title: Checkout errors", f"title: {json.dumps('Key ' + value)}"),
    })
    outputs = []
    for command in (["validate"], ["validate", "--format", "github"], ["validate", "--format", "gitlab"],
                    ["build", "--out", str(tmp_path / "site")]):
        process = subprocess.run(
            [sys.executable, "-m", "generator", *command, "--content", str(root), "--no-cache", "--now", NOW],
            capture_output=True, text=True, cwd=REPO, check=False,
        )
        assert process.returncode == 1, process.stderr
        outputs.append(process.stdout + process.stderr)
    assert all("this looks like" in output for output in outputs)
    assert all(never not in output for output in outputs)
    assert not (tmp_path / "site" / "public").exists() and not (tmp_path / "site" / "internal").exists()


def test_every_field_that_is_published_or_sent_is_checked(tmp_path: Path) -> None:
    key = SECRETS[0][1]
    site = SITE_YAML + f"description: Status of {key}\n"
    services = SERVICES_YAML.replace("Public REST API", f"API {key}").replace("name: VPN", f"name: VPN {key}")
    incident = (
        INCIDENT.format(body="fine").replace("level: major_outage", f"level: major_outage\n    regions: [eu-{key}]")
        + f"roles:\n  incident_manager: Dana {key}\n"
        + f"timeline:\n  - at: 2026-11-28T10:01:00Z\n    text: Sent {key}\n    notify: true\n"
        + f"  - at: 2026-11-28T10:02:00Z\n    text: Internal only {key}\n"
    )
    window = (
        f"id: MNT-1\ntitle: Rotate {key}\ncomponents: [api]\nscheduled_start: 2026-12-03T02:00:00Z\n"
        f"scheduled_end: 2026-12-03T04:00:00Z\nupdates:\n  - at: 2026-11-26T10:00:00Z\n    status: scheduled\n"
        f"    body: Rotating {key}\n"
    )
    review = f"---\nincident: INC-1\nstatus: published\npublic_summary: The key {key} leaked.\n---\nBody {key}.\n"
    root = make_content(tmp_path / "content", {
        "site.yaml": site, "services.yaml": services, "incidents/a.yaml": incident, "maintenance/m.yaml": window,
        "postmortems/INC-1.md": review,
    })
    found = messages(load(root), root)
    kind = f"this looks like an AWS access key id{HINT}"
    assert found == [
        f"content/incidents/a.yaml:9: impact[0].regions[0]: {kind}",
        f"content/incidents/a.yaml:15: roles.incident_manager: {kind}",
        f"content/incidents/a.yaml:18: timeline[0].text: {kind}",
        f"content/maintenance/m.yaml:2: title: {kind}",
        f"content/maintenance/m.yaml:9: updates[0].body: {kind}",
        f"content/postmortems/INC-1.md:4: public_summary: {kind}",
        f"content/services.yaml:6: services[0].description: {kind}",
        f"content/services.yaml:13: services[2].name: {kind}",  # internal channels name internal services
        f"content/site.yaml:5: description: {kind}",
    ]  # the internal note not sent and the post-mortem's body are never public


def test_markup_and_character_references_do_not_hide_a_secret(tmp_path: Path) -> None:
    aws = SECRETS[0][1]
    for written in (f"**{aws[:4]}**{aws[4:]}", f"{aws[:4]}&#{ord(aws[4])};{aws[5:]}", f"{aws[:6]}\\_{aws[6:]}".replace("\\_", ""),
                    "[status](postgres://app:S3cr&#101;t@db.example.net/)", f"`{aws}`", f"{aws[:4]}<b></b>{aws[4:]}"):
        assert published_secret(written, markdown=True) is not None, written
    assert published_secret(f"**{aws[:4]}**{aws[4:]}", markdown=False) is None  # a title is shown as written
    assert body_messages(tmp_path, f"Rotated {aws[:4]}&#{ord(aws[4])};{aws[5:]}") == [
        f"content/incidents/a.yaml:12: updates[0].body: this looks like an AWS access key id{HINT}"
    ]


@pytest.mark.parametrize("text", NOT_SECRETS)
def test_text_that_only_resembles_a_secret_is_fine(tmp_path: Path, text: str) -> None:
    assert body_messages(tmp_path, text) == []


def test_the_example_organisation_and_the_benchmark_corpus_hold_no_secret(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, "benchmarks/make_corpus.py", "200", str(corpus)], cwd=REPO, check=True,
                   capture_output=True)
    for root in (EXAMPLE, corpus):
        assert [m for m in messages(load(root), root) if "this looks like" in m] == []
        assert run("validate", "--content", str(root)).exit_code == 0


def test_a_responder_update_with_a_secret_is_refused_without_echoing_it(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content", {"incidents/a.yaml": INCIDENT.format(body="Looking into it.")})
    before = (root / "incidents" / "a.yaml").read_bytes()
    secret = SECRETS[9][1]
    result = run("update", "INC-1", "--status", "identified", f"Rolled {secret}", "--content", str(root))
    assert result.exit_code == 1
    assert re.search(r"a\.yaml:\d+: updates\[1\]\.body: this looks like a Stripe live key", result.output), result.output
    assert secret not in result.output
    assert "(in the line this command would write: not shown, it holds the secret)" in result.output
    assert (root / "incidents" / "a.yaml").read_bytes() == before


def test_a_line_quoted_for_another_problem_is_shown_without_secrets() -> None:
    secret = SECRETS[0][1]
    assert masked(f"title: Rotated {secret} and {SECRETS[12][1]}") == "title: Rotated [secret] and postgres[secret]"
    # A webhook's shape is its host and path: the token after it is hidden with them.
    assert masked(f"got '{SECRETS[2][1]}' twice") == "got 'https://[secret]' twice"


def test_a_build_with_a_secret_keeps_the_previous_site(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content", {"incidents/a.yaml": INCIDENT.format(body="fine")})
    out = tmp_path / "site"
    assert run("build", "--content", str(root), "--out", str(out), "--public").exit_code == 0
    (root / "incidents" / "a.yaml").write_text(INCIDENT.format(body=json.dumps("see " + SECRETS[11][1])))
    result = run("build", "--content", str(root), "--out", str(out), "--public")
    assert result.exit_code == 1
    assert "updates[0].body: this looks like a Google API key" in result.output
    published = (out / "public" / "api" / "v2" / "incidents.json").read_text()
    assert json.loads(published)["incidents"][0]["incident_updates"][0]["body"] == "fine"


def test_notify_yaml_is_checked_for_the_same_shapes_and_more(tmp_path: Path) -> None:
    assert all(kind_of(value, NOTIFY) for _, value in SECRETS)
    notify = "channels:\n  - name: x\n    type: email\n    audience: public\n    to: [a@acme.example]\n"
    notify += "    smtp: {host: smtp.acme.example}\n    from: s@acme.example\n"
    notify += f"    unsubscribe: [https://acme.example/u/{SECRETS[0][1]}]\n"
    root = make_content(tmp_path / "content", {"notify.yaml": notify})
    found = [m for m in messages(load(root), root) if "looks like" in m]
    assert found == ["content/notify.yaml:8: this looks like an AWS access key id; write secrets as ${ENV_VAR}, never in the file"]
    assert SECRETS[0][1] not in " ".join(messages(load(root), root))


def test_a_secret_pasted_into_a_field_that_is_refused_for_another_reason_is_not_echoed(tmp_path: Path) -> None:
    """Errors about a value (an unknown severity, an unsafe id, a bad time) quote it: a key
    pasted into the wrong field is quoted as `[secret]`, in every output of validate."""
    key, hook = SECRETS[0][1], SECRETS[2][1]
    incident = (INCIDENT.format(body="Fixed.").replace("severity: major", f"severity: {key}")
                .replace("started_at: 2026-11-28T10:00:00Z", f"started_at: {json.dumps(hook)}"))
    review = f"---\nincident: INC-1\nstatus: {key}\n---\nWhat happened.\n"
    root = make_content(tmp_path / "content", {"incidents/a.yaml": incident, "postmortems/INC-1.md": review})
    found = messages(load(root), root)
    assert any(m.startswith("content/incidents/a.yaml:4: severity:") and "[secret]" in m for m in found), found
    assert any(m.startswith("content/incidents/a.yaml:5: started_at:") and "[secret]" in m for m in found), found
    assert any(m.startswith("content/postmortems/INC-1.md:3: status:") and "[secret]" in m for m in found), found
    for command in (["validate"], ["validate", "--format", "github"], ["validate", "--format", "gitlab"]):
        process = subprocess.run(
            [sys.executable, "-m", "generator", *command, "--content", str(root), "--no-cache", "--now", NOW],
            capture_output=True, text=True, cwd=REPO, check=False,
        )
        assert process.returncode == 1, process.stderr
        shown = process.stdout + process.stderr
        assert key not in shown and "q7Zk3Wj5Nxp2LmVb8TcR1sYa" not in shown and "[secret]" in shown
