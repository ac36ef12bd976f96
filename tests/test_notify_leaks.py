"""No leak to a public channel, by test: random organisations with a canary in every internal
field (the public-site leak test's own generator), planned as of several times, every message
rendered for every channel type as it would be sent (HTTP bodies and headers, whole e-mails),
and every byte searched for every canary. Examples: `LEAK_EXAMPLES` (default 200)."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import load_site
from generator.notify.config import Audience, Channel, ChannelType, EnvRef, NotifyConfig, Smtp
from generator.notify.ledger import State
from generator.notify.requests import Context, HttpRequest, build
from generator.notify.runner import plan
from generator.public.projection import project
from tests.sitekit import now, write_tree
from tests.test_leaks_property import organisations

EXAMPLES = int(os.environ.get("LEAK_EXAMPLES", "200"))

CHANNELS = (
    Channel("mail", ChannelType.EMAIL, Audience.PUBLIC, smtp=Smtp(host="127.0.0.1"), sender="s@prop.example",
            to=("a@prop.example",)),
    Channel("slack", ChannelType.SLACK, Audience.PUBLIC, url=EnvRef("URL")),
    Channel("teams", ChannelType.TEAMS, Audience.PUBLIC, url=EnvRef("URL")),
    Channel("discord", ChannelType.DISCORD, Audience.PUBLIC, url=EnvRef("URL")),
    Channel("hook", ChannelType.WEBHOOK, Audience.PUBLIC, url=EnvRef("URL"), secret=EnvRef("SECRET")),
)
CONFIG = NotifyConfig(channels=CHANNELS, kb_url="https://kb.prop.example/")
ENVIRON = {"URL": "https://hooks.prop.example/x", "SECRET": "k"}
TIMES = ["2026-07-15T12:00:00Z", "2026-11-28T12:00:00Z", "2026-12-03T03:00:00Z", "2027-01-01T00:00:00Z"]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(organisations(), st.sampled_from(TIMES))
def test_no_internal_canary_reaches_any_public_channel(organisation: tuple[dict[str, str], list[str]], at: str) -> None:
    files, canaries = organisation
    with tempfile.TemporaryDirectory() as temp:
        site = load_site(write_tree(Path(temp) / "content", files), now(at)).site
    page = project(site, now(at))
    due = plan(site, CONFIG, page, State(), CHANNELS)
    context = Context(site.settings.name, page, ENVIRON, datetime(2027, 1, 2, tzinfo=UTC))
    wanted = [(c, c.lower().encode()) for c in canaries]
    for channel in CHANNELS:
        for message in due[channel.name]:
            request = build(channel, message, context)
            if isinstance(request, HttpRequest):
                data = request.data + repr(sorted(request.headers.items())).encode()
            else:
                data = request.mail.as_bytes()
            data = data.lower()
            leaked = [canary for canary, needle in wanted if needle in data]
            assert leaked == [], f"{channel.name} {message.id} carries {leaked}"
