"""Round-trip YAML: edits keep the author's comments, key order and quoting.

Times are written as plain timestamp scalars (`2026-11-20T14:02:00Z`, never quoted), which
the loader reads back as times.

The writer (ruamel) speaks YAML 1.2 and the reader (`load.yamlsafe`, PyYAML) YAML 1.1, which
reads more plain scalars as something other than text: `12:30:00` is 45000, `Off` is false, and
`?x` in a flow list is a key. So new text (every `str` the commands put in a document) is
quoted unless the reader reads it back unchanged, while text already in the file is written as
it was read (see `Plain`), so an edit never changes what an untouched value means.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.representer import RoundTripRepresenter

from ..load.fields import format_time, parse_time
from ..load.yamlsafe import reads_back_as_text

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class Time(str):
    """A time, already formatted as `2026-11-20T14:02:00Z`, dumped as a plain scalar."""

    @classmethod
    def of(cls, value: datetime) -> Time:
        return cls(format_time(value))


class Plain(str):
    """Text read from an unquoted scalar of the file being edited: written back unquoted, as it
    was, even where YAML 1.1 reads it as something else (`public: yes` means true)."""


#: Characters written only as escapes, in double quotes: those the reader refuses raw, and line
#: and paragraph separators, NEL and BOM, which YAML 1.1 reads as line breaks (or drops).
_ESCAPED = re.compile("[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]")
#: New text left unquoted inside a flow list (`[eu-west, Internal tools]`): YAML 1.1 ends a plain
#: scalar there at `?`, `:` and more that YAML 1.2 allows, so only plain words pass.
_FLOW_PLAIN = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_ ./-]*[A-Za-z0-9_./-])?")
#: A line of several that starts or ends with a blank: a literal block would lose or misplace it.
_BLANK_EDGE = re.compile(r"^[ \t]|[ \t]$", re.MULTILINE)


def quoting(text: str, flow: bool) -> str | None:
    """The style new `text` must be written in to be read back unchanged: `"` (with escapes),
    `|` (a literal block, for lines that neither start nor end with blanks), `'`, or None where
    ruamel's own choice is safe (it quotes what YAML 1.2 would misread)."""
    if _ESCAPED.search(text) or "\t" in text or ("\n" in text and (flow or _BLANK_EDGE.search(text))):
        return '"'
    if "\n" in text:
        return "|"
    if not reads_back_as_text(text) or (flow and not _FLOW_PLAIN.fullmatch(text)):
        return "'"
    return None


class _Constructor(RoundTripConstructor):
    """The round-trip constructor, marking text read from unquoted scalars as `Plain`."""

    def construct_plain_aware_str(self, node: Any) -> Any:
        value = self.construct_yaml_str(node)
        return Plain(value) if type(value) is str else value


_Constructor.add_constructor("tag:yaml.org,2002:str", _Constructor.construct_plain_aware_str)


class _Representer(RoundTripRepresenter):
    """The round-trip representer, quoting new text where the reader would misread it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.new_text: set[int] = set()

    def represent(self, data: Any) -> None:
        node = self.represent_data(data)
        _settle_styles(node, self.new_text, flow=False)
        self.new_text.clear()
        self.serializer.serialize(node)
        self.represented_objects = {}
        self.object_keeper = []
        self.alias_key = None

    def represent_new_text(self, data: str) -> Any:
        node = self.represent_str(data)
        self.new_text.add(id(node))
        return node

    def represent_time(self, value: Time) -> Any:
        return self.represent_scalar(_TIMESTAMP, str(value))


_Representer.add_representer(str, _Representer.represent_new_text)
_Representer.add_representer(Plain, _Representer.represent_str)
_Representer.add_representer(Time, _Representer.represent_time)


def _settle_styles(node: Node, new_text: set[int], flow: bool) -> None:
    """Give each node of new text the style `quoting` asks for; inside a flow collection, the
    stricter flow rule (the emitter writes everything inside one as flow)."""
    if isinstance(node, ScalarNode):
        if id(node) in new_text:
            style = quoting(node.value, flow)
            if style is not None:
                node.style = style
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _settle_styles(item, new_text, flow or bool(node.flow_style))
    elif isinstance(node, MappingNode):
        for key, value in node.value:
            _settle_styles(key, new_text, flow or bool(node.flow_style))
            _settle_styles(value, new_text, flow or bool(node.flow_style))


def make_yaml() -> YAML:
    """The one YAML configuration for reading and writing content: the style of the examples."""
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.Representer = _Representer
    yaml.preserve_quotes = True
    yaml.width = 100_000  # never re-wrap long update bodies
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load_doc(text: str) -> CommentedMap:
    """Parse a content file for editing; raises ValueError when it is not a mapping."""
    data = make_yaml().load(text)
    if not isinstance(data, CommentedMap):
        raise ValueError("expected a YAML mapping at the top of the file")
    return data


def dump_doc(data: Any) -> str:
    out = io.StringIO()
    make_yaml().dump(data, out)
    return out.getvalue()


def as_time(value: Any) -> datetime | None:
    """A time field as read by the round-trip parser (a datetime or text), in UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:  # ruamel converts offsets to naive UTC in some versions
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    return parse_time(str(value))


def mapping(pairs: list[tuple[str, Any]]) -> CommentedMap:
    """A new mapping with keys in the given order, skipping None values."""
    result = CommentedMap()
    for key, value in pairs:
        if value is not None:
            result[key] = value
    return result


def flow_list(items: list[str]) -> CommentedSeq:
    """A short list written inline, like `regions: [eu-west]`."""
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def append_item(seq: CommentedSeq, item: CommentedMap) -> None:
    """Append to a block list, keeping comment lines that followed the old last item after the
    new one (ruamel attaches them to the last key of the last item)."""
    last = seq[-1] if len(seq) else None
    if isinstance(last, CommentedMap) and len(last) and isinstance(item, CommentedMap) and len(item):
        key = list(last.keys())[-1]
        tokens = last.ca.items.get(key)
        token = tokens[2] if tokens and len(tokens) > 2 else None
        if token is not None and "\n" in token.value.rstrip("\n"):
            inline, _, rest = token.value.partition("\n")
            token.value = inline + "\n"
            new_key = list(item.keys())[-1]
            item.yaml_add_eol_comment("#", new_key)
            item.ca.items[new_key][2].value = "\n" + rest
    seq.append(item)


def put(doc: CommentedMap, key: str, value: Any, after: tuple[str, ...]) -> None:
    """Set `key`; a new key goes right after whichever of `after` comes last in the file,
    else at the end."""
    if key in doc:
        doc[key] = value
        return
    keys = list(doc.keys())
    present = [keys.index(previous) + 1 for previous in after if previous in doc]
    doc.insert(max(present, default=len(keys)), key, value)
