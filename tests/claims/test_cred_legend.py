"""The credibility number is explained where it appears: a tooltip in words on every badge and
a legend of the 1-6 scale on the list, the review queue and the claim page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims.engine.vocabulary import CREDIBILITY_WORDS
from tests.factories import make_claim

pytestmark = pytest.mark.django_db


def test_the_scale_has_words_for_every_number():
    assert sorted(CREDIBILITY_WORDS) == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("url_name", ["claim-list", "review-queue", "claim-detail"])
def test_each_screen_explains_cred_in_words(client, editor, url_name):
    claim = make_claim(text="The dam burst on Sunday")
    client.force_login(editor)
    args = [claim.pk] if url_name == "claim-detail" else []
    page = client.get(reverse(url_name, args=args)).content.decode()
    assert "cred-legend" in page and "What “cred 1\u20136” means" in page
    assert CREDIBILITY_WORDS[6] in page  # the legend, and the new claim's badge tooltip
    if url_name != "review-queue":
        assert 'title="Credibility 6: cannot be judged yet' in page
