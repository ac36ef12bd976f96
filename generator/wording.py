"""Counts in the commands' messages, in plain English: "1 warning", "3 warnings"."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """`number` and `noun`, made plural unless there is exactly one (`plural` for irregular
    nouns); thousands are grouped, as the build's last line groups them."""
    word = noun if number == 1 else plural or noun + "s"
    return f"{number:,} {word}"
