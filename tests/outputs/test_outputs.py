"""The outputs beside the CSVs, as the package records them: every file listed in
the descriptor's `outputs` with its size and hash, checked by `pipeline validate`,
chosen with `pipeline build --formats`, invisible to frictionless (which must not
try to parse a database or a web page), and byte-identical from build to build.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import frictionless
import pytest

from pipeline.cli import cli
from pipeline.files import hash_file
from pipeline.outputs import FORMATS, WRITERS, parse_formats, writer
from pipeline.project import MARKER_NAME, README_NAME

BIN = Path(sys.executable).parent


def descriptor_of(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_descriptor_lists_every_file_of_the_build_once(portal_build):
    descriptor = descriptor_of(portal_build)
    listed = [r["path"] for r in descriptor["resources"]] + [
        o["path"] for o in descriptor["outputs"]
    ]
    listed.append(descriptor["provenance"]["inputs"]["files"]["path"])
    assert len(listed) == len(set(listed))
    # the marker says a build wrote the folder; it is not part of the package. The
    # README is the package's own documentation, as datapackage.json is its descriptor
    own = {"datapackage.json", README_NAME, MARKER_NAME}
    assert set(listed) | own == set(files_in(portal_build))


def test_each_output_records_its_size_hash_format_and_consumer(portal_build):
    for output in descriptor_of(portal_build)["outputs"]:
        path = portal_build / output["path"]
        assert output["bytes"] == path.stat().st_size, output["path"]
        assert output["hash"] == f"sha256:{hash_file(path)}", output["path"]
        assert output["format"] in {"parquet", "sqlite", "json", "jsonld", "yaml", "html"}
        assert output["mediatype"] and output["title"] and output["consumer"]


def test_every_resource_has_a_parquet_file(portal_build):
    descriptor = descriptor_of(portal_build)
    parquet = {o["resource"]: o["path"] for o in descriptor["outputs"] if o["format"] == "parquet"}
    assert parquet == {r["name"]: f"parquet/{r['name']}.parquet" for r in descriptor["resources"]}


def test_frictionless_validates_the_resources_and_leaves_the_outputs_alone(portal_build):
    report = frictionless.validate(str(portal_build / "datapackage.json"))
    assert report.valid, report.flatten(["type", "message"])
    checked = sorted(task.name for task in report.tasks)
    assert checked == sorted(r["name"] for r in descriptor_of(portal_build)["resources"])


def test_frictionless_command_still_validates_the_full_build(portal_build, tmp_path):
    done = subprocess.run(
        [str(BIN / "frictionless"), "validate", str(portal_build / "datapackage.json")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert ".parquet" not in done.stdout and ".db" not in done.stdout


@pytest.mark.parametrize("name", ["kandal-crime-2022.db", "parquet/quotes.parquet", "index.html"])
def test_validate_fails_naming_an_output_changed_after_the_build(built, run, name):
    target = built / name
    data = bytearray(target.read_bytes())
    data[-1] ^= 0xFF
    target.write_bytes(bytes(data))
    result = run(built.parent, "validate")
    assert result.exit_code == 1, result.output
    assert f"build/{name}: file has hash sha256:" in result.output
    assert "[hash-mismatch]" in result.output


def test_validate_fails_naming_a_missing_output(built, run):
    (built / "prov.json").unlink()
    result = run(built.parent, "validate", "--json")
    assert result.exit_code == 1
    errors = json.loads(result.output)["errors"]
    assert [(e["file"], e["code"]) for e in errors] == [("build/prov.json", "missing-file")]


def test_validate_refuses_an_output_path_outside_the_package(built, run):
    descriptor = descriptor_of(built)
    descriptor["outputs"][0]["path"] = "../datapackage.json"
    (built / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    result = run(built.parent, "validate")
    assert result.exit_code == 1
    assert "outputs item 0 must have a path inside the package folder" in result.output


def test_formats_csv_writes_only_the_resources_descriptor_and_readme(project, run):
    result = run(project, "build", "--formats", "csv")
    assert result.exit_code == 0, result.output
    build = project / "build"
    assert "outputs" not in descriptor_of(build)
    others = {p for p in files_in(build) if not p.startswith("data/")}
    assert others == {"datapackage.json", README_NAME, "provenance/inputs.csv", MARKER_NAME}


def test_formats_chooses_the_outputs_and_validate_accepts_them(project, run):
    result = run(project, "build", "--formats", "sqlite, html")
    assert result.exit_code == 0, result.output
    outputs = [o["path"] for o in descriptor_of(project / "build")["outputs"]]
    assert outputs == [
        "kandal-crime-2022.db",
        "datasette-metadata.json",
        "datasette.json",
        "index.html",
    ]
    assert run(project, "validate").exit_code == 0


def test_unknown_format_is_a_usage_error_listing_the_known_ones(project, run):
    result = run(project, "build", "--formats", "csv,xlsx")
    assert result.exit_code == 2
    assert "unknown format xlsx" in result.output
    for name in FORMATS:
        assert name in result.output
    assert not (project / "build").exists()


def test_formats_all_and_order_of_names():
    assert parse_formats("all") == FORMATS
    assert parse_formats("HTML,parquet") == ("csv", "parquet", "html")


def test_build_help_names_every_format():
    help_text = cli.commands["build"].params
    option = next(p for p in help_text if p.name == "formats")
    for name in FORMATS:
        assert name in option.help
    assert [writer(name).FORMAT for name in WRITERS] == list(FORMATS[1:])


def test_a_build_in_another_process_with_another_hash_seed_is_byte_identical(
    portal_build, tmp_path
):
    """Same inputs, fresh interpreter, different PYTHONHASHSEED: every byte of every
    output the same (SQLite pages, Parquet metadata, JSON key order, PROV ids)."""
    project = portal_build.parent
    out = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    done = subprocess.run(
        [str(BIN / "pipeline"), "build", "--project", str(project), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    first, second = files_in(portal_build), files_in(out)
    assert set(first) == set(second)
    different = [name for name in first if first[name] != second[name]]
    assert different == []


def test_outputs_are_hashed_a_block_at_a_time_whatever_their_size(tmp_path):
    """A large package's outputs (a PROV graph of hundreds of MB) may pass the limit on
    any one input read whole; they are measured and hashed in blocks instead."""
    import hashlib

    from pipeline.errors import InvalidInput
    from pipeline.files import read_bytes, size_and_hash

    big = tmp_path / "prov.json"
    big.write_bytes(bytes(range(256)) * 12_289)  # 3 MiB and a bit: several blocks

    assert size_and_hash(big, "prov.json", inside=tmp_path) == (
        big.stat().st_size,
        hashlib.sha256(big.read_bytes()).hexdigest(),
    )
    with pytest.raises(InvalidInput):
        read_bytes(big, "prov.json", limit=2**20)
    (tmp_path / "folder").mkdir()
    with pytest.raises(InvalidInput) as refused:
        size_and_hash(tmp_path / "folder", "folder")
    assert [p.code for p in refused.value.problems] == ["not-a-file"]


@pytest.mark.parametrize(
    "url",
    ["http://data.example.org/k", "ftp://data.example.org/k/", "/k/", "https://x.org/k/?a=1"],
)
def test_a_base_url_that_is_no_published_folder_is_a_usage_error_before_building(project, run, url):
    result = run(project, "build", "--base-url", url, "--out", str(project / "out"))
    assert result.exit_code == 2, result.output
    assert f"--base-url {url!r}" in result.output and "ending in /" in result.output
    assert not (project / "out").exists()


def test_the_base_url_makes_package_files_absolute_iris(project):
    from pipeline.outputs.source import PackageSource, base_url_of

    assert base_url_of({"homepage": "https://data.example.org/k/"}) == "https://data.example.org/k/"
    assert base_url_of({"homepage": "https://a.org/k/"}, "https://b.org/p/") == "https://b.org/p/"
    assert base_url_of({}) is None
    source = PackageSource(project, None, {}, {}, {}, base_url="https://data.example.org/k/")
    assert source.iri("data/figures.csv") == "https://data.example.org/k/data/figures.csv"
    assert source.iri() == "https://data.example.org/k/"
    assert PackageSource(project, None, {}, {}, {}).iri("data/figures.csv") == "data/figures.csv"


def test_a_contract_homepage_that_is_no_published_folder_is_located_in_the_contract(project, run):
    contract = project / "datapackage.json"
    text = contract.read_text(encoding="utf-8")
    contract.write_text(
        text.replace('"version":', '"homepage": "https://data.example.org/k",\n  "version":', 1),
        encoding="utf-8",
    )
    line = 1 + contract.read_text(encoding="utf-8").split('"homepage"')[0].count("\n")

    result = run(project, "check")

    assert result.exit_code == 1, result.output
    assert f"datapackage.json:{line}:" in result.output
    assert (
        "homepage: 'https://data.example.org/k'" in result.output and "ending in /" in result.output
    )
