"""Unit tests of pipeline.check.numbers: numbers as prose states them."""

from __future__ import annotations

import pytest

from pipeline.check.numbers import StatedNumber, direction, find_numbers, matching_number


@pytest.mark.parametrize(
    ("text", "value", "percent", "qualifier"),
    [
        ("78 per cent", 78, True, None),
        ("96%", 96, True, None),
        ("ten per cent", 10, True, None),
        ("1,234", 1234, False, None),
        ("5.5 percent", 5.5, True, None),
        ("almost 96 per cent", 96, True, "almost"),
        ("about 20", 20, False, "approximately"),
        ("more than 1,000", 1000, False, "more_than"),
        ("nearly ninety-six per cent", 96, True, "almost"),
    ],
)
def test_number_is_read_with_its_percent_sign_and_qualifier(text, value, percent, qualifier):
    (number,) = find_numbers(text)
    assert number.value == value
    assert number.percent is percent
    assert number.qualifier == qualifier


def test_number_words_are_reported_as_digits():
    (number,) = find_numbers("nearly ninety-six per cent")
    assert number.words == "nearly 96 per cent"


def test_every_number_in_a_sentence_is_found_in_order():
    found = find_numbers("In 2022 crime fell by 78 per cent, with almost 96% of crimes solved")
    assert [(n.value, n.percent, n.qualifier) for n in found] == [
        (2022, False, None),
        (78, True, None),
        (96, True, "almost"),
    ]


def test_text_without_numbers_states_none():
    assert find_numbers("Crime declined, largely thanks to the policy") == ()


def test_percentage_is_not_a_percent_sign():
    (number,) = find_numbers("a rise of 5 percentage points")
    assert number.percent is False


def test_a_number_is_never_cut_out_of_a_longer_one():
    # "12,34" is not a well-formed number; it must not be read as 1, 12 or 34.
    assert find_numbers("12,34 crimes") == ()


def test_matching_number_finds_the_value_stated_as_a_percentage():
    number = matching_number("Crime declined by 78 per cent", -78, percent=True)
    assert number == StatedNumber(value=78, percent=True, qualifier=None, words="78 per cent")


def test_matching_number_needs_a_percent_sign_for_a_percentage():
    assert matching_number("officers solved 96 of them", 96, percent=True) is None


def test_matching_number_does_not_take_a_percentage_for_a_count():
    assert matching_number("officers solved 96 per cent of them", 96, percent=False) is None


def test_matching_number_skips_other_numbers():
    number = matching_number("In 2021 it rose 10 per cent", 10, percent=True)
    assert number is not None
    assert number.words == "10 per cent"
    assert matching_number("In 2021 it rose 10 per cent", 11, percent=True) is None


def test_matching_number_keeps_the_qualifier():
    number = matching_number("resolving almost 96 per cent of crimes", 96, percent=True)
    assert number is not None
    assert number.qualifier == "almost"


@pytest.mark.parametrize(
    "text",
    [
        "the crime rate declined by 78 per cent",
        "There was a 78 per cent overall decline in reported crime",
        "crime fell sharply",
        "a decrease in crime",
        "crime rate plummets",
        "accidents dropped",
    ],
)
def test_decline_words_state_a_decline(text):
    assert direction(text) == {-1}


@pytest.mark.parametrize(
    "text",
    [
        "there was a 10 per cent increase in traffic accidents",
        "accidents rose",
        "the road toll is up",
        "thefts climbed",
        "a surge in burglaries",
    ],
)
def test_increase_words_state_a_rise(text):
    assert direction(text) == {1}


@pytest.mark.parametrize(
    "text", ["our officers solved 96 per cent of them", "the downtown upgrade", ""]
)
def test_words_without_a_direction_state_none(text):
    assert direction(text) == set()


def test_words_of_both_directions_state_both():
    assert direction("crime decreased but accidents increased") == {-1, 1}


def test_matching_number_compares_exactly_as_decimals():
    assert matching_number("half: 50 per cent", "50.00000000000000001", percent=True) is None
    assert matching_number("9,007,199,254,740,993 pages", "9007199254740992", False) is None
    assert matching_number("9,007,199,254,740,993 pages", "9007199254740993", False) is not None
    assert matching_number("half: 50 per cent", "-5.0e1", percent=True) is not None
