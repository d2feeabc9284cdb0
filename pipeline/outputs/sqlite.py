"""The SQLite output for Datasette and any SQL tool: one table per resource with
the contract's types, NOT NULL, primary, unique and foreign keys and the CHECKs
SQLite can express, and the Datasette files: the metadata that shows the
descriptions, licence and source (0.65 and 1.0), and 1.0's configuration.

Written with apsw, whose wheels carry their own SQLite: the file's bytes (its
header records the SQLite version that wrote it) then depend on the pinned apsw
version, not on whichever SQLite the Python build links to.
"""

from __future__ import annotations

from pathlib import Path

import apsw

from pipeline.assemble.package import write_json
from pipeline.contract.model import Field, Resource
from pipeline.errors import InvalidInput, Problem
from pipeline.files import path_inside
from pipeline.outputs.source import PackageFile, PackageSource

FORMAT = "sqlite"
SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "date": "TEXT"}
PAGE_SIZE = 4096
METADATA_NAME = "datasette-metadata.json"
CONFIG_NAME = "datasette.json"


def database_name(source: PackageSource) -> str:
    """The file's stem, which is also the key Datasette looks the metadata up by."""
    return source.descriptor["name"]


def write(source: PackageSource, folder: Path) -> list[PackageFile]:
    name = database_name(source)
    # the name is the contract's: the fence keeps a name like ../x or /x inside the folder
    write_database(source, path_inside(folder, f"{name}.db", source.contract.file))
    write_json(folder, METADATA_NAME, datasette_metadata(source))
    write_json(folder, CONFIG_NAME, datasette_config(source))
    return [
        PackageFile(
            path=f"{name}.db",
            format="sqlite",
            mediatype="application/vnd.sqlite3",
            title="Every resource as a table of one SQLite database",
            consumer=f"Datasette (with {METADATA_NAME}), sqlite3, any SQL tool",
        ),
        PackageFile(
            path=METADATA_NAME,
            format="json",
            mediatype="application/json",
            title="Datasette metadata: titles, descriptions, licence and source",
            consumer=f"Datasette 0.65 and 1.0: datasette {name}.db --metadata {METADATA_NAME}",
        ),
        PackageFile(
            path=CONFIG_NAME,
            format="json",
            mediatype="application/json",
            title="Datasette 1.0 configuration: each table's facets",
            consumer=f"Datasette 1.0: datasette {name}.db --metadata {METADATA_NAME} "
            f"--config {CONFIG_NAME}",
        ),
    ]


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def _names(fields) -> str:
    return ", ".join(quote_name(f) for f in fields)


def column_sql(field: Field) -> str:
    """One column: name, type, NOT NULL and the CHECKs SQLite can express (no patterns)."""
    sql = f"{quote_name(field.name)} {SQL_TYPES[field.type]}"
    if field.required:
        sql += " NOT NULL"
    column, constraints = quote_name(field.name), field.constraints
    if "enum" in constraints:
        allowed = ", ".join(quote_literal(v) for v in constraints["enum"])
        sql += f" CHECK ({column} IN ({allowed}))"
    for key, operator in (("minimum", ">="), ("maximum", "<=")):
        if key in constraints:
            sql += f" CHECK ({column} {operator} {quote_literal(constraints[key])})"
    for key, operator in (("minLength", ">="), ("maxLength", "<=")):
        if key in constraints:
            sql += f" CHECK (length({column}) {operator} {int(constraints[key])})"
    return sql


def create_table_sql(resource: Resource) -> str:
    """CREATE TABLE from the contract; each column carries its title as an SQL comment,
    which SQLite keeps in sqlite_master (and Datasette shows with the schema)."""
    lines = [(column_sql(f), f.title) for f in resource.fields]
    if resource.primary_key:
        lines.append((f"PRIMARY KEY ({_names(resource.primary_key)})", ""))
    for key in resource.unique_keys:
        lines.append((f"UNIQUE ({_names(key)})", ""))
    for fk in resource.foreign_keys:
        target = f"{quote_name(fk.resource)} ({_names(fk.reference_fields)})"
        lines.append((f"FOREIGN KEY ({_names(fk.fields)}) REFERENCES {target}", ""))
    body = []
    for index, (definition, comment) in enumerate(lines):
        separator = "," if index < len(lines) - 1 else ""
        note = f" -- {' '.join(comment.split())}" if comment.strip() else ""
        body.append(f"  {definition}{separator}{note}")
    return f"CREATE TABLE {quote_name(resource.name)} (\n" + "\n".join(body) + "\n)"


def insert_sql(resource: Resource) -> str:
    marks = ", ".join("?" for _ in resource.fields)
    return (
        f"INSERT INTO {quote_name(resource.name)} ({_names(resource.field_names)}) VALUES ({marks})"
    )


def sql_rows(source: PackageSource, resource: Resource):
    """The rows as SQLite takes them: Python values, None where empty, dates as ISO
    8601 text (SQLite has no date type; that text sorts and compares)."""
    return source.records(resource.name)


def write_database(source: PackageSource, path: Path) -> None:
    """Create every table and load its rows in one transaction, then check the keys."""
    path.unlink(missing_ok=True)
    connection = apsw.Connection(str(path))
    try:
        connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        with connection:
            for resource in source.contract.resources:
                connection.execute(create_table_sql(resource))
                connection.executemany(insert_sql(resource), sql_rows(source, resource))
        broken = list(connection.execute("PRAGMA foreign_key_check"))
    finally:
        connection.close()
    if broken:  # the tables were checked before: a broken key here is a bug in this writer
        raise InvalidInput(
            [
                Problem(
                    "sqlite-foreign-key",
                    f"table {table} row {rowid}: foreign key to {parent} does not resolve",
                    file=path.name,
                )
                for table, rowid, parent, _ in broken
            ]
        )


def datasette_metadata(source: PackageSource) -> dict:
    """Datasette's metadata file (`--metadata`), keyed by the database name (the file name
    without .db; Datasette silently ignores metadata under any other key). The licence
    and source are given on the instance, the database and every table: Datasette 0.65
    let a table inherit them, 1.0 shows on a table's page only what is given for it."""
    descriptor = source.descriptor
    about = {"title": descriptor.get("title", descriptor["name"])}
    if descriptor.get("description"):
        about["description"] = descriptor["description"]
    rights = licence_and_source(descriptor)
    tables = {}
    for resource, built in zip(source.contract.resources, descriptor["resources"], strict=True):
        table = {"title": built.get("title", resource.name)}
        if built.get("description"):
            table["description"] = built["description"]
        table |= rights
        table["columns"] = {f.name: _column_description(f) for f in resource.fields}
        tables[resource.name] = table
    database = {**about, **rights, "tables": tables}
    return {**about, **rights, "databases": {database_name(source): database}}


def licence_and_source(descriptor: dict) -> dict:
    """Datasette's license, license_url, source and source_url for the package."""
    found = {}
    licenses = descriptor.get("licenses", [])
    if licenses:
        found["license"] = "; ".join(item.get("name") or item["title"] for item in licenses)
        if len(licenses) == 1 and licenses[0].get("path"):
            found["license_url"] = licenses[0]["path"]
    sources = descriptor.get("sources", [])
    if sources:
        found["source"] = "; ".join(item.get("title") or item["path"] for item in sources)
        if len(sources) == 1 and sources[0].get("path"):
            found["source_url"] = sources[0]["path"]
    return found


def datasette_config(source: PackageSource) -> dict:
    """Datasette 1.0's configuration file (`--config`), which holds what is not metadata:
    each table's facets, its fields with a fixed list of values (the contract's enums).
    Datasette 0.65 has no such file and leaves facets to the reader."""
    tables = {}
    for resource in source.contract.resources:
        facets = [f.name for f in resource.fields if "enum" in f.constraints]
        if facets:
            tables[resource.name] = {"facets": facets}
    return {"databases": {database_name(source): {"tables": tables}}}


def _column_description(field: Field) -> str:
    if field.title and field.description:
        return f"{field.title}. {field.description}"
    return field.title or field.description
