"""What a user sees when the input is wrong, through the CLI.

Each test breaks a copy of the project in tmp_path, runs a command and checks
the exit code, every `path:line:column: message [code]` line on stderr, the
summary line, and that the --json report says the same.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

SOURCE = "raw/sources/kandal-crime-2022"
QUOTES = f"{SOURCE}/quotes.csv"
FIGURES = f"{SOURCE}/figures.csv"
STATEMENTS = f"{SOURCE}/statements.csv"
SNAPSHOT = f"{SOURCE}/snapshot.txt"
RECORD = f"{SOURCE}/source.json"
ACTORS = "raw/actors.csv"

CRIME_CHANGE = "kandal-reported-crimes-change-2022"
SOLVED_SHARE = "kandal-reported-crimes-solved-share-2022"
TRAFFIC_CHANGE = "kandal-traffic-accidents-change-2022"

CONTRACT_PATH = Path(__file__).resolve().parents[2] / "datapackage.json"
CONTRACT = json.loads(CONTRACT_PATH.read_text(encoding="utf-8"))
RESOURCE_PATHS = [resource["path"] for resource in CONTRACT["resources"]]

PROBLEM_LINE = re.compile(
    r"(?P<file>[^\s:]+)(?::(?P<line>\d+))?(?::(?P<column>\d+))?: "
    r"(?P<message>.+) \[(?P<code>[a-z0-9-]+)\]"
)
SUMMARY_LINE = re.compile(r"\d+ problems? in \d+ files?")


# ---- editing the copy ----------------------------------------------------------


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def place_of(path: Path, needle: str) -> tuple[int, int]:
    """1-based line and column of the one occurrence of needle in a UTF-8 file."""
    text = path.read_bytes().decode("utf-8")
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times in {path}"
    return line_and_column(text, text.index(needle))


def edit(path: Path, old: str, new: str) -> int:
    """Replace the one occurrence of old by new; return the line it was on."""
    line, _ = place_of(path, old)
    path.write_bytes(path.read_bytes().decode("utf-8").replace(old, new).encode("utf-8"))
    return line


def column_of(path: Path, line: int, field: str) -> int:
    """1-based column where a field's cell starts on a line of a CSV file."""
    lines = path.read_text(encoding="utf-8").split("\n")
    before = next(csv.reader([lines[line - 1]]))[: lines[0].split(",").index(field)]
    prefix = "".join(f"{cell}," for cell in before)
    assert lines[line - 1].startswith(prefix), "a quoted cell before the field: count by hand"
    return len(prefix) + 1


def lines_where(path: Path, field: str, value: str) -> list[int]:
    """The lines of a CSV file where the records whose field equals value start."""
    found, end = [], 1
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        for record in reader:
            start, end = end + 1, reader.line_num
            if record[field] == value:
                found.append(start)
    return found


def drop_column(path: Path, field: str) -> None:
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    index = rows[0].index(field)
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(r[:index] + r[index + 1 :] for r in rows)


def save_as_cp1252(path: Path) -> tuple[int, int, int]:
    """Re-save a UTF-8 file as cp1252; return the line, column and byte offset of its
    first character that is not ASCII (the first byte that is not valid UTF-8)."""
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("cp1252"))
    offset = next(i for i, char in enumerate(text) if not char.isascii())
    return (*line_and_column(text, offset), len(text[:offset].encode("cp1252")))


def remove_quotes_of(project: Path, figure_id: str) -> int:
    """Delete every quote of a figure; return the figure's line in figures.csv."""
    quotes = project / QUOTES
    for line in reversed(lines_where(quotes, "figure_id", figure_id)):
        edit(quotes, quotes.read_text(encoding="utf-8").split("\n")[line - 1] + "\n", "")
    return place_of(project / FIGURES, f"{figure_id},")[0]


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def rehash(package: Path, resource_path: str) -> None:
    """Record a data file's new size and hash in a built descriptor, as a hand edit might."""
    descriptor_path = package / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    data = (package / resource_path).read_bytes()
    [resource] = [r for r in descriptor["resources"] if r["path"] == resource_path]
    resource["bytes"] = len(data)
    resource["hash"] = f"sha256:{hashlib.sha256(data).hexdigest()}"
    text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    descriptor_path.write_bytes(text.encode("utf-8"))


# ---- reading what the user sees --------------------------------------------------


def problem_lines(result) -> list[tuple]:
    """(file, line, column, code, message) of each problem printed on stderr; every
    other line must be a note or the summary."""
    found = []
    for text in result.stderr.splitlines():
        if text.startswith("note: ") or SUMMARY_LINE.fullmatch(text):
            continue
        match = PROBLEM_LINE.fullmatch(text)
        assert match, f"not a problem line: {text!r}"
        line, column = (int(n) if n else None for n in match.group("line", "column"))
        found.append((match["file"], line, column, match["code"], match["message"]))
    return found


def located(result) -> list[tuple]:
    return [problem[:4] for problem in problem_lines(result)]


def summary(problems: int, files: int) -> str:
    return f"{problems} problem{'s' * (problems != 1)} in {files} file{'s' * (files != 1)}"


def fails(result, *expected: tuple) -> None:
    """The run failed on the data (exit 1), printing exactly these (file, line, column,
    code) problems on stderr in this order, then the summary; no traceback."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert located(result) == list(expected)
    files = {problem[0] for problem in expected}
    assert result.stderr.splitlines()[-1] == summary(len(expected), len(files))


# ---- quotes against the snapshot -----------------------------------------------------


def test_quote_edited_by_one_character_fails_with_its_line(project, run):
    quotes = project / QUOTES
    line = edit(quotes, "Kandal province declined by 78", "Kandal province declines by 78")

    result = run(project, "check")

    fails(result, (QUOTES, line, column_of(quotes, line, "text"), "quote-matches-snapshot"))
    assert "the text is nowhere in the snapshot" in result.stderr


def test_quote_offsets_moved_by_one_fail_and_say_where_the_text_is(project, run):
    quotes = project / QUOTES
    start, end = 9, 83  # where the first quote's text is in the snapshot
    line = edit(quotes, f",{start},{end},", f",{start + 1},{end + 1},")

    result = run(project, "check")

    fails(result, (QUOTES, line, column_of(quotes, line, "text"), "quote-matches-snapshot"))
    assert f"has at {start + 1}:{end + 1}" in result.stderr
    assert f"the text is at start={start}, end={end}" in result.stderr


def test_snapshot_changed_by_one_byte_fails_at_the_recorded_sha256(project, run):
    edit(project / SNAPSHOT, "Kandal province declined", "Kandal province Declined")
    digest = hashlib.sha256((project / SNAPSHOT).read_bytes()).hexdigest()

    result = run(project, "check")

    fails(result, (RECORD, *place_of(project / RECORD, '"sha256":'), "snapshot-hash"))
    assert f"snapshot has SHA-256 {digest}, but its record says" in result.stderr


# ---- figures against their quotes --------------------------------------------------------


def test_figure_value_not_in_its_quotes_fails_at_the_figure_naming_each_quote(project, run):
    figures = project / FIGURES
    line = edit(figures, ",change,-78,percent,", ",change,-79,percent,")
    quotes = project / QUOTES
    lines = lines_where(quotes, "figure_id", CRIME_CHANGE)
    assert len(lines) == 3

    result = run(project, "check")

    at_value = (FIGURES, line, column_of(figures, line, "value"), "figure-value-in-quote")
    fails(result, *[at_value] * 3)
    for n in lines:
        stated = (
            f"value: figure {CRIME_CHANGE} has value -79 per cent, which quote {QUOTES}:{n} "
            "does not state exactly; numbers it states: 78 per cent"
        )
        assert stated in result.stderr


@pytest.mark.parametrize(
    ("file", "old", "new", "code", "says"),
    [
        pytest.param(
            QUOTES,
            "solved 96 per cent of them,908,947,,,",
            "solved 96 per cent of them,908,947,,approximately,",
            "qualifier-matches-quote",
            "qualifier is 'approximately', but the quote's words ('96 per cent') say no qualifier",
            id="quote-qualifier-not-in-its-words",
        ),
        pytest.param(
            FIGURES,
            ",share,96,percent,almost,",
            ",share,96,percent,approximately,",
            "figure-qualifier-is-quoted",
            "qualifier approximately is not what any of the figure's quotes states",
            id="figure-qualifier-in-none-of-its-quotes",
        ),
    ],
)
def test_qualifier_not_matching_the_quotes_words_fails_with_its_line(
    project, run, file, old, new, code, says
):
    line = edit(project / file, old, new)

    result = run(project, "check")

    fails(result, (file, line, column_of(project / file, line, "qualifier"), code))
    assert says in result.stderr


def test_share_of_120_percent_fails_at_its_value(project, run):
    figures, quotes = project / FIGURES, project / QUOTES
    line = edit(figures, ",share,96,percent,", ",share,120,percent,")

    result = run(project, "check")

    # The quotes still say 96 per cent, so each of them is reported too, at the value.
    value = column_of(figures, line, "value")
    fails(
        result,
        *[
            (FIGURES, line, value, "figure-value-in-quote")
            for _ in lines_where(quotes, "figure_id", SOLVED_SHARE)
        ],
        (FIGURES, line, value, "share-within-0-100"),
    )
    assert "a percentage share must lie in [0, 100]; found 120" in result.stderr


def test_figure_with_no_quote_fails_at_its_line(project, run):
    line = remove_quotes_of(project, TRAFFIC_CHANGE)

    result = run(project, "check")

    assert result.exit_code == 1, result.output
    assert (FIGURES, line, 1, "figure-has-quote") in located(result)
    assert f"figure {TRAFFIC_CHANGE} has no quote" in result.stderr


def test_figure_with_no_quote_is_reported_once(project, run):
    line = remove_quotes_of(project, TRAFFIC_CHANGE)
    # the number its quote held is no longer accounted for either (pipeline.check.coverage)
    number = place_of(project / SNAPSHOT, "10 per cent")

    fails(
        run(project, "check"),
        (FIGURES, line, 1, "figure-has-quote"),
        (SNAPSHOT, *number, "number-mention-accounted-for"),
    )


# ---- one bad cell, one problem ---------------------------------------------------------


@dataclass(frozen=True)
class CellEdit:
    file: str
    old: str
    new: str
    field: str  # the cell the problem points at
    code: str
    says: str


UNKNOWN_SPEAKER = CellEdit(
    file=QUOTES,
    old=",kong-sophorn,direct,Crime declined by 78 per cent,1328,",
    new=",kong-sophon,direct,Crime declined by 78 per cent,1328,",
    field="speaker_id",
    code="foreign-key",
    says="speaker_id: 'kong-sophon' is not a known actors.actor_id",
)

ONE_CELL_EDITS = [
    UNKNOWN_SPEAKER,
    CellEdit(
        file=FIGURES,
        old=f"{TRAFFIC_CHANGE},kandal-crime-2022,traffic_accidents,",
        new=f"{TRAFFIC_CHANGE},kandal-crime-2022,traffic_accident,",
        field="indicator_id",
        code="foreign-key",
        says="indicator_id: 'traffic_accident' is not a known indicators.indicator_id",
    ),
    CellEdit(
        file=FIGURES,
        old=",traffic_accidents,KH-8,",
        new=",traffic_accidents,KH-99,",
        field="area_code",
        code="foreign-key",
        says="area_code: 'KH-99' is not a known areas.area_code",
    ),
    CellEdit(
        file=ACTORS,
        old="Provincial governor of Kandal,KH-8,",
        new="Provincial governor of Kandal,KH-99,",
        field="area_code",
        code="foreign-key",
        says="area_code: 'KH-99' is not a known areas.area_code",
    ),
    CellEdit(
        file=STATEMENTS,
        old="Traffic accidents in Kandal increased in 2022.,KH-8,",
        new="Traffic accidents in Kandal increased in 2022.,KH-99,",
        field="area_code",
        code="foreign-key",
        says="area_code: 'KH-99' is not a known areas.area_code",
    ),
    CellEdit(
        file="raw/areas.csv",
        old="KH,Cambodia,country,",
        new="KH,Cambodia,subdivision,",
        field="area_code",
        code="area-code-is-known",
        says="'KH' is an ISO 3166-1 alpha-2 code; expected kind country, found subdivision",
    ),
    CellEdit(
        file=FIGURES,
        old=",KH-8,2022,2021,change,10,",
        new=",KH-8,2022,,change,10,",
        field="reference_period",
        code="change-has-reference-period",
        says="a change needs the reference_period it is compared with",
    ),
    CellEdit(
        file=QUOTES,
        old=f",{CRIME_CHANGE},,kong-sophorn,direct,Crime declined by 78 per cent,1328,",
        new=f",{CRIME_CHANGE},kandal-crime-decline-credited-to-safe-village-commune-policy,"
        "kong-sophorn,direct,Crime declined by 78 per cent,1328,",
        field="figure_id",
        code="supports-one-claim",
        says="a quote supports exactly one figure or one statement",
    ),
    CellEdit(
        file=QUOTES,
        old="Crime declined by 78 per cent,1328,1357,",
        new="Crime declined by 78 per cent,15x,1357,",
        field="start",
        code="type-error",
        says="start: '15x' is not a whole number",
    ),
]


@pytest.mark.parametrize(
    "case", [pytest.param(case, id=f"{case.code}-{case.field}") for case in ONE_CELL_EDITS]
)
def test_bad_cell_fails_at_its_line_and_column(project, run, case):
    path = project / case.file
    line = edit(path, case.old, case.new)

    result = run(project, "check")

    fails(result, (case.file, line, column_of(path, line, case.field), case.code))
    assert case.says in result.stderr


def test_duplicate_quote_id_fails_on_every_row_that_uses_it(project, run):
    quotes = project / QUOTES
    first, _ = place_of(quotes, "kandal-crime-2022-q02,kandal-crime-2022,")
    second = edit(
        quotes,
        "kandal-crime-2022-q03,kandal-crime-2022,",
        "kandal-crime-2022-q02,kandal-crime-2022,",
    )

    result = run(project, "check")

    fails(result, (QUOTES, first, 1, "duplicate-id"), (QUOTES, second, 1, "duplicate-id"))
    assert "quote_id: 'kandal-crime-2022-q02' is used by more than one row" in result.stderr


# ---- files that cannot be read as tables -------------------------------------------------


def test_missing_column_fails_at_line_1_of_its_file(project, run):
    drop_column(project / FIGURES, "qualifier")

    result = run(project, "check")

    fails(result, (FIGURES, 1, None, "missing-column"))
    assert "column 'qualifier' is missing" in result.stderr


@pytest.mark.parametrize(
    ("file", "old", "new", "code", "says"),
    [
        pytest.param(
            QUOTES,
            ",direct,Crime declined by 78 per cent,1328,",
            ',direct,"Crime declined by 78 per cent,1328,',
            "csv-syntax",
            "malformed CSV in the row starting here: ',' expected after '\"' (noticed at line",
            id="quote-closed-rows-later",
        ),
        pytest.param(
            ACTORS,
            "Provincial governor of Kandal,KH-8,",
            '"Provincial governor of Kandal,KH-8,',
            "csv-syntax",
            "malformed CSV in the row starting here: unexpected end of data",
            id="quote-never-closed",
        ),
        pytest.param(
            QUOTES,
            "Crime declined by 78 per cent,1328,1357,",
            "Crime declined by 78 per cent,1328,1328,1357,",
            "field-count",
            "row has 14 fields; expected 13",
            id="too-many-fields",
        ),
    ],
)
def test_malformed_csv_fails_at_the_line_of_the_broken_row(
    project, run, file, old, new, code, says
):
    line = edit(project / file, old, new)

    result = run(project, "check")

    fails(result, (file, line, None, code))
    assert says in result.stderr


def test_file_in_cp1252_fails_at_the_first_bad_byte(project, run):
    line, column, byte = save_as_cp1252(project / QUOTES)

    result = run(project, "check")

    fails(result, (QUOTES, line, column, "encoding-error"))
    assert f"byte 0x92 at byte offset {byte} is not valid UTF-8" in result.stderr


# ---- many problems, one pass ---------------------------------------------------------------


def break_several_files(project: Path) -> list[tuple]:
    """Break cells in three files; return the (file, line, column, code) problems
    expected, sorted by file and line."""
    actors, figures, quotes = project / ACTORS, project / FIGURES, project / QUOTES
    actor = edit(
        actors, "Provincial governor of Kandal,KH-8,", "Provincial governor of Kandal,KH-99,"
    )
    speaker = edit(quotes, UNKNOWN_SPEAKER.old, UNKNOWN_SPEAKER.new)
    change = edit(figures, ",KH-8,2022,2021,change,10,", ",KH-8,2022,,change,10,")
    area = edit(
        figures,
        f"{CRIME_CHANGE},kandal-crime-2022,reported_crimes,KH-8,",
        f"{CRIME_CHANGE},kandal-crime-2022,reported_crimes,KH-99,",
    )
    assert area < change  # broken in the other order: the report is sorted, not in edit order
    return [
        (ACTORS, actor, column_of(actors, actor, "area_code"), "foreign-key"),
        (FIGURES, area, column_of(figures, area, "area_code"), "foreign-key"),
        (
            FIGURES,
            change,
            column_of(figures, change, "reference_period"),
            "change-has-reference-period",
        ),
        (QUOTES, speaker, column_of(quotes, speaker, "speaker_id"), "foreign-key"),
    ]


def test_problems_in_several_files_are_reported_together_sorted_by_file_and_line(project, run):
    expected = break_several_files(project)

    result = run(project, "check")

    fails(result, *expected)
    assert result.stderr.splitlines()[-1] == "4 problems in 3 files"


def test_unreadable_files_are_all_reported_in_one_pass(project, run):
    actor = edit(
        project / ACTORS, "Provincial governor of Kandal,KH-8,", "Provincial governor,KH-8,,"
    )
    drop_column(project / FIGURES, "note")
    line, column, _ = save_as_cp1252(project / QUOTES)

    result = run(project, "check")

    fails(
        result,
        (ACTORS, actor, None, "field-count"),
        (FIGURES, 1, None, "missing-column"),
        (QUOTES, line, column, "encoding-error"),
    )
    assert result.stderr.splitlines()[-1] == "3 problems in 3 files"


# ---- --json ------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "build"])
def test_json_report_says_what_the_human_report_says(project, run, command):
    expected = break_several_files(project)

    human = run(project, command)
    machine = run(project, command, "--json")

    assert machine.exit_code == human.exit_code == 1
    assert "Traceback" not in machine.output
    assert machine.stderr == ""
    report = json.loads(machine.stdout)
    assert report["valid"] is False
    fields = {"file", "line", "column", "resource", "row", "field", "code", "message"}
    assert all(set(error) == fields for error in report["errors"])
    said = [(e["file"], e["line"], e["column"], e["code"], e["message"]) for e in report["errors"]]
    assert said == problem_lines(human)
    assert [problem[:4] for problem in said] == expected


def test_json_report_locates_the_cell_by_resource_row_and_field(project, run):
    line = edit(project / QUOTES, UNKNOWN_SPEAKER.old, UNKNOWN_SPEAKER.new)

    report = json.loads(run(project, "check", "--json").stdout)

    [error] = report["errors"]
    assert error["resource"] == "quotes"
    assert error["row"] == line - 1  # one header line; rows count from 1
    assert error["field"] == "speaker_id"


# ---- exit codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", "--json"],
        ["build"],
        ["build", "--check"],
        ["validate"],
        ["validate", "--json"],
    ],
    ids=" ".join,
)
def test_valid_project_exits_0(built, run, args):
    result = run(built.parent, *args)

    assert result.exit_code == 0, result.output
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("args", "says"),
    [
        pytest.param(
            ["check", "--no-such-option"], "No such option '--no-such-option'", id="unknown-option"
        ),
        pytest.param(
            ["no-such-command"], "No such command 'no-such-command'", id="unknown-command"
        ),
        pytest.param(["build", "--out"], "Option '--out' requires an argument", id="option-value"),
        pytest.param(
            ["validate", "build", "extra-argument"],
            "Got unexpected extra argument (extra-argument)",
            id="extra-argument",
        ),
    ],
)
def test_usage_error_exits_2(project, run, args, says):
    result = run(project, *args)

    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert f"Error: {says}" in result.stderr


@pytest.mark.parametrize("folder", ["empty", "no-such-folder"])
def test_validate_on_a_folder_that_is_not_a_package_names_the_missing_descriptor(
    project, run, folder
):
    (project / "empty").mkdir()

    result = run(project, "validate", folder)

    fails(result, (f"{folder}/datapackage.json", None, None, "missing-file"))
    assert f"{folder}/datapackage.json: file not found [missing-file]" in result.stderr


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize(
    ("remove", "shown", "code"),
    [
        pytest.param("datapackage.json", "datapackage.json", "missing-file", id="no-contract"),
        pytest.param("raw", "raw", "missing-folder", id="no-raw"),
    ],
)
def test_project_without_contract_or_raw_names_what_is_missing(
    project, run, command, remove, shown, code
):
    target = project / remove
    if target.is_dir():
        shutil.rmtree(target)
    else:
        target.unlink()

    fails(run(project, command), (shown, None, None, code))


# ---- a failed build changes nothing ------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "old", "new", "code"),
    [
        pytest.param(
            FIGURES,
            ",change,-78,percent,",
            ",change,-79,percent,",
            "figure-value-in-quote",
            id="raw-fails-its-checks",
        ),
        pytest.param(
            "datapackage.json",
            '"path": "data/quotes.csv"',
            '"path": "../quotes.csv"',
            "unsafe-path",
            id="fails-while-writing-the-staging-folder",
        ),
    ],
)
def test_failed_build_leaves_the_previous_build_byte_identical(
    project, built, run, file, old, new, code
):
    before = files_in(built)
    edit(project / file, old, new)

    result = run(project, "build")

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert {problem[3] for problem in located(result)} == {code}
    assert files_in(built) == before
    assert sorted(p.name for p in project.iterdir()) == ["build", "datapackage.json", "raw"]


# ---- validating a built package ----------------------------------------------------------------


@pytest.mark.parametrize("resource_path", RESOURCE_PATHS)
def test_data_file_grown_after_build_fails_validate_on_size_and_hash(built, run, resource_path):
    data = built / resource_path
    data.write_bytes(data.read_bytes() + b"\n")  # a blank line: the rows read the same

    result = run(built.parent, "validate")

    shown = f"build/{resource_path}"
    fails(result, (shown, None, None, "bytes-mismatch"), (shown, None, None, "hash-mismatch"))


def test_data_file_edited_in_place_after_build_fails_validate_on_hash(built, run):
    edit(
        built / "data/quotes.csv",
        "Crime declined by 78 per cent,1328,",
        "Crime declined by 87 per cent,1328,",
    )

    result = run(built.parent, "validate")

    fails(result, ("build/data/quotes.csv", None, None, "hash-mismatch"))


def test_quote_edited_in_a_rehashed_package_fails_validate_against_its_snapshot(built, run):
    quotes = built / "data/quotes.csv"
    line = edit(quotes, "Crime declined by 78 per cent,1328,", "Crime declined by 78 percent,1328,")
    rehash(built, "data/quotes.csv")

    result = run(built.parent, "validate")

    shown = "build/data/quotes.csv"
    fails(result, (shown, line, column_of(quotes, line, "text"), "quote-matches-snapshot"))


@pytest.mark.parametrize(
    ("args", "shown"),
    [(["validate"], "raw/sources"), (["validate", "--snapshots", "elsewhere"], "elsewhere")],
    ids=["default-folder-absent", "given-folder-absent"],
)
def test_validate_without_snapshots_notes_that_quotes_were_not_checked(
    project, built, run, args, shown
):
    edit(
        built / "data/quotes.csv",
        "Crime declined by 78 per cent,1328,",
        "Crime declined by 78 percent,1328,",
    )
    rehash(built, "data/quotes.csv")
    shutil.rmtree(project / "raw" / "sources")

    result = run(project, *args)
    machine = run(project, *args, "--json")

    note = f"quotes were not checked against their snapshots: no snapshot folder ({shown})"
    assert result.exit_code == machine.exit_code == 0, result.output
    assert result.stderr.splitlines() == [f"note: {note}"]
    assert result.stdout.startswith("build is a valid package")
    report = json.loads(machine.stdout)
    assert (report["valid"], report["skipped"]) == (True, [note])


@pytest.mark.parametrize(
    "epoch",
    ["\u00b2", "\u0661\u0662", "12a", "-1", "1e9", "253402300800", "9" * 5000],
    ids=[
        "superscript-two",
        "arabic-indic-digits",
        "letter",
        "negative",
        "exponent",
        "year-10000",
        "5000-digits",
    ],
)
def test_source_date_epoch_that_is_not_a_time_is_a_usage_error_naming_it(
    project, run, monkeypatch, epoch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)

    result = run(project, "build")

    assert result.exit_code == 2, result.output
    [problem, summary] = result.stderr.splitlines()
    assert problem.startswith("SOURCE_DATE_EPOCH is ") and repr(epoch[:20]) in problem
    assert summary == "1 problem"  # a variable, not a file
    assert "expected a whole number of seconds since 1970-01-01 in ASCII digits" in problem
    assert not (project / "build").exists()


def test_source_date_epoch_of_the_last_second_of_year_9999_is_used(project, run, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402300799")

    result = run(project, "build")

    assert result.exit_code == 0, result.output
    descriptor = json.loads((project / "build/datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["created"] == "9999-12-31T23:59:59Z"


@pytest.mark.parametrize("name", ["no\nte", "no\r\nte", "no\tte", "no\x1b[2Jte", "no\u2028te"])
def test_field_name_with_a_control_character_keeps_each_problem_on_one_line(project, run, name):
    contract = json.loads((project / "datapackage.json").read_text(encoding="utf-8"))
    [quotes] = [r for r in contract["resources"] if r["name"] == "quotes"]
    [note] = [f for f in quotes["schema"]["fields"] if f["name"] == "note"]
    note["name"] = name
    (project / "datapackage.json").write_text(json.dumps(contract, indent=2), encoding="utf-8")

    human = run(project, "check")
    machine = json.loads(run(project, "check", "--json").stdout)

    fails(human, (QUOTES, 1, None, "missing-column"), (QUOTES, 1, 112, "extra-column"))
    escaped = name.encode("unicode_escape").decode("ascii")
    assert all(escaped in line for line in human.stderr.splitlines()[:2])
    assert machine["errors"][0]["field"] == name  # the JSON string holds the name itself
    assert all(name in error["message"] for error in machine["errors"])
