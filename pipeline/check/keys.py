"""The checks that need every batch's rows, run once the last batch is checked.

A build reads, checks and writes raw/ a batch of source folders at a time
(pipeline.load.raw.iter_raw), so that its memory is about one batch's. A batch's
pandera schemas (pipeline.check.schema) see only its rows; what they cannot see is
checked here, on the few columns of every row that it needs (the key columns), kept
batch by batch (Keys.add):

- primary keys, unique fields and unique keys repeated across batches;
- foreign keys (the row referred to may be in any batch);
- the rules marked `across` in pipeline.check.rules (a figure or statement has a
  quote somewhere; a figure's qualifier is one of its quotes');
- the quotes whose figure or snapshot is in another batch ("held" quotes: a quote
  filed in a folder other than its figure's, or in raw/quotes.csv), checked with
  the figures' values and the snapshots they need.

The key columns of a build are written to Arrow files in a folder of the staging
folder; elsewhere (a validation writes nothing) each batch's are kept as one block
of compressed Arrow IPC bytes: as frames, a batch's small columns pinned the
allocator's pages between batches (+12 MB a batch of 2,000 sources for 5 MB of
keys). Each check is one query over them. A problem found here is located as any other:
by the row's file and line, and its column by reading the file again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import polars as pl

from pipeline.check import coverage
from pipeline.check.rules import QUOTE_AT, Context, SemanticCheck, checks_for
from pipeline.contract.model import Contract, ForeignKey, Resource
from pipeline.errors import Problem
from pipeline.files import LINE_BREAK
from pipeline.load.snapshots import SNAPSHOT_FIELDS
from pipeline.load.tables import FilesUnder, Origin, Table

FIGURES, QUOTES, SOURCES = "figures", "quotes", "sources"
# what a held quote's checks need of its figure (the value as written too: "written")
FIGURE_VALUES = (
    "figure_id", "value", "measure", "unit", "qualifier", "period", "reference_period"
)  # fmt: skip
# where a kept row is: its batch and position there, its row among the resource's
# rows (0-based), and its file, line and kind (JSON or CSV) when its batch's tables
# are not kept
BATCH, AT, ROW, FILE, LINE, JSON = "_batch", "_at", "_row", "_file", "_line", "_json"


def kept_columns(contract: Contract) -> dict[str, list[str]]:
    """The columns of each resource that the checks here need, in contract order."""
    wanted: dict[str, set[str]] = {r.name: set(r.primary_key) for r in contract.resources}
    for resource in contract.resources:
        names = wanted[resource.name]
        names |= {f.name for f in resource.fields if f.constraints.get("unique")}
        names |= {name for key in resource.unique_keys for name in key}
        for fk in resource.foreign_keys:
            names |= set(fk.fields)
            wanted[fk.resource] |= set(fk.reference_fields)
        for check in checks_for(resource.name):  # across, or borrowed by a batch (lend)
            for name, columns in check.uses.items():
                wanted[name] |= set(columns)
    if FIGURES in wanted and QUOTES in wanted:
        wanted[FIGURES] |= set(FIGURE_VALUES)
    if SOURCES in wanted:  # to check a source's snapshot where its quotes are read
        wanted[SOURCES] |= set(SNAPSHOT_FIELDS)
    return {
        r.name: [name for name in r.field_names if name in wanted[r.name]]
        for r in contract.resources
    }


def across_checks(resource: Resource) -> list[SemanticCheck]:
    return [check for check in checks_for(resource.name) if check.across]


class Keys:
    """The key columns of every batch checked, and the quotes held for the end.

    folder: where to write each batch's key columns (a folder of the staging folder;
    None keeps them in memory). reread: how to read an input file again by its
    display name (FilesUnder), to locate a cell of a kept row by its file and line.
    read_snapshot: a source's snapshot text by source_id (None when it cannot be
    read), for the held quotes; None: held quotes are not checked against snapshots.
    snapshot_root: how the folder of the snapshots is shown (raw/sources), where an
    open number mention is reported (pipeline.check.coverage).
    """

    def __init__(
        self,
        contract: Contract,
        folder: Path | None,
        reread: FilesUnder,
        read_snapshot: Callable[[str], str | None] | None = None,
        snapshot_root: str = "",
    ):
        self.contract = contract
        self.columns = kept_columns(contract)
        self.folder, self.reread, self.read_snapshot = folder, reread, read_snapshot
        self.snapshot_root = snapshot_root
        self.parts: dict[str, list] = {r.name: [] for r in contract.resources}
        self.parts[coverage.FOUND] = []  # the number mentions of the snapshots read
        self.mentioned: set[str] = set()  # the sources whose mentions were found
        self.held: list[tuple[Table, pl.DataFrame]] = []  # quotes, with their position AT
        self.held_figures: list[tuple[Table, pl.DataFrame]] = []  # snapshot elsewhere
        self.matched: set[str] = set()  # sources whose snapshot is what their row says
        self.batches = 0
        self._headers: dict[str, tuple[str, ...]] = {}
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    # ---- batch by batch ------------------------------------------------------------

    def add(self, tables: dict[str, Table], context: Context) -> None:
        """A batch's tables (their cells and where each row is) and the context its
        checks had: its typed frames, its snapshot texts (None: not checked)."""
        batch = self.batches
        self.batches += 1
        for name, table in tables.items():
            kept = context.frames[name].select(self.columns[name])
            if name == FIGURES and "value" in kept.columns:
                kept = kept.with_columns(written=table.frame.get_column("value"))
            if name == SOURCES:  # as written, as read_snapshots reads them
                kept = kept.with_columns(table.frame.select(SNAPSHOT_FIELDS[1:]))
            kept = kept.with_columns(
                pl.lit(batch, pl.UInt32).alias(BATCH),
                pl.int_range(pl.len(), dtype=pl.UInt32).alias(AT),
                (pl.int_range(pl.len(), dtype=pl.UInt64) + table.first_row).alias(ROW),
            )
            kept = kept.with_columns(**_where_columns(table))
            self._keep(name, batch, kept)
        if context.snapshots is not None:
            self.matched.update(context.snapshots)
            self.find_mentions(context.snapshots)
        if QUOTES in tables and FIGURES in context.frames:
            self._hold(tables[QUOTES], context)
        if FIGURES in tables and context.snapshots is not None:
            self._hold_figures(tables[FIGURES], context)

    def _keep(self, name: str, batch: int, kept: pl.DataFrame) -> None:
        if self.folder is not None:
            path = self.folder / f"{name}-{batch:06d}.arrow"
            kept.write_ipc(path)
            self.parts[name].append(path)
        else:  # one compressed block (as frames, small columns pin the heap's pages)
            self.parts[name].append(_ipc_bytes(kept))

    def find_mentions(self, snapshots) -> None:
        """Keep the number mentions of the snapshots (by source_id) not yet read."""
        new = sorted(source_id for source_id in snapshots if source_id not in self.mentioned)
        if new:
            self.mentioned.update(new)
            found = coverage.found_mentions(snapshots, new)
            self._keep(coverage.FOUND, len(self.parts[coverage.FOUND]), found)

    def lend_figures(self, context: Context) -> None:
        """Give quotes checked without their figures the figures of the batches before
        that they refer to (a package validated one file at a time), and a batch's
        checks the kept rows of what they use that the batch lacks (a figure's area
        names, from raw/areas.csv, read with the first batch)."""
        for name in self._used(context):
            context.lent[name] = _collect(self.scan(name)).select(self.columns[name])
        if QUOTES not in context.frames or FIGURES in context.frames:
            return
        figures = self.figures(context.frames[QUOTES])
        context.frames[FIGURES] = figures.drop("written")
        if context.cells is not None:
            context.cells[FIGURES] = figures.select(value="written")

    def _used(self, context: Context) -> list[str]:
        """The resources a batch's checks use (SemanticCheck.uses) that batches before
        had rows of."""
        wanted = {
            name
            for resource in list(context.frames)
            for check in checks_for(resource)
            if not check.across
            for name in check.uses
        }
        return sorted(name for name in wanted if self.parts.get(name))

    def figures(self, quotes: pl.DataFrame) -> pl.DataFrame:
        """The first row kept of each figure that quotes refer to: FIGURE_VALUES and
        the value as written."""
        ids = quotes.get_column("figure_id").drop_nulls().unique().implode()
        return (
            self.scan(FIGURES)
            .filter(pl.col("figure_id").is_in(ids))
            .select(*FIGURE_VALUES, "written", ROW)
            .collect(engine="streaming")
            .sort(ROW)  # the first row of a figure_id is its figure
            .drop(ROW)
        )

    def _hold(self, table: Table, context: Context):
        """Keep the quotes whose figure or snapshot is not in their batch: their
        batch's checks passed them for want of it."""
        quotes, figures, snapshots = (
            context.frames[QUOTES],
            context.frames[FIGURES],
            context.snapshots,
        )
        elsewhere = pl.col("figure_id").is_not_null() & ~pl.col("figure_id").is_in(
            figures.get_column("figure_id").drop_nulls().implode()
        )
        if snapshots is not None:
            known = pl.Series(list(snapshots), dtype=pl.String)
            elsewhere = elsewhere | (
                pl.col("source_id").is_not_null() & ~pl.col("source_id").is_in(known.implode())
            )
        held = quotes.with_row_index(AT).filter(elsewhere)
        if held.height:
            self.held.append((table, held))

    def _hold_figures(self, table: Table, context: Context) -> None:
        """Keep the figures whose source's snapshot is not in their batch: the checks
        that read it passed them for want of it."""
        known = pl.Series(list(context.snapshots or {}), dtype=pl.String).implode()
        elsewhere = pl.col("source_id").is_not_null() & ~pl.col("source_id").is_in(known)
        held = context.frames[FIGURES].with_row_index(AT).filter(elsewhere)
        if held.height:
            self.held_figures.append((table, held))

    def scan(self, resource: str) -> pl.LazyFrame:
        parts = self.parts[resource]
        return pl.scan_ipc(parts) if parts else pl.LazyFrame()

    # ---- at the end --------------------------------------------------------------

    def problems(self) -> list[Problem]:
        """Every problem the checks here find, once the last batch is added."""
        found: list[Problem] = []
        context = self._across_context()
        for resource in self.contract.resources:
            found += self._repeated(resource)
            for fk in resource.foreign_keys:
                found += self._unknown(resource, fk)
            for check in across_checks(resource):
                failing = _collect(check.test(self.scan(resource.name), context))
                for values in failing.iter_rows(named=True):
                    where = self.where(resource.name, values, check.field)
                    found.append(rule_problem(check, values, context, where))
        found += self._held_problems()
        found += self._held_figure_problems()
        if coverage.MENTIONS in self.parts and QUOTES in self.parts:
            found += coverage.open_problems(context, self.read_snapshot, self.snapshot_root)
        return found

    def _across_context(self) -> Context:
        """The kept rows of every resource, the number mentions found and the sources
        whose snapshot was read, for the checks across batches."""
        frames = {r.name: self.scan(r.name) for r in self.contract.resources}
        found = self.parts[coverage.FOUND]
        empty = pl.LazyFrame(schema=coverage.FOUND_SCHEMA)
        frames[coverage.FOUND] = self.scan(coverage.FOUND) if found else empty
        read = pl.Series("source_id", sorted(self.mentioned), dtype=pl.String)
        frames[coverage.READ] = read.to_frame().lazy()
        return Context(frames=frames)

    def _repeated(self, resource: Resource) -> list[Problem]:
        """Rows whose primary key, unique field or unique key another row repeats."""
        keys: list[tuple[tuple[str, ...], Callable]] = []
        if resource.primary_key:
            keys.append((resource.primary_key, duplicate_id))
        for field in resource.fields:
            if field.constraints.get("unique") and (field.name,) != resource.primary_key:
                keys.append(((field.name,), duplicate_value))
        keys += [(key, duplicate_key) for key in resource.unique_keys]
        found = []
        rows = self.scan(resource.name)
        for key, problem in keys:
            for values in repeated_rows(rows, list(key)).iter_rows(named=True):
                found.append(problem(key, values, self.where(resource.name, values, key[0])))
        return found

    def _unknown(self, resource: Resource, fk: ForeignKey) -> list[Problem]:
        """Rows whose foreign key is not a row of the resource it refers to."""
        names = list(fk.fields)
        rows = self.scan(resource.name)
        known = self.scan(fk.resource).select(
            pl.col(a).alias(b) for a, b in zip(fk.reference_fields, fk.fields, strict=True)
        )
        return [
            foreign_key(fk, values, self.where(resource.name, values, fk.fields[0]))
            for values in _collect(unknown_rows(rows, known, names)).iter_rows(named=True)
        ]

    def _held_problems(self) -> list[Problem]:
        """The quotes held: checked again with their figures and snapshots, wherever
        those were read."""
        if not self.held:
            return []
        quotes = pl.concat([held for _, held in self.held])
        origins = [(table, at) for table, held in self.held for at in held.get_column(AT)]
        quotes = quotes.drop(AT)
        figures = self.figures(quotes)
        snapshots = None
        if self.read_snapshot is not None:
            wanted = quotes.get_column("source_id").drop_nulls().unique().sort().to_list()
            texts = {s: self.read_snapshot(s) for s in wanted if s in self.matched}
            snapshots = {s: text for s, text in texts.items() if text is not None}
        context = Context(
            frames={QUOTES: quotes, FIGURES: figures.drop("written")},
            snapshots=snapshots,
            cells={FIGURES: figures.select(value="written")},
        )
        found = []
        for check in checks_for(QUOTES):
            if check.across or (check.needs_snapshots and snapshots is None):
                continue
            passed = check.test(quotes, context)
            for position in (~passed).arg_true().to_list():
                table, at = origins[position]
                values = quotes.row(position, named=True)
                if check.at_figure:
                    figure = self.figure_cell(values["figure_id"], check.field)
                    found.append(figure_problem(check, values, context, table, at, figure))
                else:
                    where = table.locate(at, check.field)
                    found.append(rule_problem(check, values, context, where))
        return found

    def _held_figure_problems(self) -> list[Problem]:
        """The figures held: the checks that read their source's snapshot, run with
        it wherever it was read."""
        if not self.held_figures or self.read_snapshot is None:
            return []
        figures = pl.concat([held for _, held in self.held_figures])
        origins = [(table, at) for table, held in self.held_figures for at in held.get_column(AT)]
        figures = figures.drop(AT)
        wanted = figures.get_column("source_id").drop_nulls().unique().sort().to_list()
        texts = {s: self.read_snapshot(s) for s in wanted if s in self.matched}
        context = Context(
            frames={FIGURES: figures},
            snapshots={s: text for s, text in texts.items() if text is not None},
        )
        self.lend_figures(context)
        found = []
        for check in checks_for(FIGURES):
            if check.across or not check.needs_snapshots:
                continue
            passed = check.test(figures, context)
            for position in (~passed).arg_true().to_list():
                table, at = origins[position]
                values = figures.row(position, named=True)
                found.append(rule_problem(check, values, context, table.locate(at, check.field)))
        return found

    # ---- where a kept row is ---------------------------------------------------------

    def figure_cell(
        self, figure_id: str, field_name: str, tables: dict | None = None, frames=None
    ) -> dict | None:
        """Where a figure's first row has its field: in tables (a batch's, with its typed
        frames) when the figure is there, else among the kept rows; None if nowhere."""
        if tables is not None and FIGURES in tables:
            ids = frames[FIGURES].get_column("figure_id")
            at = ids.index_of(figure_id)
            if at is not None:
                return tables[FIGURES].locate(at, field_name)
        kept = self.rows(FIGURES, pl.col("figure_id") == figure_id)
        if kept.frame.height == 0:
            return None
        return kept.locate(kept.frame.get_column(ROW).arg_min(), field_name)

    def rows(self, resource: str, which: pl.Expr) -> KeptRows:
        """The kept rows of a resource that which selects, in row order."""
        return KeptRows(resource, _collect(self.scan(resource).filter(which)), self)

    def where(self, resource: str, values: dict, field_name: str) -> dict:
        """file, line, column, resource, row and field of a kept row's cell."""
        kind = "json" if values[JSON] else "csv"
        origin = Origin(values[FILE], kind, (), self.reread)
        if kind == "csv":
            origin.header = self._header(origin)
        one = Table(resource, pl.DataFrame(), [origin], [0], [values[LINE]], values[ROW])
        return one.locate(0, field_name)

    def _header(self, origin: Origin) -> tuple[str, ...]:
        """A CSV file's header, as its first line's cells (read again)."""
        if origin.display not in self._headers:
            text = origin.text()
            first = LINE_BREAK.split(text, maxsplit=1)[0] if text else ""
            self._headers[origin.display] = tuple(next(csv.reader([first]), []))
        return self._headers[origin.display]


class KeptRows:
    """Kept rows as a Table is read by a check of its rows (read_snapshots): their
    frame, and where each cell is."""

    def __init__(self, resource: str, frame: pl.DataFrame, keys: Keys):
        self.resource, self.frame, self.keys = resource, frame, keys

    def locate(self, row: int, field_name: str | None) -> dict:
        return self.keys.where(self.resource, self.frame.row(row, named=True), field_name)


def _ipc_bytes(frame: pl.DataFrame) -> bytes:
    """A frame as compressed Arrow IPC bytes (ids compress to a fraction of their room)."""
    buffer = io.BytesIO()
    frame.write_ipc(buffer, compression="zstd")  # lz4: twice the room, no faster
    return buffer.getvalue()


def _where_columns(table: Table) -> dict[str, pl.Series]:
    """Each row's file, line and kind."""
    origins = pl.Series(table.row_origin, dtype=pl.Int32)
    names = pl.Series([o.display for o in table.origins], dtype=pl.String)
    return {
        FILE: names.gather(origins),
        LINE: pl.Series(table.row_line, dtype=pl.UInt32) + table.line_offset,
        JSON: pl.Series([o.kind == "json" for o in table.origins], dtype=pl.Boolean).gather(
            origins
        ),
    }


def repeated_rows(rows: pl.LazyFrame, names: list[str]) -> pl.DataFrame:
    """The rows whose names columns another row repeats (a missing value equal to a
    missing value). The rows are first told apart by a 64-bit hash of those columns,
    which takes a few bytes a row where the values themselves may take a hundred;
    the few rows whose hash repeats are then compared by their values."""
    hashed = pl.struct(names).hash()
    # two queries: a plan that reads the rows twice caches them whole, every column
    counts = rows.group_by(hashed.alias("_hash")).len().filter(pl.col("len") > 1)
    repeated = counts.collect(engine="streaming").get_column("_hash")
    if repeated.is_empty():  # as it mostly is: no second query
        return pl.DataFrame(schema=rows.collect_schema())
    candidates = _collect(rows.filter(hashed.is_in(repeated.implode())))
    same = candidates.group_by(names).len().filter(pl.col("len") > 1).drop("len")
    return candidates.join(same, on=names, how="semi", nulls_equal=True, maintain_order="left")


def _collect(rows: pl.LazyFrame) -> pl.DataFrame:
    """A query over the kept columns, run by the streaming engine, in row order."""
    return rows.collect(engine="streaming").sort(BATCH, AT)


def unknown_rows(values: pl.LazyFrame, known: pl.LazyFrame, names: list[str]) -> pl.LazyFrame:
    """The rows of values whose names columns are not a row of known (compared as
    Python tuples are: text equals only text). A row with a missing value among them
    refers to nothing and is not one of them."""
    value_types = [values.collect_schema()[name] for name in names]
    known_types = [known.collect_schema()[name] for name in names]
    known = known.select(names)
    if value_types != known_types:
        if all(d.is_numeric() for d in [*value_types, *known_types]):
            values = values.with_columns(pl.col(names).cast(pl.Float64).name.suffix("_key"))
            known = known.select(pl.col(names).cast(pl.Float64).name.suffix("_key"))
            keys = [f"{name}_key" for name in names]
            return values.drop_nulls(names).join(known.unique(), on=keys, how="anti").drop(keys)
        return values.drop_nulls(names)  # text equals only text: none is known
    return values.drop_nulls(names).join(known.drop_nulls().unique(), on=names, how="anti")


# ---- the problems, as the batch's checks report them too (pipeline.check.tables) ----


def rule_problem(check: SemanticCheck, values: dict, context: Context, where: dict) -> Problem:
    return Problem(
        check.name.replace("_", "-"), f"{check.field}: {check.explain(values, context)}", **where
    )


def figure_problem(
    check: SemanticCheck, values: dict, context: Context, quotes: Table, at: int, figure
) -> Problem:
    """A quotes rule's failure (check.at_figure) at its figure's cell (figure: where it
    is, or None when the figure is not found: then at the quote), naming the quote."""
    quote = quotes.locate(at, None)
    values = {**values, QUOTE_AT: f"{quote['file']}:{quote['line']}"}
    return rule_problem(check, values, context, figure or quotes.locate(at, "text"))


def duplicate_id(key: tuple[str, ...], values: dict, where: dict) -> Problem:
    name = key[0]
    return Problem(
        "duplicate-id",
        f"{name}: {values[name]!r} is used by more than one row; expected each id once",
        **where,
    )


def duplicate_value(key: tuple[str, ...], values: dict, where: dict) -> Problem:
    name = key[0]
    return Problem(
        "duplicate-value", f"{name}: {values[name]!r} repeats; expected unique values", **where
    )


def duplicate_key(key: tuple[str, ...], values: dict, where: dict) -> Problem:
    return Problem(
        "duplicate-key",
        f"{key[0]}: the combination {', '.join(key)} repeats another row's; expected each "
        "fact once",
        **where,
    )


def foreign_key(fk: ForeignKey, values: dict, where: dict) -> Problem:
    shown = ", ".join(str(values[name]) for name in fk.fields)
    return Problem(
        "foreign-key",
        f"{fk.fields[0]}: {shown!r} is not a known {fk.resource}."
        f"{','.join(fk.reference_fields)}; expected the id of an existing row in {fk.resource}",
        **where,
    )
