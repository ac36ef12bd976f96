"""Round-trip YAML: edits keep the author's comments, key order and quoting.

Times are written as plain timestamp scalars (`2026-11-20T14:02:00Z`, never quoted), which
the loader reads back as times.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.representer import RoundTripRepresenter

from ..load.fields import format_time, parse_time

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class Time(str):
    """A time, already formatted as `2026-11-20T14:02:00Z`, dumped as a plain scalar."""

    @classmethod
    def of(cls, value: datetime) -> Time:
        return cls(format_time(value))


def _represent_time(representer: RoundTripRepresenter, value: Time) -> Any:
    return representer.represent_scalar(_TIMESTAMP, str(value))


def make_yaml() -> YAML:
    """The one YAML configuration for reading and writing content: the style of the examples."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 100_000  # never re-wrap long update bodies
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(Time, _represent_time)
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
