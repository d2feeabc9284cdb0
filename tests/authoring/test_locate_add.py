"""`pipeline locate SOURCE WORDS --figure ID` (or --statement ID) adds the located quote
row to the source's quotes.csv itself: its id, offsets and qualifier never copied by hand,
the file's bytes, header and line endings kept, a quote already there refused."""

from __future__ import annotations

import json

from tests.conftest import SOURCE_ID

QUOTES = f"raw/sources/{SOURCE_ID}/quotes.csv"
CRIME_CHANGE = "kandal-reported-crimes-change-2022"
WORDS = "Crime declined by 78 per cent, largely"


def test_figure_adds_the_row_at_the_end_and_check_accepts_it(project, run):
    quotes = project / QUOTES
    before = quotes.read_bytes()

    result = run(
        project,
        "locate",
        SOURCE_ID,
        WORDS,
        "--figure",
        CRIME_CHANGE,
        "--speaker",
        "kong-sophorn",
        "--attribution",
        "direct",
        "--json",
    )

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["added"] == {"quote_id": f"{SOURCE_ID}-q29", "line": 30, "file": QUOTES}
    after = quotes.read_bytes()
    assert after.startswith(before)
    assert after[len(before) :].decode() == (
        f'{SOURCE_ID}-q29,{SOURCE_ID},{CRIME_CHANGE},,kong-sophorn,direct,"{WORDS}",1328,1366,,,,\n'
    )
    assert run(project, "check").exit_code == 0


def test_two_quotes_added_in_turn_get_their_own_ids(project, run):
    first = run(project, "locate", SOURCE_ID, WORDS, "--figure", CRIME_CHANGE)
    second = run(project, "locate", SOURCE_ID, "our officers solved 96", "--statement", "x")

    assert first.exit_code == 0 and second.exit_code == 0, second.output
    assert f"added {SOURCE_ID}-q29 to {QUOTES} as line 30" in first.stdout
    assert f"added {SOURCE_ID}-q30 to {QUOTES} as line 31" in second.stdout
    ids = [line.split(",")[0] for line in (project / QUOTES).read_text().splitlines()[1:]]
    assert len(ids) == len(set(ids)) == 30
    # a statement's quote has no qualifier; its claim is the statement
    assert (
        (project / QUOTES)
        .read_text()
        .splitlines()[-1]
        .startswith(f"{SOURCE_ID}-q30,{SOURCE_ID},,x,")
    )


def test_the_same_quote_again_is_refused_and_nothing_is_written(project, run):
    assert run(project, "locate", SOURCE_ID, WORDS, "--figure", CRIME_CHANGE).exit_code == 0
    before = (project / QUOTES).read_bytes()

    result = run(project, "locate", SOURCE_ID, WORDS, "--figure", CRIME_CHANGE)

    assert result.exit_code == 2
    assert (
        f"{QUOTES}:30:1: quote {SOURCE_ID}-q29 already quotes these words (1328:1366) for "
        f"figure {CRIME_CHANGE}; nothing added [quote-exists]"
    ) in result.stderr
    assert (project / QUOTES).read_bytes() == before


def test_a_crlf_file_without_a_final_line_break_keeps_its_bytes_and_endings(project, run):
    quotes = project / QUOTES
    crlf = quotes.read_bytes().replace(b"\n", b"\r\n").removesuffix(b"\r\n")
    quotes.write_bytes(crlf)

    result = run(project, "locate", SOURCE_ID, WORDS, "--figure", CRIME_CHANGE)

    assert result.exit_code == 0, result.output
    after = quotes.read_bytes()
    assert after.startswith(crlf + b"\r\n" + f"{SOURCE_ID}-q29,".encode())
    assert after.endswith(b",1328,1366,,,,\r\n") and b"\n" not in after.replace(b"\r\n", b"")


def test_words_in_several_places_add_nothing(project, run):
    before = (project / QUOTES).read_bytes()

    result = run(project, "locate", SOURCE_ID, "78 per cent", "--figure", CRIME_CHANGE)

    assert result.exit_code == 2
    assert "the words stand in 3 places; nothing added" in result.stderr
    assert (project / QUOTES).read_bytes() == before


def test_speaker_without_a_claim_is_a_usage_error(project, run):
    result = run(project, "locate", SOURCE_ID, WORDS, "--speaker", "kong-sophorn")

    assert result.exit_code == 2
    assert "--speaker and --attribution go with --figure or --statement" in result.stderr


def test_figure_and_statement_together_are_a_usage_error(project, run):
    result = run(project, "locate", SOURCE_ID, WORDS, "--figure", "a", "--statement", "b")

    assert result.exit_code == 2
    assert "--figure and --statement: give one" in result.stderr
