"""The YAML reader's limits hold for every kind of value, the text values of mappings too
(which it converts on a path of their own, yamlsafe.py `_Converter.mapping`)."""

from __future__ import annotations

import pytest

from generator.load.yamlsafe import MAX_DEPTH, NODE_BUDGET, YamlError, parse, plain


def test_aliases_to_a_mapping_of_text_count_every_text_value() -> None:
    # 100 text values in one mapping, listed 2,100 times by alias: 210,000 text values and only
    # 2,102 mappings and lists, so the budget of 200,000 values is spent by the text values alone.
    base = "{" + ", ".join(f"k{n}: text" for n in range(100)) + "}"
    text = f"base: &b {base}\nlist: [{', '.join(['*b'] * 2100)}]\n"
    assert 2100 * 100 > NODE_BUDGET > 2100 + 2
    with pytest.raises(YamlError, match=r"too many values after expanding aliases \(alias bomb\?\)"):
        parse(text)
    parse(f"base: &b {base}\nlist: [{', '.join(['*b'] * 1900)}]\n")  # 190,000 + 1,903: within


def test_a_text_value_nested_too_deep_is_refused() -> None:
    deep = "".join(f"{'  ' * n}k{n}:\n" for n in range(MAX_DEPTH)) + f"{'  ' * MAX_DEPTH}last: text\n"
    with pytest.raises(YamlError, match=f"nested deeper than {MAX_DEPTH} levels"):
        parse(deep)
    parse("".join(f"{'  ' * n}k{n}:\n" for n in range(MAX_DEPTH - 1)) + f"{'  ' * (MAX_DEPTH - 1)}last: text\n")


def test_mapping_values_keep_their_keys_lines_and_numbers_their_text() -> None:
    node = parse("title: Slow\n'quoted key': \"x\"\nat: 2026-11-20T14:02:00Z\nn: 0x1F\nlist:\n  - a\n  - b: c\n")
    assert plain(node) == {"title": "Slow", "quoted key": "x", "at": "2026-11-20T14:02:00Z", "n": 31,
                           "list": ["a", {"b": "c"}]}
    entries = node.value
    assert [entries[k].line for k in ("title", "quoted key", "at", "n", "list")] == [1, 2, 3, 4, 5]
    assert entries["n"].written == "0x1F" and entries["title"].written is None
    assert entries["list"].value[1].value["b"].line == 7
