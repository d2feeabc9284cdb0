"""`python -m benchmarks.synth`: a synthetic corpus that passes every check, the same bytes for
the same seed, and planted errors that `pipeline check` finds where the manifest
says they are, each exactly once.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.synth import source_sizes
from benchmarks.synth.plant import KINDS
from tests.package_helpers import synth_corpus

REPO = Path(__file__).resolve().parents[2]
FIGURES = 150  # about 15 sources: room for a dozen planted errors, one per source


def synth(run, tmp_path: Path, name: str, *args: str) -> Path:
    result = synth_corpus(tmp_path, name, "--project", str(REPO), *args)
    assert result.exit_code == 0, result.output
    return tmp_path / name


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def check_json(run, corpus: Path) -> tuple[int, dict]:
    result = run(corpus, "check", "--json")
    return result.exit_code, json.loads(result.stdout)


def planted_places(manifest: dict) -> Counter:
    return Counter((p["file"], p["line"], p["code"]) for p in manifest["planted"])


def found_places(report: dict) -> Counter:
    return Counter((p["file"], p["line"], p["code"]) for p in report["errors"])


def test_clean_corpus_passes_check_build_and_validate(run, tmp_path):
    corpus = synth(run, tmp_path, "corpus", "--figures", str(FIGURES))

    exit_code, report = check_json(run, corpus)
    assert exit_code == 0, report
    assert report["rows"]["figures"] == FIGURES
    manifest = json.loads((corpus / "synth.json").read_text(encoding="utf-8"))
    assert report["rows"] == {name: manifest["rows"][name] for name in report["rows"]}
    assert manifest["planted"] == []

    assert run(corpus, "build").exit_code == 0
    result = run(corpus, "validate", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rows"]["quotes"] == manifest["rows"]["quotes"]


def test_corpus_looks_like_articles_with_several_quotes_each(run, tmp_path):
    corpus = synth(run, tmp_path, "corpus", "--figures", str(FIGURES))
    manifest = json.loads((corpus / "synth.json").read_text(encoding="utf-8"))
    rows = manifest["rows"]
    folders = sorted((corpus / "raw" / "sources").iterdir())

    assert len(folders) == rows["sources"] > 1
    assert rows["quotes"] > rows["figures"] + rows["statements"]  # some are stated twice
    for folder in folders:
        text = (folder / "snapshot.txt").read_text(encoding="utf-8")
        assert len(text) >= 3000  # article-sized
        assert text.count("\n\n") >= 5  # in paragraphs
        quotes = (folder / "quotes.csv").read_text(encoding="utf-8").splitlines()[1:]
        assert len(quotes) >= 4
    figures = "".join(
        (folder / "figures.csv").read_text(encoding="utf-8") for folder in folders
    ).splitlines()
    assert any(",change,-" in line for line in figures)  # declines
    assert any(",almost," in line or ",at_least," in line for line in figures)  # hedges


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not(run, tmp_path):
    first = files_in(synth(run, tmp_path, "first", "--figures", "60", "--seed", "7"))
    again = files_in(synth(run, tmp_path, "again", "--figures", "60", "--seed", "7"))
    other = files_in(synth(run, tmp_path, "other", "--figures", "60", "--seed", "8"))

    assert first == again
    assert first != other
    assert {"datapackage.json", "synth.json", "raw/actors.csv"} <= set(first)


def test_planting_changes_only_the_planted_rows(run, tmp_path):
    clean = files_in(synth(run, tmp_path, "clean", "--figures", "60"))
    planted = files_in(
        synth(run, tmp_path, "planted", "--figures", "60", "--plant", "foreign-key=2")
    )

    changed = sorted(name for name in clean if clean[name] != planted[name])
    assert len(changed) == 3  # two quotes.csv files and synth.json
    assert all(name.endswith("/quotes.csv") for name in changed if name != "synth.json")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_planted_error_is_found_once_at_its_row(kind, run, tmp_path):
    corpus = synth(run, tmp_path, "corpus", "--figures", str(FIGURES), "--plant", f"{kind}=2")
    manifest = json.loads((corpus / "synth.json").read_text(encoding="utf-8"))

    exit_code, report = check_json(run, corpus)

    assert exit_code == 1
    assert {p["plant"] for p in manifest["planted"]} == {0, 1}
    assert {p["kind"] for p in manifest["planted"]} == {kind}
    assert found_places(report) == planted_places(manifest)
    assert {p["code"] for p in report["errors"]} == {KINDS[kind].code}


def test_every_kind_planted_together_is_found_exactly(run, tmp_path):
    plants = [f"--plant={kind}={n}" for n, kind in enumerate(sorted(KINDS), start=1)]
    corpus = synth(run, tmp_path, "corpus", "--figures", "400", *plants)
    manifest = json.loads((corpus / "synth.json").read_text(encoding="utf-8"))

    exit_code, report = check_json(run, corpus)

    assert exit_code == 1
    assert found_places(report) == planted_places(manifest)
    plants = {(p["kind"], p["plant"]) for p in manifest["planted"]}
    assert Counter(kind for kind, _ in plants) == {
        kind: n for n, kind in enumerate(sorted(KINDS), start=1)
    }


def test_synth_outside_a_project_says_to_use_project(run, tmp_path):
    result = synth_corpus(tmp_path, "corpus")  # no project in tmp_path nor above it

    assert result.exit_code == 2
    assert "or name its folder with --project DIR [no-project]" in result.stderr
    assert not (tmp_path / "corpus").exists()


def test_json_report_is_the_manifest(run, tmp_path):
    args = ["--figures", "30", "--plant", "type-error=1", "--json"]
    result = synth_corpus(tmp_path, "corpus", "--project", str(REPO), *args)

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    manifest = json.loads((tmp_path / "corpus" / "synth.json").read_text(encoding="utf-8"))
    assert report == {"valid": True, "errors": [], "out": "corpus", **manifest}
    assert [p["kind"] for p in report["planted"]] == ["type-error"]


def test_source_sizes_add_up_to_the_figures_asked_for():
    for figures in (1, 5, 14, 15, 1001):
        sizes = source_sizes(figures, seed=3)
        assert sum(sizes) == figures
        assert all(1 <= size <= 14 for size in sizes)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--plant", "typo=1"], "--plant 'typo=1': expected KIND=COUNT"),
        (["--plant", "type-error"], "--plant 'type-error': expected KIND=COUNT"),
        (["--plant", "type-error=1", "--plant", "type-error=2"], "once per kind"),
        (["--figures", "10", "--plant", "type-error=5"], "expected at most one error per source"),
    ],
)
def test_bad_plant_requests_are_usage_errors(args, message, run, tmp_path):
    result = synth_corpus(tmp_path, "corpus", "--project", str(REPO), *args)

    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_synth_refuses_a_folder_that_is_not_empty(run, tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "keep.txt").write_text("mine", encoding="utf-8")

    result = synth_corpus(tmp_path, "corpus", "--project", str(REPO))

    assert result.exit_code == 2
    assert "corpus: expected a new or empty folder [out-not-empty]" in result.stderr
    assert (tmp_path / "corpus" / "keep.txt").read_text(encoding="utf-8") == "mine"
