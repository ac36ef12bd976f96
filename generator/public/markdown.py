"""Markdown written by people, rendered and then sanitised before it reaches a public page.

The definition lives in `generator/published.py`, which the loader's checks read too, so the
rules on characters and redaction hold for exactly the text these functions publish.
"""

from __future__ import annotations

from ..published import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, plain, render, sanitise

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_TAGS", "URL_SCHEMES", "plain", "render", "sanitise"]
