"""Hostile input corpora shared by the security tests and the loader fuzz benchmark."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def payloads(name: str = "xss.txt") -> list[str]:
    """The blocks of a corpus file: separated by lines holding only `%%`; the header is skipped."""
    text = (HERE / name).read_text(encoding="utf-8")
    blocks = text.split("\n%%\n")[1:]
    return [block.strip("\n") for block in blocks if block.strip()]
