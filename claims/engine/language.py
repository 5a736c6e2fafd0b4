"""Whether the workers can read a report: they match and judge English only.

A report in another language would otherwise be processed like an English one, find no claim,
and be shown as "speaks to none of the open claims", which tells the desk something false. This
module tells such a report apart so the pipeline can say instead that it was not read. Standard
library only: the scripts are Unicode blocks and English is told by its function words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ENGLISH = "en"
UNDETERMINED = "und"  # ISO 639-2: a language other than English, not named here

LANGUAGE_NAMES: dict[str, str] = {
    "ru": "Russian",
    "kk": "Kazakh",
    "uk": "Ukrainian",
    "ar": "Arabic",
    "zh": "Chinese",
    UNDETERMINED: "a language other than English",
}

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Letters only Kazakh (and a few other Turkic languages) write in Cyrillic; then Ukrainian's.
_KAZAKH = frozenset("әғқңөұүһӘҒҚҢӨҰҮҺ")
_UKRAINIAN = frozenset("їєґЇЄҐ")
_DOTTED_I = frozenset("\u0456\u0406")  # Kazakh and Ukrainian both, never Russian
# The commonest English function words: in any English sentence of a dozen words, one or more.
_ENGLISH_WORDS = frozenset(
    ["a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "from", "with", "about", "as", "and", "or", "but", "not", "no", "is", "are", "was", "were", "be", "been", "has", "have", "had", "it", "its", "this", "that", "these", "those", "he", "she", "they", "we", "you", "i", "his", "her", "their", "our", "said", "says", "will", "would", "could", "should", "can", "may", "after", "before", "over", "into", "than", "which", "who", "what", "when", "where", "there", "here", "up", "out"]
)
# Function words of the other languages wire copy comes in with Latin script (French, Spanish,
# Portuguese, Italian, German), none of them an English word. A Latin-script text is English
# unless these outnumber its English function words clearly: counting English alone misreads
# terse headlines ("Two GOP Congressmen Say Suspected Terrorists Caught Crossing Border" has
# none), and names are no language at all.
_OTHER_WORDS = frozenset(
    ["le", "la", "les", "des", "du", "et", "est", "une", "un", "pas", "que", "qui", "dans", "pour", "sur", "avec", "au", "aux", "ce", "cette", "ses", "sont", "el", "los", "las", "del", "y", "es", "una", "por", "para", "con", "se", "su", "al", "lo", "como", "pero", "muy", "os", "do", "da", "não", "um", "uma", "com", "em", "ao", "mais", "il", "gli", "della", "che", "è", "non", "per", "di", "è", "sono", "nel", "der", "die", "das", "und", "ist", "nicht", "ein", "eine", "mit", "von", "den", "zu", "auf", "im", "für", "dem", "sich", "auch", "wird"]
)
_MIN_OTHER_WORDS = 3
_OTHER_OVER_ENGLISH = 2
# A script counts as the text's when at least this share of its letters are in it.
_SCRIPT_SHARE = 0.5
# Unicode ranges of the scripts told apart; Arabic and Chinese are named by their code.
_SCRIPTS: dict[str, tuple[str, str]] = {
    "latin": ("\u0000", "\u024f"),
    "cyrillic": ("\u0400", "\u04ff"),
    "ar": ("\u0600", "\u06ff"),
    "zh": ("\u4e00", "\u9fff"),
}


@dataclass(frozen=True)
class Reading:
    language: str  # ISO 639 code: "en", "ru", "kk", "uk", "ar", "zh" or "und"

    @property
    def readable(self) -> bool:
        """The workers can match and judge it."""
        return self.language == ENGLISH

    @property
    def name(self) -> str:
        return language_name(self.language)


def language_of(text: str) -> Reading:
    """The language of `text` as far as the workers need to know it: English (readable), or
    another one they cannot read, named when its script tells it (Cyrillic: Kazakh by its own
    letters, Ukrainian by its own, else Russian; Arabic; Chinese). A Latin-script text is
    English unless the function words of another language clearly outnumber its English ones.
    A text with no letters is English: nothing in it could be read otherwise either."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return Reading(ENGLISH)
    counts = dict.fromkeys(_SCRIPTS, 0)
    for c in letters:
        for script, (low, high) in _SCRIPTS.items():
            if low <= c <= high:
                counts[script] += 1
                break
    dominant = max(counts, key=counts.__getitem__)
    if counts[dominant] >= _SCRIPT_SHARE * len(letters) and dominant != "latin":
        if dominant == "cyrillic":
            return Reading(_cyrillic_language(set(letters)))
        return Reading(dominant)
    if counts["latin"] < _SCRIPT_SHARE * len(letters):
        return Reading(UNDETERMINED)
    words = [w.lower() for w in _WORD.findall(text)]
    english = sum(1 for w in words if w in _ENGLISH_WORDS)
    other = sum(1 for w in words if w in _OTHER_WORDS)
    if other >= _MIN_OTHER_WORDS and other > _OTHER_OVER_ENGLISH * english:
        return Reading(UNDETERMINED)
    return Reading(ENGLISH)


def _cyrillic_language(letters: set[str]) -> str:
    if letters & _KAZAKH:
        return "kk"
    if letters & (_UKRAINIAN | _DOTTED_I):
        return "uk"
    return "ru"


def language_name(code: str) -> str:
    """How the desk reads a code this module gives ("ru" -> "Russian"); "" for ""."""
    if not code:
        return ""
    return "English" if code == ENGLISH else LANGUAGE_NAMES.get(code, code)
