"""The Parquet output: one typed file per resource, for DuckDB, pandas, Spark and
other columnar tools. Field titles and descriptions travel as Arrow field
metadata. The writer settings are fixed here so that the bytes depend only on
the data and the pinned pyarrow version (whose name is in the file's
`created_by`); no timestamp is written.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from contextlib import ExitStack
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
    appended to Arrow IPC files in SPILL_FOLDER (inside the folder being written), one a
    column; finish writes each Parquet file from them one row group at a time, with the
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
        self._spills: dict[str, _Spill] = {}

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
                folder = path_inside(self.folder, f"{SPILL_FOLDER}/{index}")
                self._spills[resource.name] = _Spill(folder, table.schema)
            self._spills[resource.name].append(table)

    def finish(self) -> list[PackageFile]:
        """Write every resource's Parquet file, delete the spill; returns the files."""
        files = []
        for resource in self.contract.resources:
            path = parquet_path(resource)
            target = path_inside(self.folder, path, self.contract.file)
            target.parent.mkdir(exist_ok=True)
            schema = self._schemas[resource.name]
            with pq.ParquetWriter(target, schema, **WRITER_SETTINGS) as parquet:
                spill = self._spills.get(resource.name)
                if spill is None:  # pq.write_table writes an empty table so
                    parquet.write_table(schema.empty_table())
                else:
                    spill.write_row_groups(parquet)
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
        for spill in self._spills.values():
            spill.close()
        self._spills = {}
        shutil.rmtree(self.folder / SPILL_FOLDER, ignore_errors=True)

    def __enter__(self) -> ParquetOutput:
        return self

    def __exit__(self, *exc) -> None:
        self.discard()


class _Spill:
    """One resource's rows appended to one Arrow IPC stream a column (in folder, made),
    so that a row group is put together a column at a time: each column's pieces are
    let go once copied into one chunk, and memory holds about the group once."""

    def __init__(self, folder: Path, schema: pa.Schema):
        folder.mkdir(parents=True)
        self.schema, self.rows = schema, 0
        self.paths = [folder / f"{index}.arrow" for index in range(len(schema))]
        self._files, self._writers = [], []
        for path, field in zip(self.paths, schema, strict=True):
            self._files.append(pa.OSFile(str(path), "wb"))
            self._writers.append(pa.ipc.new_stream(self._files[-1], pa.schema([field])))

    def append(self, table: pa.Table) -> None:
        for writer, field, column in zip(self._writers, self.schema, table.columns, strict=True):
            writer.write_table(pa.Table.from_arrays([column], schema=pa.schema([field])))
        self.rows += table.num_rows

    def close(self) -> None:
        for writer, file in zip(self._writers, self._files, strict=True):
            if not file.closed:
                writer.close()
                file.close()

    def write_row_groups(self, parquet: pq.ParquetWriter) -> None:
        """Write the rows in row groups of ROW_GROUP_ROWS rows (the last one fewer), each
        one chunk a column, as pq.write_table cuts them from a whole table."""
        self.close()
        with ExitStack() as opened:
            columns = [
                _Column(pa.ipc.open_stream(opened.enter_context(pa.OSFile(str(path), "rb"))))
                for path in self.paths  # read, not mapped: the pieces copied are freed
            ]
            for start in range(0, self.rows, ROW_GROUP_ROWS):
                rows = min(ROW_GROUP_ROWS, self.rows - start)
                group = pa.Table.from_arrays([c.take(rows) for c in columns], schema=self.schema)
                parquet.write_table(group)
                del group


class _Column:
    """One spilled column read in order: take(rows) gives the next rows as one chunk."""

    def __init__(self, reader: pa.ipc.RecordBatchStreamReader):
        self._pieces = (batch.column(0) for batch in reader)
        self._rest: list[pa.Array] = []

    def take(self, rows: int) -> pa.Array:
        chunks, held = self._rest, sum(len(chunk) for chunk in self._rest)
        while held < rows:
            chunks.append(next(self._pieces))
            held += len(chunks[-1])
        column = pa.chunked_array(chunks, type=chunks[0].type)
        self._rest = column.slice(rows).chunks  # a view of the last piece
        chunks.clear()
        return column.slice(0, rows).combine_chunks()
