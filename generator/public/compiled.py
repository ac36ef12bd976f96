"""The public templates' compiled code, kept between builds in one signed cache file.

Jinja compiles each template from its source in every process (it keeps no code unless given a
bytecode cache), and the templates a rebuild renders took 0.12-0.15 s of CPU to compile, a
twentieth of a public rebuild after one changed incident at 20,000. Jinja's own file cache
would load marshalled code from any file in a folder, which runs it; this one keeps the code in
a cache file signed with the user's key (generator/cachefile.py), so code nobody but this user's
Statuspress wrote is never loaded. The file holds the page code's salt (reuse.code_salt: the
templates, the code that configures the environment, the library and Python versions) and is
ignored whole when it differs; Jinja checks each template's source checksum as well.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import jinja2

from ..cachefile import read_cache_file, write_cache_file
from .html import environment

#: Bumped when what the file holds changes.
FORMAT = 1


class SignedBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates from `render/templates.pickle` in the cache folder; `save()` keeps
    what this process compiled (see the module)."""

    def __init__(self, directory: Path, salt: bytes) -> None:
        self.directory, self.salt = directory, salt
        self.path = directory / "render" / "templates.pickle"
        stored = read_cache_file(self.path)
        found = stored[0] if len(stored) == 1 else None
        valid = isinstance(found, tuple) and len(found) == 3 and found[:2] == (FORMAT, salt)
        self.codes: dict[str, bytes] = found[2] if valid and isinstance(found[2], dict) else {}  # type: ignore[index]
        self.changed = False

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.codes.get(bucket.key)
        if isinstance(code, bytes):
            bucket.bytecode_from_string(code)  # Jinja resets it when the source changed

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()
        self.changed = True

    def save(self) -> None:
        """Write the file if a template was compiled; a failure only costs speed."""
        if self.changed:
            stored = (FORMAT, self.salt, self.codes)
            if write_cache_file(self.directory, self.path, lambda writer: writer.pickled(stored)):
                self.changed = False


@contextmanager
def kept_templates(directory: Path, salt: bytes) -> Iterator[None]:
    """While the block renders, templates not compiled yet in this process come from the cache
    file (and those compiled are added to it, saved at the end)."""
    env = environment()
    compiled = SignedBytecodeCache(directory, salt)
    env.bytecode_cache = compiled
    try:
        yield
    finally:
        env.bytecode_cache = None
    compiled.save()
