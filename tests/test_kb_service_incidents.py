"""A service's page lists its 20 newest incidents and links to a page of every one of them: the
service's page shows its availability as of the build time, so it is made again on every build
while an incident on it is open, and with thousands of incidents on it that was a table of a
thousand rows converted again each time (generator/kb/services.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kbkit import article, build_kb, resolve
from tests.sitekit import make_content
from tests.test_kb_home_lists import INCIDENT  # one incident a day on the website, resolved


def _site(root: Path, count: int) -> Path:
    files = {f"incidents/inc-{n}.yaml": INCIDENT.format(n=n, day=n) for n in range(1, count + 1)}
    return make_content(root / "content", files)


def _ids(table: object) -> list[str]:
    rows = table.select("tbody tr")  # type: ignore[attr-defined]
    return [r.select_one("td").get_text(strip=True) for r in rows]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("service")
    return build_kb(_site(root, 23), root / "out")


def test_the_service_page_shows_its_twenty_newest_incidents_and_links_to_every_one(kb: Path) -> None:
    service = article(kb, "services/web.html")
    incidents = next(t for t in service.select("table") if _ids(t) and _ids(t)[0].startswith("INC-"))
    assert _ids(incidents) == [f"INC-{n}" for n in range(23, 3, -1)]  # started 2026-09-23 ... 09-04
    text = service.get_text(" ", strip=True)
    assert "And 3 more incidents: see every incident of Website ." in text  # (the link, then its full stop)
    links = {a.get_text(): a["href"] for a in service.select("a")}
    assert links["every incident of Website"] == "web.incidents.html"
    every = article(kb, "services/web.incidents.html")
    assert every.select_one("h1").get_text(strip=True).startswith("Incidents of Website")
    assert _ids(every.select_one("table")) == [f"INC-{n}" for n in range(23, 0, -1)]
    back = {a.get_text(): a["href"] for a in every.select("a")}
    assert resolve(kb, "services/web.incidents.html", back["Website"]) == kb / "services/web.html"
    assert resolve(kb, "services/web.incidents.html", back["INC-1"]) == kb / "incidents/INC-1.html"


def test_a_service_with_twenty_incidents_or_fewer_shows_them_all(tmp_path: Path) -> None:
    kb = build_kb(_site(tmp_path, 20), tmp_path / "out")
    service = article(kb, "services/web.html")
    assert "more incident" not in service.get_text()
    assert not (kb / "services/web.incidents.html").exists()
    incidents = next(t for t in service.select("table") if _ids(t) and _ids(t)[0].startswith("INC-"))
    assert len(_ids(incidents)) == 20
