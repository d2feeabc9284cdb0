"""The Parquet output: one typed file per resource, for DuckDB, pandas, Spark and
other columnar tools. Field titles and descriptions travel as Arrow field
metadata. The writer settings are fixed here so that the bytes depend only on
the data and the pinned pyarrow version (whose name is in the file's
`created_by`); no timestamp is written.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.contract.model import Field, Resource
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


def arrow_schema(source: PackageSource, resource: Resource) -> pa.Schema:
    built = next(r for r in source.descriptor["resources"] if r["name"] == resource.name)
    metadata = {
        "resource": resource.name,
        "title": built.get("title", resource.name),
        "description": built.get("description", ""),
        "package": source.descriptor["name"],
        "package_version": source.descriptor.get("version", ""),
    }
    if resource.primary_key:
        metadata["primary_key"] = ",".join(resource.primary_key)
    return pa.schema([arrow_field(f) for f in resource.fields], metadata=metadata)


def arrow_table(source: PackageSource, resource: Resource) -> pa.Table:
    """The resource's typed table as Arrow columns of the schema's types, one chunk each
    (dates parsed from their ISO text)."""
    schema = arrow_schema(source, resource)
    table = source.frames[resource.name].select(resource.field_names).rechunk().to_arrow()
    columns = []
    for field, column in zip(resource.fields, table.columns, strict=True):
        if field.type == "date":
            column = column.cast(pa.string())
        columns.append(column.cast(ARROW_TYPES[field.type]).combine_chunks())
    return pa.Table.from_arrays(columns, schema=schema)


def write(source: PackageSource, folder: Path) -> list[PackageFile]:
    files = []
    for resource in source.contract.resources:
        table = arrow_table(source, resource)
        path = parquet_path(resource)
        target = path_inside(folder, path, source.contract.file)
        target.parent.mkdir(exist_ok=True)
        pq.write_table(table, target, **WRITER_SETTINGS)
        files.append(
            PackageFile(
                path=path,
                format="parquet",
                mediatype="application/vnd.apache.parquet",
                title=f"{table.schema.metadata[b'title'].decode()} (Parquet, typed)",
                consumer="DuckDB, pandas, Polars, Spark and other Parquet readers",
                resource=resource.name,
            )
        )
    return files
