"""Every number in a source is accounted for: in a quote of a figure, or set aside in
mentions with a reason (pipeline.check.coverage), through check, build and validate;
and `pipeline coverage`, its --json and its ready-to-paste rows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli.test_cli_errors import column_of, edit, fails, place_of
from tests.package_helpers import rehash

SOURCE_ID = "kandal-crime-2022"
SOURCE = f"raw/sources/{SOURCE_ID}"
SNAPSHOT = f"{SOURCE}/snapshot.txt"
MENTIONS = f"{SOURCE}/mentions.csv"
QUOTES = f"{SOURCE}/quotes.csv"
FIVE_ROW = f"{SOURCE_ID},387,391,five,date,"
OPEN = "number-mention-accounted-for"


def remove_line(path: Path, starting: str) -> str:
    """Delete the one line that starts with starting; return it."""
    lines = path.read_text(encoding="utf-8").split("\n")
    [line] = [line for line in lines if line.startswith(starting)]
    path.write_text("\n".join(x for x in lines if x != line), encoding="utf-8")
    return line


def test_kandal_accounts_for_every_number(project, run):
    result = run(project, "coverage", "--json")

    assert result.exit_code == 0, result.output
    [counted] = json.loads(result.stdout)["sources"]
    assert counted["source_id"] == SOURCE_ID
    assert (counted["mentions"], counted["quoted"], counted["set_aside"], counted["open"]) == (
        13,
        7,
        6,
        0,
    )
    assert counted["set_aside_by_reason"] == {"date": 6}


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_number_neither_quoted_nor_set_aside_fails_at_its_line_and_column(project, run, command):
    remove_line(project / MENTIONS, FIVE_ROW)
    line, column = place_of(project / SNAPSHOT, "five years")

    result = run(project, command)

    fails(result, (SNAPSHOT, line, column, OPEN))
    assert "number mention 'five' (387:391) in “" in result.stderr
    assert "the past [[five]] years" in result.stderr
    assert f"pipeline coverage {SOURCE_ID} --open --rows" in result.stderr


def test_validate_reports_an_open_mention_of_a_built_package(built, run):
    project = built.parent
    data = built / "data/mentions.csv"
    remove_line(data, FIVE_ROW)
    rehash(built)
    line, column = place_of(project / SNAPSHOT, "five years")

    result = run(project, "validate")

    fails(result, (SNAPSHOT, line, column, OPEN))


def test_a_set_aside_row_at_offsets_that_are_no_mention_fails_at_its_start(project, run):
    mentions = project / MENTIONS
    line = edit(mentions, FIVE_ROW, f"{SOURCE_ID},386,391, five,date,")

    result = run(project, "check")

    fails(
        result,
        (MENTIONS, line, column_of(mentions, line, "start"), "set-aside-is-a-number-mention"),
        (SNAPSHOT, *place_of(project / SNAPSHOT, "five years"), OPEN),
    )
    assert (
        "start: 386:391 (' five') is not a number mention of snapshot kandal-crime-2022; "
        "the mention nearest: 'five' at 387:391" in result.stderr
    )


def test_a_set_aside_row_with_the_wrong_text_fails(project, run):
    mentions = project / MENTIONS
    line = edit(mentions, FIVE_ROW, f"{SOURCE_ID},387,391,5,date,")

    result = run(project, "check")

    assert result.exit_code == 1
    assert (
        f"{MENTIONS}:{line}:{column_of(mentions, line, 'start')}: start: text '5' is not what "
        f"snapshot {SOURCE_ID} has at 387:391 ('five')" in result.stderr
    )


def test_a_reason_outside_the_vocabulary_fails_at_its_cell(project, run):
    mentions = project / MENTIONS
    line = edit(mentions, FIVE_ROW, f"{SOURCE_ID},387,391,five,duration,")

    result = run(project, "check")

    fails(result, (MENTIONS, line, column_of(mentions, line, "reason"), "constraint"))
    assert "reason: 'duration': expected one of: date, ordinal, not_a_statistic" in result.stderr


def test_a_mention_both_quoted_and_set_aside_fails(project, run):
    mentions = project / MENTIONS
    with mentions.open("a", encoding="utf-8") as file:
        file.write(f"{SOURCE_ID},55,66,78 per cent,out_of_scope,\n")
    line = len(mentions.read_text(encoding="utf-8").splitlines())

    result = run(project, "check")

    fails(result, (MENTIONS, line, column_of(mentions, line, "start"), "set-aside-not-quoted"))
    assert f"inside quote {SOURCE_ID}-q01 of a figure" in result.stderr


def test_mentions_and_quotes_filed_in_the_shared_files_are_counted(project, run):
    """A source's set-aside rows and quotes may be filed in raw/mentions.csv and
    raw/quotes.csv (the first batch), apart from its snapshot."""
    shutil.move(project / MENTIONS, project / "raw/mentions.csv")
    shutil.move(project / QUOTES, project / "raw/quotes.csv")

    assert run(project, "check").exit_code == 0
    assert run(project, "coverage").exit_code == 0


def coverage_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line]


def test_coverage_human_and_json_say_the_same(project, run):
    remove_line(project / MENTIONS, FIVE_ROW)
    remove_line(project / MENTIONS, f"{SOURCE_ID},3,7,")

    human = run(project, "coverage", "--open", "--rows")
    as_json = run(project, "coverage", "--open", "--rows", "--json")

    assert (human.exit_code, as_json.exit_code) == (1, 1)
    report = json.loads(as_json.stdout)
    assert report["valid"] is False
    [counted] = report["sources"]
    lines = coverage_lines(human.stdout)
    assert lines[0] == (
        f"{counted['source_id']}: {counted['mentions']} number mentions: {counted['quoted']} "
        f"quoted, {counted['set_aside']} set aside (date {counted['set_aside_by_reason']['date']})"
        f", {counted['open']} open"
    )
    assert counted["open"] == 2
    for mention in counted["open_mentions"]:
        place = f"{counted['snapshot']}:{mention['line']}:{mention['column']}"
        assert (
            f"  {place}: {mention['text']!r} ({mention['start']}:{mention['end']}) in "
            f"“{mention['before']}[[{mention['text']}]]{mention['after']}”" in lines
        )
        assert mention["csv"] in lines
    assert [m["csv"] for m in counted["open_mentions"]] == [
        f"{SOURCE_ID},3,7,2022,,",
        f"{SOURCE_ID},387,391,five,,",
    ]


def test_the_helpers_rows_pasted_with_their_reasons_make_check_pass(project, run):
    (project / MENTIONS).unlink()
    fails_first = run(project, "check")
    assert fails_first.exit_code == 1
    assert fails_first.stderr.count(f"[{OPEN}]") == 6

    result = run(project, "coverage", SOURCE_ID, "--open", "--rows")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("  rows for "))
    header = lines[header_at].split("(", 1)[1].rstrip("):")
    rows = lines[header_at + 1 :]
    assert len(rows) == 6 and all(row.endswith(",,") for row in rows)  # reasons left empty
    (project / MENTIONS).write_text(
        header + "\n" + "".join(f"{row.removesuffix(',,')},date,\n" for row in rows),
        encoding="utf-8",
    )

    assert run(project, "check").exit_code == 0
    assert run(project, "coverage", SOURCE_ID).exit_code == 0


def test_coverage_of_an_unknown_source_is_a_usage_error(project, run):
    result = run(project, "coverage", "no-such-source")

    assert result.exit_code == 2
    assert "'no-such-source' is not a source_id with a readable snapshot" in result.stderr


def test_add_appends_the_open_rows_whose_reasons_check_then_asks_for(project, run):
    mentions = project / MENTIONS
    header = mentions.read_text(encoding="utf-8").splitlines()[0]
    mentions.unlink()

    added = run(project, "coverage", SOURCE_ID, "--add")

    assert added.exit_code == 1  # the rows still need their reasons
    assert f"appended 6 rows to {MENTIONS}: fill in each reason" in added.stdout
    lines = mentions.read_text(encoding="utf-8").splitlines()
    assert lines[0] == header
    assert lines[1:3] == [f"{SOURCE_ID},3,7,2022,,", f"{SOURCE_ID},387,391,five,,"]
    checked = run(project, "check")
    assert checked.stderr.count("reason: missing value") == 6
    assert f"[{OPEN}]" not in checked.stderr  # each is reported at its row's reason instead
    again = run(project, "coverage", SOURCE_ID, "--add")
    assert "appended" not in again.stdout  # nothing twice
    assert "its row in mentions.csv has no reason yet" in run(project, "coverage", "--open").stdout
    mentions.write_text(
        "\n".join([lines[0], *(f"{line[:-1]}date," for line in lines[1:])]) + "\n",
        encoding="utf-8",
    )
    assert run(project, "check").exit_code == 0


def test_add_refuses_a_file_it_cannot_safely_append_to(project, run):
    mentions = project / MENTIONS
    remove_line(mentions, FIVE_ROW)
    text = mentions.read_text(encoding="utf-8")
    mentions.write_text(text.rstrip("\n"), encoding="utf-8")  # no line break at the end

    result = run(project, "coverage", SOURCE_ID, "--add")

    assert result.exit_code == 2
    assert f"{MENTIONS}: not appended to: expected a file whose first line is" in result.stderr
    assert mentions.read_text(encoding="utf-8") == text.rstrip("\n")
