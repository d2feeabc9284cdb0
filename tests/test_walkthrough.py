"""The walkthrough of the transcriber's guide (docs/transcribers-guide.md), done by a
test on a small made-up article it writes itself: add-source, locate, fill in the
rows, check, build (refused until the version is bumped), diff shows the new figures,
changelog, validate, and the pull-request diff script that CI posts. A second test
keeps the guide's practice blocks equal to what this walk does, so the guide cannot
drift from a walk that works.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.git_helpers import commit_all, git, init_repository, set_version, versions

BIN = Path(sys.executable).parent
SOURCE = "example-thefts-2023"
FOLDER = f"raw/sources/{SOURCE}"
# Made up for the walk: nothing here is a real report.
ARTICLE = (
    "Thefts in Kandal province rose by 12 per cent in 2023 compared with 2022, the provincial "
    "police chief told reporters on Monday.\n"
    "\n"
    "\u201cWe recorded 1,204 thefts last year, and we arrested more than 300 suspects,\u201d "
    "he said.\n"
)
ACTOR_ROWS = [
    "example-police-chief,Provincial police chief,person,Provincial police chief (not named),KH-8,"
]
INDICATOR_ROWS = [
    "thefts,Thefts,Thefts recorded by the police in the area during the period.,",
    "arrests,Arrests,Suspects arrested by the police in the area during the period.,",
]
UNIT_ROWS = [
    "thefts,thefts,count,",
    "suspects,suspects,count,Suspects arrested.",
]
FIGURE_ROWS = [
    "example-thefts-change-2023,example-thefts-2023,thefts,KH-8,2023,2022,change,12,percent,,"
    "measured,stated,,,,,",
    "example-thefts-2023,example-thefts-2023,thefts,KH-8,2023,,level,1204,thefts,,measured,"
    'context,"""last year"" in a quote about 2023, the year the article\'s first sentence '
    'states",,,,',
    "example-arrests-2023,example-thefts-2023,arrests,KH-8,2023,,level,300,suspects,more_than,"
    "measured,context,The arrests are told with the thefts of 2023.,,,,",
]
# What each quote states, who says it and how: the cells locate leaves to the transcriber.
QUOTES = [
    ("rose by 12 per cent in 2023", "example-thefts-change-2023", "paraphrase"),
    ("We recorded 1,204 thefts last year", "example-thefts-2023", "direct"),
    ("we arrested more than 300 suspects", "example-arrests-2023", "direct"),
]
# Offsets counted by hand: "Thefts in Kandal province " is 26 characters; the first
# paragraph and its blank line are 128 + 1 characters, then “ (1) comes before "We";
# "We recorded 1,204 thefts last year, and " is 40 characters.
OFFSETS = [(26, 53), (130, 164), (170, 204)]
VERSION = versions()
# The README writes the versions as X.Y.Z (the one in datapackage.json) and X.(Y+1).0, so
# that it holds at every release.
README_VERSIONS = {"current": "X.Y.Z", "minor": "X.(Y+1).0"}


def diff_lines(current: str, minor: str) -> list[str]:
    """What `pipeline diff` says after step 4, as the README shows it."""
    return [
        "figures     changed    3 added, 0 removed, 0 changed, 3 unchanged",
        "  added example-thefts-change-2023: source_id=example-thefts-2023, indicator_id=thefts, "
        "area_code=KH-8, period=2023, reference_period=2022, measure=change, value=12, "
        "unit=percent, status=measured, period_basis=stated",
        "widening: the figures go beyond what OLD covered; review datapackage.json:",
        "  periods outside OLD's 2022: 2023",
        "  new indicators: arrests, thefts",
        f"version {current} -> {current}: a minor bump is due since {current}, so expected "
        f"version {minor} (or higher); found {current}",
    ]


def append_lines(path: Path, lines: list[str]) -> None:
    with path.open("a", encoding="utf-8", newline="") as file:
        file.write("".join(f"{line}\n" for line in lines))


def fill_in_quote(quote_csv: str, figure_id: str, attribution: str) -> str:
    """The transcriber's part: the located row with figure, speaker and attribution."""
    [cells] = csv.reader(io.StringIO(quote_csv))
    header = (REPO / "raw/sources/kandal-crime-2022/quotes.csv").read_text().splitlines()[0]
    row = dict(zip(header.split(","), cells, strict=True))
    row.update(figure_id=figure_id, speaker_id="example-police-chief", attribution=attribution)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(row.values())
    return buffer.getvalue()


def locate_and_paste_quotes(run, project: Path) -> None:
    """Each quote located, its row filled in and pasted before the next is located."""
    for number, ((words, figure_id, attribution), offsets) in enumerate(
        zip(QUOTES, OFFSETS, strict=True), 1
    ):
        result = run(project, "locate", SOURCE, words, "--json")
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        [hit] = report["hits"]
        assert (report["match"], (hit["start"], hit["end"])) == ("exact", offsets)
        assert hit["quote_row"]["quote_id"] == f"{SOURCE}-q{number:02d}"
        row = fill_in_quote(hit["quote_csv"], figure_id, attribution)
        append_lines(project / FOLDER / "quotes.csv", [row])


# 4b. The one number no quote holds, its reason and note as the transcriber gives them.
MENTION_ROWS = [
    "example-thefts-2023,68,72,2022,date,The year the change is measured from "
    "(the figure's reference period).",
]


def set_aside_open_mentions(run, project: Path) -> None:
    """coverage lists the mention no quote holds with its ready-to-paste row; the row,
    given its reason and note, goes into mentions.csv, and nothing is open any more."""
    result = run(project, "coverage", SOURCE, "--open", "--rows", "--json")
    assert result.exit_code == 1, result.output
    [counted] = json.loads(result.stdout)["sources"]
    assert (counted["mentions"], counted["quoted"], counted["open"]) == (5, 4, 1)
    [mention] = counted["open_mentions"]
    assert mention["csv"] == "example-thefts-2023,68,72,2022,,"  # reason and note to fill
    assert MENTION_ROWS[0].startswith(mention["csv"].removesuffix(",,") + ",date,")
    append_lines(project / FOLDER / "mentions.csv", MENTION_ROWS)
    assert run(project, "coverage", SOURCE).exit_code == 0


@pytest.fixture
def released(built: Path) -> Path:
    """The project in git on main, with the current version's inputs and build/ committed, and
    the CI scripts beside them, as a maintainer's clone has it."""
    project = built.parent
    shutil.copytree(REPO / ".ci", project / ".ci")
    shutil.copy2(REPO / "CHANGELOG.md", project / "CHANGELOG.md")
    init_repository(project)
    git(project, "switch", "-q", "-c", "add-example-thefts")
    return project


def test_a_new_transcriber_adds_a_second_article_start_to_finish(released, run, tmp_path):
    project = released
    article = tmp_path / "thefts.txt"
    article.write_text(ARTICLE, encoding="utf-8")

    # 1. add-source: snapshot, record, empty tables; the required field left is named.
    added = run(
        project,
        "add-source",
        str(article),
        "--id",
        SOURCE,
        "--url",
        "https://example.org/thefts-2023",
        "--publisher",
        "Example News",
        "--language",
        "en",
        "--received",
        "2026-11-29",
    )
    assert added.exit_code == 0, added.output
    assert "  rights: required." in added.stdout
    record_path = project / FOLDER / "source.json"
    record = json.loads(record_path.read_text(encoding="utf-8"))
    unknown = ("headline_note", "byline_note", "published_note", "accessed_note")
    record.update(rights="Made-up practice text", **dict.fromkeys(unknown, "Not known."))
    record_path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")

    # 2.-4. new actor and indicators, located quotes filled in, figures.
    append_lines(project / "raw/actors.csv", ACTOR_ROWS)
    append_lines(project / "raw/indicators.csv", INDICATOR_ROWS)
    append_lines(project / "raw/units.csv", UNIT_ROWS)
    locate_and_paste_quotes(run, project)
    append_lines(project / FOLDER / "figures.csv", FIGURE_ROWS)
    snapshot = (project / FOLDER / "snapshot.txt").read_text(encoding="utf-8")
    for (words, _, _), (start, end) in zip(QUOTES, OFFSETS, strict=True):
        assert snapshot[start:end] == words

    # 4b. Every number accounted for: the one no quote holds is set aside with its reason.
    set_aside_open_mentions(run, project)

    # 5. check passes.
    checked = run(project, "check")
    assert checked.exit_code == 0, checked.output
    assert "2 sources, 3 actors, 5 indicators, 2 areas, 0 area_names, 3 units, 6 figures, " in (
        checked.stdout
    )

    # 6. The build wants a minor bump; diff shows the new figures and says so too.
    refused = run(project, "build")
    assert refused.exit_code == 1
    assert f'Set "version" to {VERSION.minor} in datapackage.json' in refused.stderr
    diff = run(project, "diff")
    assert diff.exit_code == 0, diff.output
    for line in diff_lines(VERSION.current, VERSION.minor) + [
        "  added example-thefts-2023: source_id=example-thefts-2023, indicator_id=thefts, "
        "area_code=KH-8, period=2023, measure=level, value=1204, unit=thefts, status=measured, "
        "period_basis=context, …",
        "  added example-arrests-2023: source_id=example-thefts-2023, indicator_id=arrests, "
        "area_code=KH-8, period=2023, measure=level, value=300, unit=suspects, "
        "qualifier=more_than, status=measured, period_basis=context, …",
    ]:
        assert line in diff.stdout.splitlines()
    set_version(project, VERSION.current, VERSION.minor)

    # 7. Commit the inputs, build, changelog, validate, commit the build.
    commit_all(project, f"Add {SOURCE}")
    released_log = (project / "CHANGELOG.md").read_text(encoding="utf-8")
    latest_section = next(line for line in released_log.splitlines() if line.startswith("## "))
    built = run(project, "build")
    assert built.exit_code == 0, built.output
    assert f"kandal-crime-2022 {VERSION.minor}" in built.stdout
    logged = run(project, "diff", "HEAD", "build", "--update-changelog", "CHANGELOG.md")
    assert logged.exit_code == 0, logged.output
    changelog = (project / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index(f"## {VERSION.minor} (") < changelog.index(latest_section)
    assert (
        "- figures: 3 added (`example-thefts-change-2023`, `example-thefts-2023`, "
        "`example-arrests-2023`)" in changelog
    )
    validated = run(project, "validate")
    assert validated.exit_code == 0, validated.output
    assert "note:" not in validated.output  # quotes checked against both snapshots
    commit_all(project, f"Build with {SOURCE}")
    assert run(project, "build", "--check").exit_code == 0

    # 8. The pull-request comment CI posts, made by the same script, as a real subprocess.
    done = subprocess.run(
        ["bash", str(project / ".ci/pr-diff"), "main"],
        capture_output=True,
        text=True,
        env={**os.environ, "PIPELINE": str(BIN / "pipeline")},
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    comment = done.stdout
    assert comment.startswith(
        f"### Data diff: `kandal-crime-2022` {VERSION.current} → {VERSION.minor}"
    )
    assert (
        f"**Version:** ok: a minor bump is due and {VERSION.current} -> {VERSION.minor} is one."
        in comment
    )
    assert "| `figures` | changed | 3 | 0 | 0 | 3 |" in comment
    assert (
        "- added `example-arrests-2023`: source_id=`example-thefts-2023`, indicator_id=`arrests`"
        in comment
    )


def test_pr_diff_fails_and_says_why_when_the_changelog_was_forgotten(released, run):
    project = released
    figures = project / "raw/sources/kandal-crime-2022/figures.csv"
    text = figures.read_text(encoding="utf-8")
    figures.write_text(text.replace("Stated once with a number", "Stated once, with a number"))
    set_version(project, VERSION.current, VERSION.patch)
    commit_all(project, "Correct a note")
    assert run(project, "build").exit_code == 0
    commit_all(project, f"Build {VERSION.patch}")

    done = subprocess.run(
        ["bash", str(project / ".ci/pr-diff"), "main"],
        capture_output=True,
        text=True,
        env={**os.environ, "PIPELINE": str(BIN / "pipeline")},
        timeout=300,
    )

    assert done.returncode == 1
    assert (
        f"**Version:** ok: a patch bump is due and {VERSION.current} -> {VERSION.patch} is one."
        in done.stdout
    )
    assert "**Problems** (exit 1):" in done.stdout
    assert f"CHANGELOG.md: no section for version {VERSION.patch}" in done.stdout


def readme_walkthrough() -> str:
    """The walkthrough in the transcriber's guide, to its end or the next section."""
    guide = (REPO / "docs/transcribers-guide.md").read_text(encoding="utf-8")
    start = guide.index("## Adding a source: a walkthrough")
    end = guide.find("\n## ", start + 1)
    return guide[start : end if end >= 0 else len(guide)]


def test_the_guide_walkthrough_sets_aside_a_mention_as_this_walk_does():
    walk = readme_walkthrough()
    assert "pipeline coverage example-thefts-2023 --open --rows" in walk
    for line in MENTION_ROWS:
        assert f"\n{line}\n" in walk, line


def test_the_readme_walkthrough_is_this_walk():
    walk = readme_walkthrough()
    heredoc = re.search(r"cat > /tmp/thefts.txt <<'EOF'\n(.*?)\nEOF\n", walk, re.S)
    assert heredoc and heredoc.group(1) + "\n" == ARTICLE
    for line in ACTOR_ROWS + INDICATOR_ROWS + UNIT_ROWS + FIGURE_ROWS:
        assert f"\n{line}\n" in walk, line
    for (words, figure_id, attribution), (start, end) in zip(QUOTES, OFFSETS, strict=True):
        assert f",{figure_id},,example-police-chief,{attribution}," in walk
        assert f",{start},{end}," in walk
        assert words in walk.replace("\n", " ")
    commands = [
        "pipeline add-source /tmp/thefts.txt --id example-thefts-2023",
        'pipeline locate example-thefts-2023 "rose by 12 per cent in 2023"',
        "pipeline check",
        "pipeline diff",
        "pipeline build",
        "pipeline diff HEAD build --update-changelog CHANGELOG.md",
        "pipeline validate",
    ]
    for command in commands:
        assert command in walk, command
    for line in diff_lines(**README_VERSIONS):
        assert f"\n{line}\n" in walk, line
    # No release is named, so the walk holds at the next one; only the bump's example.
    assert re.findall(r"\d+\.\d+\.\d+", walk) == ["1.4.2", "1.5.0"]
