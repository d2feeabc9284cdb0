"""A source's headline, byline, publication or access date left null carries the
matching *_note saying why (unknown stays unknown, and says so), through the CLI."""

from __future__ import annotations

import json

import pytest

RECORD = "raw/sources/kandal-crime-2022/source.json"


def edit_record(project, **values) -> dict[str, int]:
    """Set fields of the Kandal record; return each field's line in the file."""
    path = project / RECORD
    record = json.loads(path.read_text(encoding="utf-8"))
    record.update(values)
    text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    return {
        key: n
        for n, line in enumerate(text.splitlines(), 1)
        for key in record
        if line.startswith(f'  "{key}":')
    }


def errors(result) -> list[dict]:
    return json.loads(result.stdout)["errors"]


@pytest.mark.parametrize("field", ["headline", "byline", "published", "accessed"])
@pytest.mark.parametrize("note", [None, "", "  "], ids=["null", "empty", "blank"])
def test_null_field_without_its_note_fails_at_the_field(project, run, field, note):
    values = {field: None, f"{field}_note": note}
    if field == "published":
        values["published_basis"] = None
    lines = edit_record(project, **values)

    result = run(project, "check", "--json")

    assert result.exit_code == 1, result.output
    [error] = errors(result)
    assert error["code"] == f"{field}-null-has-note"
    assert (error["file"], error["line"], error["column"]) == (RECORD, lines[field], 3)
    assert error["field"] == field
    assert f"{field} is null and {field}_note is" in error["message"]
    assert f"or null with {field}_note saying why it is not known" in error["message"]


def test_human_report_names_the_place_and_the_rule(project, run):
    lines = edit_record(project, byline_note=None)

    result = run(project, "check")

    assert result.exit_code == 1
    assert (
        f"{RECORD}:{lines['byline']}:3: byline: byline is null and byline_note is null; "
        "expected a value, or null with byline_note saying why it is not known"
    ) in result.stderr


def test_known_values_need_no_note(project, run):
    edit_record(
        project,
        headline="Kandal crime rate plummets",
        headline_note=None,
        byline="A reporter",
        byline_note=None,
        accessed="2026-11-28",
        accessed_note=None,
    )

    result = run(project, "check")

    assert result.exit_code == 0, result.output
