"""The build's list of input files: a CSV file of its own (provenance/inputs.csv),
named in the descriptor's provenance record with its size and hash, checked by
`pipeline validate`; the descriptor stays the same size however many inputs there are.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from pipeline.assemble.provenance import read_input_list, write_input_list
from pipeline.files import line_and_column
from tests.package_helpers import synth_corpus

REPO = Path(__file__).resolve().parents[2]
LISTED = "provenance/inputs.csv"


def descriptor_of(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def test_validate_fails_naming_an_input_list_changed_after_the_build(built, run):
    listed = built / LISTED
    listed.write_bytes(listed.read_bytes().replace(b"raw/actors.csv", b"raw/actorz.csv"))
    result = run(built.parent, "validate", "--json")
    assert result.exit_code == 1, result.output
    errors = json.loads(result.stdout)["errors"]
    assert [(e["file"], e["code"]) for e in errors] == [(f"build/{LISTED}", "hash-mismatch")]


def test_validate_fails_naming_a_missing_input_list(built, run):
    (built / LISTED).unlink()
    result = run(built.parent, "validate", "--json")
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    assert [(e["file"], e["code"]) for e in errors] == [(f"build/{LISTED}", "missing-file")]


def test_validate_refuses_an_input_list_outside_the_package(built, run):
    descriptor = descriptor_of(built)
    descriptor["provenance"]["inputs"]["files"]["path"] = "../datapackage.json"
    text = json.dumps(descriptor, indent=2)
    (built / "datapackage.json").write_text(text, encoding="utf-8")
    result = run(built.parent, "validate", "--json")
    assert result.exit_code == 1
    [error] = json.loads(result.stdout)["errors"]
    assert error["code"] == "descriptor-provenance"
    assert error["message"].startswith("provenance.inputs.files must have a path inside")
    assert (error["line"], error["column"]) == line_and_column(text, text.index('"files"'))


def test_the_descriptor_does_not_grow_with_the_inputs(run, tmp_path):
    """Ten times the sources: ten times the input list, the same descriptor but for
    the digits of the sizes and the count."""
    sizes = {}
    for figures in (40, 400):
        corpus = tmp_path / f"corpus-{figures}"
        made = synth_corpus(
            tmp_path, corpus.name, "--project", str(REPO), "--figures", f"{figures}"
        )
        assert made.exit_code == 0, made.output
        built = run(corpus, "build", "--formats", "csv")
        assert built.exit_code == 0, built.output
        with (corpus / "build" / LISTED).open(encoding="utf-8", newline="") as text:
            rows = list(csv.reader(text))
        named = descriptor_of(corpus / "build")["provenance"]["inputs"]["files"]
        assert named["count"] == len(rows) - 1
        of_sources = sum(row[0].startswith("raw/sources/") for row in rows[1:])
        sizes[figures] = (of_sources, (corpus / "build" / "datapackage.json").stat().st_size)
    (few, small), (many, large) = sizes[40], sizes[400]
    assert many >= 8 * few
    assert abs(large - small) < 20


def test_the_input_list_reads_back_as_written_whatever_the_paths_hold(tmp_path):
    files = [
        ("datapackage.json", "0" * 64),
        ('raw/a, "b"\nc.csv', "1" * 64),
        ("raw/é.csv", "2" * 64),
    ]
    named = write_input_list(tmp_path, files)
    with (tmp_path / LISTED).open(encoding="utf-8", newline="") as text:
        rows = list(csv.reader(text))
    assert rows == [["path", "sha256"], *map(list, files)]
    assert read_input_list(tmp_path, {"provenance": {"inputs": {"files": named}}}) == files
    assert named["count"] == 3 and named["bytes"] == (tmp_path / LISTED).stat().st_size
