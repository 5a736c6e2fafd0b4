"""Claims proposed from an article (claims.engine.proposals, pure Python, no Django): one small
hand-written passage per construction."""

from __future__ import annotations

import pytest

from claims.engine.proposals import PROPOSE_AT, Proposal, propose_claims


def one(text: str, publisher: str | None = None, **kwargs: float) -> Proposal:
    proposals = propose_claims(text, publisher, **kwargs)
    assert len(proposals) == 1, [(p.statement, p.score) for p in proposals]
    return proposals[0]


def in_order(text: str, publisher: str | None = None) -> list[Proposal]:
    return sorted(propose_claims(text, publisher, min_score=0), key=lambda p: p.start)


def covers(text: str, p: Proposal, words: str) -> bool:
    return words in text[p.start : p.end]


# --- direct, indirect and mixed quotes ---------------------------------------------------------


def test_a_direct_quote_gives_the_quoted_words_and_the_titled_speaker() -> None:
    text = (
        "\u201cDozens of assailants were eliminated,\u201d police spokesman Saltanat Azirbek said."
    )
    p = one(text)
    assert p.statement == "Dozens of assailants were eliminated"
    assert p.kind == "quote"
    assert p.claimant is not None
    assert (p.claimant.name, p.claimant.role, p.claimant.organisation) == (
        "Saltanat Azirbek",
        "police spokesman",
        "police",
    )
    assert p.cue == "said"
    assert text[p.start : p.end].strip("\u201c\u201d,") == p.statement
    assert [(q.text, q.low, q.high) for q in p.quantities] == [("Dozens", 24, 99)]


def test_an_indirect_quote_gives_the_reported_clause_and_the_channel_as_relay() -> None:
    text = (
        "The organisation's chairman, Armenian Prime Minister Nikol Pashinyan, said on Facebook "
        "that the alliance would send peacekeepers for a limited period."
    )
    p = one(text)
    assert p.statement == "the alliance would send peacekeepers for a limited period"
    assert p.kind == "paraphrase"
    assert p.claimant is not None and p.claimant.name == "Nikol Pashinyan"
    assert p.relays == ("Facebook",)
    assert text[p.start : p.end] == p.statement


def test_a_mixed_quote_keeps_its_quoted_words() -> None:
    text = "Mayor Ilse Brandt said that \u201cvandals\u201d had wrecked 40 bus shelters overnight."
    p = one(text)
    assert p.kind == "mixed"
    assert p.statement == "\u201cvandals\u201d had wrecked 40 bus shelters overnight"
    assert p.claimant is not None and p.claimant.name == "Ilse Brandt"


def test_a_relayed_report_names_the_relay_and_the_original_speaker() -> None:
    text = (
        "About 2,000 people were detained in the capital, Tass news agency quoted the Interior "
        "Ministry as saying on Thursday."
    )
    p = one(text)
    assert p.statement == "About 2,000 people were detained in the capital"
    assert p.claimant is not None and p.claimant.name == "Interior Ministry"
    assert p.relays == ("Tass",)
    assert "about" in p.hedges
    assert [(q.low, q.high) for q in p.quantities] == [(1800, 2200)]


def test_a_passive_quotation_with_the_content_after_it() -> None:
    text = (
        "Transport Minister Adrian Polo was quoted by the state news agency Tanjug-M as saying "
        "that an inquiry had been opened."
    )
    p = one(text)
    assert p.statement == "an inquiry had been opened"
    assert p.claimant is not None and p.claimant.name == "Adrian Polo"
    assert p.relays == ("Tanjug-M",)


def test_according_to_an_unnamed_member_of_an_outlet() -> None:
    text = "Gunshots were heard as troops approached the crowd, according to Reuters witnesses."
    p = one(text, "The National")
    assert p.statement == "Gunshots were heard as troops approached the crowd"
    assert p.claimant is not None
    assert (p.claimant.name, p.claimant.role, p.claimant.organisation) == (
        None,
        "witnesses",
        "Reuters",
    )


# --- quotes over several sentences and speakers from earlier sentences -------------------------


def test_a_quote_spanning_sentences_is_one_claim() -> None:
    text = (
        "\u201cExtremist forces tried to assault the city police department. Dozens of "
        "assailants were eliminated,\u201d police spokesman Saltanat Azirbek said."
    )
    p = one(text)
    assert p.kind == "quote"
    assert p.statement == (
        "Extremist forces tried to assault the city police department. Dozens of assailants "
        "were eliminated"
    )
    assert covers(text, p, "Extremist forces") and covers(text, p, "were eliminated")


def test_a_bare_quote_continues_the_voice_and_relay_of_the_one_before() -> None:
    text = (
        "Saule, a 58-year-old construction worker, said she took part in the protests.\n\n"
        '"We saw the deaths," she told AFP. "Straight away about 10 were killed."'
    )
    quotes = [p for p in in_order(text) if p.kind == "quote"]
    assert len(quotes) == 1
    p = quotes[0]
    assert p.statement == "We saw the deaths. Straight away about 10 were killed."
    assert p.relays == ("AFP",)
    assert [(q.low, q.high) for q in p.quantities] == [(9, 11)]


def test_he_said_is_the_person_named_before() -> None:
    text = (
        "Kazakh President Kassym-Jomart Tokayev said in an address on Thursday that he had "
        "asked allies for help. He said rebels had commandeered five planes at the airport."
    )
    planes = next(p for p in in_order(text) if "planes" in p.statement)
    assert planes.claimant is not None
    assert planes.claimant.name == "Kassym-Jomart Tokayev"
    # The role given at the first mention holds for the later one.
    assert planes.claimant.role == "Kazakh President"
    assert planes.statement == "rebels had commandeered five planes at the airport"


def test_a_speaker_after_a_closing_quote_and_a_relative_clause() -> None:
    text = (
        "\u201cMy brother called me from the deck. He said the boat was tilting,\u201d said "
        "Nadia Selim, 34, whose brother is among the missing."
    )
    p = one(text)
    assert p.claimant is not None and p.claimant.name == "Nadia Selim"
    assert p.statement == "My brother called me from the deck. He said the boat was tilting"


def test_a_described_speaker_behind_a_relative_clause() -> None:
    text = (
        "But a former crew member, who asked not to be named, told the Tarsel Daily newspaper "
        "that the ferry had been carrying more passengers than it was licensed for."
    )
    p = one(text)
    assert p.claimant is not None
    assert (p.claimant.name, p.claimant.role) == (None, "former crew member")
    assert p.relays == ("Tarsel Daily",)


# --- how sentences become claims ---------------------------------------------------------------


def test_said_a_and_that_b_is_two_claims() -> None:
    text = (
        "Governor Anna Lind said floods had cut 12 roads, and that the army was \u201cfighting "
        "the water\u201d near the city."
    )
    first, second = in_order(text)
    assert first.statement == "floods had cut 12 roads"
    assert second.statement == "the army was \u201cfighting the water\u201d near the city"
    assert first.claimant == second.claimant
    assert (first.kind, second.kind) == ("paraphrase", "mixed")


def test_a_lede_and_the_quote_that_backs_it_are_one_claim() -> None:
    text = (
        "German airline Lufthansa said it was no longer offering regular flights to Almaty.\n\n"
        '"Lufthansa has decided not to offer any more regular flights to Almaty until further '
        'notice," a spokesperson for the company told Reuters.'
    )
    p = one(text)
    assert covers(text, p, "no longer offering") and covers(text, p, "until further notice")
    assert p.claimant is not None
    assert (p.claimant.name, p.claimant.role, p.claimant.organisation) == (
        None,
        "spokesperson",
        "Lufthansa",
    )
    assert p.relays == ("Reuters",)


def test_a_quote_on_another_subject_is_not_merged_into_the_paraphrase_before_it() -> None:
    text = (
        "Mayor Ilse Brandt said 40 bus shelters had been wrecked.\n\n"
        '"I intend to act as tough as possible," Ms Brandt warned.'
    )
    proposals = in_order(text)
    assert len(proposals) == 2


def test_content_on_both_sides_of_an_adding_that() -> None:
    text = (
        "We are deeply saddened by the loss of life, the European Commission said, adding that "
        "it was ready to help."
    )
    p = one(text, min_score=0)
    assert p.statement == "We are deeply saddened by the loss of life. it was ready to help"


def test_titles_and_standfirsts_are_not_read() -> None:
    text = (
        "'Dozens' of protesters killed by police\n\n"
        "Country has long been regarded as stable\n\n"
        "Police said 30 protesters had died."
    )
    p = one(text, min_score=0)
    assert p.statement == "30 protesters had died"


# --- hedges --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hedge"),
    [
        ("Two officers were allegedly beheaded, the ministry said.", "allegedly"),
        ("The airport was reportedly overrun by protesters on Wednesday.", "reportedly"),
        ("About 300 people were arrested, police said.", "about"),
        ("At least 13 officers were killed, the ministry said.", "at least"),
    ],
)
def test_hedges(text: str, hedge: str) -> None:
    assert hedge in one(text).hedges


def test_an_open_ended_figure_has_no_upper_bound() -> None:
    p = one("At least 13 officers were killed, the ministry said.")
    assert [(q.low, q.high) for q in p.quantities] == [(13, None)]
    assert p.as_dict()["quantities"] == [
        {"what": "officers killed", "text": "At least 13", "low": 13, "high": None}
    ]


def test_a_sourcing_note_hedges_the_claim_before_it_and_is_no_claim_itself() -> None:
    text = (
        "A former crew member told the Tarsel Daily that the ferry was overloaded. The claim "
        "could not be independently verified."
    )
    proposals = propose_claims(text)
    assert len(proposals) == 1
    assert "could not be independently verified" in proposals[0].hedges


# --- check-worthiness ---------------------------------------------------------------------------


def test_facts_with_named_claimants_and_figures_rank_above_colour_and_opinion() -> None:
    text = (
        "Saule, a construction worker, said she was stunned by the violence.\n\n"
        "Britain said protests should be peaceful.\n\n"
        '"We call for calm," the British Foreign Office said.\n\n'
        "Police spokesman Ivan Orlov said 30 protesters were detained.\n\n"
        "The airport was reportedly overrun on Wednesday.\n\n"
        "The protests spread across the country this week."
    )
    everything = propose_claims(text, min_score=0)
    assert everything[0].statement == "30 protesters were detained"
    assert everything[0].score == pytest.approx(0.9)
    assert any("figure" in r for r in everything[0].reasons)
    proposed = propose_claims(text)
    assert [p.statement for p in proposed] == [
        "30 protesters were detained",
        "The airport was reportedly overrun on Wednesday",
    ]
    colour = {p.statement: p for p in everything if p.score < PROPOSE_AT}
    assert any("a feeling" in r for r in colour["she was stunned by the violence"].reasons)
    assert any("ought" in r for r in colour["protests should be peaceful"].reasons)
    assert any("own stance" in r for r in colour["We call for calm"].reasons)
    # The publisher's own plain statement is background, not a proposal.
    background = colour["The protests spread across the country this week"]
    assert any("publisher's own voice" in r for r in background.reasons)


def test_the_dict_form_has_every_field() -> None:
    p = one("Police spokesman Ivan Orlov told AFP that 30 protesters were detained.")
    d = p.as_dict()
    assert set(d) == {
        "statement", "claimant", "relays", "cue", "hedges", "quantities", "span", "kind",
        "score", "reasons",
    }  # fmt: skip
    assert d["claimant"] == {
        "name": "Ivan Orlov",
        "role": "Police spokesman",
        "organisation": "Police",
    }
    assert d["relays"] == ["AFP"]
    assert d["span"] == {"start": p.start, "end": p.end}


GARBLE = (
    "Police said 30 people were hurt . Mr Orlov told AFP that , according to \u2014 the "
    "\u201c \u201d \" ' \u2019 ? -- quoted as saying , adding that and that citing he said "
    "was quoted by reported, said, \n \n\n Kazakh President Tokayev"
)


def test_garbled_text_never_raises_and_spans_stay_inside_it() -> None:
    # POST /api/extract/ reads whatever is pasted: scraped menus, half quotes, stray cues.
    import random

    rng = random.Random(11)
    pieces = GARBLE.split(" ")
    for _ in range(500):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        for p in propose_claims(text, min_score=0):
            assert 0 <= p.start <= p.end <= len(text)
            p.as_dict()
