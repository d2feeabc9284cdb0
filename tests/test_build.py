"""The build as users run it: reproducible bytes, a package that frictionless and
`pipeline validate` accept, `build --check` for stale builds, and the installed
command itself.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import frictionless

import pipeline
from tests.git_helpers import versions

BIN = Path(sys.executable).parent
RESOURCE_FILES = {
    "datapackage.json",
    "data/sources.csv",
    "data/actors.csv",
    "data/indicators.csv",
    "data/figures.csv",
    "data/statements.csv",
    "data/quotes.csv",
    "data/areas.csv",
    "data/area_names.csv",
    "data/units.csv",
    "data/mentions.csv",
}
# The build's own record beside them: its input files and their hashes.
PROVENANCE_FILES = {"provenance/inputs.csv"}
# The package's README: what it is and its data dictionary (pipeline.contract.dictionary).
README_FILES = {"README.md"}
# The portal-ready outputs a default build writes beside them (pipeline/outputs/).
OUTPUT_FILES = {
    "kandal-crime-2022.db",
    "datasette-metadata.json",
    "datasette.json",
    "parquet/sources.parquet",
    "parquet/actors.parquet",
    "parquet/indicators.parquet",
    "parquet/figures.parquet",
    "parquet/statements.parquet",
    "parquet/quotes.parquet",
    "parquet/areas.parquet",
    "parquet/area_names.parquet",
    "parquet/units.parquet",
    "parquet/mentions.parquet",
    "prov.json",
    "schema-org.jsonld",
    "dcat-ap.jsonld",
    "ckan-package.json",
    "annotations.jsonld",
    "CITATION.cff",
    "datacite.json",
    "index.html",
}
# The marker that lets the next build replace the folder (pipeline.publish.MARKER_NAME).
MARKER_FILES = {".pipeline-build"}
ALL_FILES = RESOURCE_FILES | PROVENANCE_FILES | README_FILES | OUTPUT_FILES | MARKER_FILES


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_two_builds_into_different_folders_are_byte_identical(project, tmp_path, run):
    first, second = tmp_path / "first" / "build", tmp_path / "second" / "out"
    assert run(project, "build", "--out", str(first)).exit_code == 0
    # From another working folder, so no path of the run can leak into the output.
    result = run(tmp_path, "build", "--project", str(project), "--out", str(second))
    assert result.exit_code == 0, result.output
    one, two = files_in(first), files_in(second)
    assert set(one) == ALL_FILES
    assert set(two) == ALL_FILES
    for name in sorted(ALL_FILES):
        assert one[name] == two[name], f"{name} differs between two builds"


def test_build_leaves_no_staging_folder_behind(built):
    assert sorted(p.name for p in built.parent.iterdir()) == ["build", "datapackage.json", "raw"]


def test_frictionless_command_validates_the_package(built, tmp_path):
    done = subprocess.run(
        [str(BIN / "frictionless"), "validate", str(built / "datapackage.json")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_frictionless_python_api_validates_the_package(built):
    report = frictionless.validate(str(built / "datapackage.json"))
    assert report.valid, report.flatten(["type", "message"])
    assert report.stats["tasks"] == 10


def test_pipeline_validate_accepts_a_fresh_build(built, run):
    result = run(built.parent, "validate")
    assert result.exit_code == 0, result.output
    assert "build is a valid package" in result.output
    assert "note:" not in result.output  # the quotes were checked against the snapshots


def test_build_check_passes_right_after_a_build(built, run):
    result = run(built.parent, "build", "--check")
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_build_check_fails_naming_an_edited_file(built, run):
    figures = built / "data" / "figures.csv"
    edited = figures.read_bytes().replace(b",-78,", b",-77,")
    assert edited != figures.read_bytes()
    figures.write_bytes(edited)
    result = run(built.parent, "build", "--check")
    assert result.exit_code == 1, result.output
    assert "data/figures.csv" in result.output
    assert "data/quotes.csv" not in result.output
    assert figures.read_bytes() == edited  # --check does not write


def test_installed_pipeline_command_builds_and_validates(project, tmp_path):
    out = tmp_path / "out"
    done = subprocess.run(
        [str(BIN / "pipeline"), "build", "--project", str(project), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert f"kandal-crime-2022 {versions().current}" in done.stdout
    assert set(files_in(out)) == ALL_FILES


def test_python_m_pipeline_shows_help(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage:")
    for command in ("build", "check", "validate"):
        assert command in done.stdout


def test_version_option_prints_the_version(run, tmp_path):
    result = run(tmp_path, "--version")
    assert result.exit_code == 0
    assert result.output == f"pipeline, version {pipeline.__version__}\n"


def test_validate_takes_a_descriptor_larger_than_a_contract_may_be(built, run):
    """A package built before its input list had a file of its own lists every input
    file with its hash in its descriptor: 87 MB at a million figures (beside 571 MB of
    data), past the 16 MB allowed a hand-written contract or source.json. It may be as
    large as the package's other files; larger is refused."""
    import json

    from pipeline.files import MAX_JSON_BYTES

    path = built / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    count = MAX_JSON_BYTES // 100 + 1
    descriptor["provenance"]["inputs"]["files"] = [
        {"path": f"raw/sources/s{i:07d}/quotes.csv", "sha256": "0" * 64} for i in range(count)
    ]
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    assert path.stat().st_size > MAX_JSON_BYTES

    refused = run(built.parent, "validate", "--json")
    with (built / "data" / "bulk.bin").open("wb") as bulk:  # the data of a large package
        bulk.truncate(path.stat().st_size)
    accepted = run(built.parent, "validate")

    assert refused.exit_code == 1
    assert [e["code"] for e in json.loads(refused.stdout)["errors"]] == ["file-too-large"]
    assert accepted.exit_code == 0, accepted.output


def test_validate_reads_built_resources_with_the_limit_for_built_files(built, run, monkeypatch):
    """A million figures make a 332 MB quotes.csv, past the 256 MB allowed any one input:
    validate reads a package's own files with the larger limit for built files (through
    pipeline.load.package, which reads every package)."""
    import pipeline.load.package
    from pipeline.files import MAX_BUILT_FILE_BYTES, MAX_FILE_BYTES

    limits = {}
    real = pipeline.load.package.CsvPieces

    def recorded(path, display, inside, limit, piece_bytes):
        limits[Path(path).name] = limit
        return real(path, display, inside, limit, piece_bytes)

    monkeypatch.setattr(pipeline.load.package, "CsvPieces", recorded)

    result = run(built.parent, "validate")

    assert result.exit_code == 0, result.output
    assert limits["quotes.csv"] == MAX_BUILT_FILE_BYTES > 332 * 2**20 > MAX_FILE_BYTES
