"""Resolving speaker and publisher labels to the sources the desk already has (issue 13,
deliverable 4): names, aliases, domains and normalised forms, the story's country for bare
offices, and new sources placed under the organisation the text names."""

from __future__ import annotations

import pytest

from sources.models import Source, SourceAlias
from sources.names import is_bare_office, name_key
from sources.selectors import source_resolve
from sources.services import source_for_label, source_upsert
from tests.factories import make_source

pytestmark = pytest.mark.django_db


def resolved(label: str, country: str = "") -> str | None:
    found = source_resolve(label=label, country=country)
    return found.name if found is not None else None


@pytest.fixture
def kazakhstan():
    government = source_upsert(
        name="Government of Kazakhstan",
        kind="government_body",
        grade="C",
        country="KZ",
        aliases=("Kazakh authorities",),
    )
    ministry = source_upsert(
        name="Interior Ministry of Kazakhstan",
        kind="government_body",
        grade="C",
        country="KZ",
        parent=government,
        aliases=("Interior Ministry",),
    )
    return government, ministry


@pytest.mark.parametrize(
    "label",
    [
        "Kazakhstan's interior ministry",
        "Kazakhstan\u2019s Interior Ministry",  # typographic apostrophe
        "Interior Ministry of Kazakhstan",
        "the interior ministry of Kazakhstan",
        "Kazakh interior ministry",
        "Kazakhstani Interior Ministry",
        "the Ministry of Internal Affairs of the Republic of Kazakhstan",
        "KAZAKHSTAN'S INTERIOR MINISTRY.",
    ],
)
def test_the_issues_interior_ministry_is_found_however_it_is_written(kazakhstan, label):
    assert resolved(label) == "Interior Ministry of Kazakhstan"


def test_keys_fold_case_punctuation_articles_possessives_and_order():
    assert name_key("The Associated Press") == name_key("associated press")
    assert name_key("A.P.") == name_key("AP")
    assert name_key("Ministry of Health") == name_key("the health ministry")
    assert name_key("U.S. State Department") == name_key("State Department of the United States")
    assert name_key("Russian government") == name_key("Government of Russia")
    assert name_key("Health Ministry") != name_key("Interior Ministry")


def test_names_aliases_domains_and_abbreviations():
    reuters = source_upsert(
        name="Reuters", grade="A", aliases=("Thomson Reuters",), domains=("reuters.com",)
    )
    rferl = source_upsert(name="Radio Free Europe/Radio Liberty", grade="B", country="US")
    assert source_resolve(label="thomson reuters") == reuters
    assert source_resolve(label="uk.reuters.com") == reuters
    assert source_resolve(label="Reuters.") == reuters
    assert source_resolve(label="RFE/RL") == rferl  # the initials of a name of 3+ words
    assert source_resolve(label="Nobody we know") is None


def test_an_ambiguous_abbreviation_resolves_to_nothing():
    make_source(name="Kazakh Press Club")
    make_source(name="Kyiv Peace Council")
    assert resolved("KPC") is None


def test_an_exact_name_beats_a_normalised_match():
    make_source(name="Times")
    make_source(name="The Times")
    assert resolved("The Times") == "The Times"
    assert resolved("TIMES") == "Times"


def test_someone_unnamed_is_not_the_outlet_that_shares_the_noun():
    make_source(name="The Economist", kind="newspaper")
    assert resolved("The Economist") == "The Economist"
    assert resolved("an economist") is None
    new = source_for_label(label="an economist")
    assert new.name == "an economist" and new.parent is None


def test_a_bare_country_speaks_as_its_government(kazakhstan):
    assert resolved("Kazakhstan") == "Government of Kazakhstan"
    assert resolved("the Kazakh government") == "Government of Kazakhstan"


def test_a_bare_office_resolves_within_the_storys_country(kazakhstan):
    russia = make_source(name="Government of Russia", kind="government_body", country="RU")
    russian_health = make_source(name="Ministry of Health of Russia", country="RU", parent=russia)
    kazakh_health = make_source(name="Health Ministry of Kazakhstan", country="KZ")
    assert is_bare_office("the health ministry") and not is_bare_office("Kazakh health ministry")
    assert resolved("the health ministry", "KZ") == kazakh_health.name
    assert resolved("the Ministry of Health", "RU") == russian_health.name
    # Without the story's country "the health ministry" could be either.
    assert resolved("the health ministry") is None
    # "Interior Ministry" is an alias of Kazakhstan's ministry: it is that ministry in a
    # Kazakh story or when no country is known, never in a Russian one.
    assert resolved("the interior ministry", "KZ") == "Interior Ministry of Kazakhstan"
    assert resolved("the interior ministry") == "Interior Ministry of Kazakhstan"
    assert resolved("the interior ministry", "RU") is None
    # A label that names its country is not moved by the hint.
    assert resolved("Kazakhstan's interior ministry", "RU") == "Interior Ministry of Kazakhstan"


def test_a_bare_office_in_a_story_becomes_that_countrys_office(kazakhstan):
    government, _ = kazakhstan
    health = source_for_label(label="the health ministry", country="KZ")
    assert (health.name, health.country, health.kind, health.grade) == (
        "Health Ministry of Kazakhstan",
        "KZ",
        "government_body",
        "F",
    )
    assert health.parent == government
    assert health.grade_source == Source.GradeSource.UNRATED
    assert source_for_label(label="Kazakhstan's health ministry") == health
    assert source_for_label(label="Ministry of Health", country="KZ") == health
    # The same words in a Russian story are another ministry, not this one.
    assert source_for_label(label="the health ministry", country="RU") != health


def test_a_new_part_of_a_known_organisation_is_created_under_it(kazakhstan):
    government, ministry = kazakhstan
    reuters = source_upsert(name="Reuters", kind="news_agency", grade="A", country="GB")

    health = source_for_label(label="Kazakhstan's health ministry")
    assert (health.parent, health.country, health.kind) == (government, "KZ", "government_body")

    bureau = source_for_label(label="Reuters' Moscow bureau")
    assert bureau.parent == reuters and bureau.grade == "F"

    witnesses = source_for_label(label="Reuters witnesses")
    assert (witnesses.parent, witnesses.kind) == (reuters, "eyewitness")

    spokesman = source_for_label(label="spokesman of the interior ministry")
    assert (spokesman.parent, spokesman.kind) == (ministry, "official")

    compound = source_for_label(label="the interior ministry spokesman", country="KZ")
    assert compound.parent == ministry

    # Critics of a government are not part of it, and its reporters are not its officials.
    assert source_for_label(label="the Kazakh government's critics").parent is None
    assert source_for_label(label="Kazakhstan's reporters").parent is None


def test_sources_made_in_bulk_and_renamed_resolve_too():
    Source.objects.bulk_create([Source(name="Bulk Outlet Daily", grade="C")])
    source = Source.objects.get(name="Bulk Outlet Daily")
    SourceAlias.objects.bulk_create([SourceAlias(source=source, name="BOD news")])
    assert resolved("bulk outlet daily") == "Bulk Outlet Daily"
    assert resolved("BOD News") == "Bulk Outlet Daily"
    source.name = "Renamed Outlet Weekly"
    source.save(update_fields=["name"])
    assert resolved("renamed outlet weekly") == "Renamed Outlet Weekly"
    assert resolved("bulk outlet daily") is None


def test_a_graded_name_is_found_at_the_end_of_a_label_that_describes_it_first():
    jazeera = make_source(name="Jazeera Airways", grade_source=Source.GradeSource.REGISTRY)
    flydubai = make_source(name="flydubai", grade_source=Source.GradeSource.REGISTRY)
    assert source_resolve(label="Kuwait's Jazeera Airways") == jazeera
    assert source_resolve(label="Dubai budget carrier flydubai") == flydubai


def test_an_unknown_speaker_recorded_earlier_is_not_found_inside_another_label():
    # "spokesman" became an ungraded source once; "Lufthansa spokesman" is not that person.
    source_for_label(label="spokesman")
    assert source_resolve(label="Lufthansa spokesman") is None
