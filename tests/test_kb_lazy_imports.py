"""A knowledge-base build imports only what it uses: not the public renderer (which it once
imported through the page keys' serialisation, a seventh of a second of every rebuild), nor the
libraries of files a rebuild usually keeps (icalendar for the follow-up feeds, matplotlib for
the charts), which are imported when such a file is made."""

from __future__ import annotations

import json
import subprocess
import sys

#: Imported by a knowledge-base build only when a file that needs them is made.
LAZY = ("generator.public", "icalendar", "matplotlib")


def test_the_knowledge_base_does_not_import_what_a_rebuild_does_not_use() -> None:
    code = (
        "import json, sys\n"
        "import generator.build, generator.cli.site\n"
        "from generator.kb import render_internal\n"
        "from generator.kb import engine, mkdocs_run, page_cache, registry, tree\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    modules = json.loads(run.stdout)
    assert "generator.kb.followup_calendar" in modules and "generator.kb.charts" in modules
    imported = [m for m in modules if any(m == name or m.startswith(f"{name}.") for name in LAZY)]
    assert imported == []
