"""Run one `pipeline` command under a Python audit hook that records what it touches.

    python -P tests/robustness/audit_driver.py EVENTS.jsonl build --out ...

Every `open` (builtins' open gives a mode string, os.open its flags), removal, rename,
folder made or removed, symlink made, SQLite database opened and process started is
appended to EVENTS as one JSON line: [event, path, mode, flags], the path absolute
as seen from the current folder (a path relative to a folder descriptor is resolved
through /proc). An audit hook cannot be removed once added, which is why each
command runs in a process of its own (tests/robustness/test_audit.py). The pipeline
does its work in that one process (the git it runs is not Python, and its reads are
of the project's repository). Each event is one os.write to a file opened for
appending, so nothing is lost if the process ends abruptly.
"""

from __future__ import annotations

import json
import os
import sys

# The events about the file system, and where each keeps its path(s) and folder descriptor.
PATH_EVENTS = {
    "os.remove": ((0,), 1),
    "os.rmdir": ((0,), 1),
    "os.mkdir": ((0,), 2),
    "os.rename": ((0, 1), 2),
    "os.symlink": ((1,), 2),  # (src, dst, dir_fd): what is made is dst
    "shutil.rmtree": ((0,), 1),
    "sqlite3.connect": ((0,), None),
}


def install(events_path: str) -> None:
    """Record every file-system event of this process into events_path."""
    out = os.open(events_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    own = os.path.realpath(events_path)

    def record(event: str, path, mode, flags) -> None:
        if path is None or os.path.realpath(path) == own:
            return
        line = json.dumps([event, path, mode, flags, os.getpid()], ensure_ascii=True) + "\n"
        os.write(out, line.encode("ascii"))

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = args
            if isinstance(path, int):  # os.fdopen of a descriptor already opened (and recorded)
                return
            record(event, absolute(path, None), mode, flags)
        elif event in PATH_EVENTS:
            places, folder = PATH_EVENTS[event]
            where = args[folder] if folder is not None and len(args) > folder else None
            for place in places:
                record(event, absolute(args[place], where), None, None)

    sys.addaudithook(hook)


def absolute(path, folder_descriptor) -> str | None:
    """The path as an absolute text (not resolved: the test resolves it), or None for
    what names no file (an in-memory SQLite database, a descriptor)."""
    if path is None or isinstance(path, int):
        return None
    text = os.fsdecode(path)
    if text in ("", ":memory:") or text.startswith("file::memory:"):
        return None
    # -1 (and AT_FDCWD) stand for "no folder descriptor": relative to the current folder
    if isinstance(folder_descriptor, int) and folder_descriptor >= 0 and not os.path.isabs(text):
        base = os.readlink(f"/proc/self/fd/{folder_descriptor}")
        return os.path.join(base, text)
    return os.path.abspath(text)


def main() -> None:
    events_path, *arguments = sys.argv[1:]
    install(os.path.abspath(events_path))
    from pipeline.cli import main as pipeline_main

    sys.argv = ["pipeline", *arguments]
    pipeline_main()


if __name__ == "__main__":
    main()
