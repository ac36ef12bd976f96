"""The load cache trusts an entry only if it was made by the same code: every module the loader
runs that shapes records or problems is in its code hash, and so are the libraries whose output
it keeps. An upgrade that changes how a text is checked must never be hidden by a warm cache."""

from __future__ import annotations

import ast
from pathlib import Path

import nh3
import pytest
import yaml

from generator.load import cache

GENERATOR = Path(cache.__file__).resolve().parent.parent

#: Modules the loader imports that shape no record, problem or fact it caches, and why.
NOT_SHAPING = {
    "cachefile.py": "how cache files are signed and written, not what they hold",
    "locking.py": "the save's lock",
    "workers.py": "where files are parsed, not what is made of them",
    "progress.py": "the progress meter",
    "notify/config.py": "notify.yaml is read on every load, never cached",
}


def _imported(module: Path) -> set[Path]:
    """The generator modules `module` imports (relative imports, at any depth of the file)."""
    found = set()
    package = module.parent
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom) or node.level == 0:
            continue
        base = package
        for _ in range(node.level - 1):
            base = base.parent
        parts = node.module.split(".") if node.module else []
        target = base.joinpath(*parts)
        candidates = [target.with_suffix(".py"), target / "__init__.py"]
        if not node.module:  # `from . import x`
            candidates = [base / f"{alias.name}.py" for alias in node.names]
        found.update(path.resolve() for path in candidates if path.is_file())
    return found


def _reached_from_loader() -> set[Path]:
    todo = sorted((GENERATOR / "load").glob("*.py"))
    seen: set[Path] = set()
    while todo:
        module = todo.pop().resolve()
        if module in seen:
            continue
        seen.add(module)
        if module.relative_to(GENERATOR).as_posix() in NOT_SHAPING:
            continue
        todo.extend(_imported(module))
    return seen


def test_every_module_the_loader_runs_is_in_its_code_hash() -> None:
    hashed = {path.resolve() for path in cache._CODE_FILES}
    missing = sorted(path.relative_to(GENERATOR).as_posix() for path in _reached_from_loader()
                     if path not in hashed and path.relative_to(GENERATOR).as_posix() not in NOT_SHAPING)
    assert missing == [], f"add these to load/cache.py's _CODE_FILES (or to NOT_SHAPING here, with why): {missing}"
    # The ones the loader reaches outside load/ are there by name, as a reader of cache.py sees them.
    for name in ("model.py", "problems.py", "published.py", "linkify.py", "derive/followup.py"):
        assert (GENERATOR / name).resolve() in hashed


@pytest.mark.parametrize("library", [nh3, yaml])
def test_a_new_library_version_is_a_new_code_hash(monkeypatch: pytest.MonkeyPatch, library: object) -> None:
    before = cache.code_hash()
    monkeypatch.setattr(library, "__version__", "999.0")
    assert cache.code_hash() != before


def test_a_new_markdown_is_a_new_code_hash(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    meta = cache._library_files("markdown")[0]
    assert meta.name == "__meta__.py" and "__version_info__" in meta.read_text(encoding="utf-8")
    before = cache.code_hash()
    other = tmp_path / "__meta__.py"
    other.write_text(meta.read_text(encoding="utf-8").replace("__version_info__ = (", "__version_info__ = (9, "),
                     encoding="utf-8")
    monkeypatch.setattr(cache, "_library_files", lambda package: (other,))
    assert cache.code_hash() != before
