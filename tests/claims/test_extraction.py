"""Sentence splitting and attribution extraction (pure Python, no Django)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claims.engine.extraction import Statement, extract_statements, split_sentences

DEMO = Path(__file__).resolve().parents[2].parent / "shared" / "demo"


def only(text: str, publisher: str | None = None) -> Statement:
    statements = extract_statements(text, publisher)
    assert len(statements) == 1, [s.sentence.text for s in statements]
    return statements[0]


def last(text: str, publisher: str | None = None) -> Statement:
    return extract_statements(text, publisher)[-1]


# --- splitting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith met Mrs. Jones and Dr. Brown. They talked.",
            ["Mr. Smith met Mrs. Jones and Dr. Brown.", "They talked."],
        ),
        (
            "Gen. Lee arrived. The U.S. Army was ready. The U.N. council met on Jan. 6 in St. Louis.",
            [
                "Gen. Lee arrived.",
                "The U.S. Army was ready.",
                "The U.N. council met on Jan. 6 in St. Louis.",
            ],
        ),
        (
            "Inflation rose 1.5 per cent. Growth slowed.",
            ["Inflation rose 1.5 per cent.", "Growth slowed."],
        ),
        (
            "John F. Kennedy was shot in 1963. Lee H. Oswald was arrested.",
            ["John F. Kennedy was shot in 1963.", "Lee H. Oswald was arrested."],
        ),
        (
            "\u201cDozens of assailants were eliminated,\u201d police spokesman Saltanat Azirbek "
            "said. Calm returned.",
            [
                "\u201cDozens of assailants were eliminated,\u201d police spokesman Saltanat Azirbek"
                " said.",
                "Calm returned.",
            ],
        ),
        (
            '"We left." she said. "Then we came back."',
            ['"We left." she said.', '"Then we came back."'],
        ),
        (
            "He paused... then left. It was over\u2026 Nobody spoke.",
            ["He paused... then left.", "It was over\u2026", "Nobody spoke."],
        ),
        (
            "Outrage over fuel prices\n\nProtests spread across the nation.",
            ["Outrage over fuel prices", "Protests spread across the nation."],
        ),
        (
            "What's behind the unrest?\nPowered by automated translation\nBody text. More.",
            [
                "What's behind the unrest?",
                "Powered by automated translation",
                "Body text.",
                "More.",
            ],
        ),
        (
            "A hard-wrapped line that continues\non the next line. Done.",
            ["A hard-wrapped line that continues\non the next line.", "Done."],
        ),
        (
            "He moved to the U.S. The weather was better.",
            ["He moved to the U.S.", "The weather was better."],
        ),
        ("Is it true? Yes! Absolutely.", ["Is it true?", "Yes!", "Absolutely."]),
        ("", []),
        ("   \n\n  ", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected


def test_sentence_offsets_point_into_the_input() -> None:
    text = "  Heading\n\nFirst one. Second, \u201cquoted.\u201d\n\nThird on\na wrapped line."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Heading",
        "First one.",
        "Second, \u201cquoted.\u201d",
        "Third on\na wrapped line.",
    ]
    for s in sentences:
        assert text[s.start : s.end] == s.text


# --- single-sentence attribution ------------------------------------------------------------

SINGLE_CASES = [
    # (text, publisher, expected fields)
    (
        "\u201cDozens of assailants were eliminated,\u201d police spokesman Saltanat Azirbek said.",
        None,
        {"speaker": "Saltanat Azirbek", "speaker_role": "police spokesman", "cue": "said"},
    ),
    (
        "About 2,000 people were detained in Almaty, Tass news agency quoted the Interior "
        "Ministry as saying on Thursday.",
        None,
        {
            "speaker": "Interior Ministry",
            "relays": ("Tass",),
            "cue": "quoted as saying",
            "hedges": ("about",),
        },
    ),
    (
        "Troops entered the main square, Reuters correspondents reported from the scene.",
        "Reuters",
        {"speaker": None, "first_hand": True, "cue": "reported", "relays": ()},
    ),
    (
        # A wire's reporters seen from another publisher: the wire, with the member as role.
        "Troops entered the main square, Reuters correspondents reported from the scene.",
        "The National",
        {
            "speaker": "Reuters",
            "speaker_role": "correspondents",
            "cue": "reported",
            "first_hand": False,
        },
    ),
    (
        "Gunshots were heard as troops approached the crowd, according to Reuters witnesses.",
        None,
        {"speaker": "Reuters", "cue": "according to", "first_hand": False},
    ),
    (
        "Gunshots were heard as troops approached the crowd, according to Reuters witnesses.",
        "Reuters",
        {"speaker": None, "cue": "according to", "first_hand": True},
    ),
    (
        "Almaty's airport was reportedly overrun by anti-government protesters on Wednesday.",
        None,
        {"speaker": None, "cue": None, "first_hand": True, "hedges": ("reportedly",)},
    ),
    (
        "Kazakh President Kassym-Jomart Tokayev said in an address to the nation early on "
        "Thursday that he had appealed for help.",
        None,
        {"speaker": "Kassym-Jomart Tokayev", "speaker_role": "Kazakh President", "cue": "said"},
    ),
    (
        "The organisation's chairman, Armenian Prime Minister Nikol Pashinyan, said on Facebook "
        "that the alliance would send forces.",
        None,
        {
            "speaker": "Nikol Pashinyan",
            "speaker_role": "Armenian Prime Minister",
            "relays": ("Facebook",),
            "cue": "said",
        },
    ),
    ("The ministry denied the report.", None, {"speaker": "ministry", "cue": "denied"}),
    (
        "The claim could not be independently verified.",
        None,
        {"speaker": None, "first_hand": True, "hedges": ("could not be independently verified",)},
    ),
    (
        "The figures have not been independently verified, and it is claimed that some 300 died.",
        None,
        {"hedges": ("have not been independently verified", "it is claimed", "some")},
    ),
    (
        "Diplomatic sources said the talks had collapsed.",
        None,
        {"speaker": "Diplomatic sources", "cue": "said", "hedges": ("sources say",)},
    ),
    # Speaker-first and speaker-last forms.
    ("John Smith said that the bridge was closed.", None, {"speaker": "John Smith", "cue": "said"}),
    ("The bridge was closed, John Smith said.", None, {"speaker": "John Smith", "cue": "said"}),
    (
        "The bridge was closed, said John Smith, a spokesman for the council.",
        None,
        {"speaker": "John Smith", "speaker_role": "spokesman for the council", "cue": "said"},
    ),
    (
        '"We will not give up," said Maria Lopez, 34, a nurse.',
        None,
        {"speaker": "Maria Lopez", "speaker_role": "nurse", "cue": "said"},
    ),
    (
        "According to the Interior Ministry, 2,000 people were detained.",
        None,
        {"speaker": "Interior Ministry", "cue": "according to", "relays": ()},
    ),
    (
        "John Smith told the BBC that the bridge was closed.",
        None,
        {"speaker": "John Smith", "relays": ("BBC",), "cue": "told"},
    ),
    (
        "John Smith told reporters that the bridge was closed.",
        None,
        {"speaker": "John Smith", "relays": (), "cue": "told"},
    ),
    (
        "The governor was quoted by Interfax as saying the plant was safe.",
        None,
        {"speaker": "governor", "relays": ("Interfax",), "cue": "quoted as saying"},
    ),
    (
        "Interfax quoted Governor Ivan Petrov as saying the plant was safe.",
        None,
        {
            "speaker": "Ivan Petrov",
            "speaker_role": "Governor",
            "relays": ("Interfax",),
            "cue": "quoted as saying",
        },
    ),
    (
        "The state-run RIA news agency reported, citing the defence ministry, that three drones "
        "were shot down.",
        None,
        {"speaker": "defence ministry", "relays": ("RIA",), "cue": "citing"},
    ),
    (
        "The ministry said 2,000 people were detained, according to Tass.",
        None,
        {"speaker": "ministry", "relays": ("Tass",), "cue": "said"},
    ),
    ("The army claimed it had retaken the town.", None, {"speaker": "army", "cue": "claimed"}),
    (
        "Acme Corp announced record profits on Monday.",
        None,
        {"speaker": "Acme Corp", "cue": "announced"},
    ),
    ("The minister stated that taxes would rise.", None, {"speaker": "minister", "cue": "stated"}),
    ("The police confirmed two arrests.", None, {"speaker": "police", "cue": "confirmed"}),
    ("The mayor insisted the water was safe.", None, {"speaker": "mayor", "cue": "insisted"}),
    ("Activists alleged that ballots were destroyed.", None, {"cue": "alleged"}),
    (
        "A Lufthansa spokesperson said flights were suspended.",
        None,
        {"speaker": "Lufthansa", "speaker_role": "spokesperson", "cue": "said"},
    ),
    (
        "Sen. John Doe said he was concerned about the bill.",
        None,
        {"speaker": "John Doe", "cue": "said", "hedges": ()},
    ),
    (
        "Our correspondent saw dozens of tanks on the road.",
        None,
        {"speaker": None, "first_hand": True, "cue": "saw"},
    ),
    # Cues inside quotations and cue-like words without a subject are not attributions.
    (
        "\u201cThey said nothing,\u201d the statement read.",
        None,
        {"speaker": None, "cue": None, "first_hand": True},
    ),
    (
        "He refused to say whether the talks would continue.",
        None,
        {"speaker": None, "cue": None, "first_hand": True},
    ),
    (
        "The decision was reported on Monday.",
        None,
        {"speaker": None, "cue": None, "first_hand": True},
    ),
    (
        "Officials were concerned about the protests.",
        None,
        {"speaker": None, "hedges": ()},
    ),
    (
        "A protester who gave her name as Saule told AFP she had watched soldiers shoot into "
        "the crowd.",
        "The Guardian",
        {"speaker": "Saule", "speaker_role": "protester", "relays": ("AFP",)},
    ),
    (
        "Troops moved into the central square early on Thursday, Reuters reported, citing its "
        "correspondents at the scene.",
        "The Guardian",
        {"speaker": "Reuters correspondents", "relays": ()},
    ),
]


@pytest.mark.parametrize(
    ("text", "publisher", "expected"),
    SINGLE_CASES,
    ids=[case[0][:48] for case in SINGLE_CASES],
)
def test_single_sentence_attribution(text: str, publisher: str | None, expected: dict) -> None:
    statement = only(text, publisher)
    actual = {key: getattr(statement, key) for key in expected}
    assert actual == expected


def test_pronoun_they_resolves_to_the_police_subject_and_keeps_the_media_relay() -> None:
    statement = only(
        "Police in Kazakhstan killed \u201cdozens\u201d of protesters overnight when they tried "
        "to storm buildings in the country's biggest city, Almaty, they told local media on "
        "Thursday."
    )
    assert statement.speaker is not None
    assert "police" in statement.speaker.lower()
    assert statement.relays == ("local media",)
    assert statement.cue == "told"
    assert not statement.first_hand


def test_she_told_afp_resolves_to_the_named_woman_and_quote_continues() -> None:
    text = (
        "Saule, a 58-year-old construction worker, said she was stunned.\n\n"
        '"We saw the deaths," she told AFP. "Straight away about 10 were killed."'
    )
    first, told, continued = extract_statements(text)
    assert (first.speaker, first.speaker_role) == ("Saule", "58-year-old construction worker")
    assert (told.speaker, told.relays, told.cue) == ("Saule", ("AFP",), "told")
    assert (continued.speaker, continued.relays) == ("Saule", ("AFP",))
    assert continued.hedges == ("about",)
    assert not continued.first_hand


def test_quote_continuation_needs_a_bare_quotation_after_an_attributed_one() -> None:
    text = (
        '"We call for calm," the British Foreign Office said.\n\n'
        '"We also call for a resumption of internet services."\n\n'
        "The protests continued."
    )
    said, continued, plain = extract_statements(text)
    assert said.speaker == continued.speaker == "British Foreign Office"
    assert plain.speaker is None and plain.first_hand


def test_opening_sentences_of_a_multi_sentence_quote_take_the_closing_attribution() -> None:
    text = (
        "\u201cLast night, extremist forces tried to assault buildings. Dozens of assailants were "
        "eliminated,\u201d police spokesman Saltanat Azirbek said."
    )
    opening, closing = extract_statements(text)
    assert opening.speaker == closing.speaker == "Saltanat Azirbek"
    assert opening.cue == "said"


def test_follow_up_from_a_member_of_the_same_source_inherits_the_relay() -> None:
    text = (
        "Police killed dozens of protesters, they told local media.\n\n"
        "\u201cDozens of assailants were eliminated,\u201d police spokesman Saltanat Azirbek said."
    )
    _, follow_up = extract_statements(text)
    assert follow_up.speaker == "Saltanat Azirbek"
    assert follow_up.relays == ("local media",)


def test_unrelated_speaker_does_not_inherit_the_relay() -> None:
    text = '"We saw it," she told AFP.\n\nThe ministry denied the report.'
    assert last(text).relays == ()


def test_spokesperson_for_the_company_resolves_to_the_company_named_earlier() -> None:
    text = (
        "German airline Lufthansa on Thursday said it was no longer offering flights.\n\n"
        '"We have decided not to offer flights," a spokesperson for the company told Reuters.'
    )
    airline, spokesperson = extract_statements(text)
    assert (airline.speaker, airline.speaker_role) == ("Lufthansa", "German airline")
    assert spokesperson.speaker == "Lufthansa"
    assert spokesperson.speaker_role == "spokesperson"
    assert spokesperson.relays == ("Reuters",)


def test_relay_naming_the_publisher_is_dropped() -> None:
    text = '"Flights are suspended," a Lufthansa spokesperson told Reuters.'
    assert only(text, "Reuters").relays == ()
    assert only(text, "The National").relays == ("Reuters",)


def test_the_publishers_own_check_makes_unnamed_witnesses_its_own_reporting() -> None:
    vouched = (
        "Security forces shot and killed several dozen armed men, three witnesses told "
        "The Associated Press, and video reviewed by the AP showed bodies in the courtyard."
    )
    statement = only(vouched, "Associated Press")
    assert (statement.speaker, statement.first_hand, statement.cue) == (None, True, "told")
    # Without the publisher's own check the witnesses stay the origin.
    assert only("Dozens were shot dead, three witnesses told the AP.", "Reuters").speaker


def test_a_named_speaker_keeps_a_sentence_the_publisher_also_checked() -> None:
    text = "The police said 20 were killed, and AFP correspondents on the square counted 12 bodies."
    statement = only(text, "Agence France-Presse")
    assert (statement.speaker, statement.first_hand) == ("police", False)


def test_records_the_publisher_reviewed_are_its_own_reporting() -> None:
    text = (
        "All the aircraft stayed at their stands, according to airport records and "
        "photographs reviewed by Reuters."
    )
    statement = only(text, "Reuters")
    assert (statement.speaker, statement.first_hand) == (None, True)


def test_the_publishers_own_count_is_not_the_official_figure_it_matches() -> None:
    text = (
        "A Meridian reporter at the city morgue counted 27 bodies by noon, in line with the "
        "official figure."
    )
    assert only(text, "Meridian Press Agency").first_hand
    assert not only(text, "Northmark Today").first_hand


def test_repeated_and_reiterated_attribute_a_sentence() -> None:
    text = "Pavel Orsk repeated on Thursday that inspectors had visited the building."
    assert (only(text).speaker, only(text).cue) == ("Pavel Orsk", "repeated")


def test_an_agency_is_named_without_its_generic_last_words() -> None:
    assert only("Three people were hurt, Anadolu said.", "Anadolu Agency").first_hand
    assert only("Three people were hurt, Kyodo reported.", "Kyodo News").first_hand


def test_initials_match_only_in_capitals() -> None:
    # ABC News's initials are AN: "an official" is not the publisher.
    assert only("Three people were hurt, an official said.", "ABC News").speaker == "official"


def test_the_publishers_initials_name_it() -> None:
    assert only("Three people were hurt, the AP said.", "Associated Press").first_hand
    assert only("Three people were hurt, AFP said.", "Agence France-Presse").first_hand
    assert not only("Three people were hurt, AFP said.", "Associated Press").first_hand


def test_definite_description_resolves_to_an_earlier_name() -> None:
    text = (
        "Tass quoted the Interior Ministry as saying 2,000 were held.\n\n"
        "The ministry denied the report."
    )
    assert last(text).speaker == "Interior Ministry"


def test_honorific_surname_and_pronoun_resolve_to_the_full_name() -> None:
    text = (
        "Kazakh President Kassym-Jomart Tokayev said help was on the way.\n\n"
        "Nikol Pashinyan said on Facebook that troops would be sent.\n\n"
        "Mr Tokayev tried to avert further unrest.\n\n"
        "He said he was taking over the Security Council."
    )
    statements = extract_statements(text)
    assert statements[2].speaker is None
    # "He" follows the subject of the sentence before, not the latest speaker (Pashinyan).
    assert statements[3].speaker == "Kassym-Jomart Tokayev"


def test_pronoun_it_resolves_to_an_organisation_or_country() -> None:
    text = "Britain said it was concerned.\n\nIt said protests should be peaceful."
    assert last(text).speaker == "Britain"


def test_indefinite_description_is_matched_to_a_name_given_shortly_after() -> None:
    text = (
        "Overnight, a Russian-led military alliance said it would send troops.\n\n"
        "The president appealed to the Russia-led Collective Security Treaty Organisation."
    )
    first = extract_statements(text)[0]
    assert first.speaker == "Collective Security Treaty Organisation"
    assert first.speaker_role == "Russian-led military alliance"


def test_unmatched_description_stays_as_written() -> None:
    statement = only("Overnight, a regional alliance said it would send troops.")
    assert statement.speaker == "regional alliance"


def test_official_figures_are_attributed_to_officials() -> None:
    statement = only(
        "By the afternoon, the official death toll stood at 13 officers, including two who "
        "were allegedly decapitated."
    )
    assert (statement.speaker, statement.first_hand) == ("officials", False)
    assert statement.hedges == ("allegedly",)


@pytest.mark.parametrize(
    ("text", "hedges"),
    [
        ("About 2,000 people were detained.", ("about",)),
        ("They were concerned about the violence.", ()),
        ("Around 50 homes and approximately 300 cars burned.", ("around", "approximately")),
        ("The protests spread around the country.", ()),
        ("At least a dozen died, according to unconfirmed reports.", ("at least", "unconfirmed")),
        (
            "The suspect allegedly fled; he is believed to be abroad.",
            ("allegedly", "is believed to"),
        ),
    ],
)
def test_hedges(text: str, hedges: tuple[str, ...]) -> None:
    assert only(text).hedges == hedges


def test_one_statement_per_sentence_in_order() -> None:
    text = "Heading\n\nFirst. Second, he said. Third."
    statements = extract_statements(text)
    assert [s.sentence.text for s in statements] == [
        "Heading",
        "First.",
        "Second, he said.",
        "Third.",
    ]
    assert [s.sentence for s in statements] == split_sentences(text)


def _matches(expected: dict, speaker: str | None) -> bool:
    if speaker is None:
        return False
    got = speaker.lower()
    for key in ("name", "organisation"):
        want = (expected.get(key) or "").lower()
        if want and (want in got or got in want):
            return True
    return False


@pytest.mark.shared_data
def test_demo_article_matches_the_reference_reading() -> None:
    article, reference = DEMO / "almaty-2022-01-06.txt", DEMO / "almaty-2022-01-06.claims.json"
    if not (article.exists() and reference.exists()):
        pytest.skip(f"demo article not available under {DEMO} (../shared is outside the repo)")
    data = json.loads(reference.read_text(encoding="utf-8"))
    statements = extract_statements(article.read_text(encoding="utf-8"), data["publisher"])

    problems = []
    checked = 0
    for claim in data["claims"]:
        if not claim["key"]:
            continue
        hits = [s for s in statements if claim["phrase"] in s.sentence.text]
        if not hits:
            problems.append(f"no sentence contains {claim['phrase']!r}")
            continue
        statement = hits[0]
        checked += 1
        claimant = claim["claimant"]
        if claimant is None:
            if statement.speaker is not None or not statement.first_hand:
                problems.append(f"{claim['phrase']!r}: expected unattributed, got {statement}")
        else:
            if not _matches(claimant, statement.speaker):
                problems.append(
                    f"{claim['phrase']!r}: speaker {statement.speaker!r}, want {claimant['name']!r}"
                )
            want_relays = [r.lower() for r in claim["relay"]]
            if [r.lower() for r in statement.relays] != want_relays:
                problems.append(
                    f"{claim['phrase']!r}: relays {statement.relays!r}, want {claim['relay']!r}"
                )
        missing = set(claim["hedges"]) - set(statement.hedges)
        if missing:
            problems.append(f"{claim['phrase']!r}: hedges {statement.hedges!r} miss {missing}")
    assert checked >= 10
    assert not problems, "\n".join(problems)


def test_a_cue_inside_a_clause_of_time_does_not_attribute_the_sentence() -> None:
    statement = only(
        "Mayor Clara Voss was arrested at the airport on Tuesday night, hours after the "
        "anti-corruption bureau said it had opened an inquiry.",
        "Meridian",
    )
    assert statement.speaker in (None, "Meridian")


def test_a_dateline_dash_is_not_part_of_the_speaker() -> None:
    statement = only(
        "DUBAI, Jan 5 (Reuters) - Dubai budget carrier flydubai said on Wednesday it had "
        "suspended flights to Almaty.",
        "Reuters",
    )
    assert statement.speaker is not None and not statement.speaker.startswith("-")


@pytest.mark.parametrize(
    "text",
    [
        "Police said 30 were hurt, according to \u2014.",
        "It happened, X said, according to ' .",
        "\u201cWe left,\u201d said, .",
        "Protesters were hurt,\u201d said,",
    ],
)
def test_garbled_attributions_are_read_without_raising(text: str) -> None:
    # A relay that is only punctuation, a cue followed by nothing but commas: scraped copy has
    # both, and the worker must still read the report.
    statements = extract_statements(text)
    assert [s.sentence.text for s in statements] == [text.strip()]
