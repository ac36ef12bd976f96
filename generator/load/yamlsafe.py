"""Safe YAML: plain data only, with the line of every key and item, and bounded work.

We compose the YAML into nodes (no object construction at all, so `!!python/object` tags can do
nothing) and convert the nodes ourselves. That lets us keep line numbers, reject tags other than
the standard scalar ones, and bound alias expansion: a "billion laughs" file is an error, not a
hang, because every converted node is counted against a budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

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
_STR, _TIMESTAMP, _SEQ, _MAP, _MERGE = (f"{_TAG}{t}" for t in ("str", "timestamp", "seq", "map", "merge"))
_TEXT_TAGS = frozenset({_STR, _TIMESTAMP})  # kept as text: times are parsed (and checked) by the reader
_constructor = yaml.constructor.SafeConstructor()


@dataclass(slots=True)
class Node:
    """A YAML value and its 1-based line. For a mapping entry, the line is the key's line.
    Not frozen (nothing changes a Node once made): making one is twice as fast, and a load
    makes one per value of every file.

    `value` is a scalar (str, int, float, bool, None; timestamps stay as their text), a
    `list[Node]`, or a `dict[str, Node]`.
    """

    value: Any
    line: int
    #: A number's text as written (`12:30:00`, `0x1F`, `1.10`): what a text field means by it.
    written: str | None = None

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


#: Implicit tag of each plain scalar seen, by its text. Statuses, names, ids and levels repeat in
#: every file, and libyaml asks the (Python) resolver for each scalar: a third of composing time.
_RESOLVED: dict[str, str] = {}
_RESOLVED_MAX = 100_000


class _CachingLoader(_Loader):
    """The safe loader with the implicit tags of plain scalars remembered, not re-matched."""

    # libyaml calls these two for every node, to follow path resolvers (`add_path_resolver`),
    # which this loader has none of: the base class's methods return at once, but a Python call
    # in and one out of each node were a sixth of composing a content file. Builtins that take
    # the same arguments and do nothing with them stand in for them (no frame, no effect).
    descend_resolver = staticmethod(slice)  # type: ignore[assignment]  # same arguments, result unused
    ascend_resolver = staticmethod(tuple)  # type: ignore[assignment]  # same arguments, result unused

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0]:
            tag = _RESOLVED.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
                if len(_RESOLVED) < _RESOLVED_MAX:
                    _RESOLVED[value] = tag
            return tag
        if not self.yaml_path_resolvers:  # what the base class returns when there are none
            if kind is yaml.ScalarNode:
                return self.DEFAULT_SCALAR_TAG
            if kind is yaml.SequenceNode:
                return self.DEFAULT_SEQUENCE_TAG
            if kind is yaml.MappingNode:
                return self.DEFAULT_MAPPING_TAG
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]


assert not _CachingLoader.yaml_path_resolvers  # what the two stand-ins above rely on

_PLAIN_RESOLVER = yaml.resolver.Resolver()


def reads_back_as_text(text: str) -> bool:
    """Whether `text`, written unquoted, is read by `parse` as text (not as a number in base 60,
    8, 16 or 2, true/false, null, a time or `=`). YAML 1.1 rules, as this reader applies them:
    the writer (ruamel, YAML 1.2) asks this before it leaves new text unquoted."""
    return bool(_PLAIN_RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR)  # type: ignore[no-untyped-call]


class YamlError(Exception):
    """A file that is not acceptable YAML; `line` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def plain(node: Node) -> Any:
    """The value of a parsed tree without line numbers: dicts, lists and scalars (for files of
    other programs, such as an imported site's, read with the same limits as content)."""
    if isinstance(node.value, dict):
        return {key: plain(value) for key, value in node.value.items()}
    if isinstance(node.value, list):
        return [plain(item) for item in node.value]
    return node.value


def parse(text: str, first_line: int = 1) -> Node:
    """Parse one YAML document into a `Node` tree. `first_line` offsets lines (front matter)."""
    try:
        root = yaml.compose(text, Loader=_CachingLoader)
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
    """Nodes into `Node`s. The hot loop of every load: one call per value, types tested with
    `type() is` and the common text scalars converted inline (profiled at 20,000 incidents)."""

    def __init__(self, first_line: int) -> None:
        self.offset = first_line
        self.budget = NODE_BUDGET

    def line(self, node: yaml.Node) -> int:
        return int(node.start_mark.line) + self.offset

    def convert(self, node: yaml.Node, depth: int, line: int | None = None) -> Node:
        """`line` overrides the line of the result (a mapping value takes its key's line)."""
        self.budget -= 1
        if self.budget < 0:
            raise YamlError(self.line(node), "too many values after expanding aliases (alias bomb?)")
        if depth > MAX_DEPTH:
            raise YamlError(self.line(node), f"nested deeper than {MAX_DEPTH} levels")
        kind = type(node)
        if line is None:
            line = int(node.start_mark.line) + self.offset
        if kind is yaml.ScalarNode:
            tag = node.tag
            if tag in (_STR, _TIMESTAMP):
                return Node(str(node.value), line)  # times are parsed (and checked) by the reader
            value = self.scalar(cast(yaml.ScalarNode, node))
            if type(value) is int or type(value) is float:
                return Node(value, line, str(node.value))
            return Node(value, line)
        if kind is yaml.SequenceNode:
            self.check_tag(node, _SEQ)
            return Node([self.convert(item, depth + 1) for item in node.value], line)
        if kind is yaml.MappingNode:
            self.check_tag(node, _MAP)
            return Node(self.mapping(cast(yaml.MappingNode, node), depth), line)
        raise YamlError(self.line(node), "unsupported YAML node")  # pragma: no cover

    def mapping(self, node: yaml.MappingNode, depth: int) -> dict[str, Node]:
        """The entries of a mapping. Text keys and text values, nearly every entry of a content
        file, are converted here as `convert` would (budget and depth counted alike), without a
        call per key and per value (with `Node` no longer frozen, a third less time to convert)."""
        result: dict[str, Node] = {}
        inner = depth + 1
        for key_node, value_node in node.value:
            line = int(key_node.start_mark.line) + self.offset
            key: Any
            if type(key_node) is yaml.ScalarNode and key_node.tag == _STR:
                key = str(key_node.value)
            else:
                if key_node.tag == _MERGE:
                    raise YamlError(line, "merge keys (<<) are not supported; write the keys out")
                key = self.scalar(key_node) if type(key_node) is yaml.ScalarNode else None
                if not isinstance(key, str) or isinstance(key_node.value, list):
                    raise YamlError(line, "mapping keys must be plain text")
            if key in result:
                raise YamlError(line, f"duplicate key '{key}'")
            if type(value_node) is yaml.ScalarNode and value_node.tag in _TEXT_TAGS and inner <= MAX_DEPTH:
                self.budget -= 1
                if self.budget < 0:
                    raise YamlError(self.line(value_node), "too many values after expanding aliases (alias bomb?)")
                result[key] = Node(str(value_node.value), line)
            else:
                result[key] = self.convert(value_node, inner, line)
        return result

    def check_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            raise YamlError(self.line(node), f"unsupported YAML tag {node.tag!r}")

    def scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag not in _SCALAR_TAGS:
            raise YamlError(self.line(node), f"unsupported YAML tag {node.tag!r}")
        if node.tag in (_STR, _TIMESTAMP):
            return str(node.value)  # times are parsed (and their offsets checked) by the reader
        try:
            return _constructor.yaml_constructors[node.tag](_constructor, node)
        except (ValueError, yaml.YAMLError):
            raise YamlError(self.line(node), f"cannot read value {node.value!r}") from None
