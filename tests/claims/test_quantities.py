"""Table-driven tests for the pure quantity reader (no Django)."""

from __future__ import annotations

import math

import pytest

from claims.engine.quantities import (
    FoundQuantity,
    Range,
    figures_meet,
    find_quantities,
    near_span,
    parse_amount,
    same_thing,
)

INF = math.inf


def found(text: str) -> list[tuple[str, str, float, float]]:
    return [(q.words, q.what, q.range.low, q.range.high) for q in find_quantities(text)]


# --- Range ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "shown"),
    [
        (13, 13, "13"),
        (1800, 2200, "1,800\u20132,200"),
        (40, INF, "40+"),
        (0, 9, "0\u20139"),
        (19_000_000, 19_000_000, "19,000,000"),
        (2.25, 2.75, "2.25\u20132.75"),
        (13.0, 13.0, "13"),
    ],
)
def test_range_str(low: float, high: float, shown: str) -> None:
    assert str(Range(low, high)) == shown


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (Range(13, 13), Range(13, 13), True),
        (Range(13, 13), Range(18, 18), False),
        (Range(1800, 2200), Range(2200, 2500), True),  # bounds are inclusive
        (Range(1800, 2200), Range(2201, 2500), False),
        (Range(24, 99), Range(40, INF), True),
        (Range(0, 9), Range(10, INF), False),
        (Range(101, INF), Range(500, INF), True),
        (Range(0, 300), Range(250, 250), True),
    ],
)
def test_range_overlaps_both_ways(a: Range, b: Range, expected: bool) -> None:
    assert a.overlaps(b) is expected
    assert b.overlaps(a) is expected


def test_range_refuses_low_above_high_and_nan() -> None:
    with pytest.raises(ValueError):
        Range(10, 9)
    with pytest.raises(ValueError):
        Range(math.nan, 1)


def test_range_stores_floats_and_compares_by_value() -> None:
    assert Range(13, 13) == Range(13.0, 13.0)
    assert isinstance(Range(13, 13).low, float)


# --- parse_amount ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "low", "high"),
    [
        ("dozens", 24, 99),
        ("about 2,000", 1800, 2200),
        ("13", 13, 13),
        ("two", 2, 2),
        ("five", 5, 5),
        ("hundreds", 200, 999),
        ("thousands", 2000, 9999),
        ("tens of thousands", 20_000, 99_999),
        ("hundreds of thousands", 200_000, 999_999),
        ("19 million", 19e6, 19e6),
        ("1.5 million", 1.5e6, 1.5e6),
        ("a dozen", 12, 12),
        ("half a dozen", 6, 6),
        ("several", 3, 9),
        ("a few", 2, 5),
        ("a couple", 2, 3),
        ("scores of", 40, 99),
        ("at least 40", 40, INF),
        ("40 or more", 40, INF),
        ("40+", 40, INF),
        ("more than 100", 101, INF),
        ("over 100", 101, INF),
        ("more than a dozen", 13, INF),
        ("fewer than 10", 0, 9),
        ("less than 10", 0, 9),
        ("under 10", 0, 9),
        ("fewer than a dozen", 0, 11),
        ("up to 300", 0, 300),
        ("as many as 300", 0, 300),
        ("between 10 and 20", 10, 20),
        ("10-20", 10, 20),
        ("10\u201320", 10, 20),
        ("10 to 20", 10, 20),
        ("two or three", 2, 3),
        ("between 1 and 2 million", 1e6, 2e6),
        ("two or three hundred", 200, 300),
        ("nearly 2,000", 1800, 2000),
        ("almost 100", 90, 100),
        ("around 10", 9, 11),
        ("approximately 1,000", 900, 1100),
        ("roughly 50", 45, 55),
        ("an estimated 2,000", 1800, 2200),
        ("some 300", 270, 330),
        ("10 or so", 9, 11),
        ("about 13", 12, 14),  # whole counts: 11.7-14.3 rounded inwards
        ("about 2.5", 2.25, 2.75),
        ("about a dozen", 11, 13),
        ("several hundred", 300, 900),
        ("several dozen", 36, 108),
        ("zero", 0, 0),
        ("eleven", 11, 11),
        ("ninety-nine", 99, 99),
        ("ninety nine", 99, 99),
        ("a hundred", 100, 100),
        ("one hundred and twenty", 120, 120),
        ("seventy-three thousand four hundred and two", 73_402, 73_402),
        ("2,000", 2000, 2000),
        ("1 000", 1000, 1000),
        ("1,500,000", 1.5e6, 1.5e6),
        ('"dozens"', 24, 99),
    ],
)
def test_parse_amount(words: str, low: float, high: float) -> None:
    assert parse_amount(words) == Range(low, high)


@pytest.mark.parametrize(
    "words",
    [
        "",
        "the",
        "a",
        "hundred",
        "tens",
        "one two",
        "five hundred hundred",
        "58-year-old",
        "20-10",
        "1,5",
        "2,00",
        "people",
        "about",
        "some people",
        "13 people",
    ],
)
def test_parse_amount_refuses_non_amounts(words: str) -> None:
    assert parse_amount(words) is None


# --- find_quantities --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dozens of assailants were eliminated", [("Dozens", "assailants eliminated", 24, 99)]),
        (
            "About 2,000 people were detained in Almaty",
            [("About 2,000", "people detained", 1800, 2200)],
        ),
        (
            "the official death toll stood at 13 security officers -- including two who were "
            'allegedly decapitated -- and "dozens" of protesters',
            [
                ("13", "security officers killed", 13, 13),
                ("two", "security officers decapitated", 2, 2),
                ("dozens", "protesters killed", 24, 99),
            ],
        ),
        (
            "the official death toll stood at 13 security officers, two of them allegedly "
            'decapitated, and "dozens" of protesters.',
            [
                ("13", "security officers killed", 13, 13),
                ("two", "security officers decapitated", 2, 2),
                ("dozens", "protesters killed", 24, 99),
            ],
        ),
        ("Straight away about 10 were killed", [("about 10", "killed", 9, 11)]),
        ("commandeered five planes at the airport", [("five", "planes commandeered", 5, 5)]),
        (
            "Police said 18 security officers had been killed",
            [("18", "security officers killed", 18, 18)],
        ),
        ("the nation of 19 million", [("19 million", "population", 19e6, 19e6)]),
        ("a country of 20 million people", [("20 million", "population", 20e6, 20e6)]),
        ("a 58-year-old construction worker", []),
    ],
)
def test_find_quantities_examples(text: str, expected: list[tuple[str, str, float, float]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "At least 40 people died and more than 100 were injured",
            [("At least 40", "people died", 40, INF), ("more than 100", "injured", 101, INF)],
        ),
        (
            "killed 13 soldiers and 5 civilians",
            [("13", "soldiers killed", 13, 13), ("5", "civilians killed", 5, 5)],
        ),
        (
            "13 soldiers and 5 civilians were killed",
            [("13", "soldiers killed", 13, 13), ("5", "civilians killed", 5, 5)],
        ),
        (
            "The death toll rose to 225, including 19 children, in a country of 19 million",
            [
                ("225", "killed", 225, 225),
                ("19", "children killed", 19, 19),
                ("19 million", "population", 19e6, 19e6),
            ],
        ),
        (
            "leaving 13 dead and 40 injured",
            [("13", "dead", 13, 13), ("40", "injured", 40, 40)],
        ),
        (
            "killing at least 13 and injuring 40",
            [("at least 13", "killed", 13, INF), ("40", "injured", 40, 40)],
        ),
        (
            "Tens of thousands of people protested and hundreds of thousands marched",
            [
                ("Tens of thousands", "people protested", 20_000, 99_999),
                ("hundreds of thousands", "marched", 200_000, 999_999),
            ],
        ),
        (
            "between 10 and 20 people were hurt; 10-20 soldiers; 10 to 20 officers",
            [
                ("between 10 and 20", "people hurt", 10, 20),
                ("10-20", "soldiers", 10, 20),
                ("10 to 20", "officers", 10, 20),
            ],
        ),
        (
            "fewer than 10 were hurt, up to 300 were evacuated",
            [("fewer than 10", "hurt", 0, 9), ("up to 300", "evacuated", 0, 300)],
        ),
        (
            "a dozen people and half a dozen cars and a couple of hundred workers",
            [
                ("a dozen", "people", 12, 12),
                ("half a dozen", "cars", 6, 6),
                ("a couple of hundred", "workers", 200, 300),
            ],
        ),
        (
            "some 1 000 people, 1.5 million people",
            [("some 1 000", "people", 900, 1100), ("1.5 million", "people", 1.5e6, 1.5e6)],
        ),
        ("Two or three people were shot dead on Friday", [("Two or three", "people killed", 2, 3)]),
        (
            "one hundred and twenty people were detained",
            [("one hundred and twenty", "people detained", 120, 120)],
        ),
        ("forty-five soldiers were wounded", [("forty-five", "soldiers wounded", 45, 45)]),
        ("18 killed in Almaty", [("18", "killed", 18, 18)]),
        (
            "police detained 300 protesters who were later released",
            [("300", "protesters detained", 300, 300)],
        ),
        (
            "Police killed dozens of assailants who tried to storm buildings",
            [("dozens", "assailants killed", 24, 99)],
        ),
        ("dozens of troops entered the main square", [("dozens", "troops", 24, 99)]),
        ("A 2,000-strong crowd gathered", [("2,000", "crowd gathered", 2000, 2000)]),
        (
            "About 2000 people were arrested in 2000",
            [("About 2000", "people arrested", 1800, 2200)],
        ),
        (
            "On January 6, 2022, at least 164 people were killed",
            [("at least 164", "people killed", 164, INF)],
        ),
        ("COVID-19 killed 300", [("300", "killed", 300, 300)]),
        ("The toll rose from 10 to 20", [("10", "killed", 10, 10), ("20", "killed", 20, 20)]),
        ("Only 13 people survived.", [("13", "people survived", 13, 13)]),
        ("one of the protesters said one person died", [("one", "person died", 1, 1)]),
        ("2,000 people Tuesday", [("2,000", "people", 2000, 2000)]),
        # the verb after the noun's "of" complement says what happened to them
        (
            "Eight servicemen of the police and the National Guard have been killed",
            [("Eight", "servicemen killed", 8, 8)],
        ),
        ("20 members of parliament voted", [("20", "members voted", 20, 20)]),
        # "the number of X ... has risen to N" counts X
        (
            "The number of people killed in the collapse has risen to 34, the ministry said.",
            [("34", "killed", 34, 34)],
        ),
        ("The number of dead has reached 27.", [("27", "killed", 27, 27)]),
        ("The number of protesters in the square rose to 5,000.", [("5,000", "", 5000, 5000)]),
    ],
)
def test_find_quantities_more(text: str, expected: list[tuple[str, str, float, float]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "No figures were given.",
        "Protests spread across the country.",
        "The state of emergency was extended nationwide until January 19.",
        "The unrest began on 6 January.",
        "It happened in 2019.",
        "2022",
        "the 2022 protests",
        "between 2019 and 2021",
        "in the 1990s",
        "The plane landed at 10:20 PM.",
        "They met at 10 p.m. and again at 7am.",
        "on the third day, the 19th",
        "a 58-year-old construction worker",
        "Saule, 58, told AFP",
        "aged 58",
        "58 years old",
        "Turnout was 40% and 5 per cent were spoilt; 60 percent agreed",
        "He paid $5 million and 3 euros",
        "The protests lasted three days",
        "Boeing 737, Article 5 of the treaty, Flight 370, No. 10, room 101",
        "a 10-minute walk, a 3-1 win, 24/7, 9/11",
        "one in five",
        "no one, the one who, one another",
        "withdrew the toll and did not give a new one",
        "another one, an earlier one",
        "some people, many protesters, few arrests",
    ],
)
def test_find_quantities_skips_dates_times_ages_and_names(text: str) -> None:
    assert find_quantities(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "About 2,000 people were detained in Almaty",
        'the official death toll stood at 13 security officers -- and "dozens" of protesters',
        "  between 10\u201320 or so, 1\u00a0000 people, about a dozen\n and 19 million",
    ],
)
def test_offsets_point_at_the_words(text: str) -> None:
    quantities = find_quantities(text)
    assert quantities
    for quantity in quantities:
        assert isinstance(quantity, FoundQuantity)
        assert text[quantity.start : quantity.end] == quantity.words
        assert parse_amount(quantity.words) == quantity.range


REPORT = """\
Police in Almaty told local media on Thursday that they had killed "dozens" of people who tried \
to storm administrative buildings overnight. Police spokesman Saltanat Azirbek said extremists had \
attacked the city police department and local commissariats: "Dozens of assailants were eliminated."

Tass quoted the Interior Ministry as saying: About 2,000 people were detained in Almaty.

Reuters correspondents reported from the scene that several armoured personnel carriers and dozens \
of troops entered the main square on Thursday morning, where hundreds were protesting. Gunshots were \
heard as troops approached the crowd, Reuters witnesses said.

A protester named Saule, 58, told AFP that security forces fired on the crowd. "Straight away about \
10 were killed," she said.

By Thursday afternoon the official death toll stood at 13 security officers, two of them allegedly \
decapitated, and "dozens" of protesters. Mr Tokayev also said terrorists had commandeered five \
planes at the airport. Protests spread across the nation of 19 million after a New Year rise in gas \
prices, and the government said a state of emergency would be extended until January 19.
"""


def test_report_paragraphs() -> None:
    assert [(q.words, q.what) for q in find_quantities(REPORT)] == [
        ("dozens", "people killed"),
        ("Dozens", "assailants eliminated"),
        ("About 2,000", "people detained"),
        ("several", "armoured personnel carriers"),
        ("dozens", "troops"),
        ("hundreds", "protesting"),
        ("about 10", "killed"),
        ("13", "security officers killed"),
        ("two", "security officers decapitated"),
        ("dozens", "protesters killed"),
        ("five", "planes commandeered"),
        ("19 million", "population"),
    ]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("security officers killed", "security officers killed"),
        ("people killed", "deaths"),
        ("killed", "death toll"),
        ("assailants eliminated", "assailants killed"),
        ("assailants killed", "attackers dead"),
        ("fatalities", "dead"),
        ("people died", "people killed"),
        ("people detained", "people arrested"),
        ("detainees", "people detained"),
        ("people held", "people in custody"),
        ("injured", "wounded"),
        ("people hurt", "people injured"),
        ("wounded soldiers", "troops injured"),
        ("security officers decapitated", "security officers beheaded"),
        ("planes commandeered", "planes seized"),
        ("people", "persons"),
        ("protesters", "demonstrators"),
        ("troops", "soldiers"),
        ("security officer killed", "security officers killed"),
        ("security officers killed", "officers killed"),
        ("kazakh security officers killed", "security officers killed"),
        ("policemen killed", "police officers killed"),
        # a generic noun, or none, matches a specific one when the events agree
        ("people killed", "protesters killed"),
        ("killed", "security officers killed"),
        ("Security Officers Killed", "security officers killed"),
        ("people rescued alive", "people rescued"),
        ("people rescued alive", "pulled"),
        ("survivors", "people saved"),
        # "security officers" is the umbrella over the police, the military and the guard
        ("police officers killed", "security officers killed"),
        ("servicemen killed", "security officers killed"),
        ("law enforcement officers killed", "security officers killed"),
        ("security forces killed", "troops killed"),
        # "taken into custody" is a detention
        ("people taken into custody", "people detained"),
    ],
)
def test_same_thing_positive(a: str, b: str) -> None:
    assert same_thing(a, b)
    assert same_thing(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("security officers killed", "protesters killed"),
        ("police officers killed", "soldiers killed"),
        ("security officers killed", "security officers injured"),
        ("people killed", "people detained"),
        ("people injured", "people killed"),
        ("security officers decapitated", "security officers killed"),
        ("troops", "troops killed"),
        ("planes", "planes commandeered"),
        ("troops", "people"),  # generic matches specific only through a shared event
        ("population", "people"),
        ("troops entered", "troops"),
        ("", "killed"),
        ("", ""),
        ("people rescued", "people killed"),
    ],
)
def test_same_thing_negative(a: str, b: str) -> None:
    assert not same_thing(a, b)
    assert not same_thing(b, a)


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("Eighteen officers have been killed, up from the 13 deaths reported on Thursday.", ["13"]),
        ("The toll rose from 10 to 20.", ["10"]),
        ("The toll has risen to 19 from 13.", ["13"]),
        ("Thirteen officers were killed and 300 injured.", []),
    ],
)
def test_a_running_counts_previous_figure_is_marked(text: str, previous: list[str]) -> None:
    assert [q.words for q in find_quantities(text) if q.previous] == previous


def test_security_officers_are_the_umbrella_over_police_soldiers_and_guards() -> None:
    assert same_thing("law enforcement officers killed", "security officers killed")
    assert same_thing("police officers killed", "security officers killed")
    assert same_thing("servicemen killed", "security officers killed")
    # the members are not each other, and the umbrella still needs the same event
    assert not same_thing("police officers killed", "soldiers killed")
    assert not same_thing("servicemen injured", "security officers killed")


def test_a_strict_comparison_keeps_a_generic_count_off_a_specific_group() -> None:
    assert same_thing("people killed", "protesters killed")
    assert not same_thing("people killed", "protesters killed", generic=False)
    assert same_thing("people killed", "people killed", generic=False)
    assert same_thing("servicemen killed", "security officers killed", generic=False)


def test_taken_into_custody_is_counted_as_detained() -> None:
    [found] = find_quantities("roughly two thousand people had been taken into custody")
    assert found.what == "people detained"
    assert (found.range.low, found.range.high) == (1800, 2200)


def test_a_round_figure_stands_for_the_values_near_it() -> None:
    # copy rounds: "a 2,000 tip" for 2,084, "50 million" beside "over 50 million"
    assert figures_meet(2000, 2000, 2084, 2084)
    assert figures_meet(50_000_000, 50_000_000, 50_000_001, math.inf)
    assert near_span(2000, 2000) == (1900, 2100)
    # small or unround figures are exact; ranges are themselves
    assert not figures_meet(13, 13, 18, 18)
    assert not figures_meet(160, 160, 164, 164)
    assert not figures_meet(2000, 2000, 2200, 2200)
    assert near_span(1800, 2200) == (1800, 2200)
    assert Range(2000, 2000).meets(Range(2084, 2084))
    assert not Range(2000, 2000).overlaps(Range(2084, 2084))
