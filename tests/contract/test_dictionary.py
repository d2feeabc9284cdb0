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


def test_a_build_ships_the_package_readme_with_the_dictionary_of_its_contract(project, run):
    """build/README.md: the package's title, version and licence, then the same data
    dictionary as docs/data-dictionary.md, generated from the contract being built."""
    descriptor = json.loads((project / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["title"] = "A retitled package"
    descriptor["resources"][0]["schema"]["fields"][0]["description"] = "Reworded for this test."
    (project / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")

    result = run(project, "build", "--formats", "csv")
    assert result.exit_code == 0, result.output
    readme = (project / "build" / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# A retitled package\n")
    assert f"version {descriptor['version']}" in readme
    assert "Reworded for this test." in readme
    contract = load_contract(project / "datapackage.json", "datapackage.json")
    assert readme.endswith("## Data dictionary\n\n" + dictionary_markdown(contract))


def test_the_committed_package_readme_is_the_contracts():
    from pipeline.contract.dictionary import package_readme

    contract = load_contract(REPO / "datapackage.json", "datapackage.json")
    assert (REPO / "build" / "README.md").read_text(encoding="utf-8") == package_readme(contract)
