"""Telling reports the workers cannot read from English ones (claims.engine.language), and what
the pipeline, the report page and the API say of them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from claims.demo.corpus import CORPUS_DIR, corpus_load
from claims.engine.language import language_of
from claims.models import Evidence
from tests.conftest import shared_path

RUSSIAN_SET = CORPUS_DIR / "russian.json"


def russian_sentences() -> list[dict[str, str]]:
    return json.loads(Path(RUSSIAN_SET).read_text(encoding="utf-8"))["sentences"]


def test_the_russian_set_has_forty_sentences_on_the_demos_claims():
    sentences = russian_sentences()
    almaty = next(s for s in corpus_load() if s.key == "almaty")
    assert len(sentences) >= 40
    assert {s["claim"] for s in sentences} <= {c.key for c in almaty.claims}


def test_every_russian_sentence_is_recognised_as_unread():
    readings = [language_of(s["text"]) for s in russian_sentences()]
    assert [r.language for r in readings] == ["ru"] * len(readings)
    assert not any(r.readable for r in readings)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Алматы қаласында төтенше жағдай енгізілді.", "kk"),
        ("Казахстан запровадив надзвичайний стан, повідомляє Укрінформ.", "uk"),
        ("Non, le lancement du nouveau film ne sera pas avancé cet été.", "und"),
        ("Jose Canseco accidentally shot", "en"),  # a terse headline has no function word
        ("Two GOP Congressmen Say Suspected Terrorists Caught Crossing Border", "en"),
        ("", "en"),
    ],
)
def test_a_text_is_read_by_its_script_and_function_words(text, language):
    assert language_of(text).language == language


def test_no_report_of_the_english_corpus_is_taken_for_another_language():
    bodies = [r.body for story in corpus_load() for r in story.reports]
    assert [b[:60] for b in bodies if not language_of(b).readable] == []


def test_of_emergents_headlines_only_the_french_ones_are_taken_for_another_language():
    with shared_path("datasets", "emergent", "train-with-truth.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    texts = [t for r in rows for t in (r["claimHeadline"], r["articleHeadline"])]
    assert len(texts) > 4000
    unread = [t for t in texts if not language_of(t).readable]
    french = {"une", "le", "du", "que", "pas", "est", "un"}
    assert len(unread) <= 2  # two of the outlets' headlines are in French
    assert all(len(french & set(t.lower().split())) >= 3 for t in unread), unread


@pytest.mark.django_db
def test_a_russian_report_is_processed_unread_and_says_so_on_its_page_and_in_the_api(
    demo_story, client, fact_checker
):
    from claims.pipeline.assess import claims_status_update
    from claims.pipeline.linking import report_link
    from claims.services.reports import report_receive
    from tests.factories import token_client

    text = " ".join(s["text"] for s in russian_sentences()[:3])
    received = report_receive(title="Беспорядки в Алматы", body=text, publisher_label="Vlast.kz")
    touched = report_link(report_id=received.report.pk)
    claims_status_update(claim_ids=touched, worker="test", report_id=received.report.pk)
    report = received.report
    report.refresh_from_db()
    assert touched == []
    assert (report.state, report.unread_language) == ("processed", "ru")
    assert not Evidence.objects.filter(report=report).exists()

    client.force_login(fact_checker)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "this report is in Russian, which the workers cannot read yet" in page
    assert "speaks to none of the open claims" not in page

    body = token_client(fact_checker).get(f"/api/reports/{report.pk}/").json()
    assert (body["unread_language"], body["evidence"]) == ("ru", [])


@pytest.mark.django_db
def test_an_english_report_has_no_unread_language(demo_story):
    from claims.pipeline.linking import report_link
    from claims.services.reports import report_receive

    received = report_receive(
        title="Report", body="Lufthansa suspended its flights to Almaty.", publisher_label="Reuters"
    )
    report_link(report_id=received.report.pk)
    received.report.refresh_from_db()
    assert received.report.unread_language == ""
