"""Helpers for tests that tamper with a built package."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


def rehash(package: Path) -> None:
    """Record each resource file's new size and hash in the package's descriptor, as a
    careful forger would, so that validation goes past the integrity check."""
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        data = (package / resource["path"]).read_bytes()
        resource["bytes"] = len(data)
        resource["hash"] = f"sha256:{hashlib.sha256(data).hexdigest()}"
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")


def synth_corpus(folder: Path, *args: str):
    """`python -m benchmarks.synth ARGS` run in folder (through Click's runner): a
    synthetic project for tests, from the generator kept outside the runtime package."""
    from contextlib import chdir

    from click.testing import CliRunner

    from benchmarks.synth.__main__ import runner

    with chdir(folder):
        arguments = ["synth", *map(str, args)]
        return CliRunner().invoke(runner, arguments, catch_exceptions=False)
