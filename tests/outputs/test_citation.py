"""CITATION.cff and datacite.json, built from the contract: cffconvert (in its own
environment, .ci/consumers/cffconvert.txt) validates the one, the DataCite 4.3 JSON
Schema (tests/vendor/datacite/) the other; what the contract does not know (a DOI,
a named person, a publisher) is not made up, and the build says what it left out.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from tests.consumers import consumer_python

SCHEMA = Path(__file__).parents[1] / "vendor" / "datacite" / "datacite_4.3_schema.json"
ARTICLE = "https://phnompenhpost.com/national/kandal-crime-rate-plummets-thanks-safe-village-policy"


def cffconvert(cff: Path) -> subprocess.CompletedProcess:
    python = consumer_python("cffconvert")
    code = "import sys; from cffconvert.cli.cli import cli; sys.exit(cli())"
    return subprocess.run(
        [python, "-c", code, "--validate", "-i", str(cff)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cffconvert_validates_citation_cff(portal_build):
    done = cffconvert(portal_build / "CITATION.cff")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid according to schema version 1.2.0" in done.stdout


@pytest.fixture(scope="module")
def record(portal_build) -> dict:
    return json.loads((portal_build / "datacite.json").read_text(encoding="utf-8"))


def test_datacite_record_validates_against_the_datacite_4_3_json_schema(record):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    assert [error.message for error in validator.iter_errors(record)] == []


def test_datacite_record_says_what_the_contract_says_and_no_more(record):
    assert record["identifiers"] == [
        {"identifier": "urn:uuid:0f9a24ae-c412-4921-bac7-cca6f4bb1e31", "identifierType": "URN"}
    ]
    assert "DOI" not in json.dumps(record)  # none is known
    assert record["creators"] == [{"name": "Maintainers of this data package"}]  # no nameType
    assert record["publisher"] == "(:unav)"  # DataCite's code for a value not available
    assert {
        "relatedIdentifier": ARTICLE,
        "relatedIdentifierType": "URL",
        "relationType": "IsDerivedFrom",
    } in record["relatedIdentifiers"]
    rights = [item["rights"] for item in record["rightsList"]]
    assert any(text.startswith("Quoted text: Text (c) The Phnom Penh Post") for text in rights)
    assert {"name": "The Phnom Penh Post", "contributorType": "RightsHolder"} in record[
        "contributors"
    ]


def test_citation_cff_names_no_doi_no_person_and_no_release_date(portal_build):
    text = (portal_build / "CITATION.cff").read_text(encoding="utf-8")
    assert 'authors:\n  - name: "Maintainers of this data package"\n' in text
    for unknown in ("doi", "date-released", "given-names", "references", "\nurl:"):
        assert unknown not in text


def test_build_says_what_the_citation_files_leave_out(run, project):
    result = run(project, "build", "--formats", "csv,citation")
    assert result.exit_code == 0, result.output
    assert "CITATION.cff: Left out as not known: no DOI (none is recorded); no named person" in (
        result.output
    )
    assert "datacite.json: Left out as not known: no DOI" in result.output
    descriptor = json.loads((project / "build" / "datapackage.json").read_text(encoding="utf-8"))
    notes = {item["path"]: item.get("note", "") for item in descriptor["outputs"]}
    assert "(:unav)" in notes["datacite.json"]


def test_without_a_creator_neither_file_is_written(run, project):
    contract = json.loads((project / "datapackage.json").read_text(encoding="utf-8"))
    contract["contributors"] = [c for c in contract["contributors"] if "creator" not in c["roles"]]
    (project / "datapackage.json").write_text(json.dumps(contract, indent=2), encoding="utf-8")
    result = run(project, "build", "--formats", "csv,citation")
    assert result.exit_code == 0, result.output
    assert not (project / "build" / "CITATION.cff").exists()
    assert not (project / "build" / "datacite.json").exists()


@pytest.mark.slow
def test_a_named_person_and_a_base_url_are_cited_as_such(run, project):
    contract = json.loads((project / "datapackage.json").read_text(encoding="utf-8"))
    contract["contributors"].insert(
        0, {"givenName": "Sreyneang", "familyName": "Chan", "roles": ["creator"]}
    )
    (project / "datapackage.json").write_text(json.dumps(contract, indent=2), encoding="utf-8")
    base = "https://data.example.org/kandal-crime-2022/"
    result = run(project, "build", "--formats", "csv,citation", "--base-url", base)
    assert result.exit_code == 0, result.output
    cff = project / "build" / "CITATION.cff"
    text = cff.read_text(encoding="utf-8")
    assert '  - family-names: "Chan"\n    given-names: "Sreyneang"\n' in text
    assert f'url: "{base}"' in text
    done = cffconvert(cff)
    assert done.returncode == 0, done.stdout + done.stderr
    record = json.loads((project / "build" / "datacite.json").read_text(encoding="utf-8"))
    assert record["creators"][0] == {
        "name": "Chan, Sreyneang",
        "nameType": "Personal",
        "givenName": "Sreyneang",
        "familyName": "Chan",
    }
