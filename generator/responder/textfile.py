"""How a hand-written record file spells its bytes, kept when a responder command edits it.

Round-trip YAML keeps comments, key order and quoting, but works on text with `\\n` line ends
and no byte order mark: a file saved on Windows (CRLF, often with a BOM) would otherwise come
back with every line changed, and `git diff` of a one-line update would show the whole file.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

_BOM = codecs.BOM_UTF8.decode("utf-8")


@dataclass(frozen=True, slots=True)
class Spelling:
    """The byte order mark and line end a file was written with."""

    bom: bool = False
    crlf: bool = False

    def apply(self, text: str) -> str:
        """`text` (with `\\n` line ends, no BOM) spelt as the original file was."""
        if self.crlf:
            text = text.replace("\n", "\r\n")
        return _BOM + text if self.bom else text


def read_spelled(raw: bytes) -> tuple[str, Spelling]:
    """The text of a UTF-8 record file with `\\n` line ends and no BOM, and how it was spelt.
    A file counts as CRLF when its first line ends with CRLF (editors write one style)."""
    text = raw.decode("utf-8")
    bom = text.startswith(_BOM)
    if bom:
        text = text[1:]
    first_end = text.find("\n")
    crlf = first_end > 0 and text[first_end - 1] == "\r"
    return text.replace("\r\n", "\n"), Spelling(bom=bom, crlf=crlf)
