"""The cyclic collector kept off what lives through a knowledge-base build.

A full collection walks every object the collector tracks. The build freezes the heap it
starts with (the loaded site: `frozen()`), and, as it goes, what it makes that lives on to
its end (`keep()`): the records read lazily (load.cache.gc_paused keeps them frozen),
MkDocs' files (the theme's 14,500 among them), pages and navigation, the page records.
Otherwise each full collection of a rebuild at 5,000 incidents walked them all again (0.05
to 0.1 s each, several a build), and so did the workers of a cold build, which are forked
with the parent's heap. Young garbage is still collected; everything goes back to the
collector when the build ends.
"""

from __future__ import annotations

from ..load.cache import frozen_heap as frozen
from ..load.cache import refreeze as keep

__all__ = ["frozen", "keep"]
