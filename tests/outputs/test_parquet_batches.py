"""The Parquet output fed batch by batch (ParquetOutput, as a build feeds it): the bytes
of the files written from whole tables, whatever the batches; the spilled batches kept
in the folder being written only until the files are written, or the writing fails.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipeline.assemble.package import write_package
from pipeline.outputs import CSV, write_outputs
from pipeline.outputs.parquet import SPILL_FOLDER, ParquetOutput, parquet_path, write
from pipeline.outputs.source import load_source
from tests.package_helpers import cut_rows, load_synthetic


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return load_synthetic(tmp_path_factory.mktemp("parquet-batches"), 60)


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def packaged(folder: Path, loaded) -> dict:
    """The package's CSVs and descriptor written into folder (made); its descriptor."""
    folder.mkdir()
    info = {**loaded.record, "input_files": loaded.inputs}
    return write_package(folder, loaded.contract, loaded.tables, info)


def written_whole(folder: Path, loaded, frames: dict) -> dict[str, bytes]:
    """The Parquet files of the registry's writer (the whole tables in one batch)."""
    folder.mkdir()
    source = load_source(folder, loaded.contract, packaged(folder / "package", loaded), {}, frames)
    write(source, folder)
    return {
        name: data for name, data in files_in(folder).items() if not name.startswith("package/")
    }


def feed(output: ParquetOutput, frames: dict, sizes: str) -> None:
    cuts = {name: cut_rows(frame.height, sizes) for name, frame in frames.items()}
    for index in range(max(map(len, cuts.values()))):
        output.append(
            {
                name: frames[name].slice(*cut[index])
                for name, cut in cuts.items()
                if index < len(cut)
            }
        )


@pytest.mark.parametrize("sizes", ["ones", "uneven", "one"])
def test_parquet_written_in_batches_has_the_bytes_of_the_whole_tables(loaded, tmp_path, sizes):
    (tmp_path / "batched").mkdir()
    with ParquetOutput(tmp_path / "batched", loaded.contract) as output:
        feed(output, loaded.frames, sizes)
        files = output.finish()

    expected = written_whole(tmp_path / "whole", loaded, loaded.frames)
    assert files_in(tmp_path / "batched") == expected
    assert [file.path for file in files] == [parquet_path(r) for r in loaded.contract.resources]
    assert len(expected) == len(loaded.contract.resources)


def test_a_resource_never_fed_is_the_file_of_an_empty_table(loaded, tmp_path):
    fed = {name: frame for name, frame in loaded.frames.items() if name != "quotes"}
    (tmp_path / "batched").mkdir()
    with ParquetOutput(tmp_path / "batched", loaded.contract) as output:
        feed(output, fed, "uneven")
        output.finish()

    empty = {**loaded.frames, "quotes": loaded.frames["quotes"].clear()}
    expected = written_whole(tmp_path / "whole", loaded, empty)
    assert files_in(tmp_path / "batched") == expected
    quotes = pl.read_parquet(
        tmp_path / "batched" / parquet_path(loaded.contract.resource("quotes"))
    )
    assert quotes.height == 0 and quotes.columns == loaded.contract.resource("quotes").field_names


def test_the_spill_is_in_the_folder_while_fed_and_gone_once_written(loaded, tmp_path):
    with ParquetOutput(tmp_path, loaded.contract) as output:
        feed(output, loaded.frames, "uneven")
        spilled = sorted(files_in(tmp_path))
        output.finish()

    assert spilled and all(name.startswith(f"{SPILL_FOLDER}/") for name in spilled)
    assert sorted(files_in(tmp_path)) == sorted(parquet_path(r) for r in loaded.contract.resources)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parquet"]


def test_a_failure_while_fed_leaves_no_spill(loaded, tmp_path):
    with (
        pytest.raises(pl.exceptions.ColumnNotFoundError),
        ParquetOutput(tmp_path, loaded.contract) as output,
    ):
        feed(output, loaded.frames, "uneven")
        output.append({"quotes": pl.DataFrame({"wrong": [1]})})

    assert list(tmp_path.iterdir()) == []


def test_write_outputs_lists_a_fed_parquet_output_as_the_one_written_from_tables(loaded, tmp_path):
    """The descriptor's outputs list: the same entries, in the same order, whether the
    Parquet files came from whole tables or from a writer fed batch by batch."""
    formats = (CSV, "parquet", "schemaorg")
    descriptor = packaged(tmp_path / "whole", loaded)
    packaged(tmp_path / "fed", loaded)
    from_tables = write_outputs(
        tmp_path / "whole", loaded.contract, descriptor, {}, formats, loaded.frames
    )
    with ParquetOutput(tmp_path / "fed", loaded.contract) as output:
        feed(output, loaded.frames, "uneven")
        from_batches = write_outputs(
            tmp_path / "fed",
            loaded.contract,
            descriptor,
            {},
            formats,
            loaded.frames,
            fed={"parquet": output},
        )

    assert from_batches["outputs"] == from_tables["outputs"]
    assert [entry["format"] for entry in from_tables["outputs"]][:11] == ["parquet"] * 10 + [
        "jsonld"
    ]
    assert files_in(tmp_path / "fed") == files_in(tmp_path / "whole")
