"""The Parquet output: one typed file per resource, for DuckDB, pandas, Spark and
other columnar tools. Field titles and descriptions travel as Arrow field
metadata. The writer settings are fixed here so that the bytes depend only on
the data and the pinned pyarrow version (whose name is in the file's
`created_by`); no timestamp is written.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.contract.model import Contract, Field, Resource
from pipeline.files import path_inside
from pipeline.outputs.source import PackageFile, PackageSource

FORMAT = "parquet"
FOLDER = "parquet"
ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "date": pa.date32(),
}
# pq.write_table's row groups (pyarrow's default), which the streamed files keep.
ROW_GROUP_ROWS = 1024 * 1024
# Where the appended batches wait, inside the folder being written, until finish.
SPILL_FOLDER = ".parquet-spill"
WRITER_SETTINGS = {
    "version": "2.6",
    "data_page_version": "1.0",
    "compression": "zstd",
    "compression_level": 9,
    "use_dictionary": True,
    "write_statistics": True,
    "store_schema": True,
}


def parquet_path(resource: Resource) -> str:
    return f"{FOLDER}/{PurePosixPath(resource.path).stem}.parquet"


def arrow_field(field: Field) -> pa.Field:
    metadata = {
        key: value
        for key, value in (("title", field.title), ("description", field.description))
        if value
    }
    return pa.field(
        field.name, ARROW_TYPES[field.type], nullable=not field.required, metadata=metadata
    )


def arrow_schema(descriptor: dict, resource: Resource) -> pa.Schema:
    """The resource's Arrow schema; its metadata from descriptor (the contract's or the
    built one: they agree on titles, descriptions, name and version)."""
    described = next(r for r in descriptor["resources"] if r["name"] == resource.name)
    metadata = {
        "resource": resource.name,
        "title": described.get("title", resource.name),
        "description": described.get("description", ""),
        "package": descriptor["name"],
        "package_version": descriptor.get("version", ""),
    }
    if resource.primary_key:
        metadata["primary_key"] = ",".join(resource.primary_key)
    return pa.schema([arrow_field(f) for f in resource.fields], metadata=metadata)


def arrow_table(frame: pl.DataFrame, resource: Resource, schema: pa.Schema) -> pa.Table:
    """The resource's typed frame as Arrow columns of the schema's types, one chunk each
    (dates parsed from their ISO text)."""
    table = frame.select(resource.field_names).rechunk().to_arrow()
    columns = []
    for field, column in zip(resource.fields, table.columns, strict=True):
        if field.type == "date":
            column = column.cast(pa.string())
        columns.append(column.cast(ARROW_TYPES[field.type]).combine_chunks())
    return pa.Table.from_arrays(columns, schema=schema)


def write(source: PackageSource, folder: Path) -> list[PackageFile]:
    """The registry's writer: the whole tables in one batch."""
    with ParquetOutput(folder, source.contract) as output:
        output.append(source.frames)
        return output.finish()


class ParquetOutput:
    """The Parquet files written from a build's batches: each batch's typed frames are
    appended to an Arrow IPC file per resource in SPILL_FOLDER (inside the folder being
    written); finish writes each Parquet file from it one row group at a time, with the
    bytes of pq.write_table on the whole table (row groups of ROW_GROUP_ROWS rows), and
    deletes the spill. Memory: about one row group's Arrow data, not the tables.

    with ParquetOutput(staging, contract) as parquet:
        for batch in batches:
            parquet.append(typed_frames_as_written)
        files = parquet.finish()  # or write_outputs(..., fed={"parquet": parquet})

    Leaving the with block deletes the spill, finished or not."""

    def __init__(self, folder: Path, contract: Contract):
        self.folder, self.contract = folder, contract
        self._schemas = {r.name: arrow_schema(contract.descriptor, r) for r in contract.resources}
        self._spills: dict[str, tuple[Path, pa.OSFile, pa.ipc.RecordBatchStreamWriter]] = {}

    def append(self, frames: Mapping[str, pl.DataFrame]) -> None:
        """Add one batch. frames: each resource's typed frame as the CSVs hold it
        (pipeline.build.as_written: integers, numbers, text, dates as ISO text); a resource
        with no rows in the batch may be left out."""
        for index, resource in enumerate(self.contract.resources):
            frame = frames.get(resource.name)
            if frame is None or not frame.height:
                continue
            table = arrow_table(frame, resource, self._schemas[resource.name])
            if resource.name not in self._spills:
                self._spills[resource.name] = self._open_spill(index, table.schema)
            self._spills[resource.name][2].write_table(table)

    def finish(self) -> list[PackageFile]:
        """Write every resource's Parquet file, delete the spill; returns the files."""
        files = []
        for resource in self.contract.resources:
            path = parquet_path(resource)
            target = path_inside(self.folder, path, self.contract.file)
            target.parent.mkdir(exist_ok=True)
            schema = self._schemas[resource.name]
            with pq.ParquetWriter(target, schema, **WRITER_SETTINGS) as parquet:
                self._write_spilled(resource.name, parquet)
            files.append(
                PackageFile(
                    path=path,
                    format="parquet",
                    mediatype="application/vnd.apache.parquet",
                    title=f"{schema.metadata[b'title'].decode()} (Parquet, typed)",
                    consumer="DuckDB, pandas, Polars, Spark and other Parquet readers",
                    resource=resource.name,
                )
            )
        self.discard()
        return files

    def discard(self) -> None:
        """Close and delete the spill (finish does it; so does leaving the with block)."""
        for path, file, stream in self._spills.values():
            if not file.closed:
                stream.close()
                file.close()
            path.unlink(missing_ok=True)
        self._spills = {}
        shutil.rmtree(self.folder / SPILL_FOLDER, ignore_errors=True)

    def __enter__(self) -> ParquetOutput:
        return self

    def __exit__(self, *exc) -> None:
        self.discard()

    def _open_spill(self, index: int, schema: pa.Schema):
        path = path_inside(self.folder, f"{SPILL_FOLDER}/{index}.arrow")
        path.parent.mkdir(exist_ok=True)
        file = pa.OSFile(str(path), "wb")
        return path, file, pa.ipc.new_stream(file, schema)

    def _write_spilled(self, name: str, parquet: pq.ParquetWriter) -> None:
        """Write the spilled rows in row groups of ROW_GROUP_ROWS rows (the last one fewer),
        each one chunk per column, as pq.write_table cuts them from a whole table; one empty
        table when nothing was spilled (pq.write_table writes that too)."""
        if name not in self._spills:
            parquet.write_table(self._schemas[name].empty_table())
            return
        path, file, stream = self._spills[name]
        stream.close()
        file.close()
        pieces, rows = [], 0
        with pa.OSFile(str(path), "rb") as spilled:  # read, not mapped: pieces are freed
            for piece in pa.ipc.open_stream(spilled):
                pieces.append(piece)
                rows += piece.num_rows
                del piece
                while rows >= ROW_GROUP_ROWS:
                    group, pieces = _cut(pieces, ROW_GROUP_ROWS)
                    parquet.write_table(group)
                    del group
                    rows -= ROW_GROUP_ROWS
        if rows:
            group, pieces = _cut(pieces, rows)
            parquet.write_table(group)


def _cut(pieces: list[pa.RecordBatch], rows: int) -> tuple[pa.Table, list[pa.RecordBatch]]:
    """The first rows of the pieces as one table of one chunk a column (a copy), and the
    rest as pieces (views of the last piece); the pieces copied are let go before the
    group is written, so that memory holds them once, not twice."""
    whole = pa.Table.from_batches(pieces)
    pieces.clear()
    group = whole.slice(0, rows).combine_chunks()
    rest = whole.slice(rows).to_batches()
    return group, rest
