"""Counts in what the commands print agree with their number: "1 source", "1 field"."""

from __future__ import annotations

import json

SOURCE = "raw/sources/kandal-crime-2022"


def test_check_and_validate_count_one_source_in_the_singular(project, run):
    checked = run(project, "check")
    assert run(project, "build").exit_code == 0
    validated = run(project, "validate")

    assert checked.stdout == (
        "raw/ is valid: 1 source, 2 actors, 3 indicators, 2 areas, 0 area_names, 1 unit, "
        "3 figures, 19 statements, 28 quotes, 6 mentions\n"
    )
    assert validated.stdout.endswith(
        "is a valid package: 1 source, 2 actors, 3 indicators, 2 areas, 0 area_names, 1 unit, "
        "3 figures, 19 statements, 28 quotes, 6 mentions\n"
    )


def test_a_row_of_one_field_is_one_field(project, run):
    with (project / SOURCE / "figures.csv").open("a", encoding="utf-8") as file:
        file.write("lonely\n")

    result = run(project, "check", "--json")

    messages = [e["message"] for e in json.loads(result.stdout)["errors"]]
    assert any(m.startswith("row has 1 field; expected 17") for m in messages), messages
