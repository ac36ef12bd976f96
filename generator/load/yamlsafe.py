"""Safe YAML: plain data only, with the line of every key and item, and bounded work.

We compose the YAML into nodes (no object construction at all, so `!!python/object` tags can do
nothing) and convert the nodes ourselves. That lets us keep line numbers, reject tags other than
the standard scalar ones, and bound alias expansion: a "billion laughs" file is an error, not a
hang, because every converted node is counted against a budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

try:  # the C parser is ~10x faster; fall back to pure Python where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

#: Upper bound of nodes produced from one file, aliases expanded. Real content stays far below.
NODE_BUDGET = 200_000
#: Deepest nesting accepted; content files need fewer than 10 levels.
MAX_DEPTH = 64

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_constructor = yaml.constructor.SafeConstructor()


@dataclass(frozen=True, slots=True)
class Node:
    """A YAML value and its 1-based line. For a mapping entry, the line is the key's line.

    `value` is a scalar (str, int, float, bool, None; timestamps stay as their text), a
    `list[Node]`, or a `dict[str, Node]`.
    """

    value: Any
    line: int

    @property
    def kind(self) -> str:
        """A word for the value's type, for error messages."""
        return describe(self.value)


def describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "nothing"
    if isinstance(value, int | float):
        return "a number"
    return "text"


class YamlError(Exception):
    """A file that is not acceptable YAML; `line` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def parse(text: str, first_line: int = 1) -> Node:
    """Parse one YAML document into a `Node` tree. `first_line` offsets lines (front matter)."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + first_line) if mark else first_line
        raise YamlError(line, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:  # e.g. a second document in one file
        raise YamlError(first_line, f"invalid YAML: {exc}") from None
    if root is None:
        return Node(None, first_line)
    return _Converter(first_line).convert(root, 0)


class _Converter:
    def __init__(self, first_line: int) -> None:
        self.offset = first_line
        self.budget = NODE_BUDGET

    def line(self, node: yaml.Node) -> int:
        return int(node.start_mark.line) + self.offset

    def convert(self, node: yaml.Node, depth: int) -> Node:
        self.budget -= 1
        if self.budget < 0:
            raise YamlError(self.line(node), "too many values after expanding aliases (alias bomb?)")
        if depth > MAX_DEPTH:
            raise YamlError(self.line(node), f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(node, yaml.ScalarNode):
            return Node(self.scalar(node), self.line(node))
        if isinstance(node, yaml.SequenceNode):
            self.check_tag(node, f"{_TAG}seq")
            return Node([self.convert(item, depth + 1) for item in node.value], self.line(node))
        if isinstance(node, yaml.MappingNode):
            self.check_tag(node, f"{_TAG}map")
            return Node(self.mapping(node, depth), self.line(node))
        raise YamlError(self.line(node), "unsupported YAML node")  # pragma: no cover

    def mapping(self, node: yaml.MappingNode, depth: int) -> dict[str, Node]:
        result: dict[str, Node] = {}
        for key_node, value_node in node.value:
            line = self.line(key_node)
            if key_node.tag == f"{_TAG}merge":
                raise YamlError(line, "merge keys (<<) are not supported; write the keys out")
            key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or isinstance(key_node.value, list):
                raise YamlError(line, "mapping keys must be plain text")
            if key in result:
                raise YamlError(line, f"duplicate key '{key}'")
            value = self.convert(value_node, depth + 1)
            result[key] = Node(value.value, line)
        return result

    def check_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            raise YamlError(self.line(node), f"unsupported YAML tag {node.tag!r}")

    def scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag not in _SCALAR_TAGS:
            raise YamlError(self.line(node), f"unsupported YAML tag {node.tag!r}")
        if node.tag in (f"{_TAG}str", f"{_TAG}timestamp"):
            return str(node.value)  # times are parsed (and their offsets checked) by the reader
        try:
            return _constructor.yaml_constructors[node.tag](_constructor, node)
        except (ValueError, yaml.YAMLError):
            raise YamlError(self.line(node), f"cannot read value {node.value!r}") from None
