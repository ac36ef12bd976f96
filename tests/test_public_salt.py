"""The salt of the public pages' keys covers the code that makes a page's bytes outside
generator/public: the Markdown sanitiser, the linkifier and the keys' serialisation (digest.py). A kept page or view made by older
code is never reused (a tightened allow-list must reach every page, not only the ones rendered
again for other reasons)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.public import reuse

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("module", ["published.py", "linkify.py", "digest.py"])
def test_the_public_salt_changes_with_the_markdown_code(
    module: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "generator"
    shutil.copytree(REPO / "generator", copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(reuse, "_ROOT", copy)
    before = reuse.code_salt()
    source = copy / module
    source.write_text(source.read_text() + "\n# one more rule\n")
    assert reuse.code_salt() != before


def test_the_knowledge_base_salt_changes_with_the_keys_serialisation(tmp_path: Path) -> None:
    """The knowledge base's keyed pages are keyed through generator/digest.py too."""
    from generator.kb import registry

    copy = tmp_path / "generator"
    shutil.copytree(REPO / "generator", copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = registry._code_salt(copy)
    source = copy / "digest.py"
    source.write_text(source.read_text() + "\n# one more rule\n")
    assert registry._code_salt(copy) != before
