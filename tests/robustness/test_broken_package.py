"""Broken built packages through `pipeline validate`, as portals run it on packages
other people wrote: any change to the descriptor or the data files ends with exit 0
or 1 and problems that name their file, never a traceback."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.robustness.conftest import assert_human_report, assert_reported, examples, scratch
from tests.robustness.mutations import break_bytes, break_csv, break_json

DATA_FILES = [
    "build/data/sources.csv",
    "build/data/actors.csv",
    "build/data/indicators.csv",
    "build/data/figures.csv",
    "build/data/statements.csv",
    "build/data/quotes.csv",
]
DESCRIPTOR = "build/datapackage.json"
UNPARSEABLE = (ValueError, RecursionError, TypeError, KeyError, IndexError, csv.Error)


def rehash(project) -> None:
    """Record every data file's size and hash again, as a careful forger would, so
    that validation goes past the integrity check to the content."""
    path = project / DESCRIPTOR
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        resources = descriptor["resources"]
        for resource in resources:
            data = (project / "build" / resource["path"]).read_bytes()
            resource["bytes"] = len(data)
            resource["hash"] = f"sha256:{hashlib.sha256(data).hexdigest()}"
    except (*UNPARSEABLE, OSError, AttributeError):
        return
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")


def break_package(project, data) -> None:
    name = data.draw(st.sampled_from([*DATA_FILES, *DATA_FILES, DESCRIPTOR]))
    path = project / name
    how = data.draw(st.sampled_from(["bytes", "structure", "structure", "gone"]))
    try:
        if how == "gone":
            path.unlink()
        elif how == "structure" and name == DESCRIPTOR:
            break_json(path, data.draw)
        elif how == "structure":
            break_csv(path, data.draw)
        else:
            raise ValueError
    except (*UNPARSEABLE, FileNotFoundError):
        if path.is_file():
            path.write_bytes(break_bytes(path.read_bytes(), data.draw))


@settings(max_examples=examples(220))
@given(data=st.data())
def test_validate_on_a_broken_package_reports_located_problems(data, built_package):
    with scratch() as folder:
        project = folder / "project"
        shutil.copytree(built_package, project)
        for _ in range(data.draw(st.integers(1, 2))):
            break_package(project, data)
        if data.draw(st.booleans()):
            rehash(project)
        assert_reported(project, "validate")
        if data.draw(st.integers(0, 9)) == 0:
            assert_human_report(project, "validate")
