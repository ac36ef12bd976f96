"""Each typed getter of `load/fields.py`: the value it returns and the exact message (file, line)
it reports for each kind of bad value, written down by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from generator.load.fields import (
    Fields,
    format_time,
    is_reserved_name,
    parse_day,
    parse_time,
    whole_number,
)
from generator.load.yamlsafe import Node, parse
from generator.model import Severity
from generator.problems import Problems


def fields(text: str, where: str = "") -> tuple[Fields, Problems]:
    problems = Problems()
    return Fields(problems, "f.yaml", parse(text), where), problems


def said(problems: Problems) -> list[str]:
    return [str(p) for p in problems.sorted()]


# ------------------------------------------------------------------ names and times


@pytest.mark.parametrize(
    ("name", "reserved"),
    [("con", True), ("PRN", True), ("COM1.md", True), ("com9", True), ("aux.notes.md", True), ("lpt1", True),
     ("LPT9", True), ("nul.html", True), ("com0", False), ("com10", False), ("lpt0", False), ("lpt10", False),
     ("console", False), ("prn-1", False), ("index", False)],
)
def test_windows_device_names(name: str, reserved: bool) -> None:
    assert is_reserved_name(name) is reserved


def test_times_are_utc_and_bounded() -> None:
    assert parse_time(" 2026-11-20T15:02:00+01:00 ") == datetime(2026, 11, 20, 14, 2, tzinfo=UTC)
    assert parse_time("1970-01-01T00:00:00Z") == datetime(1970, 1, 1, tzinfo=UTC)
    assert parse_time("2099-12-31T23:59:59Z") == datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert format_time(datetime(2026, 11, 20, 15, 2, 7, tzinfo=timezone(timedelta(hours=1)))) == "2026-11-20T14:02:07Z"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-11-20", "expected a date and time with an offset, e.g. 2026-11-20T00:00:00Z; got '2026-11-20'"),
        ("yesterday", "expected an ISO 8601 time like 2026-11-20T14:02:00Z; got 'yesterday'"),
        ("2026-11-20T14:02:00", "time '2026-11-20T14:02:00' has no UTC offset; add Z or +HH:MM"),
        ("1969-12-31T23:59:59Z", "time '1969-12-31T23:59:59Z' is out of range (expected 1970-01-01T00:00:00Z to 2099-12-31T23:59:59Z)"),
        ("2100-01-01T00:00:00Z", "time '2100-01-01T00:00:00Z' is out of range (expected 1970-01-01T00:00:00Z to 2099-12-31T23:59:59Z)"),
        ("9999-12-31T23:00:00-05:00", "time '9999-12-31T23:00:00-05:00' is out of range (expected 1970-01-01T00:00:00Z to 2099-12-31T23:59:59Z)"),
    ],
)
def test_bad_times(text: str, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_time(text)
    assert str(raised.value) == message


def test_days_are_bounded() -> None:
    assert parse_day(" 1970-01-01 ") == date(1970, 1, 1)
    assert parse_day("2099-12-31") == date(2099, 12, 31)
    for text, message in [
        ("15/12/2026", "expected a date like 2026-12-15; got '15/12/2026'"),
        ("1969-12-31", "date '1969-12-31' is out of range (expected 1970-01-01 to 2099-12-31)"),
        ("2100-01-01", "date '2100-01-01' is out of range (expected 1970-01-01 to 2099-12-31)"),
    ]:
        with pytest.raises(ValueError) as raised:
            parse_day(text)
        assert str(raised.value) == message


def test_whole_numbers() -> None:
    assert whole_number(Node(1, 1), 1, 5) == 1
    assert whole_number(Node(5, 1), 1, 5) == 5
    assert whole_number(Node(0, 1), 1, 5) == "expected a whole number from 1 to 5; got 0"
    assert whole_number(Node(6, 1), 1, 5, " of days") == "expected a whole number of days from 1 to 5; got 6"
    assert whole_number(Node(True, 1), 0, 5) == "expected a whole number; got true/false"
    assert whole_number(Node(2.5, 1), 0, 5, " of days") == "expected a whole number of days; got a number"


# ------------------------------------------------------------------ the mapping itself


def test_not_a_mapping() -> None:
    _, problems = fields("- a\n- b\n")
    assert said(problems) == ["f.yaml:1: file: expected a mapping; got a list"]
    _, problems = fields("just text\n", "services[0].")
    assert said(problems) == ["f.yaml:1: services[0]: expected a mapping; got text"]


def test_required_missing_null_and_unknown_fields() -> None:
    f, problems = fields("a: 1\nb: ~\nc: 3\nzed: 4\n")
    assert f.line == 1 and f.lines() == {"a": 1, "b": 2, "c": 3, "zed": 4}
    assert f.key_line("c") == 3 and f.key_line("nope") == 1
    assert f.node("b", required=True) is None  # null counts as absent
    assert f.node("missing") is None
    node = f.node("a")
    assert node is not None and node.value == 1
    f.finish(allowed_extra=("c",))
    assert said(problems) == [
        "f.yaml:1: b: required field is missing",
        "f.yaml:4: zed: unknown field (expected one of a, b, c, missing)",
    ]


def test_bad_names_the_key_line_or_the_mapping_line() -> None:
    f, problems = fields("x: 1\ny: 2\n", "site.")
    f.bad("y", "wrong")
    f.bad("absent", "missing too")
    assert said(problems) == ["f.yaml:1: site.absent: missing too", "f.yaml:2: site.y: wrong"]


# ------------------------------------------------------------------ scalars


def test_text() -> None:
    f, problems = fields('a: hello\nn: 42\nb: true\nl: [1]\nc: "bad\\x1b"\n')
    assert f.text("a") == "hello"
    assert f.text("n") == "42"
    assert f.text("b", default="d") == "d"
    assert f.text("l") == ""
    assert f.text("c", default="d") == "d"
    assert f.text("none", default="d") == "d"
    assert f.text("req", required=True) == ""
    assert said(problems) == [
        "f.yaml:1: req: required field is missing",
        "f.yaml:3: b: expected text; got true/false",
        "f.yaml:4: l: expected text; got a list",
        "f.yaml:5: c: control character U+001B in text",
    ]


def test_markdown_refuses_a_control_character_it_would_publish() -> None:
    f, problems = fields("ok: 'Fish &amp; chips'\nbad: 'Oops &#x1b; here'\n")
    assert f.markdown("ok") == "Fish &amp; chips"
    assert f.markdown("bad") == ""
    assert said(problems) == ["f.yaml:2: bad: control character U+001B in the published text (written as '&#x1b;')"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a b", "id: 'a b' is not a safe id (use letters, digits, '-' and '_' only)"),
        ("x" * 101, "id: id is 101 characters long; the limit is 100"),
        ("COM3", "id: 'COM3' is a reserved device name on Windows (CON, PRN, AUX, NUL, COM1-COM9, LPT1-LPT9); choose another id"),
        ("Index", "id: 'Index' names the index pages (incidents/index, services/index); choose another id"),
    ],
)
def test_bad_ids(value: str, message: str) -> None:
    f, problems = fields(f"id: {value}\n")
    assert f.ident("id") == ""
    assert said(problems) == [f"f.yaml:1: {message}"]


def test_good_ids() -> None:
    f, problems = fields(f"a: INC-2026_001\nb: {'x' * 100}\nc: index-1\n")
    assert [f.ident("a"), f.ident("b"), f.ident("c")] == ["INC-2026_001", "x" * 100, "index-1"]
    assert f.ident("gone", required=False) == ""
    assert f.ident("id") == ""
    assert said(problems) == ["f.yaml:1: id: required field is missing"]


def test_integer_number_boolean() -> None:
    f, problems = fields("i: 7\nbig: 99\nn: 99.5\nnb: yes\nlow: -1\nb: false\nbt: maybe\nnt: lots\n")
    assert f.integer("i", 3, 1, 10) == 7
    assert f.integer("absent", 3, 1, 10) == 3
    assert f.integer("big", 3, 1, 10) == 3
    assert f.number("n", None, 0, 100) == 99.5
    assert isinstance(f.number("i", None, 0, 100), float)
    assert f.number("absent", 1.5, 0, 100) == 1.5
    assert f.number("nb", 2.0, 0, 100) == 2.0
    assert f.number("low", None, 0, 0.5) is None
    assert f.number("big", 5.0, 0, 10) == 5.0
    assert f.number("nt", None, 0, 1) is None
    assert f.number("i", None, 7, 7.5) == 7.0 and f.number("n", None, 0, 99.5) == 99.5  # both ends allowed
    assert f.boolean("b", True) is False
    assert f.boolean("absent", True) is True
    assert f.boolean("bt", True) is True
    assert said(problems) == [
        "f.yaml:2: big: expected a number from 0 to 10; got 99",
        "f.yaml:2: big: expected a whole number from 1 to 10; got 99",
        "f.yaml:4: nb: expected a number; got true/false",
        "f.yaml:5: low: expected a number from 0 to 0.5; got -1",
        "f.yaml:7: bt: expected true or false; got text",
        "f.yaml:8: nt: expected a number; got text",
    ]


def test_enum() -> None:
    f, problems = fields("s: medium\nbad: sev5\n")
    assert f.enum("s", Severity) is Severity.MEDIUM
    assert f.enum("bad", Severity, Severity.MINOR) is Severity.MINOR
    assert f.enum("absent", Severity, Severity.MAJOR) is Severity.MAJOR
    assert f.enum("req", Severity, required=True) is None
    assert said(problems) == [
        "f.yaml:1: req: required field is missing",
        "f.yaml:2: bad: expected one of major, medium, minor; got 'sev5'",
    ]


def test_time_and_day_fields() -> None:
    f, problems = fields("t: 2026-11-20T14:02:00Z\ntn: 5\ntb: soon\nd: 2026-12-15\ndn: 5\ndb: Friday\n")
    assert f.time("t") == datetime(2026, 11, 20, 14, 2, tzinfo=UTC)
    assert f.time("tn") is None
    assert f.time("tb") is None
    assert f.time("absent") is None
    assert f.time("req", required=True) is None
    assert f.day("d") == date(2026, 12, 15)
    assert f.day("dn") is None
    assert f.day("db") is None
    assert f.day("absent") is None
    assert said(problems) == [
        "f.yaml:1: req: required field is missing",
        "f.yaml:2: tn: expected a time like 2026-11-20T14:02:00Z; got a number",
        "f.yaml:3: tb: expected an ISO 8601 time like 2026-11-20T14:02:00Z; got 'soon'",
        "f.yaml:5: dn: expected a date like 2026-12-15; got 5",
        "f.yaml:6: db: expected a date like 2026-12-15; got 'Friday'",
    ]


# ------------------------------------------------------------------ collections


def test_text_list() -> None:
    f, problems = fields('one: eu-west\nmany:\n  - a\n  - true\n  - 3\n  - "x\\x07"\n  - ""\n')
    assert f.text_list("one") == ("eu-west",)
    assert f.text_list("many") == ("a", "3")
    assert f.text_list("absent") == ()
    assert f.text_list("req", required=True) == ()
    assert said(problems) == [
        "f.yaml:1: req: required field is missing",
        "f.yaml:4: many[1]: expected text; got true/false",
        "f.yaml:6: many[3]: control character U+0007 in text",
    ]


def test_mapping_items_and_raw() -> None:
    text = "m:\n  k: v\nlist:\n  - id: a\n  - id: b\nnotlist: x\ntable:\n  p1: 2\nnottable: [1]\n"
    f, problems = fields(text, "site.")
    inner = f.mapping("m")
    assert inner is not None and inner.text("k") == "v" and inner.where == "site.m."
    assert f.mapping("absent") is None
    items = list(f.items("list"))
    assert [i.where for i in items] == ["site.list[0].", "site.list[1]."] and [i.text("id") for i in items] == ["a", "b"]
    assert [i.line for i in items] == [4, 5]
    assert list(f.items("notlist")) == []
    assert list(f.items("absent")) == []
    assert list(f.items("req", required=True)) == []
    table = f.raw("table")
    assert {k: v.value for k, v in table.items()} == {"p1": 2}
    assert f.raw("nottable") == {} and f.raw("absent") == {}
    inner.bad("k", "no")
    assert said(problems) == [
        "f.yaml:1: site.req: required field is missing",
        "f.yaml:2: site.m.k: no",
        "f.yaml:6: site.notlist: expected a list; got text",
        "f.yaml:9: site.nottable: expected a mapping; got a list",
    ]
