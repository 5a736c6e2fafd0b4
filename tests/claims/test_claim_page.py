"""The claim page: chain, evidence by origin, timeline, verdict, live status and the
fact-checkers' actions (each allowed for a fact-checker and refused for a reader)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from claims.models import Attribution, Claim, Evidence, Rating, StatusChange
from claims.pipeline.assess import claim_status_update
from claims.services.review import verdict_publish
from sources.models import Source
from tests.conftest import demo_claim
from tests.factories import make_claim, make_evidence, make_report, make_source

pytestmark = pytest.mark.django_db

ELIMINATED = "Dozens of assailants were eliminated"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def reader(no_role_user):
    """A signed-in user who may read claims and nothing else."""
    user = no_role_user
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="claims", codename="view_claim")
    )
    return user


def source(name: str) -> Source:
    return Source.objects.get(name=name)


def chain_names(html: str) -> list[str]:
    chain = html.split('<ol class="chain"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'class="hop-name" href="/sources/\d+/">([^<]+)</a>', chain)


def page(client, claim: Claim):
    response = client.get(reverse("claim-detail", args=[claim.pk]))
    assert response.status_code == 200
    return response


@pytest.fixture
def evidence_story(demo_story):
    """The eliminated claim with evidence from three origins: Reuters (two outlets of one
    organisation), AFP, and the claimant's own government (an echo)."""
    claim = demo_claim(ELIMINATED)
    reuters, afp = source("Reuters"), source("Agence France-Presse")
    make_evidence(
        claim=claim,
        report=make_report(title="Reuters: bodies seen", publisher=reuters),
        origin=reuters,
        stance="supports",
        sentence="Reuters reporters saw the bodies of dozens of assailants.",
        confidence=0.9,
    )
    make_evidence(
        claim=claim,
        report=make_report(title="Witnesses doubt toll", publisher=reuters),
        origin=source("Reuters correspondents"),
        stance="contradicts",
        sentence="Reuters witnesses counted far fewer dead.",
    )
    make_evidence(
        claim=claim,
        report=make_report(title="AFP: clashes overnight", publisher=afp),
        origin=afp,
        stance="discusses",
        sentence="AFP reported clashes overnight.",
    )
    make_evidence(
        claim=claim,
        report=make_report(title="Tass repeats police", publisher=source("Tass")),
        origin=source("Almaty police"),
        stance="supports",
        sentence="Police said dozens of assailants were eliminated.",
    )
    return claim


# --- reading -------------------------------------------------------------------------------


def test_demo_claim_renders_with_its_chain_in_order(client, fact_checker, demo_story):
    claim = demo_claim(ELIMINATED)
    client.force_login(fact_checker)
    html = page(client, claim).content.decode()
    assert "<h1>Police killed dozens of assailants" in html
    assert "“Dozens of assailants were eliminated”" in html
    assert chain_names(html) == ["Saltanat Azirbek", "Local media (Kazakhstan)", "The National"]
    for hop in Attribution.objects.filter(claim=claim):
        assert reverse("source-detail", args=[hop.source_id]) in html
    assert '<span class="cue">told</span>' in html and '<span class="cue">said</span>' in html
    assert reverse("report-detail", args=[claim.first_report_id]) in html
    # Hedges and quantities: "dozens" is 24 to 99 and a running count.
    assert "assailants killed" in html and "24\u201399" in html and "running count" in html
    assert '<span class="st st-unverified">Unverified</span>' in html
    assert '<span class="cred">cred 6</span>' in html
    assert claim.explanation in html


def test_evidence_is_grouped_by_top_organisation_with_the_echo_marked(
    client, fact_checker, evidence_story
):
    client.force_login(fact_checker)
    response = page(client, evidence_story)
    groups = response.context["evidence"].groups
    summary = [
        (
            g.top.name,
            g.echo,
            {b.stance: [e.report.title for e in b.rows] for b in g.buckets if b.rows},
        )
        for g in groups
    ]
    assert summary == [
        ("Government of Kazakhstan", True, {"supports": ["Tass repeats police"]}),
        ("Agence France-Presse", False, {"discusses": ["AFP: clashes overnight"]}),
        (
            "Reuters",
            False,
            {"supports": ["Reuters: bodies seen"], "contradicts": ["Witnesses doubt toll"]},
        ),
    ]
    html = response.content.decode()
    assert html.count("claimant&#x27;s side (echo)") + html.count("claimant's side (echo)") == 1
    assert "Reuters witnesses counted far fewer dead." in html
    assert "Reuters correspondents" in html  # the origin inside the Reuters group
    assert "confidence 0.90" in html and "automatic" in html


def test_timeline_lists_each_status_change(client, fact_checker, editor, evidence_story):
    claim_status_update(claim_id=evidence_story.pk, worker="worker-1 task abc")
    client.force_login(fact_checker)
    response = page(client, evidence_story)
    timeline = response.context["timeline"]
    assert len(timeline) == 1
    change = timeline[0]
    html = response.content.decode()
    section = html.split('id="timeline"', 1)[1]
    assert f'st st-{change.from_status}">Unverified' in section
    assert f'st st-{change.to_status}">{change.get_to_status_display()}' in section
    assert "by worker worker-1 task abc" in section
    assert f"cred 6 → {change.to_credibility}" in section


def test_verdict_panel_shows_the_latest_verdict_and_links(client, fact_checker, editor, demo_story):
    claim = demo_claim(ELIMINATED)
    rating = Rating.objects.get(label="Unproven")
    verdict_publish(claim=claim, editor=editor, rating=rating, rationale="No independent count.")
    try:
        public = reverse("claim-public", kwargs={"pk": claim.pk})
    except NoReverseMatch:
        public = None
    try:
        queue = reverse("review-queue")
    except NoReverseMatch:
        queue = None

    client.force_login(editor)
    html = page(client, claim).content.decode()
    panel = html.split('id="verdict"', 1)[1].split("</section>", 1)[0]
    assert "Unproven" in panel and "No independent count." in panel and "by ed" in panel
    assert "published" in panel
    if public:
        assert f'href="{public}"' in panel
    if queue:
        assert f'href="{queue}"' in panel

    client.force_login(fact_checker)  # no review rights: no queue link
    panel = page(client, claim).content.decode().split('id="verdict"', 1)[1]
    if queue:
        assert f'href="{queue}"' not in panel.split("</section>", 1)[0]


def test_user_text_is_escaped(client, fact_checker, roles):
    claim = make_claim(text="<script>alert(1)</script>", quote="<b>bold</b>")
    make_evidence(claim=claim, sentence="<img src=x onerror=alert(2)>")
    client.force_login(fact_checker)
    html = page(client, claim).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)" in html
    assert "<b>bold</b>" not in html and "<img src=x" not in html


def test_a_reader_sees_no_actions(client, reader, evidence_story):
    client.force_login(reader)
    html = page(client, evidence_story).content.decode()
    assert "Reject link" not in html and "Add evidence" not in html
    assert "Relabel" not in html and "Edit attributions" not in html


def test_signed_out_visitors_go_to_sign_in(client, demo_story):
    response = client.get(reverse("claim-detail", args=[demo_claim(ELIMINATED).pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_claim_page_query_count_is_fixed(
    client, fact_checker, roles, django_assert_max_num_queries
):
    government = make_source(name="Gov")
    claim = make_claim(claimant=make_source(name="Spokesman", parent=government))
    for hop in range(3):
        Attribution.objects.create(claim=claim, position=hop, source=make_source())
    for origin_index in range(10):
        top = make_source(name=f"Org {origin_index}")
        unit = make_source(name=f"Desk {origin_index}", parent=top)
        for row in range(4):
            make_evidence(
                claim=claim,
                origin=unit if row % 2 else top,
                stance=["supports", "contradicts", "discusses"][row % 3],
                sentence=f"Sentence {origin_index}-{row}",
                rejected=row == 3 and origin_index == 0,
            )
    for step in range(5):
        StatusChange.objects.create(
            claim=claim,
            from_status="unverified",
            to_status="corroborated",
            from_credibility=6,
            to_credibility=2,
            explanation=f"step {step}",
            worker="w",
        )
    assert Evidence.objects.filter(claim=claim).count() == 40
    client.force_login(fact_checker)
    # 14 for the page, 3 for the desk audit trail (verdicts, evidence and chain revisions).
    with django_assert_max_num_queries(17):
        response = page(client, claim)
    assert len(response.context["evidence"].groups) == 10


# --- live status ---------------------------------------------------------------------------


def test_status_fragment_is_204_while_current_and_the_new_panel_after_a_change(
    client, fact_checker, evidence_story
):
    client.force_login(fact_checker)
    url = reverse("claim-status", args=[evidence_story.pk])
    version = page(client, evidence_story).context["version"]
    assert client.get(url, {"v": version}, **HTMX).status_code == 204

    claim_status_update(claim_id=evidence_story.pk, worker="w1")
    evidence_story.refresh_from_db()
    assert evidence_story.status != "unverified"
    response = client.get(url, {"v": version}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "just-updated" in html and '<span class="updated-cue">updated</span>' in html
    assert f'<span class="st st-{evidence_story.status}">' in html
    assert 'id="timeline"' in html and 'hx-swap-oob="true"' in html and "by worker w1" in html
    new_version = response.context["version"]
    assert new_version > version and f"v={new_version}" in html
    assert client.get(url, {"v": new_version}, **HTMX).status_code == 204


def test_status_fragment_with_a_bad_version_sends_the_panel(client, fact_checker, demo_story):
    client.force_login(fact_checker)
    url = reverse("claim-status", args=[demo_claim(ELIMINATED).pk])
    assert client.get(url, {"v": "nonsense"}).status_code == 200


def test_status_fragment_needs_read_rights(client, no_role_user, demo_story):
    client.force_login(no_role_user)
    url = reverse("claim-status", args=[demo_claim(ELIMINATED).pk])
    assert client.get(url, {"v": 0}).status_code == 403


def test_a_status_change_offers_the_latest_evidence_only_when_the_list_is_out_of_date(
    client, fact_checker, evidence_story
):
    """The evidence list is never swapped under the reader; the status poll carries the
    version of the list the page shows and, when the workers have changed it since, the answer
    adds a notice with a link that loads the section on request."""
    client.force_login(fact_checker)
    first = page(client, evidence_story)
    version, shown = first.context["version"], first.context["evidence_version"]
    assert f'id="evidence-version" name="ev" value="{shown}"' in first.content.decode()
    url = reverse("claim-status", args=[evidence_story.pk])

    # The status moves without new evidence: no notice.
    claim_status_update(claim_id=evidence_story.pk, worker="w1")
    html = client.get(url, {"v": version, "ev": shown}, **HTMX).content.decode()
    assert "just-updated" in html and "evidence-fresh" not in html

    # A worker links one more report and the status moves again: the notice comes with it.
    make_evidence(
        claim=evidence_story,
        report=make_report(title="Steppe Monitor tally", publisher=source("Reuters")),
        origin=make_source(name="Steppe Monitor", grade="B"),
        stance="supports",
        sentence="Steppe Monitor counted dozens of dead assailants.",
    )
    claim_status_update(claim_id=evidence_story.pk, worker="w2")
    html = client.get(url, {"v": version, "ev": shown}, **HTMX).content.decode()
    assert '<div id="evidence-fresh" hx-swap-oob="true">' in html
    latest = reverse("claim-evidence", args=[evidence_story.pk])
    assert f'hx-get="{latest}"' in html and "Show the latest evidence" in html
    # Without the page's version (an older page, another screen) nothing is claimed.
    html = client.get(url, {"v": version}, **HTMX).content.decode()
    assert "evidence-fresh" not in html

    section = client.get(latest, **HTMX)
    assert section.status_code == 200
    body = section.content.decode()
    assert body.startswith('<section id="evidence"') and "Steppe Monitor counted dozens" in body
    assert section.context["evidence_version"] != shown
    # With the section's new version the next status change brings no notice.
    claim_status_update(claim_id=evidence_story.pk, worker="w3")
    current = {"v": version, "ev": section.context["evidence_version"]}
    assert "evidence-fresh" not in client.get(url, current, **HTMX).content.decode()


def test_the_latest_evidence_section_needs_read_rights(client, no_role_user, demo_story):
    url = reverse("claim-evidence", args=[demo_claim(ELIMINATED).pk])
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(no_role_user)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403


def test_the_latest_evidence_section_of_a_missing_claim_is_404(client, fact_checker):
    client.force_login(fact_checker)
    assert client.get(reverse("claim-evidence", args=[999_999])).status_code == 404


# --- evidence actions ----------------------------------------------------------------------


def test_fact_checker_adds_evidence_from_a_report_by_number(client, fact_checker, demo_story):
    claim = demo_claim(ELIMINATED)
    report = make_report(title="Eurasianet count", publisher=source("Reuters"))
    client.force_login(fact_checker)
    response = client.post(
        reverse("claim-evidence-add", args=[claim.pk]),
        {
            "report": f"#{report.pk} Eurasianet count",
            "stance": "contradicts",
            "origin": "AFP",
            "sentence": "Fewer than ten died.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("claim-detail", args=[claim.pk]) + "#evidence"
    row = Evidence.objects.get(claim=claim, report=report)
    assert (row.stance, row.method, row.origin.name, row.sentence, row.confirmed_by) == (
        "contradicts",
        "manual",
        "Agence France-Presse",
        "Fewer than ten died.",
        fact_checker,
    )


def test_adding_evidence_by_title_with_htmx_swaps_the_section(client, fact_checker, demo_story):
    claim = demo_claim(ELIMINATED)
    report = make_report(title="A unique headline about Almaty", publisher=source("Reuters"))
    client.force_login(fact_checker)
    response = client.post(
        reverse("claim-evidence-add", args=[claim.pk]),
        {"report": "unique headline", "stance": "supports"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="evidence"') and "<html" not in html
    assert "re-assessing" in html and "A unique headline about Almaty" in html
    assert Evidence.objects.get(claim=claim, report=report).origin == source("Reuters")


def test_ambiguous_title_lists_the_candidates_and_saves_nothing(client, fact_checker, demo_story):
    claim = demo_claim(ELIMINATED)
    first = make_report(title="Almaty night report one")
    second = make_report(title="Almaty night report two")
    client.force_login(fact_checker)
    response = client.post(
        reverse("claim-evidence-add", args=[claim.pk]),
        {"report": "almaty night", "stance": "supports"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 reports match" in html
    assert f"#{first.pk}</strong>" in html and f"#{second.pk}</strong>" in html
    assert not Evidence.objects.filter(claim=claim).exists()


def test_unknown_report_or_origin_is_a_form_error(client, fact_checker, demo_story):
    claim = demo_claim(ELIMINATED)
    report = make_report()
    client.force_login(fact_checker)
    url = reverse("claim-evidence-add", args=[claim.pk])
    response = client.post(url, {"report": "99999", "stance": "supports"}, **HTMX)
    assert "There is no report number 99999." in response.content.decode()
    response = client.post(
        url, {"report": str(report.pk), "stance": "supports", "origin": "Nobody Knows"}, **HTMX
    )
    assert "No source is called" in response.content.decode()
    assert not Evidence.objects.filter(claim=claim).exists()


def test_a_reader_may_not_add_evidence(client, reader, demo_story):
    claim = demo_claim(ELIMINATED)
    report = make_report()
    client.force_login(reader)
    response = client.post(
        reverse("claim-evidence-add", args=[claim.pk]),
        {"report": str(report.pk), "stance": "supports"},
    )
    assert response.status_code == 403
    assert not Evidence.objects.filter(claim=claim).exists()


def test_relabel_makes_the_row_manual(client, fact_checker, evidence_story):
    row = Evidence.objects.get(claim=evidence_story, report__title="AFP: clashes overnight")
    client.force_login(fact_checker)
    response = client.post(
        reverse("claim-evidence-relabel", args=[evidence_story.pk, row.pk]),
        {"stance": "supports"},
        **HTMX,
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert (row.stance, row.method, row.confirmed_by) == ("supports", "manual", fact_checker)
    assert row.sentence == "AFP reported clashes overnight."  # kept
    # The desk audit trail is swapped in beside the evidence with the relabel on it.
    html = response.content.decode()
    audit = html[html.index('<section id="audit"') :]
    assert 'hx-swap-oob="true"' in audit.split(">", 1)[0]
    assert "Nobody at the desk" not in audit


def test_relabel_refused_for_a_reader(client, reader, evidence_story):
    row = Evidence.objects.get(claim=evidence_story, report__title="AFP: clashes overnight")
    client.force_login(reader)
    response = client.post(
        reverse("claim-evidence-relabel", args=[evidence_story.pk, row.pk]), {"stance": "supports"}
    )
    assert response.status_code == 403
    row.refresh_from_db()
    assert (row.stance, row.method) == ("discusses", "auto")


def test_relabel_of_another_claims_evidence_is_not_found(client, fact_checker, evidence_story):
    other = make_evidence()
    client.force_login(fact_checker)
    response = client.post(
        reverse("claim-evidence-relabel", args=[evidence_story.pk, other.pk]),
        {"stance": "supports"},
    )
    assert response.status_code == 404


def test_reject_marks_the_link_rejected(client, fact_checker, evidence_story):
    row = Evidence.objects.get(claim=evidence_story, report__title="Reuters: bodies seen")
    client.force_login(fact_checker)
    response = client.post(reverse("claim-evidence-reject", args=[evidence_story.pk, row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.rejected, row.method, row.confirmed_by) == (True, "manual", fact_checker)
    page_response = page(client, evidence_story)
    assert [e.pk for e in page_response.context["evidence"].rejected] == [row.pk]
    assert "Rejected links (1)" in page_response.content.decode()


def test_reject_refused_for_a_reader(client, reader, evidence_story):
    row = Evidence.objects.get(claim=evidence_story, report__title="Reuters: bodies seen")
    client.force_login(reader)
    response = client.post(reverse("claim-evidence-reject", args=[evidence_story.pk, row.pk]))
    assert response.status_code == 403
    row.refresh_from_db()
    assert (row.rejected, row.method) == (False, "auto")


def test_report_options_suggest_matching_reports(client, fact_checker, reader, demo_story):
    claim = demo_claim(ELIMINATED)
    report = make_report(title="Airport retaken")
    url = reverse("claim-report-options", args=[claim.pk])
    client.force_login(fact_checker)
    html = client.get(url, {"report": "airport"}, **HTMX).content.decode()
    assert f'<option value="#{report.pk} Airport retaken">' in html
    client.force_login(reader)
    assert client.get(url, {"report": "airport"}).status_code == 403


@pytest.mark.parametrize("typed", ["air\x00port", "9" * 40, "#\x00"])
def test_report_options_take_any_typing_without_an_error(client, fact_checker, demo_story, typed):
    # A NUL (which PostgreSQL text cannot hold) or a number past any id is no server error.
    claim = demo_claim(ELIMINATED)
    make_report(title="Airport retaken")
    client.force_login(fact_checker)
    response = client.get(
        reverse("claim-report-options", args=[claim.pk]), {"report": typed}, **HTMX
    )
    assert response.status_code == 200


def test_actions_only_accept_post(client, fact_checker, evidence_story):
    row = Evidence.objects.filter(claim=evidence_story).first()
    client.force_login(fact_checker)
    assert (
        client.get(reverse("claim-evidence-reject", args=[evidence_story.pk, row.pk])).status_code
        == 405
    )


# --- attributions --------------------------------------------------------------------------


def hop_data(rows, *, initial: int = 0) -> dict[str, str]:
    data = {
        "hops-TOTAL_FORMS": str(len(rows)),
        "hops-INITIAL_FORMS": str(initial),
        "hops-MIN_NUM_FORMS": "0",
        "hops-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"hops-{index}-{key}"] = value
    return data


def hops_of(claim: Claim) -> list[tuple[str, str]]:
    return [
        (a.source.name, a.cue)
        for a in Attribution.objects.filter(claim=claim).select_related("source")
    ]


def test_attributions_replace_keeps_the_given_order(client, fact_checker, demo_story):
    claim = demo_claim(ELIMINATED)
    client.force_login(fact_checker)
    response = client.post(
        reverse("claim-attributions", args=[claim.pk]),
        hop_data(
            [
                {"source": "Saltanat Azirbek", "cue": "said", "ORDER": "1"},
                {"source": "Local media (Kazakhstan)", "cue": "told", "ORDER": "3", "DELETE": "on"},
                {"source": "The National", "cue": "reported", "ORDER": "4"},
                {"source": "TASS", "cue": "quoted", "ORDER": "2"},  # an alias of Tass
            ],
            initial=3,
        ),
    )
    assert response.status_code == 302
    assert hops_of(claim) == [
        ("Saltanat Azirbek", "said"),
        ("Tass", "quoted"),
        ("The National", "reported"),
    ]
    html = page(client, claim).content.decode()
    assert chain_names(html) == ["Saltanat Azirbek", "Tass", "The National"]


def test_attributions_refuse_unknown_names_and_change_nothing(client, fact_checker, demo_story):
    claim = demo_claim(ELIMINATED)
    before = hops_of(claim)
    sources_before = Source.objects.count()
    client.force_login(fact_checker)
    response = client.post(
        reverse("claim-attributions", args=[claim.pk]),
        hop_data(
            [
                {"source": "Saltanat Azirbek", "cue": "said", "ORDER": "1"},
                {"source": "Brand New Blog", "cue": "wrote", "ORDER": "2"},
                {"source": "Another Unknown", "cue": "", "ORDER": "3", "create": "on"},
            ]
        ),
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "No source is called “Brand New Blog”" in html
    assert html.lstrip().startswith('<section id="chain"')
    assert hops_of(claim) == before
    assert Source.objects.count() == sources_before


def test_attributions_create_a_ticked_new_source_at_grade_f(client, fact_checker, demo_story):
    claim = demo_claim(ELIMINATED)
    client.force_login(fact_checker)
    response = client.post(
        reverse("claim-attributions", args=[claim.pk]),
        hop_data(
            [
                {"source": "Saltanat Azirbek", "cue": "said", "ORDER": "1"},
                {"source": "Brand New Blog", "cue": "wrote", "ORDER": "2", "create": "on"},
            ]
        ),
        **HTMX,
    )
    assert response.status_code == 200 and "Attribution chain saved." in response.content.decode()
    assert hops_of(claim) == [("Saltanat Azirbek", "said"), ("Brand New Blog", "wrote")]
    assert source("Brand New Blog").grade == "F"


def test_attributions_need_at_least_one_hop(client, fact_checker, demo_story):
    claim = demo_claim(ELIMINATED)
    before = hops_of(claim)
    client.force_login(fact_checker)
    response = client.post(
        reverse("claim-attributions", args=[claim.pk]),
        hop_data([{"source": "", "cue": "", "ORDER": ""}]),
    )
    assert response.status_code == 200
    assert "Give at least one hop" in response.content.decode()
    assert hops_of(claim) == before


def test_attributions_refused_for_a_reader(client, reader, demo_story):
    claim = demo_claim(ELIMINATED)
    before = hops_of(claim)
    client.force_login(reader)
    response = client.post(
        reverse("claim-attributions", args=[claim.pk]),
        hop_data([{"source": "Tass", "cue": "said", "ORDER": "1"}]),
    )
    assert response.status_code == 403
    assert hops_of(claim) == before


def test_add_hop_grows_the_edit_form_without_saving(client, fact_checker, demo_story):
    claim = demo_claim(ELIMINATED)
    before = hops_of(claim)
    client.force_login(fact_checker)
    data = hop_data([{"source": "Tass", "cue": "", "ORDER": "1"}])
    data["add_hop"] = "1"
    response = client.post(reverse("claim-attributions", args=[claim.pk]), data, **HTMX)
    html = response.content.decode()
    assert 'name="hops-TOTAL_FORMS" value="2"' in html and "<details" in html and " open" in html
    assert hops_of(claim) == before


def test_status_change_is_newer_than_the_page(client, fact_checker, demo_story):
    """A status changed by hand (user, not worker) shows the user's name in the timeline."""
    claim = demo_claim(ELIMINATED)
    StatusChange.objects.create(
        claim=claim,
        from_status="unverified",
        to_status="disputed",
        from_credibility=6,
        to_credibility=4,
        explanation="Disputed by hand.",
        changed_by=fact_checker,
        created_at=timezone.now() - timedelta(minutes=1),
    )
    client.force_login(fact_checker)
    html = page(client, claim).content.decode()
    assert "by fc" in html and "Disputed by hand." in html


def test_attribution_service_refuses_a_user_without_the_permission(reader, demo_story):
    from django.core.exceptions import PermissionDenied

    from claims.services.claims import HopSpec, attribution_replace

    claim = demo_claim(ELIMINATED)
    before = hops_of(claim)
    with pytest.raises(PermissionDenied):
        attribution_replace(claim=claim, hops=[HopSpec(source("Tass"), "said")], user=reader)
    assert hops_of(claim) == before
