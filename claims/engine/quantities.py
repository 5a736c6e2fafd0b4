"""Amounts in news text: what they count and the range of numbers their words allow.

Pure standard-library code, so the verification engine and the workers can use it without Django.

Ranges chosen for vague words (every bound is inclusive; counts are whole numbers):

* "a couple" 2-3, "a few" and "a handful" 2-5, "several" 3-9, "a dozen" 12.
* Plural scale words mean "at least two of them, below the next order of magnitude":
  "dozens" 24-99, "scores" 40-99, "hundreds" 200-999, "thousands" 2,000-9,999,
  "millions" 2,000,000-9,999,999. "tens of thousands" 20,000-99,999 and
  "hundreds of thousands" 200,000-999,999 follow the same rule.
* A vague count times a singular scale multiplies both ends: "several hundred" 300-900.
* "about", "around", "approximately", "roughly", "some", "circa", "an estimated", a trailing
  "or so": 0.9x-1.1x. "nearly", "almost", "close to", "just under": 0.9x-x. When x is whole,
  those bounds are rounded inwards to whole numbers ("about 13" is 12-14).
* "at least", "no fewer than", a trailing "or more", "40+": x-inf. "more than", "over",
  "above", "upwards of": x+1 to inf for a whole x. "fewer than", "less than", "under",
  "below": 0 to x-1 for a whole x. "up to", "as many as", "at most", "no more than": 0-x.

find_quantities leaves out, besides dates, years, clock times, ages and ordinals:
percentages and money, because "percent" or "dollars" alone does not say what is measured,
and two unrelated rates would look comparable; durations ("three days"), because they say
how long rather than how many; numbers that name things ("Flight 370", "Article 5"); and
"one" used as a pronoun ("one of the", "no one"). A bare four-digit number from 1800 to 2099
is a year unless a modifier ("about 2000 people") or a count noun ("2000 protesters") makes
it a count. "rose from 10 to 20" is two figures, not the range 10-20.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from claims.engine.text import TENS, UNITS

__all__ = ["FoundQuantity", "Range", "find_quantities", "parse_amount", "same_thing"]


# How far a round exact figure reaches when compared, as a share of its value: copy rounds ("a
# 2,000 tip" for 2,084, "50 million watches"), so a whole figure ending in at least
# ROUND_FIGURE_ZEROS zeros stands for the span around it when the other figure is more precise.
# Smaller or less round figures ("13 killed", "164") are exact.
ROUND_FIGURE_TOLERANCE = 0.05
ROUND_FIGURE_ZEROS = 2


def _roundness(low: float, high: float) -> int:
    """How many zeros an exact whole figure ends in (0 for a range or a fraction)."""
    if low != high or not math.isfinite(low) or low < 1 or low != int(low):
        return 0
    value, zeros = int(low), 0
    while value % 10 == 0:
        value //= 10
        zeros += 1
    return zeros


def near_span(low: float, high: float) -> tuple[float, float]:
    """The span a round exact figure stands for beside a more precise one: ROUND_FIGURE_TOLERANCE
    either side; a range, or any other figure, is itself."""
    if _roundness(low, high) < ROUND_FIGURE_ZEROS:
        return low, high
    reach = low * ROUND_FIGURE_TOLERANCE
    return low - reach, high + reach


def figures_meet(low: float, high: float, other_low: float, other_high: float) -> bool:
    """Whether two figures (low <= high each) can be the same count: they overlap, or the
    rounder one's `near_span` meets the more precise one ("2,000" and "2,084", not "2,000" and
    "2,200", which are rounded alike)."""
    if low <= other_high and other_low <= high:
        return True
    roundness, other = _roundness(low, high), _roundness(other_low, other_high)
    if roundness > other:
        low, high = near_span(low, high)
    elif other > roundness:
        other_low, other_high = near_span(other_low, other_high)
    return low <= other_high and other_low <= high


@dataclass(frozen=True)
class Range:
    low: float
    high: float  # math.inf when open-ended

    def __post_init__(self) -> None:
        # ints are accepted (Range(13, 13)) but stored as floats, so callers can rely on float API
        object.__setattr__(self, "low", float(self.low))
        object.__setattr__(self, "high", float(self.high))
        if not self.low <= self.high:  # written this way so that NaN is refused too
            raise ValueError(f"Range low {self.low!r} is above high {self.high!r}")

    def overlaps(self, other: Range) -> bool:
        return self.low <= other.high and other.low <= self.high

    def meets(self, other: Range) -> bool:
        """Whether the two can be the same count, a round figure read as the values near it
        (`figures_meet`)."""
        return figures_meet(self.low, self.high, other.low, other.high)

    def __str__(self) -> str:
        if math.isinf(self.high):
            return f"{_format_number(self.low)}+"
        if self.low == self.high:
            return _format_number(self.low)
        return f"{_format_number(self.low)}\u2013{_format_number(self.high)}"


@dataclass(frozen=True)
class FoundQuantity:
    words: str
    what: str
    range: Range
    start: int
    end: int
    # A running count's earlier figure that the sentence replaces: "up from 13", "rose from 10
    # to 20". Readers comparing figures with a claim skip it.
    previous: bool = False


def _format_number(value: float) -> str:
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------------------------------------
# Vocabulary

_UNITS = UNITS
_TENS = TENS
_BIG_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SCALES = {"hundred": 100.0, "dozen": 12.0, **_BIG_SCALES}
_PLURAL_SCALES = {"thousands": 1e3, "millions": 1e6, "billions": 1e9}
_PLURAL_VAGUE: dict[str, tuple[float, float]] = {
    "tens": (20, 99),
    "dozens": (24, 99),
    "scores": (40, 99),
    "hundreds": (200, 999),
    "thousands": (2_000, 9_999),
    "millions": (2_000_000, 9_999_999),
    "billions": (2_000_000_000, 9_999_999_999),
}
_ARTICLE_VAGUE: dict[str, tuple[float, float]] = {"couple": (2, 3), "few": (2, 5), "handful": (2, 5)}

_APPROX, _NEAR, _AT_LEAST, _MORE, _FEWER, _UP_TO, _BETWEEN = (
    "approx", "near", "at_least", "more", "fewer", "up_to", "between",
)
_MODIFIERS: dict[tuple[str, ...], str] = {
    ("about",): _APPROX, ("around",): _APPROX, ("approximately",): _APPROX,
    ("approx",): _APPROX, ("roughly",): _APPROX, ("some",): _APPROX, ("circa",): _APPROX,
    ("estimated",): _APPROX, ("an", "estimated"): _APPROX, ("some", "estimated"): _APPROX,
    ("nearly",): _NEAR, ("almost",): _NEAR, ("close", "to"): _NEAR, ("approaching",): _NEAR,
    ("just", "under"): _NEAR, ("just", "shy", "of"): _NEAR, ("not", "quite"): _NEAR,
    ("at", "least"): _AT_LEAST, ("no", "fewer", "than"): _AT_LEAST,
    ("no", "less", "than"): _AT_LEAST, ("not", "less", "than"): _AT_LEAST,
    ("not", "fewer", "than"): _AT_LEAST, ("a", "minimum", "of"): _AT_LEAST,
    ("more", "than"): _MORE, ("over",): _MORE, ("above",): _MORE, ("in", "excess", "of"): _MORE,
    ("upwards", "of"): _MORE, ("upward", "of"): _MORE, ("well", "over"): _MORE,
    ("just", "over"): _MORE, ("well", "above"): _MORE, ("slightly", "more", "than"): _MORE,
    ("exceeding",): _MORE, ("greater", "than"): _MORE,
    ("fewer", "than"): _FEWER, ("less", "than"): _FEWER, ("under",): _FEWER, ("below",): _FEWER,
    ("well", "under"): _FEWER, ("well", "below"): _FEWER,
    ("up", "to"): _UP_TO, ("as", "many", "as"): _UP_TO, ("at", "most"): _UP_TO,
    ("no", "more", "than"): _UP_TO, ("not", "more", "than"): _UP_TO,
    ("a", "maximum", "of"): _UP_TO, ("at", "the", "most"): _UP_TO,
    ("between",): _BETWEEN,
}
_MODIFIER_LENGTHS = sorted({len(phrase) for phrase in _MODIFIERS}, reverse=True)
_SUFFIXES: dict[tuple[str, ...], str] = {
    ("or", "more"): _AT_LEAST, ("or", "above"): _AT_LEAST, ("or", "over"): _AT_LEAST,
    ("and", "more"): _AT_LEAST, ("or", "so"): _APPROX,
    ("or", "fewer"): _UP_TO, ("or", "less"): _UP_TO,
}
_RANGE_SEPARATORS = frozenset({"-", "\u2013", "to", "or"})

_START_WORDS = frozenset(
    {phrase[0] for phrase in _MODIFIERS}
    | _UNITS.keys() | _TENS.keys() | _PLURAL_VAGUE.keys()
    | {"a", "an", "half", "several"}
)

_QUOTES = frozenset({'"', "'", "\u201c", "\u201d", "\u2018", "\u2019", "\u00ab", "\u00bb"})
_SENTENCE_ENDS = frozenset({".", "!", "?", ";"})
_MONTHS = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec",
})
_WEEKDAYS = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
})
_TIME_UNITS = frozenset({
    "second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "night", "nights",
    "week", "weeks", "weekend", "weekends", "month", "months", "year", "years", "decade",
    "decades", "century", "centuries", "time", "times", "hrs", "mins", "yr", "yrs",
})
_NOT_COUNTS_AFTER = frozenset({
    "percent", "per", "pc", "percentage", "percentages", "dollars", "dollar", "euros", "euro",
    "pounds", "sterling", "yen", "yuan", "rubles", "roubles", "ruble", "rouble", "tenge",
    "francs", "rupees", "usd", "eur", "gbp", "cents", "pence",
}) | _TIME_UNITS
_CURRENCY_SIGNS = frozenset("$\u20ac\u00a3\u00a5\u20b8\u20bd\u20b9")
_NAMING_WORDS = frozenset({
    "no", "nos", "number", "article", "articles", "flight", "page", "pages", "room", "route",
    "section", "chapter", "resolution", "paragraph", "gate", "platform", "terminal", "line",
    "level", "phase", "stage", "round", "category", "grade", "class", "type", "model", "version",
    "season", "episode", "vol", "volume", "item", "clause", "unit", "bus", "highway", "road",
    "street", "district", "zone", "block", "apartment", "code", "tier", "step", "aged", "age",
    "ages", "ward", "cell", "lane", "exit", "channel", "division", "brigade", "regiment",
})
# Count nouns that make a bare year-shaped number ("2000 people") a count, not a year.
_COUNT_HINTS = frozenset({
    "people", "persons", "men", "women", "children", "protesters", "protestors", "demonstrators",
    "troops", "soldiers", "officers", "police", "policemen", "civilians", "residents", "students",
    "workers", "refugees", "migrants", "prisoners", "detainees", "casualties", "deaths", "victims",
    "militants", "fighters", "rebels", "supporters", "households", "families", "homes", "houses",
    "buildings", "vehicles", "cars", "arrests", "personnel", "servicemen", "passengers",
})
# Nouns whose "of N" gives a head count of inhabitants.
_POPULATION_NOUNS = frozenset({
    "nation", "country", "city", "town", "population", "region", "province", "state", "capital",
    "village", "island", "republic", "metropolis",
})

# Words that end a noun phrase after an amount.
_NP_STOP = frozenset({
    "a", "an", "the", "this", "that", "these", "those", "who", "whom", "whose", "which", "what",
    "where", "when", "while", "whereas", "and", "or", "but", "nor", "so", "yet", "if", "than",
    "as", "of", "in", "on", "at", "by", "for", "from", "to", "into", "onto", "with", "within",
    "without", "near", "across", "after", "before", "during", "since", "until", "till", "over",
    "under", "about", "around", "among", "amid", "against", "through", "throughout", "toward",
    "towards", "outside", "inside", "including", "according", "per", "via", "like", "unlike",
    "following", "despite", "is", "are", "was", "were", "be", "been", "being", "am", "has",
    "have", "had", "having", "do", "does", "did", "will", "would", "shall", "should", "may",
    "might", "must", "can", "could", "got", "get", "gets", "said", "says", "say", "told", "not",
    "no", "also", "only", "just", "even", "still", "now", "then", "there", "here", "today",
    "tonight", "yesterday", "tomorrow", "overnight", "earlier", "later", "ago", "again", "all",
    "both", "each", "every", "either", "neither", "he", "she", "it", "they", "we", "you", "i",
    "him", "her", "them", "us", "me", "his", "its", "their", "our", "my", "your", "himself",
    "themselves", "reportedly", "allegedly", "apparently", "very", "too", "most", "least",
    "such", "same", "own", "why", "how", "whether", "because", "though", "although", "unless",
    "up", "down", "out", "off", "away", "back", "alone", "altogether", "instead", "fell", "went",
    "came", "took", "gave", "made", "saw", "ran", "won", "lost", "left", "rose", "stood",
    "included", "remained", "became", "seemed", "appeared",
}) | _WEEKDAYS
_DROPPED_ADJECTIVES = frozenset({"more", "other", "others", "additional", "further", "extra"})
_LY_NOUNS = frozenset({"family", "ally", "rally", "assembly", "supply", "italy"})

# Verbs for the event that happened to what is counted, and nouns that stand for the event.
_EVENT_CONCEPTS: dict[str, str] = {
    **dict.fromkeys(
        ("killed", "dead", "died", "death", "deaths", "toll", "eliminated", "fatalities",
         "fatality", "slain", "perished", "murdered", "executed"),
        "killed",
    ),
    **dict.fromkeys(
        ("detained", "arrested", "detainees", "detainee", "held", "custody", "arrests", "arrest",
         "detentions", "detention", "apprehended", "captured", "jailed"),
        "detained",
    ),
    **dict.fromkeys(("injured", "wounded", "hurt", "injuries", "injury"), "injured"),
    **dict.fromkeys(("decapitated", "beheaded"), "decapitated"),
    **dict.fromkeys(("missing", "disappeared", "unaccounted"), "missing"),
    **dict.fromkeys(("commandeered", "seized", "hijacked"), "seized"),
    **dict.fromkeys(("displaced", "fled"), "displaced"),
    **dict.fromkeys(("evacuated",), "evacuated"),
    **dict.fromkeys(("rescued", "saved", "pulled", "freed", "survivors", "survivor"), "rescued"),
}
# Predicates that can follow a count directly ("13 dead", "10 missing").
_PREDICATE_WORDS = frozenset({"dead", "died", "missing", "hurt", "injured", "wounded", "killed"})
_IRREGULAR_PARTICIPLES = frozenset({
    "shot", "held", "hurt", "slain", "taken", "beaten", "caught", "struck", "thrown", "stolen",
    "fled", "hit", "burnt", "sent", "kept", "found", "brought", "driven", "shown", "seen",
    "given", "bitten", "stabbed", "hidden", "overrun", "undertaken", "sworn", "hung",
})
_NOT_PARTICIPLES = frozenset({
    "hundred", "kindred", "sacred", "naked", "wicked", "hatred", "shed", "bed", "red", "wed",
})
# Verbs before an amount that report or measure it rather than say what happened to it.
_NEUTRAL_VERBS = frozenset({
    "said", "reported", "claimed", "stated", "added", "noted", "confirmed", "announced",
    "estimated", "counted", "recorded", "registered", "tallied", "logged", "listed", "numbered",
    "totalled", "totaled", "reached", "exceeded", "surpassed", "topped", "passed", "increased",
    "decreased", "doubled", "tripled", "climbed", "jumped", "rose", "fell", "dropped", "stood",
    "put", "included", "involved", "remained", "aged", "named", "based", "compared", "related",
    "expected", "believed", "feared", "thought", "revised", "raised", "lowered", "hit", "found",
    "seen", "given", "shown", "sent", "kept", "brought", "alleged", "combined", "unnamed",
    "unidentified", "undisclosed", "suspected", "armed", "masked",
})
_ING_EVENTS = {
    "killing": "killed", "injuring": "injured", "wounding": "wounded", "detaining": "detained",
    "arresting": "arrested", "leaving": "", "eliminating": "eliminated",
    "beheading": "beheaded", "decapitating": "decapitated", "displacing": "displaced",
}
_BE_WORDS = frozenset({"were", "was", "are", "is", "been", "being", "be", "got", "get", "gets"})
_BETWEEN_AMOUNT_AND_VERB = frozenset({
    "who", "that", "which", "had", "have", "has", "will", "would", "may", "might", "could",
    "should", "must", "also", "later", "all", "both", "then", "since", "already", "now",
    "subsequently", "still", "reportedly", "allegedly", "apparently", "believed", "said",
    "reported", "feared", "thought", "confirmed", "to", "initially", "eventually", "each",
}) | _BE_WORDS
# Words after a verb that show it has no object, so it tells what happened to the counted thing.
_AFTER_INTRANSITIVE = frozenset({
    "in", "at", "on", "by", "during", "after", "before", "when", "while", "and", "or", "but",
    "overnight", "yesterday", "today", "tonight", "from", "near", "across", "as", "into",
    "with", "within", "outside", "inside", "for", "since", "amid", "following", "because",
    "earlier", "later", "there", "here", "again", "too", "instead", "last", "this",
}) | _WEEKDAYS
_EVENT_NOUNS = frozenset({
    "deaths", "death", "fatalities", "detainees", "arrests", "detentions", "injuries",
})
# Before these a participle is an adjective or passive, not a verb taking the amount as object.
_NOT_BEFORE_OBJECT_VERB = frozenset({"the", "a", "an"}) | _BE_WORDS
_PARTITIVE_PRONOUNS = frozenset({"them", "whom", "those", "us", "these"})
_DETERMINERS = frozenset({"the", "these", "those", "their", "his", "her", "its", "our", "my"})
_INCLUDING = frozenset({"including", "includes", "incl", "among"})
_COORDINATION = frozenset({",", "and", "or"})
# Running-count nouns: amounts later in the same clause are counts of that event.
_CONTEXT_TRIGGERS: dict[str, str] = {
    "toll": "killed", "fatalities": "killed", "deaths": "killed", "arrests": "detained", "detentions": "detained",
    "injuries": "injured",
}
_CONTEXT_BREAKS = frozenset({
    "while", "whereas", "but", "although", "though", "when", "because", "after", "before",
    "since", "as", "said", "says", "according", "meanwhile", "however",
})
# Prepositions that put an amount outside a running count ("the toll rose to 13 in 5 cities").
_CONTEXT_BLOCKING_PREPOSITIONS = frozenset({
    "in", "across", "from", "on", "within", "for", "with", "near", "into", "of", "by", "over",
    "among", "than",
})
_SENTENCE_OPENERS = frozenset({
    "another", "perhaps", "maybe", "exactly", "precisely", "overall", "altogether", "fully",
})
_CHANGE_VERBS = frozenset({
    "rose", "risen", "climbed", "increased", "jumped", "grew", "grown", "fell", "fallen",
    "dropped", "surged", "soared", "revised", "raised", "lowered", "went", "gone",
})
_ONE_PRONOUN_BEFORE = frozenset({
    "no", "the", "this", "that", "each", "every", "any", "which", "anyone", "someone",
    "everyone", "only",
})
_ONE_PRONOUN_AFTER = frozenset({
    "of", "another", "way", "point", "side", "hand", "thing", "by", "after", "'s",
})

_TOKEN_RE = re.compile(
    r"(?P<num>(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?!\d|[.,]\d)|\d+(?:[.,]\d+)*)"
    r"|(?P<word>[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*)"
    r"|(?P<mark>\S)"
)
_PLAIN_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
_COMMA_GROUPED_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DOT_GROUPED_RE = re.compile(r"\d{1,3}(?:\.\d{3}){2,}")
_SPACE_GROUPED_RE = re.compile(r"\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+")
_YEAR_RE = re.compile(r"1[89]\d\d|20\d\d")
_CLOCK_AFTER_RE = re.compile(
    r"\s*(?:[ap]\.?\s?m\b\.?|o['\u2019]clock\b|gmt\b|utc\b|hrs\b|h\b)", re.IGNORECASE
)
_WORD_RE = re.compile(r"[a-z]+")

_NUM, _WORD, _MARK = 0, 1, 2
_KINDS = {"num": _NUM, "word": _WORD, "mark": _MARK}


def _number_value(raw: str) -> float | None:
    if _PLAIN_NUMBER_RE.fullmatch(raw):
        return float(raw)
    if _COMMA_GROUPED_RE.fullmatch(raw):
        return float(raw.replace(",", ""))
    if _DOT_GROUPED_RE.fullmatch(raw):
        return float(raw.replace(".", ""))
    if _SPACE_GROUPED_RE.fullmatch(raw):
        return float(re.sub(r"\D", "", raw))
    return None


def _is_participle(word: str) -> bool:
    if word in _IRREGULAR_PARTICIPLES:
        return True
    return (
        len(word) > 4
        and word.endswith("ed")
        and not word.endswith("eed")
        and word not in _NOT_PARTICIPLES
    )


def _is_number_word(word: str) -> bool:
    return all(part in _UNITS or part in _TENS or part in _SCALES for part in word.split("-"))


# ---------------------------------------------------------------------------------------------
# Parsing amounts from tokens


@dataclass
class _Simple:
    low: float
    high: float
    end: int
    multiplier: float  # product of the trailing scale words, so "1 to 2 million" can share it
    year_like: bool = False


@dataclass
class _Amount:
    start: int
    core: int
    end: int
    low: float
    high: float
    modifier: str | None
    year_like: bool


class _Tokens:
    __slots__ = ("ends", "kinds", "lows", "n", "raws", "starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.kinds: list[int] = []
        self.raws: list[str] = []
        self.lows: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        for match in _TOKEN_RE.finditer(text):
            raw = match.group()
            self.kinds.append(_KINDS[match.lastgroup or "mark"])
            self.raws.append(raw)
            self.lows.append(raw.lower())
            self.starts.append(match.start())
            self.ends.append(match.end())
        self.n = len(self.raws)

    def low(self, i: int) -> str:
        return self.lows[i] if 0 <= i < self.n else ""

    def is_word(self, i: int) -> bool:
        return 0 <= i < self.n and self.kinds[i] == _WORD

    def capitalised(self, i: int) -> bool:
        return self.is_word(i) and self.raws[i][0].isupper()

    def may_start(self, i: int) -> bool:
        if self.kinds[i] == _NUM:
            return True
        word = self.lows[i]
        return word in _START_WORDS or ("-" in word and _is_number_word(word))

    # -- grammar ------------------------------------------------------------------------------

    def amount_at(self, i: int) -> _Amount | None:
        modifier, core = self._modifier(i)
        if modifier == _BETWEEN:
            first = self._simple(core)
            if first is None or self.low(first.end) != "and":
                return None
            second = self._simple(first.end + 1)
            if second is None:
                return None
            low, high = _join(first, second)
            if low > high:
                return None
            end = second.end
            year_like = first.year_like or second.year_like
        else:
            parsed = self._range(core)
            if parsed is None:
                return None
            low, high, end, year_like = parsed
            if modifier is None:
                suffix = self._suffix(end)
                if suffix is not None:
                    modifier, end = suffix
        low, high = _apply_modifier(modifier, low, high)
        return _Amount(i, core, end, low, high, modifier, year_like)

    def _modifier(self, i: int) -> tuple[str | None, int]:
        for length in _MODIFIER_LENGTHS:
            phrase = tuple(self.lows[i:i + length])
            modifier = _MODIFIERS.get(phrase)
            if modifier is not None and len(phrase) == length:
                return modifier, i + length
        return None, i

    def _suffix(self, end: int) -> tuple[str, int] | None:
        modifier = _SUFFIXES.get((self.low(end), self.low(end + 1)))
        if modifier is not None:
            return modifier, end + 2
        if self.low(end) == "+" and self.starts[end] == self.ends[end - 1]:
            return _AT_LEAST, end + 1
        if (
            self.low(end) == "-"
            and self.low(end + 1) == "plus"
            and self.starts[end] == self.ends[end - 1]
        ):
            return _AT_LEAST, end + 2
        return None

    def _range(self, j: int) -> tuple[float, float, int, bool] | None:
        first = self._simple(j)
        if first is None:
            return None
        separator = self.low(first.end)
        if separator in _RANGE_SEPARATORS and not (
            # "from 10 to 20" is a change between two figures, not one range
            (separator == "to" and self.low(j - 1) == "from")
            or (separator == "or" and (separator, self.low(first.end + 1)) in _SUFFIXES)
        ):
            second = self._simple(first.end + 1)
            if second is not None:
                low, high = _join(first, second)
                if low <= high:
                    return low, high, second.end, first.year_like or second.year_like
                if separator in ("-", "\u2013"):
                    return None  # a score ("3-1") or a date, not a range
        return first.low, first.high, first.end, first.year_like

    def _scale_words(self, k: int) -> tuple[int, float]:
        multiplier = 1.0
        while self.low(k) in _SCALES:
            multiplier *= _SCALES[self.lows[k]]
            k += 1
        return k, multiplier

    def _simple(self, j: int) -> _Simple | None:
        if j >= self.n:
            return None
        word = self.lows[j]
        if self.kinds[j] == _NUM:
            value = _number_value(self.raws[j])
            if value is None:
                return None
            end, multiplier = self._scale_words(j + 1)
            year_like = multiplier == 1 and bool(_YEAR_RE.fullmatch(self.raws[j]))
            return _Simple(value * multiplier, value * multiplier, end, multiplier, year_like)
        if word in ("a", "an"):
            following = self.low(j + 1)
            if following in _ARTICLE_VAGUE:
                low, high = _ARTICLE_VAGUE[following]
                end = j + 2
                if following == "couple" and self.low(end) == "of" and self.low(end + 1) in _SCALES:
                    end += 1
                end, multiplier = self._scale_words(end)
                return _Simple(low * multiplier, high * multiplier, end, multiplier)
            if following in _SCALES:
                return self._number_words(j)
            return None
        if word == "half" and self.low(j + 1) in ("a", "an") and self.low(j + 2) in _SCALES:
            scale = _SCALES[self.lows[j + 2]]
            return _Simple(scale / 2, scale / 2, j + 3, scale)
        if word == "several":
            end, multiplier = self._scale_words(j + 1)
            return _Simple(3 * multiplier, 9 * multiplier, end, multiplier)
        if word in _PLURAL_VAGUE:
            low, high = _PLURAL_VAGUE[word]
            end = j + 1
            if self.low(end) == "of" and self.low(end + 1) in _PLURAL_SCALES:
                unit = _PLURAL_SCALES[self.lows[end + 1]]
                return _Simple(low * unit, (high + 1) * unit - 1, end + 2, unit)
            if word == "tens":
                return None
            return _Simple(low, high, end, 1)
        if self.kinds[j] == _WORD and _is_number_word(word):
            return self._number_words(j)
        return None

    def _number_words(self, j: int) -> _Simple | None:
        total = 0.0
        current = 0.0
        last = ""
        k = j
        end, value, ended_on = j, 0.0, ""
        multiplier = 1.0
        if self.lows[k] in ("a", "an"):
            current, last, k = 1.0, "article", k + 1
        while k < self.n:
            word = self.lows[k]
            if word == "and" and last in ("hundred", "big") and self._starts_small_number(k + 1):
                last, k = "and", k + 1
                continue
            if self.kinds[k] != _WORD:
                break
            state = _read_number_word(word, total, current, last)
            if state is None:
                break
            total, current, last, multiplier = state
            k += 1
            end, value, ended_on = k, total + current, last
        if end == j:
            return None
        scale = multiplier if ended_on in ("hundred", "dozen", "big") else 1.0
        return _Simple(value, value, end, scale)

    def _starts_small_number(self, k: int) -> bool:
        part = self.low(k).split("-")[0]
        return part in _UNITS or part in _TENS


def _read_number_word(
    word: str, total: float, current: float, last: str
) -> tuple[float, float, str, float] | None:
    """Fold one number word ("twenty-five", "hundred", "million") into a running value."""
    multiplier = 1.0
    for part in word.split("-"):
        if part in _UNITS:
            kind = "unit" if _UNITS[part] < 10 else "teen"
            if last not in ("", "hundred", "big", "and") and not (
                kind == "unit" and last == "tens" and _UNITS[part] > 0
            ):
                return None
            current += _UNITS[part]
        elif part in _TENS:
            kind = "tens"
            if last not in ("", "hundred", "big", "and"):
                return None
            current += _TENS[part]
        elif part == "hundred" or part == "dozen":
            kind = part
            if last not in ("unit", "teen", "tens", "article") or (
                part == "hundred" and current >= 100
            ):
                return None
            multiplier = _SCALES[part]
            current = (current or 1) * multiplier
        elif part in _BIG_SCALES:
            kind = "big"
            if last not in ("unit", "teen", "tens", "hundred", "article", "dozen"):
                return None
            multiplier = _BIG_SCALES[part]
            total += (current or 1) * multiplier
            current = 0
        else:
            return None
        last = kind
    return total, current, last, multiplier


def _join(first: _Simple, second: _Simple) -> tuple[float, float]:
    """The range from `first` to `second`; low above high when they are written high to low."""
    low, high = first.low, first.high
    # "between 1 and 2 million", "two or three hundred": the scale is written once, at the end
    if first.multiplier == 1 and second.multiplier > 1 and high <= second.high / second.multiplier:
        low, high = low * second.multiplier, high * second.multiplier
    if low > second.low:
        return low, second.high
    return low, max(high, second.high)


def _apply_modifier(modifier: str | None, low: float, high: float) -> tuple[float, float]:
    low, high = float(low), float(high)
    if modifier == _APPROX:
        return _shrink_low(low * 9 / 10, low), _shrink_high(high * 11 / 10, high)
    if modifier == _NEAR:
        return _shrink_low(low * 9 / 10, low), high
    if modifier == _AT_LEAST:
        return low, math.inf
    if modifier == _MORE:
        return (low + 1 if low.is_integer() else low), math.inf
    if modifier == _FEWER:
        return 0, max(0.0, high - 1) if high.is_integer() else high
    if modifier == _UP_TO:
        return 0, high
    return low, high


def _shrink_low(bound: float, written: float) -> float:
    # Counts are whole: a bound derived from a whole number is rounded inwards.
    return float(math.ceil(bound)) if written.is_integer() else bound


def _shrink_high(bound: float, written: float) -> float:
    return float(math.floor(bound)) if written.is_integer() else bound


# ---------------------------------------------------------------------------------------------
# Finding amounts in running text


@dataclass
class _Found:
    amount: _Amount
    noun: list[str]
    noun_end: int
    clause_end: int
    verb: str | None
    verb_from: str | None  # "left", "right", "coordination", "shared" or "context"
    context_verb: str | None
    partitive: bool
    population: bool


def parse_amount(words: str) -> Range | None:
    """The range the words of one amount allow ("about 2,000" -> 1,800-2,200), or None.

    A trailing "of" is allowed ("scores of"); anything else after the amount makes it None.
    """
    tokens = _Tokens(words.strip())
    first = 0
    last = tokens.n
    while first < last and tokens.lows[first] in _QUOTES:
        first += 1
    while last > first and tokens.lows[last - 1] in _QUOTES:
        last -= 1
    if first == last:
        return None
    amount = tokens.amount_at(first)
    if amount is None:
        return None
    if amount.end != last and not (amount.end == last - 1 and tokens.lows[amount.end] == "of"):
        return None
    return Range(amount.low, amount.high)


def find_quantities(text: str) -> list[FoundQuantity]:
    """Every amount in `text` with what it counts, in order of appearance.

    `what` is the lowercase noun phrase after the amount plus the event verb when one is found:
    the verb the amount is the object of ("commandeered five planes"), a predicate after it
    ("were eliminated", "had been killed", "13 dead"), one shared across a list ("killed 13
    soldiers and 5 civilians"), or a running count earlier in the clause ("the death toll stood
    at 13 security officers" gives "security officers killed"). "including two who..." and
    "two of them" take the noun of the amount before. "the nation of 19 million" counts the
    "population". `what` is "" when nothing is said about what is counted.
    """
    tokens = _Tokens(text)
    found: list[_Found] = []
    i = 0
    while i < tokens.n:
        if not tokens.may_start(i):
            i += 1
            continue
        amount = tokens.amount_at(i)
        if amount is None:
            i += 1
            continue
        described = _describe(tokens, amount)
        if described is not None:
            found.append(described)
        i = amount.end
    _share_across_lists(tokens, found)
    result = []
    for item in found:
        amount = item.amount
        words = item.noun + ([item.verb] if item.verb else [])
        what = "population" if item.population and item.verb is None else " ".join(words)
        start, end = tokens.starts[amount.start], tokens.ends[amount.end - 1]
        # "18 killed, up from the 13 deaths reported on Thursday": the old count, which the
        # sentence replaces; read as the sentence's own figure it would contradict.
        previous = _PREVIOUS_COUNT.search(text[:start]) is not None
        result.append(
            FoundQuantity(
                text[start:end], what, Range(amount.low, amount.high), start, end, previous
            )
        )
    return result


# What a running count's previous figure follows: "up from 13", "risen to 19 from 13",
# "revised from an earlier 164".
_PREVIOUS_COUNT = re.compile(
    r"\b(?:(?:up|down|rising|risen|rose|raised|revised|increased|climbed|fell|falling|fallen"
    r"|to \S+)\s+)from\s+(?:the\s+|an?\s+)?(?:earlier\s+|previous\s+|initial\s+)?$",
    re.I,
)


def _describe(tokens: _Tokens, amount: _Amount) -> _Found | None:
    if _names_or_dates(tokens, amount):
        return None
    noun, noun_end, partitive = _noun_after(tokens, amount.end)
    if amount.year_like and not (
        noun
        and (
            (amount.modifier is not None and amount.modifier != _BETWEEN)
            or noun[0] in _COUNT_HINTS
        )
    ):
        return None
    before = _skip_back(tokens, amount.start - 1, _QUOTES)
    verb, clause_end = _verb_before(tokens, before), noun_end
    verb_from: str | None = "left" if verb else None
    if verb is None:
        verb, clause_end = _verb_after(tokens, noun_end)
        if verb is None and noun:
            # "Eight servicemen of the police and the National Guard have been killed": the
            # verb comes after the noun's "of" complement.
            verb, clause_end = _verb_after(tokens, _of_complement_end(tokens, noun_end))
        verb_from = "right" if verb else None
        clause_end = clause_end or noun_end
    previous = tokens.low(before)
    partitive = partitive or previous in _INCLUDING
    context_verb = None
    if verb is None and not any(word in _EVENT_CONCEPTS for word in noun):
        context_verb = _running_count(tokens, amount.start, before)
    population = (
        (not noun or noun == ["people"] or noun == ["inhabitants"])
        and verb is None
        and previous == "of"
        and tokens.low(before - 1) in _POPULATION_NOUNS
    )
    return _Found(
        amount, [word for word in noun if word not in _DROPPED_ADJECTIVES], noun_end,
        clause_end, verb, verb_from, context_verb, partitive, population,
    )


def _of_complement_end(tokens: _Tokens, k: int) -> int:
    """Where an "of" phrase after a noun ends ("of the police and the National Guard"): up to
    eight words, articles and "and" included; `k` itself when there is none."""
    if tokens.low(k) != "of":
        return k
    end = k + 1
    while end - k <= 8 and tokens.is_word(end):
        word = tokens.lows[end]
        if word in _BETWEEN_AMOUNT_AND_VERB or _is_participle(word) or word in _EVENT_CONCEPTS:
            return end
        end += 1
    return k


def _names_or_dates(tokens: _Tokens, amount: _Amount) -> bool:
    """Whether the amount is a date, time, age, ordinal, identifier, rate, price or duration."""
    text = tokens.text
    core, start, end = amount.core, tokens.starts[amount.core], tokens.ends[amount.end - 1]
    before = text[start - 1] if start > 0 else " "
    if before in _CURRENCY_SIGNS or before.isalnum() or before == "_":
        return True
    if before in "-\u2013/:." and start > 1 and text[start - 2].isalnum():
        return True  # "COVID-19", "6/1", "10:20", "v.2"
    after = text[end] if end < len(text) else " "
    if after.isalpha() or after in "%\u2030_":
        return True  # "19th", "10pm", "1990s", "40%"
    if after in ":/" and end + 1 < len(text) and text[end + 1].isdigit():
        return True
    if after in "-\u2013" and end + 1 < len(text) and text[end + 1].isalpha():
        return not text.startswith("strong", end + 1)  # "58-year-old", but "a 2,000-strong crowd"
    if _CLOCK_AFTER_RE.match(text, end):
        return True
    next_word = tokens.low(amount.end)
    if next_word.split("-")[0] in _NOT_COUNTS_AFTER:
        return True
    if next_word in ("in", "out") and _ratio_follows(tokens, amount.end):
        return True  # "one in five"
    previous = amount.start - 1
    previous_word = tokens.low(previous)
    bare = amount.modifier is None and amount.start == core
    if tokens.kinds[core] == _NUM:
        if previous_word in _MONTHS and tokens.capitalised(previous):
            return True
        if next_word in _MONTHS and tokens.capitalised(amount.end):
            return True
        if bare and _names_something(tokens, previous):
            return True
        if bare and _apposed_age(tokens, amount):
            return True
    if _ratio_precedes(tokens, previous):
        return True  # the "five" of "one in five"
    if (
        tokens.lows[core] == "scores"
        and amount.end == core + 1
        and next_word not in _BE_WORDS | _PREDICATE_WORDS | {"of"}
    ):
        return True  # "test scores"
    if previous_word == "(" and next_word == ")" and bare:
        return True  # "Saule (58)", list markers
    return bare and amount.end == core + 1 and tokens.lows[core] == "one" and (
        previous_word in _ONE_PRONOUN_BEFORE
        or next_word in _ONE_PRONOUN_AFTER
        # "a new one", "another one", "an earlier one": a pronoun for something named before.
        or tokens.low(previous - 1) in {"a", "an"}
        or previous_word == "another"
    )


def _names_something(tokens: _Tokens, previous: int) -> bool:
    word = tokens.low(previous)
    if word in _NAMING_WORDS or word == "#":
        return True
    if word == "." and tokens.low(previous - 1) in ("no", "nos", "vol", "art"):
        return True
    # "Boeing 737", "Resolution 2334": a capitalised word other than a function word or an
    # adverb ("Only 13", "Reportedly 40") names a thing
    return (
        tokens.capitalised(previous)
        and word not in _NP_STOP
        and word not in _SENTENCE_OPENERS
        and not word.endswith("ly")
    )


def _apposed_age(tokens: _Tokens, amount: _Amount) -> bool:
    # "Saule, 58, told AFP"
    core = amount.core
    return (
        amount.end == core + 1
        and tokens.low(core - 1) == ","
        and tokens.capitalised(core - 2)
        and tokens.low(amount.end) in (",", ")")
        and (_number_value(tokens.raws[core]) or 0) < 130
    )


def _ratio_follows(tokens: _Tokens, k: int) -> bool:
    if tokens.low(k) == "out" and tokens.low(k + 1) == "of":
        k += 1
    following = k + 1
    return _is_number_token(tokens, following) and tokens.low(following + 1) not in _TIME_UNITS


def _ratio_precedes(tokens: _Tokens, previous: int) -> bool:
    word = tokens.low(previous)
    if word == "of" and tokens.low(previous - 1) == "out":
        previous -= 1
    elif word != "in":
        return False
    return _is_number_token(tokens, previous - 1)


def _is_number_token(tokens: _Tokens, k: int) -> bool:
    return 0 <= k < tokens.n and (tokens.kinds[k] == _NUM or tokens.lows[k] in _UNITS)


def _skip_back(tokens: _Tokens, k: int, skipped: frozenset[str]) -> int:
    while k >= 0 and tokens.lows[k] in skipped:
        k -= 1
    return k


def _skip_ahead(tokens: _Tokens, k: int, skipped: frozenset[str]) -> int:
    while k < tokens.n and tokens.lows[k] in skipped:
        k += 1
    return k


def _noun_after(tokens: _Tokens, end: int) -> tuple[list[str], int, bool]:
    """The noun phrase an amount counts: its words, where it ends, and whether it is "of them"."""
    k = _skip_ahead(tokens, end, _QUOTES)
    if tokens.low(k) == "-" and tokens.low(k + 1) == "strong":
        k += 2  # "a 2,000-strong crowd"
    if tokens.low(k) == "of":
        k += 1
        if tokens.low(k) in _PARTITIVE_PRONOUNS and not _noun_word(tokens, k + 1, []):
            return [], k + 1, True
        k = _skip_ahead(tokens, k, _DETERMINERS)
    noun: list[str] = []
    while len(noun) < 4 and _noun_word(tokens, k, noun):
        word = tokens.lows[k]
        # "13 wounded soldiers" but "13 killed in": a participle starts a phrase only before a noun
        if (
            (word in _EVENT_CONCEPTS or _is_participle(word))
            and word not in _EVENT_NOUNS
            and (not _noun_word(tokens, k + 1, [*noun, word]) or _is_participle(tokens.low(k + 1)))
        ):
            break
        noun.append(word)
        k += 1
    return noun, k, False


def _noun_word(tokens: _Tokens, k: int, noun: list[str]) -> bool:
    if not tokens.is_word(k):
        return False
    word = tokens.lows[k]
    if word in _NP_STOP or (word in _MONTHS and tokens.capitalised(k)):
        return False
    if word.endswith("ly") and word not in _LY_NOUNS:
        return False
    if word in _UNITS or word in _TENS or word in _SCALES or word in _PLURAL_VAGUE:
        return False
    # a proper noun after a common noun starts something else ("2,000 people Tuesday")
    return not (tokens.capitalised(k) and noun and not tokens.capitalised(k - 1))


def _verb_before(tokens: _Tokens, k: int) -> str | None:
    """The verb an amount is the object of: "commandeered five planes", "killing 13"."""
    if not tokens.is_word(k):
        return None
    word = tokens.lows[k]
    if word in _NEUTRAL_VERBS or word in _NP_STOP:
        return None
    if word in _ING_EVENTS:
        return _ING_EVENTS[word] or None
    if _is_participle(word) and tokens.low(k - 1) not in _NOT_BEFORE_OBJECT_VERB:
        return word
    return None


def _verb_after(tokens: _Tokens, k: int) -> tuple[str | None, int]:
    """The verb saying what happened to the counted thing: "were eliminated", "had been killed"."""
    k = _skip_ahead(tokens, k, _QUOTES)
    passive = False
    for _ in range(8):
        word = tokens.low(k)
        if word in _BETWEEN_AMOUNT_AND_VERB or (word.endswith("ly") and word not in _LY_NOUNS):
            passive = passive or word in _BE_WORDS
            k += 1
        else:
            break
    word = tokens.low(k)
    if not tokens.is_word(k) or (word in _NEUTRAL_VERBS and not passive):
        return None, 0
    if tokens.low(k + 1) == "dead" and _is_participle(word):
        return "killed", k + 2  # "shot dead"
    if word == "taken" and tokens.low(k + 1) in {"into", "in"} and tokens.low(k + 2) == "custody":
        return "detained", k + 3  # "taken into custody"
    event = word in _EVENT_CONCEPTS and (word in _PREDICATE_WORDS or _is_participle(word))
    progressive = passive and word.endswith("ing") and len(word) > 4
    if event or progressive or (_is_participle(word) and (passive or _ends_clause(tokens, k + 1))):
        return word, k + 1
    return None, 0


def _ends_clause(tokens: _Tokens, k: int) -> bool:
    return k >= tokens.n or tokens.kinds[k] == _MARK or tokens.lows[k] in _AFTER_INTRANSITIVE


def _running_count(tokens: _Tokens, start: int, before: int) -> str | None:
    """The event of a running count earlier in the clause: "the death toll stood at 13 ..."."""
    previous, earlier = tokens.low(before), tokens.low(before - 1)
    if (
        previous in _CONTEXT_BLOCKING_PREPOSITIONS
        and earlier not in _CONTEXT_TRIGGERS
        and not (previous == "from" and earlier in _CHANGE_VERBS)  # "rose from 10 to 20"
    ):
        return None
    k = start - 1
    while k >= 0 and start - k <= 60:
        word = tokens.lows[k]
        if word in _SENTENCE_ENDS or word in _CONTEXT_BREAKS:
            return None
        if word in _CONTEXT_TRIGGERS:
            return _CONTEXT_TRIGGERS[word]
        if word == "number" and tokens.low(k + 1) == "of":
            # "the number of (people) killed ... has risen to 34", "the number of dead"
            for after in range(k + 2, min(k + 5, start)):
                event = _EVENT_CONCEPTS.get(tokens.lows[after])
                if event is not None:
                    return event
        k -= 1
    return None


def _share_across_lists(tokens: _Tokens, found: list[_Found]) -> None:
    """Let listed amounts share a verb or a noun: "13 soldiers and 5 civilians were killed"."""
    for index in range(len(found) - 2, -1, -1):
        item, following = found[index], found[index + 1]
        if (
            item.verb is None
            and following.verb_from in ("right", "coordination")
            and not following.partitive
            and _only_coordination(tokens, item.noun_end, following.amount.start)
        ):
            item.verb, item.verb_from = following.verb, "coordination"
    for index, item in enumerate(found):
        previous = found[index - 1] if index else None
        if previous is not None and item.partitive and not item.noun:
            item.noun = list(previous.noun)
        if item.verb is None and previous is not None and previous.verb is not None and (
            item.partitive
            or (
                previous.verb_from in ("left", "shared", "context")
                and _only_coordination(tokens, previous.clause_end, item.amount.start)
            )
        ):
            item.verb, item.verb_from = previous.verb, "shared"
        if item.verb is None and item.context_verb is not None:
            item.verb, item.verb_from = item.context_verb, "context"


def _only_coordination(tokens: _Tokens, start: int, end: int) -> bool:
    between = tokens.lows[start:end]
    return bool(between) and len(between) <= 3 and all(word in _COORDINATION for word in between)


# ---------------------------------------------------------------------------------------------
# Comparing what two amounts count

_GENERIC_NOUN = "person"
_NOUN_CANON: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("people", "persons", "person", "individuals", "individual", "victims",
                     "victim"), (_GENERIC_NOUN,)),
    **dict.fromkeys(("protesters", "protestors", "protester", "protestor", "demonstrators",
                     "demonstrator"), ("protester",)),
    **dict.fromkeys(("troops", "troop", "soldiers", "soldier", "servicemen", "serviceman"),
                    ("soldier",)),
    **dict.fromkeys(("policemen", "policeman", "policewomen", "policewoman", "cops", "cop"),
                    ("police", "officer")),
    **dict.fromkeys(("assailants", "assailant", "attackers", "attacker"), ("assailant",)),
    "men": ("man",), "women": ("woman",), "children": ("child",), "gunmen": ("gunman",),
    # "law enforcement officers" are the security officers wire copy means by either.
    "law": (), "enforcement": ("security",),
}
# "Security officers" (or forces, personnel) is the umbrella wire copy puts over the police,
# the military and the guard: a figure for any of them is a figure for the security officers.
_SECURITY = "security"
_SECURITY_MEMBERS = frozenset({"soldier", "officer", "police", "guard", "guardsman", "force"})
_FILLER = frozenset({
    "the", "a", "an", "of", "in", "at", "on", "by", "were", "was", "been", "being", "had",
    "have", "has", "who", "and", "or", "official", "number", "total", "more", "other", "some",
    "to", "are", "is", "be", "reported", "confirmed", "count", "figure", "alive",
})


def same_thing(what_a: str, what_b: str, *, generic: bool = True) -> bool:
    """Whether two `what` strings count the same thing.

    The events must agree, after synonyms (killed = dead = died = deaths = death toll =
    eliminated = fatalities; detained = arrested = detainees = held = in custody; injured =
    wounded = hurt; decapitated = beheaded; commandeered = seized = hijacked), and so must the
    nouns, after plurals and a few synonyms (troops = soldiers, policemen = police officers).
    A generic noun (people, persons, victims) or no noun at all matches a specific one
    ("protesters killed") when an event is named on both sides, so a figure for everyone killed
    is compared with one for a group of them; without an event nothing generic matches
    anything specific. Two specific nouns match when their head is the same and one side's
    qualifiers include the other's ("security officers" and "officers", not "police officers"),
    or when one is the security umbrella and the other one of its members ("security officers"
    and "servicemen", "police officers", "national guardsmen"). With `generic` False a generic
    noun matches only a generic one ("people killed" is then not "protesters killed").
    """
    nouns_a, events_a = _concepts(what_a)
    nouns_b, events_b = _concepts(what_b)
    if not (nouns_a or events_a) or not (nouns_b or events_b) or events_a != events_b:
        return False
    specific_a = [noun for noun in nouns_a if noun != _GENERIC_NOUN]
    specific_b = [noun for noun in nouns_b if noun != _GENERIC_NOUN]
    if not specific_a or not specific_b:
        if specific_a or specific_b:
            return generic and bool(events_a)
        return bool(events_a) or set(nouns_a) == set(nouns_b)
    if _SECURITY in specific_a[:-1] and specific_b[-1] in _SECURITY_MEMBERS:
        return True  # "security officers" counts the soldiers and police officers among them
    if _SECURITY in specific_b[:-1] and specific_a[-1] in _SECURITY_MEMBERS:
        return True
    if specific_a[-1] != specific_b[-1]:
        return False
    qualifiers_a, qualifiers_b = set(specific_a[:-1]), set(specific_b[:-1])
    return qualifiers_a <= qualifiers_b or qualifiers_b <= qualifiers_a


def _concepts(what: str) -> tuple[list[str], frozenset[str]]:
    words = [word for word in _WORD_RE.findall(what.lower()) if word not in _FILLER]
    nouns: list[str] = []
    events: set[str] = set()
    for index, word in enumerate(words):
        event = _EVENT_CONCEPTS.get(word)
        if event is not None:
            events.add(event)
        elif index == len(words) - 1 and index and (
            _is_participle(word) or word.endswith("ing")
        ):
            events.add(word)  # the verb find_quantities puts last: "troops entered"
        elif len(words) == 1 and _is_participle(word):
            events.add(word)
        else:
            canon = _NOUN_CANON.get(word)
            nouns.extend((_singular(word),) if canon is None else canon)
    return nouns, frozenset(events)


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word
