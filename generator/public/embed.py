"""Status for other sites: `embed/index.html`, a compact page for a frame, and `embed/status.js`,
a script that shows the status in an element of any page.

The page is rendered from the projection like every other page (the banner's words and icon:
`page.status`), works with JavaScript off and is the one path `_headers` lets other sites frame.
The script reads `api/v2/summary.json`, whose indicator and description are the same
`page.status`; the icons, colours and words it adds are this site's own tables, written into it
here, so the widget and the page never name a state differently.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from ..derive.status import ComponentStatus, Indicator, PageStatus
from ..model import MaintenanceStatus, UpdateStatus
from . import urls
from .api.vocab import MAINTENANCE_STATUS
from .assets import STATIC
from .badge import INDICATOR_COLOURS
from .html import environment
from .pages import labels
from .projection import PublicPage

#: Where the script's tables go in `static/public/status.js`.
PLACEHOLDER = "__WORDS__"


def script_words() -> dict[str, dict[str, list[str] | str]]:
    """The widget's tables: API indicator -> [icon, colour] (the words are the API's description,
    the banner's own), component status -> label, incident and maintenance status -> word."""
    page: dict[str, list[str] | str] = {
        indicator.value: [labels.state_icon(PageStatus(indicator, "")), INDICATOR_COLOURS[indicator]]
        for indicator in Indicator
    }
    component: dict[str, list[str] | str] = {s.value: labels.state_label(s) for s in ComponentStatus}
    update: dict[str, list[str] | str] = {s.value: labels.word(s.value) for s in UpdateStatus}
    for status in MaintenanceStatus:
        # The API reports a cancelled window as `completed`: that word stays "Completed".
        update.setdefault(MAINTENANCE_STATUS[status], labels.word(status.value))
    return {"page": page, "component": component, "update": update}


def script_text() -> str:
    """`embed/status.js`: the static script with its tables filled in (no content reaches it)."""
    source = (STATIC / "status.js").read_text(encoding="utf-8")
    words = json.dumps(script_words(), sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return source.replace(PLACEHOLDER, words)


def page_text(page: PublicPage) -> str:
    """`embed/index.html`."""
    root = urlsplit(page.base_url).path or "/"
    return environment().get_template("embed.html").render(page=page, here=urls.EMBED, root=root)


def render_embed(page: PublicPage, dest: Path) -> None:
    """Write the embed page, its fingerprinted stylesheet and the widget script."""
    (dest / urls.EMBED).parent.mkdir(parents=True, exist_ok=True)
    (dest / urls.EMBED).write_text(page_text(page), encoding="utf-8")
    (dest / urls.EMBED_SCRIPT).write_text(script_text(), encoding="utf-8")
    (dest / urls.EMBED_STYLESHEET).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(STATIC / "embed.css", dest / urls.EMBED_STYLESHEET)
