"""Mutation testing of the core modules: plant one small bug at a time, run the module's tests.

    nice python benchmarks/mutation.py                    # every module below
    nice python benchmarks/mutation.py generator/public/api/vocab.py --timeout 120

For each module: every mutant (a comparison flipped, `and`/`or` swapped, a number or a string
changed, `True`/`False` swapped, `min`/`max` swapped, a call statement removed, a `return x`
made `return None`) is written into a temporary copy of the repository and the module's test
files run there (`pytest -x`, each mutant bounded by `--timeout` seconds; a timeout counts as
killed). The score is killed / mutants, not counting the mutants listed in `EQUIVALENT` (each
with the reason it changes no behaviour); survivors are printed with their line, so a test can
kill them. `--lines` re-runs only the mutants of some lines (a survivor, after a new test).
Not run in CI: it takes hours on two cores.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

#: Module (or folder) -> the test files that guard it, fastest to fail first.
_STATUS_TESTS = ("tests/test_page_status.py", "tests/test_uptime.py", "tests/test_projection.py",
                 "tests/test_projection_outputs.py", "tests/test_api_words.py", "tests/test_golden_example.py")
_METRICS_TESTS = ("tests/test_metrics.py", "tests/test_metrics_table.py", "tests/test_metrics_cli.py")
MODULES: dict[str, tuple[str, ...]] = {
    "generator/public/api/vocab.py": ("tests/test_api_words.py", "tests/test_public_api.py"),
    "generator/derive/status.py": _STATUS_TESTS,
    # The metrics' availability and downtime are uptime.py's (a one-second period: test_metrics.py).
    "generator/derive/uptime.py": (*_STATUS_TESTS, "tests/test_metrics.py"),
    # The notification plan is the one reader of a phase's `automatic` flag.
    "generator/derive/maintenance.py": ("tests/test_maintenance_schedule.py", "tests/test_projection.py",
                                        "tests/test_projection_outputs.py", "tests/test_notify_plan.py"),
    "generator/derive/durations.py": ("tests/test_golden_example.py", *_METRICS_TESTS),
    "generator/derive/followup.py": ("tests/test_validation.py", "tests/test_validate_cross_file.py", *_METRICS_TESTS),
    "generator/derive/metrics": _METRICS_TESTS,
    "generator/public/projection.py": ("tests/test_projection_outputs.py", "tests/test_projection.py",
                                       "tests/test_page_status.py", "tests/test_public_leaks.py",
                                       "tests/test_api_words.py"),
    "generator/published.py": ("tests/test_sanitiser_handlers.py", "tests/test_published_text.py",
                               "tests/test_hostile_markdown.py"),
    # Six names re-exported from published.py (whose own tests are above): their test is there.
    "generator/public/markdown.py": ("tests/test_sanitiser_handlers.py",),
    "generator/load/checks.py": ("tests/test_validation.py", "tests/test_validate_cross_file.py",
                                 "tests/test_redaction_fields.py", "tests/test_redaction.py"),
    "generator/load/fields.py": ("tests/test_fields.py", "tests/test_validation.py", "tests/test_published_text.py"),
    # test_reliability.py (builds killed at random points) guards publish.py too, but takes
    # minutes, and far longer traced: run it by hand after a change here. test_generations.py
    # is the one that runs the reserve generation (folder(keep=True), prune, discard putting a
    # reserve back, background removal): without it those lines are never run.
    "generator/publish.py": ("tests/test_publish.py", "tests/test_build.py", "tests/test_generations.py"),
}

#: `frozen=True` only forbids assignment and adds a hash, `slots=True` only saves memory and
#: forbids new attributes: in these modules no code assigns to, hashes or adds attributes to
#: these records (the load cache pickles the checks' facts either way). Checked once for all of
#: derive/ at a time: every dataclass there made `frozen=False`, then `slots=False`, and the
#: derive tests (status, uptime, projection, API words, golden example, metrics, validation,
#: maintenance schedule: 141 tests) passed.
_FROZEN_OR_SLOTS = "frozen/slots change no value: nothing assigns to, hashes or extends these records"
_FROZEN_MODULES = (
    "generator/load/checks.py", "generator/public/projection.py", "generator/derive/status.py",
    "generator/derive/uptime.py", "generator/derive/durations.py", "generator/derive/maintenance.py",
    *(f"generator/derive/metrics/{name}.py" for name in ("__init__", "followup", "groups", "period", "reliability",
                                                         "stats")),
)

_JOINABLE = r'if len(patterns) < 2 or any(re.search(r"\\\d|\(\?P[<=]", p.pattern) for p in patterns):'
_ONE_BY_ONE = "two patterns are then searched one by one: the same matches (a speed-up only)"

#: (path, the mutated line as written, without its comment, stripped, description) -> why the mutant changes no
#: behaviour. Keyed by the line's text rather than its number, so edits elsewhere in the module
#: keep the entries; a reworded line needs its entry reviewed again (it then runs as a mutant).
EQUIVALENT: dict[tuple[str, str, str], str] = {
    ("generator/load/checks.py", "self.problems.warning(self.shown(source), source.line, message)",
     "call statement removed"):
        "Checker.warning is called nowhere: the checks' warnings all depend on `now` and are made by `timed`",
    **{(path, "@dataclass(frozen=True, slots=True)", "True -> False"): _FROZEN_OR_SLOTS for path in _FROZEN_MODULES},
    ("generator/load/fields.py", 'E = TypeVar("E", bound=StrEnum)', "'E' -> 'XX'+..."):
        "a TypeVar's name only shows in type checkers' messages",
    ("generator/load/fields.py", 'return name.split(".", 1)[0].casefold() in RESERVED_NAMES', "1 -> 2"):
        "the part before the first dot is the same however often the rest is split",
    ("generator/load/fields.py", "if value.tzinfo is None or value.utcoffset() is None:", "or -> and"):
        "datetime.fromisoformat gives either no tzinfo (both tests true) or a fixed offset (both false)",
    ("generator/load/fields.py",
     "self.error(node.line, f\"{where.rstrip('.') or 'file'}: expected a mapping; got {node.kind}\")",
     "'.' -> 'XX'+..."): "rstrip takes a set of characters: 'XX.XX' strips the same from these paths, which end "
                         "in '.' after a lower-case key or ']' and never in 'X'",
    **{("generator/derive/durations.py", f'"{name}": "{words}",', f"{words[:30]!r} -> 'XX'+..."):
       "only DURATION_NAMES' keys are read (which durations, in which order); the words document them"
       for name, words in (("ttd", "time to detect (detected_at − started_at)"),
                           ("ttm", "time to mitigate (mitigated_at − started_at)"),
                           ("ttr", "time to resolve (resolved_at − started_at)"))},
    **{("generator/derive/metrics/groups.py",
        'COUNT_DIMENSIONS = ("severity", "type", "root_cause_type", "root_cause_service", "detection")',
        f"{name!r} -> 'XX'+..."): "COUNT_DIMENSIONS is read nowhere (`counts()` names the breakdowns itself)"
       for name in ("severity", "type", "root_cause_type", "root_cause_service", "detection")},
    ("generator/public/projection.py", "for position, service in enumerate(public_services, start=1):", "1 -> 2"):
        "PublicComponent.position is read nowhere: the API numbers components by their group's order",
    ("generator/public/projection.py", "return False", "return x -> return None"):
        "_reviewed_by's one caller uses it as a condition, where None is as false as False",
    ("generator/load/fields.py",
     "def markdown(self, key: str, required: bool = False, knowledge_base: bool = False) -> str:",
     "False -> True #2"):
        "the default of knowledge_base is never used: every caller (records.py, documents.py) passes True",
    ("generator/publish.py", "self.reserves.clear()", "call statement removed"):
        "a Staging serves one build: publish() and discard() clear `folders` too, and `reserves` is read "
        "only while looping over `folders`, so after either call it is never read again",
    ("generator/publish.py", "path.rmdir()", "call statement removed"):
        "rename(2) of a directory onto an empty directory replaces it (POSIX), so renaming the reserve "
        "onto the empty mkdtemp folder gives the same tree; the rmdir only states the intent",
    ("generator/publish.py", "for parent in sorted(parents, key=len, reverse=True):", "True -> False"):
        "the order is a speed-up only: every successful rmdir walks on up to the parent, so the last "
        "removal inside a folder reaches it once it is empty, in any order (shallow first only tries "
        "some rmdirs that fail before their subfolders are gone)",
    ("generator/publish.py", 'os.rename(path, trash / "tree")', "'tree' -> 'XX'+..."):
        "the background process removes the whole trash folder; the name of the tree inside it is "
        "read nowhere (remove_leftovers only looks at whether a trash folder is empty)",
    ("generator/publish.py", "mask = os.umask(0)", "0 -> 1"):
        "os.umask(x) returns the mask that was set whatever x is, and the next line sets it back: "
        "the temporary value is never used to create anything",
    ("generator/publish.py", "self.folders.clear()", "call statement removed"):
        "a Staging serves one build: after publish() only discard() reads the folders, and removing "
        "them again (ignore_errors) does nothing; after discard() nothing reads them",
    ("generator/derive/maintenance.py", "while index < len(posted) and posted[index].at <= moment:", "LtE -> Lt"):
        "an update at the very moment of a transition stands in for it (`moment not in moments`), so "
        "taking it before or after that mark gives the same phases in the same order",
    ("generator/public/projection.py", "automatic: bool = False", "False -> True"):
        "the default is never used: the one place that makes these passes `automatic`",
    ("generator/public/projection.py", "by_id: dict[str, PublicComponent] = field(repr=False, compare=False, "
     "default_factory=dict)", "False -> True"):
        "no output compares or prints a PublicPage; and by_id is made from `components`, so comparing it too "
        "gives the same answer",
    ("generator/derive/uptime.py", "ImpactLevel.MAJOR_OUTAGE: 4,", "4 -> 5"):
        "SEVERITY_RANK is only compared (max by rank, rank >= rank): 1 < 2 < 3 < 5 orders the levels as "
        "1 < 2 < 3 < 4 does, and operational's 0 (status.rank) stays below them all",
    ("generator/derive/uptime.py", "if span.end > span.start:", "Gt -> GtE"):
        "an empty span (end == start) then adds a -1 and a +1 at one moment: only the first event of a "
        "moment closes a segment (from the previous moment, in the states before this one), so it makes no "
        "segment, and after both events every count is what it was",
    ("generator/derive/uptime.py", "events.sort(key=lambda e: (e[0], e[1]))", "1 -> 2"):
        "the order of the events within one moment does not matter: only the first of them closes a segment, "
        "in the states before that moment, and after all of them each count is the same sum in any order (a "
        "level leaves `active` when its count is back to 0, whichever event brings it there)",
    ("generator/derive/uptime.py", "active[level] = active.get(level, 0) + delta", "Add -> Sub"):
        "every count becomes its negative (+1 and -1 swap roles), and only whether a count is 0 is read "
        "(a level is in `active` or not)",
    ("generator/derive/uptime.py", "if overlap > 0:", "Gt -> GtE"):
        "downtime(): an overlap of 0 adds 0 seconds. daily(): every segment its loop reaches overlaps the "
        "day by more than 0 — flatten makes no empty segment, the first loop skips those ending by the "
        "day's start, the second stops before those starting at its end, and no span ends after `now` "
        "(status.py clips them there), so no segment of today starts at `now` and no later day is reached",
    ("generator/derive/uptime.py", "while index < len(segments) and segments[index].end <= start:", "LtE -> Lt"):
        "a segment ending exactly at the day's start is then reached by the second loop too, where it "
        "overlaps the day by 0 seconds and is skipped (`overlap > 0`): the same figures",
    ("generator/derive/uptime.py",
     "while probe < len(segments) and segments[probe].start < start + timedelta(days=1):", "Lt -> LtE #2"):
        "a segment starting exactly at the next day's start is then reached too; it overlaps this day, "
        "which has ended by then, by 0 seconds or less, and is skipped",
    ("generator/derive/uptime.py",
     "while probe < len(segments) and segments[probe].start < start + timedelta(days=1):", "1 -> 2"):
        "segments starting in the next day are then reached too; they overlap this day, which has ended "
        "before they start, by 0 seconds or less, and are skipped: the loop only stops later",
    **{("generator/derive/metrics/__init__.py", f'"{name}",', f"{name!r} -> 'XX'+..."):
       "__all__ is read only by `from generator.derive.metrics import *`, which no code or test does "
       "(every importer names what it takes)"
       for name in ("GROUPINGS", "FollowUp", "GroupMetrics", "Period", "Report", "ServiceReliability", "compute",
                    "make_period")},
    ("generator/derive/metrics/table.py", "pairs = enumerate(zip(cells, widths, strict=True))", "True -> False"):
        "every row of every table is built with as many cells as its header (the widths come from the "
        "header), so zip never meets rows of unequal length to refuse",
    ("generator/derive/metrics/table.py", 'if i.state == "overdue" and i.days_overdue is not None:', "and -> or"):
        "days_overdue is set for overdue items only (metrics/followup.item_figures), so `or` picks the same "
        "items; the second test is there for the type checker",
    # `_any_of` joins the patterns into one pre-filter; None means "search each pattern", which
    # reports exactly the same matches, only slower. So mutants that make it None more often
    # change no message (the `or -> and` and regular-expression mutants do: they join patterns
    # with back-references, test_redaction_fields.py kills them).
    ("generator/load/checks.py", _JOINABLE, "Lt -> LtE"): _ONE_BY_ONE,
    ("generator/load/checks.py", _JOINABLE, "2 -> 3"): _ONE_BY_ONE,
    ("generator/load/checks.py", 'return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))',
     "return x -> return None"): "no pre-filter: every pattern is searched, the same matches (a speed-up only)",
}

_COMPARE_SWAP: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In,
}
_BINOP_SWAP: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div,
}


@dataclass(frozen=True)
class Mutant:
    path: str
    line: int
    description: str
    source: str  # the whole mutated module
    code: str  # the original line without its comment, stripped (the key of `EQUIVALENT`)
    nth: int = 1  # the how-many-th mutant of this description on its line
    statement: int = 0  # the first line of its statement (a continuation line has no line events)

    def equivalent(self) -> str | None:
        """Why it changes no behaviour (`EQUIVALENT`), if it is listed: by its description, or,
        where a line has several alike, by `description #n` (`False -> True #2`)."""
        return EQUIVALENT.get((self.path, self.code, f"{self.description} #{self.nth}")) or EQUIVALENT.get(
            (self.path, self.code, self.description))


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _changes(node: ast.AST, skip: set[int]) -> Iterator[tuple[str, object]]:
    """(description, how to apply) for each mutation of `node` itself."""
    if isinstance(node, ast.Compare):
        for index, op in enumerate(node.ops):
            if type(op) in _COMPARE_SWAP:
                yield f"{type(op).__name__} -> {_COMPARE_SWAP[type(op)].__name__}", ("ops", index)
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINOP_SWAP:
        yield f"{type(node.op).__name__} -> {_BINOP_SWAP[type(node.op)].__name__}", ("binop",)
    elif isinstance(node, ast.BoolOp):
        yield ("and -> or" if isinstance(node.op, ast.And) else "or -> and"), ("boolop",)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "not x -> x", ("not",)
    elif isinstance(node, ast.Constant) and id(node) not in skip:
        if isinstance(node.value, bool):
            yield f"{node.value} -> {not node.value}", ("const", not node.value)
        elif isinstance(node.value, int | float):
            yield f"{node.value!r} -> {node.value + 1!r}", ("const", node.value + 1)
        elif isinstance(node.value, str) and node.value:
            yield f"{node.value[:30]!r} -> 'XX'+...", ("const", "XX" + node.value + "XX")
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("min", "max"):
        yield f"{node.func.id} -> {'max' if node.func.id == 'min' else 'min'}", ("minmax",)
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        yield "call statement removed", ("pass",)
    elif isinstance(node, ast.Return) and node.value is not None and not (
        isinstance(node.value, ast.Constant) and node.value.value is None
    ):
        yield "return x -> return None", ("return",)


def _apply(node: ast.AST, how: tuple[object, ...]) -> ast.AST:
    kind = how[0]
    if kind == "ops":
        assert isinstance(node, ast.Compare)
        index = int(how[1])  # type: ignore[call-overload]
        node.ops[index] = _COMPARE_SWAP[type(node.ops[index])]()
    elif kind == "binop":
        assert isinstance(node, ast.BinOp)
        node.op = _BINOP_SWAP[type(node.op)]()
    elif kind == "boolop":
        assert isinstance(node, ast.BoolOp)
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif kind == "not":
        assert isinstance(node, ast.UnaryOp)
        return node.operand
    elif kind == "const":
        assert isinstance(node, ast.Constant)
        node.value = how[1]  # type: ignore[assignment]
    elif kind == "minmax":
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        node.func.id = "max" if node.func.id == "min" else "min"
    elif kind == "pass":
        return ast.copy_location(ast.Pass(), node)
    elif kind == "return":
        assert isinstance(node, ast.Return)
        node.value = ast.Constant(None)
    return node


class _Replace(ast.NodeTransformer):
    def __init__(self, target: int, how: tuple[object, ...]) -> None:
        self.target, self.how = target, how
        self.count = -1

    def generic_visit(self, node: ast.AST) -> ast.AST:
        self.count += 1
        if self.count == self.target:
            return _apply(node, self.how)
        return super().generic_visit(node)


def _annotation_nodes(tree: ast.Module) -> set[int]:
    """Nodes inside annotations (postponed: mutating them changes nothing at run time)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        annotations = []
        if isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            annotations += [a.annotation for a in [*node.args.args, *node.args.kwonlyargs] if a.annotation]
            annotations += [node.returns] if node.returns else []
        for annotation in annotations:
            found.update(id(n) for n in ast.walk(annotation))
    return found


def mutants(path: str) -> Iterator[Mutant]:
    """Every mutant of the module at `path` (relative to the repository)."""
    text = (REPO / path).read_text(encoding="utf-8")
    source_lines = text.splitlines()
    tree = ast.parse(text)
    skip = _docstrings(tree) | _annotation_nodes(tree)
    order: list[ast.AST] = []

    class Walk(ast.NodeVisitor):
        def generic_visit(self, node: ast.AST) -> None:
            order.append(node)
            super().generic_visit(node)

    Walk().visit(tree)
    seen: dict[tuple[int, str], int] = {}
    statement_line: dict[int, int] = {}  # node -> the first line of its innermost statement
    for statement in ast.walk(tree):  # outer statements first, so inner ones overwrite
        if isinstance(statement, ast.stmt):
            statement_line.update((id(n), statement.lineno) for n in ast.walk(statement))
    for index, node in enumerate(order):
        if isinstance(node, ast.ImportFrom | ast.Import) or id(node) in skip and not isinstance(node, ast.Constant):
            continue
        if isinstance(node, ast.Constant) and id(node) in skip:
            continue
        for description, how in _changes(node, skip):
            changed = _Replace(index, how).visit(copy.deepcopy(tree))  # type: ignore[arg-type]
            ast.fix_missing_locations(changed)
            line = getattr(node, "lineno", 0)
            code = source_lines[line - 1].split("  # ")[0].strip() if 0 < line <= len(source_lines) else ""
            seen[line, description] = nth = seen.get((line, description), 0) + 1
            yield Mutant(path, line, description, ast.unparse(changed), code, nth, statement_line.get(id(node), line))


def tests_for(target: str) -> tuple[str, ...]:
    """The test files of a module of MODULES, or of one file in a folder of MODULES."""
    for key in (target, *(k for k in MODULES if target.startswith(k.rstrip("/") + "/"))):
        if key in MODULES:
            return MODULES[key]
    raise SystemExit(f"{target} is not in MODULES (or in one of its folders)")


def expand(targets: list[str]) -> list[str]:
    """`targets` with a folder that holds entries of MODULES (`generator/derive`) replaced by them."""
    found: list[str] = []
    for target in targets:
        inside = [k for k in MODULES if k.startswith(target.rstrip("/") + "/")]
        found += [target] if target in MODULES or not inside else inside
    return found


def module_files(target: str) -> list[str]:
    folder = REPO / target
    if folder.is_dir():
        return sorted(p.relative_to(REPO).as_posix() for p in folder.rglob("*.py") if p.name != "__init__.py")
    return [target]


def copy_repository(dest: Path) -> None:
    listed = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    for rel in listed.splitlines():
        source = REPO / rel
        if source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)


#: Imported once in the runner, so that each forked mutant run only imports Statuspress itself.
_HEAVY = ("pytest", "yaml", "markdown", "nh3", "jinja2", "bs4", "html5lib", "feedgen.feed", "icalendar",
          "hypothesis", "jsonschema", "click", "ruamel.yaml", "lxml.etree", "feedparser")


def _preload() -> None:
    import contextlib
    import importlib

    for name in _HEAVY:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def _child(copy_root: Path, tests: tuple[str, ...], trace: tuple[set[str], Path] | None) -> None:
    """In a forked child: forget Statuspress and the tests, import them from the copy, run pytest."""
    code = 3
    try:
        os.setpgid(0, 0)  # its own group: a timeout ends the run and whatever it started
        os.chdir(copy_root)
        for name in [n for n in sys.modules if n.split(".")[0] in ("generator", "tests", "benchmarks")]:
            del sys.modules[name]
        sys.path.insert(0, str(copy_root))
        sys.dont_write_bytecode = True
        os.environ.update({"LEAK_EXAMPLES": "30", "FUZZ_EXAMPLES": "30", "PYTHONPATH": str(copy_root)})
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        import pytest

        if trace is None:
            code = int(pytest.main(["-x", "-q", "-p", "no:cacheprovider", *tests]))
        else:
            files, out = trace
            lines: set[tuple[str, int]] = set()

            def local(frame: Any, event: str, arg: Any) -> Any:
                if event == "line":
                    lines.add((frame.f_code.co_filename, frame.f_lineno))
                return local

            def tracer(frame: Any, event: str, arg: Any) -> Any:
                return local if frame.f_code.co_filename in files else None

            threading.settrace(tracer)
            sys.settrace(tracer)
            code = int(pytest.main(["-q", "-p", "no:cacheprovider", *tests]))
            sys.settrace(None)
            out.write_text(json.dumps(sorted(lines)), encoding="utf-8")
    finally:
        os._exit(code)


def _fork(copy_root: Path, tests: tuple[str, ...], timeout: float,
          trace: tuple[set[str], Path] | None = None) -> str:
    """'survived', 'killed' or 'timeout' for the copy as it is now (pytest in a forked child)."""
    pid = os.fork()
    if pid == 0:
        _child(copy_root, tests, trace)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return "survived" if os.waitstatus_to_exitcode(status) == 0 else "killed"
        if time.monotonic() > deadline:
            if _own_group(pid):
                os.killpg(pid, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout"
        time.sleep(0.05)


def _own_group(pid: int) -> bool:
    try:
        return os.getpgid(pid) == pid
    except ProcessLookupError:
        return False


def run_tests(copy_root: Path, tests: tuple[str, ...], timeout: float) -> str:
    return _fork(copy_root, tests, timeout)


def covered(copy_root: Path, tests: tuple[str, ...], paths: list[str], timeout: float) -> dict[str, set[int]]:
    """The lines of `paths` that the tests execute (a mutant elsewhere survives without a run)."""
    files = {str(copy_root / p) for p in paths}
    out = copy_root / ".mutation-lines.json"
    outcome = _fork(copy_root, tests, timeout, (files, out))
    if outcome == "timeout":
        raise SystemExit(f"the traced run of {', '.join(tests)} took over {timeout:g} s; give a longer --timeout")
    if outcome != "survived":
        raise SystemExit(f"the tests {', '.join(tests)} fail without any mutant; fix them first")
    found: dict[str, set[int]] = {p: set() for p in paths}
    for filename, line in json.loads(out.read_text(encoding="utf-8")):
        found[Path(filename).relative_to(copy_root).as_posix()].add(line)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", default=list(MODULES),
                        help="modules or folders of MODULES, or files in those folders")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per mutant (a timeout is a kill)")
    parser.add_argument("--limit", type=int, default=0, help="at most this many mutants per module (0: all)")
    parser.add_argument("--lines", default="",
                        help="only the mutants on these lines, e.g. 34,145 (re-checking survivors)")
    args = parser.parse_args()
    only = {int(n) for n in args.lines.split(",") if n.strip()}
    _preload()
    with tempfile.TemporaryDirectory(prefix="statuspress-mutation-") as temp:
        root = Path(temp)
        copy_repository(root)
        for target in expand(args.targets):
            tests = tests_for(target)
            paths = module_files(target)
            # Re-checking some lines: they were run (they had survivors), so no traced run first.
            lines = {p: only for p in paths} if only else covered(root, tests, paths, args.timeout * 4)
            for path in paths:
                original = (root / path).read_text(encoding="utf-8")
                killed = total = equivalent = timeouts = 0
                survivors = []
                for number, mutant in enumerate(mutants(path)):
                    if args.limit and number >= args.limit:
                        break
                    if only and mutant.line not in only:
                        continue
                    if mutant.equivalent():
                        equivalent += 1
                        continue
                    total += 1
                    if mutant.line not in lines[path] and mutant.statement not in lines[path]:
                        outcome = "survived (line never run by the tests)"
                    else:
                        (root / path).write_text(mutant.source, encoding="utf-8")
                        outcome = run_tests(root, tests, args.timeout)
                        (root / path).write_text(original, encoding="utf-8")
                    print(f"  {outcome:8} {path}:{mutant.line}: {mutant.description}", flush=True)
                    if outcome.startswith("survived"):
                        survivors.append(mutant)
                    else:
                        killed += 1
                        timeouts += outcome == "timeout"
                score = 100.0 * killed / total if total else 100.0
                print(f"{path}: {killed}/{total} killed ({timeouts} by timeout), score {score:.1f} % "
                      f"({equivalent} equivalent mutants not counted)", flush=True)
                for mutant in survivors:
                    print(f"  survived {path}:{mutant.line}: {mutant.description}  | {mutant.code}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
