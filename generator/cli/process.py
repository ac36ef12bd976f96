"""The `statuspress` process: run the command, then end without freeing the heap.

A build holds the whole site in memory (about 190 MB of small objects at 20,000 incidents), and
Python's finalisation frees it object by object after the work is done: 0.5 s of CPU of a
public rebuild after one changed incident, which a responder waits for like the rest. So once
the command has finished, exit handlers run and output is flushed as at any exit, and the
process ends at once (the kernel takes the memory back whole). While other threads are still
running (`serve`), the process exits as usual, waiting for them.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading

from . import main


def run() -> None:
    """`statuspress`: the command line (cli/__init__.py), then a fast exit with its status."""
    try:
        main()
        status = 0
    except SystemExit as stop:  # click ends every command this way, with its exit code
        if threading.active_count() > 1:
            raise
        status = exit_status(stop.code)
    atexit._run_exitfuncs()  # what an ordinary exit runs (multiprocessing joins its children)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more can reach it
            stream.flush()
    os._exit(status)


def exit_status(code: object) -> int:
    """The status `sys.exit(code)` would end with; a message is printed as it would print it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1
