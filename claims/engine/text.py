"""Text primitives the engine's modules share: case folding, the word pattern, number words,
stop-word lists and sentence splitting. Defined here once; each module says which it uses."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer


def fold(text: str) -> str:
    """NFKC-normalised and case-folded, typographic apostrophes as "'": any script works and
    full-width or ligature forms meet their plain spelling."""
    return unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")


# A number (thousands commas allowed, optional decimals) not glued to letters, else a word made
# of letters/digits with inner apostrophes ("didn't", "o'brien"). Hyphens and other punctuation
# split words. Used by retrieval and by the rule-based stance model on folded text.
WORD = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![^\W_])|[^\W_]+(?:'[^\W_]+)*")


# Spelled-out numbers. Retrieval and the stance model turn some into digits (so "Thirteen
# officers" meets "13 officers"); the quantity reader reads them all.
UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip


def _split(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# Retrieval's list: the usual English one (as in NLTK), minus "won" which is more often "won the
# vote" in news than the stray half of "won't". Negations are in it: retrieval is about topic;
# polarity is the stance stage's job and reads the raw text.
TOPIC_STOPWORDS: frozenset[str] = _split(
    """
    a about above after again against ain all am an and any are aren aren't as at be because
    been before being below between both but by can couldn couldn't d did didn didn't do does
    doesn doesn't doing don don't down during each few for from further had hadn hadn't has hasn
    hasn't have haven haven't having he her here hers herself him himself his how i if in into
    is isn isn't it it's its itself just ll m ma me mightn mightn't more most mustn mustn't my
    myself needn needn't no nor not now o of off on once only or other our ours ourselves out
    over own re s same shan shan't she she's should should've shouldn shouldn't so some such t
    than that that'll the their theirs them themselves then there these they this those through
    to too under until up ve very was wasn wasn't we were weren weren't what when where which
    while who whom why will with won't wouldn wouldn't y you you'd you'll you're you've your
    yours yourself yourselves
    """
)

# The learned stance model's list: negations are kept (they are its cue words), modal verbs
# ("may", "could", "would") and "also" are dropped as noise in its term overlap features.
STANCE_STOPWORDS: frozenset[str] = _split(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if
    in into is it its itself just may me might more most must my myself now of off on once
    only or other our ours ourselves out over own s same shall she should so some such t
    than that the their theirs them themselves then there these they this those through to
    too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves
    """
)


# ---------------------------------------------------------------------------------------------
# Terms: what retrieval indexes and the rule-based stance model compares
# ---------------------------------------------------------------------------------------------

# Spelled-out counts become digits so "Thirteen officers" meets "13 officers". "One" is left
# alone: it is mostly a pronoun ("no one", "one of the").
NUMBER_WORDS: dict[str, str] = {
    word: str(value) for word, value in (UNITS | TENS).items() if value >= 2
}

# Words the suffix rules would mangle: a trailing "s" that is not a plural.
_STEM_EXCEPTIONS = frozenset(
    frozenset(["news", "series", "species", "means", "always", "perhaps", "whereas", "towards", "afterwards", "besides", "across"])
)

_VOWELS = frozenset("aeiouy")


def stem(word: str) -> str:
    """Strip English inflection conservatively, so query and claim forms meet.

    Only all-ASCII alphabetic words longer than three letters are touched, and only by:
      plural   -ies -> -y (countries -> country), -sses -> -ss, -es after s/x/z/ch/sh
               (boxes -> box), else a final -s, except after s/u/i (press, status, crisis);
      past     -ed (not -eed: need, agreed), -ied as -ies;
      gerund   -ing;
    and only when what remains has at least three letters including a vowel (so "bring",
    "red" and "shed" survive). A doubled final consonant left behind is undoubled (stopped ->
    stop) except l/s/z (killed -> kill). Finally a silent -e is dropped (not -ee) so that
    "eliminate", "eliminates" and "eliminated" all meet at "eliminat". The stems are keys,
    not words; no derivational suffixes (-tion, -ly, ...) are touched.
    """
    if len(word) <= 3 or not (word.isascii() and word.isalpha()) or word in _STEM_EXCEPTIONS:
        return word
    w = word
    if w.endswith(("ies", "ied")):
        w = w[:-3] + ("y" if len(w) > 4 else "ie")
    elif w.endswith(("ches", "shes", "xes", "zes", "ses")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    elif w.endswith("ed") and not w.endswith("eed"):
        w = _strip_verb_suffix(w, 2)
    elif w.endswith("ing"):
        w = _strip_verb_suffix(w, 3)
    if len(w) > 3 and w.endswith("e") and not w.endswith("ee"):
        w = w[:-1]
    return w


_SNOWBALL = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def derivation_keys(term: str) -> frozenset[str]:
    """Keys shared by a `normalise_term` term and its derivational relatives: Snowball
    (Porter 2) stems of the term and of the term with the silent -e that `stem` drops put back,
    so "resignation" meets "resign", "cancellation" meets "cancell" and "elimination" meets
    "eliminat". `stem` stays inflectional because the learned models' vocabularies are keyed by
    its terms; retrieval uses these keys only for words no claim uses as they are."""
    if len(term) <= 3 or not (term.isascii() and term.isalpha()):
        return frozenset()
    return frozenset(_SNOWBALL.stemWords([term, term + "e"]))


def _strip_verb_suffix(word: str, n: int) -> str:
    base = word[:-n]
    if len(base) < 3 or not _VOWELS.intersection(base):
        return word
    if len(base) > 3 and base[-1] == base[-2] and base[-1] not in _VOWELS and base[-1] not in "lsz":
        base = base[:-1]
    return base


def normalise_term(raw: str) -> str | None:
    if raw[0].isdigit() and raw.replace(",", "").replace(".", "").isdigit():
        return raw.replace(",", "")
    if raw in TOPIC_STOPWORDS:
        return None
    if raw.endswith("'s"):
        raw = raw[:-2]
        if not raw or raw in TOPIC_STOPWORDS:
            return None
    if raw in NUMBER_WORDS:
        return NUMBER_WORDS[raw]
    return stem(raw)


def tokenize(text: str) -> list[str]:
    """Content terms of `text`, in order, repeats kept.

    NFKC-normalised and case-folded, so any script works and full-width or ligature forms meet
    their plain spelling; typographic apostrophes count as "'". Stopwords and the possessive
    "'s" are dropped; number words two..twenty and the tens become digits; thousands commas
    are removed ("2,000" -> "2000"), decimals kept ("3.5"); words are then `stem`med.
    """
    folded = fold(text)
    terms: list[str] = []
    for match in WORD.finditer(folded):
        term = normalise_term(match.group())
        if term:
            terms.append(term)
    return terms


def split_glued(word: str, known: Callable[[str], bool]) -> list[str] | None:
    """`word`, a run of letters typed without spaces or capitals (a hashtag or a handle:
    "fyrefestival", "cornflakes"), cut into the fewest pieces of three letters or more that
    `known` accepts ("stopthesteal" -> "stop the steal"), or None when it does not cut into two
    or more. Or into two pieces, one known and one not, when each has four letters or more
    and the known one six: a name misspelled in a hashtag ("krystinamartelli") still gives its
    known half. Among cuts into equally few pieces the one with the longest pieces wins (sum of
    squared lengths), so "cornflakes" is "corn flakes", not "corn flak es".
    """
    n = len(word)
    if n < 6:
        return None
    # best[i]: (pieces, -sum of squared lengths, cut positions) of the best cut of word[:i].
    best: list[tuple[int, int, tuple[int, ...]] | None] = [None] * (n + 1)
    best[0] = (0, 0, ())
    for end in range(3, n + 1):
        for start in range(end - 2):
            prior = best[start]
            if prior is None or not known(word[start:end]):
                continue
            size = end - start
            entry = (prior[0] + 1, prior[1] - size * size, (*prior[2], end))
            current = best[end]
            if current is None or entry < current:
                best[end] = entry
    found = best[n]
    if found is not None:
        cuts = (0, *found[2])
        return [word[a:b] for a, b in itertools.pairwise(cuts)] if len(cuts) > 2 else None
    # (length of the known half, cut) for every cut into halves of 4+ letters, one known (6+).
    halves = [
        (size, cut)
        for cut in range(4, n - 3)
        for size, half in ((cut, word[:cut]), (n - cut, word[cut:]))
        if size >= 6 and known(half)
    ]
    if not halves:
        return None
    cut = max(halves)[1]  # the longest known half: "krystina|martelli", not "krystinamar|telli"
    return [word[:cut], word[cut:]]


# A hashtag, and the camel-case and letter/digit boundaries inside one: "#IranUSA2020" ->
# "Iran USA 2020".
_HASHTAG = re.compile(r"(?<![\w#])#(\w+(?:#\w+)*)")  # a run of them too: "#adventure#park"
_CAMEL = re.compile(
    r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])"
)


def split_hashtag(tag: str, known: Callable[[str], bool] | None = None) -> str:
    """``IranUsa`` -> ``Iran Usa``; ``COVID19`` -> ``COVID 19``; underscores become spaces.
    With ``known`` (``ClaimIndex.knows``), a run of lower-case letters it does not know is cut
    into words it does (``fyrefestival`` -> ``fyre festival``; see `split_glued`)."""
    parts = [_CAMEL.sub(" ", part) for part in tag.split("_") if part]
    if known is not None:
        # Only a part the capitals did not cut: "TomFitton" is a name, not "Tom Fit ton".
        parts = [part if " " in part else _unglued(part, known) for part in parts]
    return " ".join(parts)


def expand_hashtags(text: str, known: Callable[[str], bool] | None = None) -> str:
    """Every ``#tag`` of `text` as the words `split_hashtag` makes of it."""
    if "#" not in text:
        return text
    return _HASHTAG.sub(
        lambda m: " " + " ".join(split_hashtag(tag, known) for tag in m.group(1).split("#")) + " ",
        text,
    )


def _unglued(word: str, known: Callable[[str], bool]) -> str:
    # "Fyrefestival" too, but not "FEMA".
    if not (word.isascii() and word.isalpha() and word[1:].islower()) or known(word):
        return word
    pieces = split_glued(word.casefold(), known)
    if not pieces:
        return word
    cuts = itertools.accumulate((len(piece) for piece in pieces), initial=0)
    return " ".join(word[a:b] for a, b in itertools.pairwise(cuts))  # the word's own case



# ---------------------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int




_LINE = re.compile(r"[^\n]+")
_BOUNDARY = re.compile(r"(?:\.\.\.|…|[.!?])+[\"”\u2019')\]]*(?=\s)")
_LAST_TOKEN = re.compile(r"(\S+)$")
_NEXT_WORD = re.compile(r"[\"“\u2018'(\[]*([A-Za-z]+)")
_INITIALISM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]|[A-Z]")

# Titles are always followed by a name, so a period after them never ends a sentence.
_TITLE_ABBREVIATIONS = _split(
    "mr mrs ms dr gen sen rep gov lt col capt sgt prof st rev hon maj adm brig cmdr fr mt ft "
    "messrs mme mlle e.g i.e cf"
)
# These can end a sentence; we only split after them when the next word is a typical opener.
_AMBIGUOUS_ABBREVIATIONS = _split(
    "jan feb mar apr jun jul aug sep sept oct nov dec inc ltd co corp plc etc vs no approx est "
    "a.m p.m jr sr bros"
)
_SENTENCE_STARTERS = _split(
    "the a an he she it they we i you this that these those there but and however in on at "
    "after before his her its their our mr mrs ms dr meanwhile still yet so then when while "
    "if as by for"
)
_SOFT_WRAP_END = frozenset(",;:-\u2013—(&/")


def _blocks(text: str) -> list[tuple[int, int]]:
    """Paragraph-ish blocks. A single newline is a break (so headings and captions stand
    alone) unless the next line starts in lower case or the line ends mid-clause, which is how
    hard-wrapped prose looks."""
    blocks: list[tuple[int, int]] = []
    cur: list[int] | None = None
    for m in _LINE.finditer(text):
        line = m.group()
        stripped = line.strip()
        if not stripped:
            continue
        ls = m.start() + len(line) - len(line.lstrip())
        le = m.start() + len(line.rstrip())
        if cur is not None:
            blank_between = text.count("\n", cur[1], ls) >= 2
            soft = text[ls].islower() or text[cur[1] - 1] in _SOFT_WRAP_END
            if not blank_between and soft:
                cur[1] = le
                continue
            blocks.append((cur[0], cur[1]))
        cur = [ls, le]
    if cur is not None:
        blocks.append((cur[0], cur[1]))
    return blocks


def _is_boundary(block: str, m: re.Match[str]) -> bool:
    rest = block[m.end() :].lstrip()
    if not rest:
        return True
    first = rest[0]
    if first.islower():
        # Covers '"...done." he said' as well as abbreviations followed by ordinary words.
        return False
    punct = m.group()
    if not punct.startswith(".") or punct.startswith("..."):
        return True
    if punct.rstrip("\"”\u2019')]") != ".":
        return True
    tok_m = _LAST_TOKEN.search(block, 0, m.start())
    if tok_m is None:
        return True
    tok = tok_m.group(1).lstrip("\"“\u2018'([")
    low = tok.lower()
    if low in _TITLE_ABBREVIATIONS and punct == ".":
        return False
    if _INITIALISM.fullmatch(tok) or low in _AMBIGUOUS_ABBREVIATIONS:
        nxt = _NEXT_WORD.match(rest)
        if first.isdigit():
            return False
        return nxt is not None and nxt.group(1).lower() in _SENTENCE_STARTERS
    return True


def sentences_by_block(text: str) -> list[tuple[Sentence, int]]:
    out: list[tuple[Sentence, int]] = []
    for bi, (bs, be) in enumerate(_blocks(text)):
        block = text[bs:be]
        start = 0
        for m in _BOUNDARY.finditer(block):
            if m.end() <= start or not _is_boundary(block, m):
                continue
            _append_sentence(out, text, bs, start, m.end(), bi)
            start = m.end()
        _append_sentence(out, text, bs, start, len(block), bi)
    return out


def _append_sentence(
    out: list[tuple[Sentence, int]], text: str, base: int, s: int, e: int, block: int
) -> None:
    piece = text[base + s : base + e]
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece) - len(piece.rstrip())
    start, end = base + s + lead, base + e - trail
    if end > start:
        out.append((Sentence(text[start:end], start, end), block))


def split_sentences(text: str) -> list[Sentence]:
    """Sentences in order, with offsets such that ``text[s.start:s.end] == s.text``."""
    return [s for s, _ in sentences_by_block(text)]




_QUICK_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d)\]]*\s+|\n+")


def split_sentences_quick(text: str) -> list[str]:
    """Sentences cut at end punctuation or a line break, with no abbreviation rules: what the
    learned stance model was trained on (its features count sentences this way), and cheap on
    long bodies. Reports are cut with `split_sentences`."""
    return [p for p in _QUICK_SENTENCE_END.split(text) if p and p.strip()]
