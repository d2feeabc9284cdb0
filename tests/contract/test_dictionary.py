"""The data dictionary (docs/data-dictionary.md) is generated from the contract and cannot
drift."""

from __future__ import annotations

import json

import pytest

from pipeline.contract.dictionary import END, START, dictionary_markdown, replace_section
from pipeline.contract.model import load_contract
from pipeline.errors import InvalidInput
from tests.conftest import REPO


def dictionary_section() -> str:
    text = (REPO / "docs/data-dictionary.md").read_text(encoding="utf-8")
    return text[text.index(START) + len(START) : text.index(END)].strip("\n") + "\n"


def test_dictionary_page_matches_the_contract():
    contract = load_contract(REPO / "datapackage.json", "datapackage.json")
    assert dictionary_section() == dictionary_markdown(contract)


def test_every_field_of_the_contract_is_in_the_dictionary_page():
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    section = dictionary_section()
    for resource in descriptor["resources"]:
        assert f"### `{resource['name']}`" in section
        for field in resource["schema"]["fields"]:
            assert f"| `{field['name']}` | {field['type']} |" in section


def test_dictionary_update_rewrites_only_its_section(project, run):
    readme = project / "README.md"
    readme.write_text(f"# Title\n\n{START}\nstale\n{END}\n\nAfter.\n", encoding="utf-8")
    result = run(project, "dictionary", "--update", "README.md")
    assert result.exit_code == 0, result.output
    text = readme.read_text(encoding="utf-8")
    assert "stale" not in text
    assert text.startswith("# Title\n\n") and text.endswith(f"{END}\n\nAfter.\n")
    assert "### `quotes` (data/quotes.csv)" in text


def test_dictionary_update_without_markers_fails_clearly():
    with pytest.raises(InvalidInput) as caught:
        replace_section("# no markers\n", "x", "README.md")
    assert caught.value.problems[0].file == "README.md"
    assert "dictionary:start" in caught.value.problems[0].message
