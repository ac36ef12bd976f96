"""The load cache trusts an entry only if it was made by the same code: every module the loader
runs that shapes records or problems is in its code hash, and so are the libraries whose output
it keeps. An upgrade that changes how a text is checked must never be hidden by a warm cache."""

from __future__ import annotations

import ast
from importlib import metadata
from pathlib import Path

import pytest
import yaml

from generator import versions
from generator.load import cache

GENERATOR = Path(cache.__file__).resolve().parent.parent

#: Modules the loader imports that shape no record, problem or fact it caches, and why.
NOT_SHAPING = {
    "cachefile.py": "how cache files are signed and written, not what they hold",
    "locking.py": "the save's lock",
    "workers.py": "where files are parsed, not what is made of them",
    "progress.py": "the progress meter",
    "versions.py": "reads the versions of the libraries, which the hash covers",
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


def test_a_new_pyyaml_is_a_new_code_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache.code_hash()
    monkeypatch.setattr(yaml, "__version__", "999.0")
    assert cache.code_hash() != before


@pytest.mark.parametrize("library", ["markdown", "nh3"])
def test_a_new_markdown_library_is_a_new_code_hash(monkeypatch: pytest.MonkeyPatch, library: str) -> None:
    before = cache.code_hash()
    real = versions.version
    monkeypatch.setattr(cache, "version", lambda name: "999.0" if name == library else real(name))
    assert cache.code_hash() != before


@pytest.mark.parametrize("package", ["markdown", "nh3", "jinja2", "markupsafe", "mkdocs"])
def test_versions_are_the_installed_distributions(package: str) -> None:
    """Read without importlib.metadata, they are what it says."""
    assert versions.version(package) == metadata.version(package)
    assert versions.version("no_such_package_here") == "?"
