"""The quotes' rights, per resource (issue 19, "Beyond the anchors"): the quoted text
is its publisher's, not the package's CC-BY, and the Data Package says so where
Frictionless reads it, in the `licenses` of each resource that holds a source's words.
"""

from __future__ import annotations

import frictionless
import pytest

# resource -> the fields that hold a source's own words
SOURCE_WORDS = {"quotes": ("text", "qualifier_words"), "mentions": ("text",)}


@pytest.fixture(scope="module")
def package(portal_build) -> frictionless.Package:
    return frictionless.Package(str(portal_build / "datapackage.json"))


@pytest.mark.parametrize("name", list(SOURCE_WORDS))
def test_resource_with_the_sources_words_states_they_are_not_cc_by(package, name):
    licences = {licence["name"]: licence for licence in package.get_resource(name).licenses}
    assert set(licences) == {"CC-BY-4.0", "other-closed"}
    words = licences["other-closed"]["title"]
    assert "publisher's" in words and "sources.rights" in words
    for field in SOURCE_WORDS[name]:
        assert field in words


def test_resources_of_the_transcription_alone_keep_the_package_licence(package):
    for resource in package.resources:
        if resource.name not in SOURCE_WORDS:
            assert resource.licenses == [], resource.name
    assert [licence["name"] for licence in package.licenses] == ["CC-BY-4.0"]


def test_frictionless_validates_the_package_with_its_resource_licences(portal_build):
    report = frictionless.validate(str(portal_build / "datapackage.json"))
    assert report.valid, report.flatten(["type", "message"])
