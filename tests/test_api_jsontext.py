"""The API's JSON text (generator/public/api/jsontext.py) is exactly what
`json.dumps(..., sort_keys=True, indent=2, ensure_ascii=False)` writes."""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest

from generator.public.api import documents, jsontext
from generator.public.projection import project
from tests.sitekit import EXAMPLE, load, now


def standard(value: Any) -> str:
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False)


def test_a_small_document_by_hand() -> None:
    assert jsontext.dumps({"b": [1, {}], "a": {"x": None, "y": [True, False, 1.5]}, "c": []}) == (
        '{\n  "a": {\n    "x": null,\n    "y": [\n      true,\n      false,\n      1.5\n    ]\n  },\n'
        '  "b": [\n    1,\n    {}\n  ],\n  "c": []\n}'
    )


class Level(enum.IntEnum):
    HIGH = 3


@pytest.mark.parametrize("value", [
    {}, [], "", 0, -7, 2**70, 0.1, 1e300, float("nan"), float("-inf"), True, None, Level.HIGH,
    {"ünïcode ✓": "line\nbreak\ttab \"quote\" \\ back \u2028 \x00 \x1f é"},
    {"z": (1, (2, ())), "a": [[[]], [{}]], "m": {"k": {"k": {"k": "deep"}}}},
    [{"same": 1}, {"same": 2}], {"1": "text key that looks like a number"},
])
def test_any_value_is_the_standard_text(value: Any) -> None:
    assert jsontext.dumps(value) == standard(value)


def test_what_it_does_not_write_itself_is_left_to_json() -> None:
    assert jsontext.dumps({2: "b", 1: "a"}) == standard({2: "b", 1: "a"})  # keys json turns into text
    with pytest.raises(TypeError):
        jsontext.dumps({"when": object()})


def test_every_api_document_of_the_example_is_the_standard_text() -> None:
    page = project(load(EXAMPLE).site, now())
    found = documents(page)
    assert len(found) >= 8
    for document in found.values():
        assert jsontext.dumps(document) == standard(document)
