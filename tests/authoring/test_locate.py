"""`pipeline locate`: offsets found in the Kandal snapshot, checked against the offsets
transcribed by hand in raw/ (quotes.csv), exact first and then ignoring quote marks,
dashes and white space.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.authoring.locate import PARAGRAPH_BREAK, Graphemes, Places, fold, locate
from pipeline.files import line_and_column
from tests.conftest import REPO, SOURCE_ID, examples

SNAPSHOT = (REPO / "raw/sources" / SOURCE_ID / "snapshot.txt").read_text(encoding="utf-8")
CONTRACT = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
QUOTE_FIELDS = next(r for r in CONTRACT["resources"] if r["name"] == "quotes")["schema"]["fields"]
# Quote q10 as transcribed by hand: 1328-1431, with the snapshot's ’.
Q10 = (
    "Crime declined by 78 per cent, largely thanks to the Ministry of Interior\u2019s safe "
    "village-commune policy"
)


def located(run, project, *args):
    result = run(project, "locate", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_exact_words_give_the_hand_transcribed_offsets_and_a_quote_row(project, run):
    report = located(run, project, SOURCE_ID, "almost 96 per cent")

    assert (report["match"], report["ambiguous"]) == ("exact", False)
    [hit] = report["hits"]
    # quotes.csv q04 is "the police resolving almost 96 per cent ..." at 90:152; 21 characters in.
    assert (hit["start"], hit["end"]) == (111, 129)
    assert (hit["paragraph"], hit["line"], hit["column"]) == (1, 1, 112)
    assert hit["before"].endswith("with the police resolving ")
    assert hit["after"].startswith(" of all reported crimes")
    assert hit["numbers"] == [
        {
            "value": 96.0,
            "percent": True,
            "qualifier": "almost",
            "words": "almost 96 per cent",
            "scaled": False,
            "qualifier_words": "almost",
        }
    ]


def test_the_quote_row_follows_the_contracts_columns_and_parses_back(project, run):
    [hit] = located(run, project, SOURCE_ID, "almost 96 per cent")["hits"]

    names = [f["name"] for f in QUOTE_FIELDS]
    assert list(hit["quote_row"]) == names
    [cells] = csv.reader(io.StringIO(hit["quote_csv"]))
    row = dict(zip(names, cells, strict=True))
    assert row["quote_id"] == f"{SOURCE_ID}-q29"  # 28 quotes are transcribed
    assert (row["source_id"], row["text"], row["start"], row["end"]) == (
        SOURCE_ID,
        "almost 96 per cent",
        "111",
        "129",
    )
    assert (row["qualifier"], row["qualifier_words"]) == ("almost", "almost")
    assert row["figure_id"] == row["statement_id"] == row["speaker_id"] == ""


def test_words_in_three_places_are_reported_as_ambiguous_with_each_paragraph(project, run):
    report = located(run, project, SOURCE_ID, "78 per cent")

    assert report["ambiguous"] is True
    # Inside quotes q01 (9:83), q02 (845:902) and q03 (1328:1357), as transcribed by hand.
    assert [(h["start"], h["end"], h["paragraph"]) for h in report["hits"]] == [
        (55, 66, 1),
        (857, 868, 4),
        (1346, 1357, 6),
    ]
    human = run(project, "locate", SOURCE_ID, "78 per cent").stdout
    assert "3 hits (exact)" in human
    assert "ambiguous: the words stand in 3 places" in human


def test_straight_apostrophe_finds_the_curly_one_and_says_so(project, run):
    report = located(run, project, SOURCE_ID, Q10.replace("\u2019", "'"))

    assert report["match"] == "normalised"
    [hit] = report["hits"]
    assert (hit["start"], hit["end"], hit["text"]) == (1328, 1431, Q10)
    assert report["differences"] == [
        "the snapshot has \u2019 (U+2019 RIGHT SINGLE QUOTATION MARK) where you typed ' "
        "(U+0027 APOSTROPHE)"
    ]
    human = run(project, "locate", SOURCE_ID, Q10.replace("\u2019", "'")).stdout
    assert "not exact: found only ignoring differences in quote marks, dashes and white space" in (
        human
    )


def test_hyphen_and_straight_quotes_find_the_en_dash_and_curly_quotes(project, run):
    [hit] = located(run, project, SOURCE_ID, "don't deal drugs, don't distribute")["hits"]
    # In quote q15 (1486:1616): "the policy’s principles of don’ts ¬– " is 37 characters.
    assert (hit["start"], hit["text"]) == (1523, "don\u2019t deal drugs, don\u2019t distribute")

    [dash] = located(run, project, SOURCE_ID, "\u00ac- don't deal")["hits"]
    assert dash["text"] == "\u00ac\u2013 don\u2019t deal"


def test_one_space_finds_words_across_a_paragraph_break(project, run):
    report = located(run, project, SOURCE_ID, "Spokesperson Unit. The report explained")

    [hit] = report["hits"]
    assert hit["text"] == "Spokesperson Unit.\n\nThe report explained"
    assert SNAPSHOT[hit["start"] : hit["end"]] == hit["text"]
    assert hit["paragraph"] == 2
    assert report["differences"] == ["the snapshot has a line break where you typed a space"]


def test_words_not_in_the_snapshot_exit_1_saying_where_they_stop_matching(project, run):
    result = run(project, "locate", SOURCE_ID, "Crime declined by 77 per cent")

    assert result.exit_code == 1
    assert result.stderr.startswith(f"raw/sources/{SOURCE_ID}/snapshot.txt: the words are not")
    assert "they match up to 'Crime declined by 7' (line 11, column 2)" in result.stderr
    assert "you typed '7 per cent' and the snapshot has '8 per cent, largely '" in result.stderr
    assert "[not-found]" in result.stderr


def test_a_snapshot_path_works_like_a_source_id(project, run):
    path = f"raw/sources/{SOURCE_ID}/snapshot.txt"

    by_path = located(run, project, path, "Crime declined by 78 per cent")
    by_id = located(run, project, SOURCE_ID, "Crime declined by 78 per cent")

    assert by_path["hits"] == by_id["hits"]
    assert by_path["hits"][0]["start"] == 1328  # quote q03


@pytest.mark.parametrize(
    ("args", "says"),
    [
        pytest.param(["no-such-source", "words"], "known sources: kandal-crime-2022", id="source"),
        pytest.param([SOURCE_ID, "  "], "no words to look for", id="blank-words"),
    ],
)
def test_usage_mistakes_exit_2(project, run, args, says):
    result = run(project, "locate", *args)

    assert result.exit_code == 2
    assert says in result.stderr


def test_fold_maps_every_folded_character_back_to_the_original():
    text = "a \u201cb\u201d\n\n  c\u2013d"
    folded, origin = fold(text)

    assert folded == 'a "b" c-d'
    assert [text[i] for i in origin] == [
        "a",
        " ",
        "\u201c",
        "b",
        "\u201d",
        "\n",
        "c",
        "\u2013",
        "d",
    ]


def test_every_hand_transcribed_quote_is_found_at_its_offsets():
    with (REPO / "raw/sources" / SOURCE_ID / "quotes.csv").open(encoding="utf-8") as file:
        quotes = list(csv.DictReader(file))
    assert len(quotes) == 28
    for quote in quotes:
        spans = [(h.start, h.end) for h in locate(SNAPSHOT, quote["text"], "snapshot").hits]
        assert (int(quote["start"]), int(quote["end"])) in spans, quote["quote_id"]


# ---- whole characters, and very many hits ---------------------------------------------

ACCENTS = (
    "Le cafe\u0301 noir, l'e\u0301te\u0301. Family: \U0001f468\u200d\U0001f469\u200d\U0001f467 "
    "here; flags \U0001f1eb\U0001f1f7\U0001f1e9\U0001f1ea."
)


@pytest.mark.parametrize(
    ("words", "text"),
    [
        pytest.param("cafe", "cafe\u0301", id="ends-before-a-combining-mark"),
        pytest.param("\u0301 noir", "e\u0301 noir", id="starts-on-a-combining-mark"),
        pytest.param("\u0301te", "e\u0301te\u0301", id="both"),
        pytest.param("\U0001f469", "\U0001f468\u200d\U0001f469\u200d\U0001f467", id="zwj-family"),
        pytest.param(
            "\U0001f1f7\U0001f1e9", "\U0001f1eb\U0001f1f7\U0001f1e9\U0001f1ea", id="two-flags"
        ),
    ],
)
def test_a_hit_never_splits_a_character_and_says_what_it_took_in(project, run, words, text):
    snapshot = project / "accents.txt"
    snapshot.write_text(ACCENTS, encoding="utf-8")

    report = located(run, project, "accents.txt", words)

    [hit] = report["hits"]
    assert hit["text"] == text == ACCENTS[hit["start"] : hit["end"]]
    assert hit["quote_row"]["text"] == text
    for offset in (hit["start"], hit["end"]):
        assert unicodedata.category(ACCENTS[offset])[0] != "M"
        assert "\u200d" not in ACCENTS[offset - 1 : offset + 1]
    [note] = report["differences"]
    assert note.startswith("the snapshot has ") and "joined to the words" in note


def test_words_in_100000_places_describe_20_hits_and_count_the_rest(project, run):
    (project / "many.txt").write_text("one hit\n\n" * 100_000, encoding="utf-8")

    report = located(run, project, "many.txt", "hit")
    human = run(project, "locate", "many.txt", "hit").stdout

    assert (report["ambiguous"], report["more_hits"], len(report["hits"])) == (True, 99_980, 20)
    assert [(h["start"], h["line"], h["column"], h["paragraph"]) for h in report["hits"]] == [
        (9 * n + 4, 2 * n + 1, 5, n + 1) for n in range(20)
    ]
    assert "many.txt: 100000 hits (exact)" in human
    assert "ambiguous: the words stand in 100000 places" in human
    assert human.count("\nhit ") == 20
    assert human.endswith("and 99980 more hits, not shown: add words to make them unique\n")


@settings(max_examples=examples(300), deadline=None, derandomize=True)
@given(st.text(alphabet="\r\n \tab", max_size=30))
def test_places_are_what_counting_from_the_start_gives(text):
    places = Places(text)
    for offset in range(len(text) + 1):
        assert places.line_and_column(offset) == line_and_column(text, offset)
        assert places.paragraph(offset) == len(PARAGRAPH_BREAK.findall(text, 0, offset)) + 1


@settings(max_examples=examples(300), deadline=None, derandomize=True)
@given(
    st.text(alphabet="ae\u0301\u200d\r\n\U0001f1eb\U0001f1f7\U0001f3fb", max_size=20),
    st.lists(st.integers(0, 20), max_size=8),
)
def test_graphemes_remembered_are_what_a_fresh_look_gives(text, offsets):
    offsets = sorted(min(o, len(text)) for o in offsets)
    remembered = Graphemes(text)
    for offset in offsets:
        assert remembered.start_of(offset) == Graphemes(text).start_of(offset)
        assert remembered.end_of(offset) == Graphemes(text).end_of(offset)
        assert remembered.is_boundary(remembered.start_of(offset))
