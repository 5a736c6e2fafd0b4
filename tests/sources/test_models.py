import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sources.models import Report, Source
from sources.services import report_ingest, source_for_label, source_upsert
from sources.text import canonical_url, content_hash
from tests.factories import make_report, make_source

pytestmark = pytest.mark.django_db


def test_source_cannot_be_its_own_parent_in_the_database():
    source = make_source()
    source.parent_id = source.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        source.save()


def test_source_own_parent_is_a_validation_error():
    source = make_source(name="Ministry")
    source.parent = source
    with pytest.raises(ValidationError, match="its own parent"):
        source.full_clean()


def test_longer_parent_cycles_are_refused_by_validation():
    top = make_source(name="Government")
    middle = make_source(name="Ministry", parent=top)
    bottom = make_source(name="Police", parent=middle)
    top.parent = bottom
    with pytest.raises(ValidationError, match="cycle"):
        top.full_clean()
    top.refresh_from_db()
    assert top.parent is None


def test_parent_chain_rolls_up_to_the_top_organisation():
    top = make_source(name="Government of Kazakhstan")
    ministry = make_source(name="Interior Ministry", parent=top)
    police = make_source(name="Almaty police", parent=ministry)
    assert police.ancestors() == [ministry, top]
    assert police.top() == top
    assert top.top() == top


def test_grade_outside_a_to_f_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.create(name="Odd", grade="G")


def test_duplicate_report_url_and_content_are_refused():
    report = make_report(url="https://example.com/a", body="Same body")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_report(url="https://example.com/a", body="Other body", publisher=report.publisher)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_report(body="Same body", publisher=report.publisher)
    # Several reports without a URL are fine: the URL is unique only when present.
    make_report(body="one", publisher=report.publisher)
    make_report(body="two", publisher=report.publisher)
    assert Report.objects.filter(url__isnull=True).count() == 2


def test_canonical_url_and_hash_recognise_the_same_report():
    assert canonical_url("HTTPS://www.Reuters.com/world/x/?utm_source=tw&b=2&a=1#top") == (
        "https://reuters.com/world/x?a=1&b=2"
    )
    assert content_hash("Police  said\nthis.") == content_hash("police said this.")


def test_report_ingest_returns_the_existing_report_for_a_duplicate():
    publisher = make_source(name="Reuters")
    first = report_ingest(
        title="T", body="Body text", publisher=publisher, url="https://reuters.com/a?utm_source=x"
    )
    again_url = report_ingest(
        title="T2", body="Different", publisher=publisher, url="https://www.reuters.com/a"
    )
    again_body = report_ingest(title="T3", body="body   TEXT", publisher=publisher)
    assert first.created and not again_url.created and not again_body.created
    assert again_url.report.pk == again_body.report.pk == first.report.pk
    assert Report.objects.count() == 1


def test_unknown_publisher_becomes_a_grade_f_source_and_known_ones_resolve():
    source_upsert(name="Reuters", grade="A", aliases=("Thomson Reuters",), domains=("reuters.com",))
    assert source_for_label(label="thomson reuters").name == "Reuters"
    assert source_for_label(label="uk.reuters.com").name == "Reuters"
    new = source_for_label(label="Kazakh Daily Telegraph Channel")
    assert new.grade == "F"
    assert source_for_label(label="Kazakh Daily Telegraph Channel") == new


def test_source_upsert_is_idempotent_and_writes_nothing_the_second_time():
    first = source_upsert(name="Tass", grade="C", aliases=("TASS",), domains=("tass.com",))
    stamp = first.updated_at
    again = source_upsert(name="Tass", grade="C", aliases=("TASS",), domains=("tass.com",))
    assert again.pk == first.pk
    again.refresh_from_db()
    assert again.updated_at == stamp
    assert again.aliases.count() == 1 and again.domains.count() == 1
