"""Template helpers of the desk's screens."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from claims.engine.vocabulary import CREDIBILITY_WORDS

register = template.Library()


@register.simple_tag
def cred(value: int | None, previous: int | None = None) -> SafeString | str:
    """A credibility badge ("cred 3", or "cred 6 → 3") whose tooltip says what the number
    means in words (claims.engine.vocabulary.CREDIBILITY_WORDS)."""
    if value is None:
        return ""
    words = CREDIBILITY_WORDS.get(int(value), "")
    if previous is not None:
        return format_html(
            '<span class="cred" title="{} → {}: {}">cred {} → {}</span>',
            previous,
            value,
            words,
            previous,
            value,
        )
    return format_html('<span class="cred" title="Credibility {}: {}">cred {}</span>', value, words, value)


@register.inclusion_tag("claims/_cred_legend.html")
def cred_legend() -> dict[str, object]:
    """The 1-6 scale in words, where a screen first shows credibility."""
    return {"scale": sorted(CREDIBILITY_WORDS.items())}
