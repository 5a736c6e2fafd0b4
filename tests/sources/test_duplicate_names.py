"""Two sources never share a name or an alias after normalisation (sources.names): the rule is
in Source.clean and SourceAlias.clean, so the admin's forms and the services refuse alike, with
a message naming the other source."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sources.models import Source, SourceAlias
from sources.services import source_alias_add, source_update, source_upsert
from tests.factories import make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def ap():
    source = make_source(name="Associated Press", country="US")
    SourceAlias.objects.create(source=source, name="AP wire")
    return source


def test_an_alias_equal_to_another_sources_name_after_normalisation_is_refused(ap):
    other = make_source(name="Agency Two")
    alias = SourceAlias(source=other, name="The Associated Press")  # articles fold away
    with pytest.raises(ValidationError) as refused:
        alias.full_clean()
    message = " ".join(refused.value.message_dict["name"])
    assert "Associated Press" in message and f"#{ap.pk}" in message and "its name" in message


def test_an_alias_equal_to_another_sources_alias_is_refused(ap):
    other = make_source(name="Agency Two")
    with pytest.raises(ValidationError) as refused:
        SourceAlias(source=other, name="ap  WIRE").full_clean()
    assert "its alias “AP wire”" in " ".join(refused.value.message_dict["name"])


def test_a_source_name_equal_to_another_sources_alias_is_refused(ap):
    with pytest.raises(ValidationError) as refused:
        Source(name="AP Wire").full_clean()
    assert "Associated Press" in " ".join(refused.value.message_dict["name"])


def test_renaming_a_source_onto_another_is_refused_by_the_service(ap):
    other = make_source(name="Agency Two")
    with pytest.raises(ValidationError):
        source_update(source=other, name="The Associated Press")
    other.refresh_from_db()
    assert other.name == "Agency Two"


def test_the_services_refuse_a_duplicate_alias(ap):
    other = make_source(name="Agency Two")
    with pytest.raises(ValidationError):
        source_alias_add(source=other, name="associated press")
    with pytest.raises(ValidationError):
        source_upsert(name="Agency Two", aliases=("AP Wire",))
    assert not SourceAlias.objects.filter(source=other).exists()


def test_own_names_and_repeats_are_accepted(ap):
    assert source_alias_add(source=ap, name="The Associated Press").source == ap
    assert source_alias_add(source=ap, name="The Associated Press").pk == (
        SourceAlias.objects.get(source=ap, name="The Associated Press").pk
    )
    ap.full_clean()  # its own alias does not collide with its name


def test_the_same_office_of_two_countries_may_share_a_key():
    make_source(name="Ministry of Health", country="KZ")
    # Resolution tells them apart by the story's country.
    Source(name="Health Ministry", country="RU").full_clean()
    with pytest.raises(ValidationError):
        Source(name="Health Ministry", country="KZ").full_clean()
    with pytest.raises(ValidationError):
        Source(name="Health Ministry").full_clean()  # placed nowhere: it would shadow


def _change_form(source: Source, aliases: list[str]) -> dict[str, str]:
    data = {
        "name": source.name,
        "kind": source.kind,
        "role": source.role,
        "country": source.country,
        "grade": source.grade,
        "parent": "",
        "description": "",
        "aliases-TOTAL_FORMS": str(len(aliases)),
        "aliases-INITIAL_FORMS": "0",
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
        "domains-TOTAL_FORMS": "0",
        "domains-INITIAL_FORMS": "0",
        "domains-MIN_NUM_FORMS": "0",
        "domains-MAX_NUM_FORMS": "1000",
    }
    for i, alias in enumerate(aliases):
        data[f"aliases-{i}-name"] = alias
        data[f"aliases-{i}-id"] = ""
        data[f"aliases-{i}-source"] = str(source.pk)
    return data


def test_the_admin_refuses_a_duplicate_alias_naming_the_other_source(client, admin_user, ap):
    client.force_login(admin_user)
    other = make_source(name="Agency Two", grade="C")
    response = client.post(
        reverse("admin:sources_source_change", args=[other.pk]),
        _change_form(other, ["AP-Wire"]),
    )
    assert response.status_code == 200  # the form again, with the error
    body = response.content.decode()
    assert "already names Associated Press" in body
    assert not SourceAlias.objects.filter(source=other).exists()


def test_the_admin_accepts_a_free_alias(client, admin_user, ap):
    client.force_login(admin_user)
    other = make_source(name="Agency Two", grade="C")
    response = client.post(
        reverse("admin:sources_source_change", args=[other.pk]),
        _change_form(other, ["Agency 2"]),
    )
    assert response.status_code == 302
    assert list(other.aliases.values_list("name", flat=True)) == ["Agency 2"]


def test_the_admin_refuses_a_new_source_named_like_an_alias(client, admin_user, ap):
    client.force_login(admin_user)
    data = _change_form(Source(name="AP wire", grade="B"), [])
    response = client.post(reverse("admin:sources_source_add"), data)
    assert response.status_code == 200
    assert "already names Associated Press" in response.content.decode()
    assert not Source.objects.filter(name="AP wire").exists()


def test_the_alias_admin_refuses_too(client, admin_user, ap):
    client.force_login(admin_user)
    other = make_source(name="Agency Two")
    response = client.post(
        reverse("admin:sources_sourcealias_add"), {"source": other.pk, "name": "associated press"}
    )
    assert response.status_code == 200
    assert "already names Associated Press" in response.content.decode()


def test_a_duplicate_older_than_the_rule_does_not_block_a_regrade(ap):
    twin = Source.objects.create(name="The Associated Press", grade="C")  # no clean: legacy row
    source_update(source=twin, grade="B")
    twin.refresh_from_db()
    assert twin.grade == "B"
    with pytest.raises(ValidationError):
        source_update(source=twin, name="AP Wire")  # a new name is checked
