"""Sentence splitting and attribution extraction for incoming news reports.

Pure standard-library code: a worker feeds it a report body and gets, per sentence, who the
content is attributed to (the first-hand origin), who relayed it, the attribution cue and any
hedges. The rules are heuristics tuned on wire-style English; they aim to be predictable rather
than clever, so a fact-checker can see why a sentence was attributed the way it was.

Conventions worth knowing:

* Unnamed members of a named organisation resolve to the organisation: "a Lufthansa
  spokesperson" gives speaker "Lufthansa", role "spokesperson"; "Reuters correspondents" gives
  speaker "Reuters", role "correspondents" (when the publisher is not Reuters).
* A speaker given only as a description keeps the description ("officials", "local media",
  "government") unless an earlier (or, for an indefinite "a ... alliance", a nearby later) proper
  name of the same kind can be matched to it.
* Relays naming the publisher are dropped: the chain ends before the publisher itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from claims.engine.text import Sentence, sentences_by_block, split_sentences

__all__ = ["Sentence", "Statement", "extract_statements", "split_sentences"]


@dataclass(frozen=True)
class Statement:
    sentence: Sentence
    speaker: str | None
    speaker_role: str | None
    relays: tuple[str, ...]
    cue: str | None
    first_hand: bool
    hedges: tuple[str, ...]


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------


def _plurals(words: str) -> frozenset[str]:
    out: set[str] = set()
    for w in words.split():
        out.add(w)
        if w.endswith("man"):
            out.add(w[:-3] + "men")
        elif w.endswith("person"):
            out.add(w[:-6] + "people")
        elif w.endswith(("s", "x", "ch", "sh")):
            out.add(w + "es")
        elif w.endswith("y") and w[-2:-1] not in "aeiou":
            out.add(w[:-1] + "ies")
        else:
            out.add(w + "s")
    return frozenset(out)


_PERSON_SINGULAR = _words(
    """spokesman spokeswoman spokesperson president minister premier chancellor chairman
    chairwoman chair secretary general director director-general chief head leader governor
    mayor senator ambassador official officer representative envoy worker resident witness
    eyewitness man woman mother father son daughter student teacher doctor nurse lawyer analyst
    expert professor journalist reporter correspondent activist protester demonstrator commander
    colonel captain king queen prince princess judge deputy lawmaker politician diplomat
    economist researcher scientist engineer driver farmer owner manager founder executive ceo
    adviser advisor aide source survivor victim pilot passenger soldier photographer cameraman
    veteran candidate mp speaker commissioner prosecutor attorney investigator inspector
    negotiator mediator imam priest bishop emir sheikh marshal admiral sergeant lieutenant
    major premier vice-president relative neighbour neighbor shopkeeper trader villager
    citizen local stringer producer"""
)
_PERSON_NOUNS = _plurals(" ".join(_PERSON_SINGULAR))
_PLURAL_PERSON = _PERSON_NOUNS - _PERSON_SINGULAR | {"people", "police"}

# Lower-case words that can sit in front of a proper name as its descriptor ("German airline
# Lufthansa", "news agency Interfax").
_ORG_DESCRIPTORS = _words(
    """airline carrier company firm agency group newspaper daily broadcaster channel bank party
    alliance network outlet giant maker operator producer retailer club movement militia website
    magazine station organisation organization tabloid insurer lender"""
)
_ORG_HEADS = (
    _words(
        """ministry office department government police agency organisation organization
        alliance company airline carrier firm group council committee commission union party army
        military bank fund court parliament assembly administration authorities authority service
        institute university association federation bloc coalition media newspaper broadcaster
        channel embassy mission corporation foundation board cabinet kremlin pentagon force forces
        guard navy regime network outlet television radio website daily magazine station team club
        league secretariat directorate bureau inc ltd plc press"""
    )
    | _ORG_DESCRIPTORS
)
_MEDIA_NOUNS = _words(
    """media newspaper newspapers paper agency television tv radio channel broadcaster outlet
    outlets daily magazine website site press news wire network station tabloid"""
)
_NOT_MEDIA = _words("conference briefing reporters journalists crowd audience")
# Audiences that are not intermediaries even though they are capitalised.
_AUDIENCES = _words("parliament congress senate duma house assembly court")
_TITLES = _words(
    """president minister secretary general chancellor governor mayor senator ambassador
    spokesman spokeswoman spokesperson chairman chairwoman director director-general chief
    commander king queen prince princess premier judge justice sheikh emir pope colonel col
    captain capt lieutenant lt sergeant sgt officer deputy representative rep sen gov speaker
    leader head envoy commissioner inspector superintendent marshal admiral adm gen major maj ceo
    ayatollah cardinal bishop archbishop rabbi imam lord lady baroness baron"""
)
_TITLES_AND_HONORIFICS = _TITLES | _words("mr mrs ms miss dr prof sir dame mme")
_HONORIFIC = re.compile(
    r"^(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Dame|Mme|M)\.?\s+(?P<name>[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*)*)$"
)
_REPORTER_NOUNS = re.compile(
    r"\b(?:correspondents?|reporters?|journalists?|(?:eye)?witness(?:es)?|photographers?|"
    r"camera(?:man|men|woman|women)|crew|team|staff|stringers?|producers?|videographers?)\b",
    re.I,
)
_SELF_REFERENCE = re.compile(
    r"^(?:our|this\s+(?:newspaper|paper|publication|website|station|channel)['\u2019]s)\s+", re.I
)
_PRONOUNS = {"he": "person", "she": "person", "they": "org", "it": "org"}
_HYPERNYMS: dict[str, frozenset[str]] = {}
for _group in (
    "company firm airline carrier group corporation business bank maker giant operator "
    "manufacturer retailer producer conglomerate insurer lender",
    "alliance organisation organization bloc pact",
    "ministry",
    "agency",
    "office",
    "department",
    "council",
    "committee",
    "commission",
    "party",
    "union",
    "court",
    "government cabinet administration",
    "army military forces",
):
    _members = _words(_group)
    for _w in _members:
        _HYPERNYMS[_w] = _HYPERNYMS.get(_w, frozenset()) | _members
_HYPERNYMS["airline"] = frozenset({"airline", "carrier"})
_HYPERNYMS["carrier"] = frozenset({"airline", "carrier"})
_HYPERNYMS["organisation"] = _HYPERNYMS["organization"] = _words(
    "organisation organization alliance bloc body agency"
)

_AUX = _words(
    "was were is are be been being will would could should can may might must do does did not n't"
)
_CLAUSE_WORDS = _AUX | _words("that has have had he she they it we i there if whether")
_GENERIC_MODIFIERS = _words("led backed based run owned new former major the a an")

# ---------------------------------------------------------------------------------------------
# Attribution patterns (all run on the quote-masked sentence)
# ---------------------------------------------------------------------------------------------

_MASK = "\ufffc"
_QUOTE_MARK = re.compile(r"[“”\"]")
_CUE_CANON = {
    "says": "said",
    "say": "said",
    "tells": "told",
    "adds": "added",
    "announces": "announced",
    "claims": "claimed",
    "confirms": "confirmed",
    "denies": "denied",
    "insists": "insisted",
    "alleges": "alleged",
    "warns": "warned",
    "writes": "wrote",
    "tweets": "tweeted",
    "explains": "explained",
    "accuses": "accused",
}
_CUE_SET = _words(
    "said says say told tells added adds stated announced announces claimed claims confirmed "
    "confirms denied denies insisted insists alleged alleges warned warns reported wrote writes "
    "tweeted tweets explained explains noted argued acknowledged admitted asserted declared "
    "revealed disclosed maintained replied responded stressed emphasised emphasized predicted "
    "conceded countered testified accused accuses vowed pledged urged estimated saw witnessed "
    "observed repeated reiterated"
)
_PERCEPTION = frozenset({"saw", "witnessed", "observed"})
_WORD = re.compile(r"[A-Za-z]+")
_QUOTED_ACTIVE = re.compile(
    r"\b(?:quoted|cited)\s+(?P<sp>[^\ufffc;:]+?)\s+as\s+(?:saying|telling|stating)\b", re.I
)
_QUOTED_PASSIVE = re.compile(
    r"\s(?:was|were|is|are|has\s+been|had\s+been)\s+(?:quoted|cited)\s+"
    r"(?:by\s+(?P<relay>[^\ufffc;:,]+?)\s+)?as\s+(?:saying|telling|stating)\b"
    r"(?:\s+by\s+(?P<relay2>[^\ufffc;:,.]+))?",
    re.I,
)
_CITING = re.compile(
    r"\b(?:reported|said|reports|says),?\s+(?:citing|quoting)\s+(?P<sp>[^\ufffc;:,.]+)", re.I
)
_ACCORDING = re.compile(r"\baccording\s+to\s+(?P<np>[^\ufffc;:,.]+)", re.I)
_ACCORDING_RELAY = re.compile(
    r"^,?\s*(?:as\s+)?(?:quoted|cited|reported)\s+by\s+(?P<relay>[^\ufffc;:,.]+)", re.I
)
_OFFICIAL = re.compile(
    r"\b[Oo]fficial\s+(?:death\s+toll|toll|figures?|data|statistics|count|tally|estimates?)\b"
)
_LEFT_BOUNDARY = re.compile(r".*(?:[\ufffc;:()\[\]]|\s--\s|\s[\u2013—]\s|—)", re.S)
_SUBORDINATOR = re.compile(
    r"^.*\b(?:that|when|while|because|although|though|whereas|where|and|but|so|as|after|before)\s+",
    re.I | re.S,
)
_TIME_CLAUSE = re.compile(r"\b(?:after|before|when|while|since|until|whenever)\s", re.I)
_ADVERBIAL_SEGMENT = re.compile(
    r"^(?:on|in|at|by|during|after|before|since|overnight|earlier|later|meanwhile|however|"
    r"but|and|also|yesterday|today|tonight|last|this|separately|still|then|now|with)\b",
    re.I,
)
_RELAY_SEGMENT = re.compile(
    r"^(?:(?:as\s+)?(?:quoted|cited)\s+by|speaking\s+to|in\s+an?\s+interview\s+with|"
    r"writing\s+(?:on|in))\s+(?P<relay>.+)$",
    re.I,
)
_RELATIVE_SEGMENT = re.compile(r"^(?:who|which|whose|whom|where)\b", re.I)
_DAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_TRAILING_NOISE = re.compile(
    r"(?:\s+(?:(?:late|early|earlier|later)\s+)?(?:on|in|at|during|by|last|this|over)\s+(?:the\s+)?"
    rf"(?:{_DAYS}|{_MONTHS}|morning|afternoon|evening|night|week|weekend|month|year)"
    r"(?:\s+\d{1,2})?(?:\s+(?:morning|afternoon|evening|night))?"
    r"|\s+(?:overnight|yesterday|today|tonight|earlier|later|also|too|again|then|now|"
    r"previously|separately|further|repeatedly|subsequently|initially|first|once|has|have|had|"
    r"late|early)"
    r"|\s+(?:in|at)\s+an?\s+(?:(?:brief|short|written|earlier|later|separate)\s+)?"
    r"(?:statement|address|interview|briefing|news\s+conference|press\s+conference)"
    r"|\s+(?:at|on)\s+the\s+(?:scene|spot|ground))+$",
    re.I,
)
_LEADING_NOISE = re.compile(
    r"^(?:(?:and|but|so|yet|however|meanwhile|then|also|still|separately|now)\s+)+", re.I
)
_DETERMINER = re.compile(r"^(?P<det>the|a|an)\s+", re.I)
# The document a claim sits in is not its source: "a statement from the central bank" is the
# bank speaking.
_CARRIER = re.compile(
    r"^(?:an?\s+|the\s+)?(?:(?:official|latest|new|joint|brief|written|separate)\s+)*"
    r"(?:statement|report|reports|figures|data|statistics|estimates?|tally|count|document|letter|"
    r"post|announcement|(?:press\s+)?release)\s+(?:from|by|of|in|issued\s+by|released\s+by|"
    r"published\s+by)\s+",
    re.I,
)
# A speaker that is the people of the organisation just named: "citing its correspondents".
_OWN_PEOPLE = re.compile(r"^(?:its|their)\s+(?P<people>[a-z][\w\s-]*)$", re.I)
# A speaker named through a relative clause: "a protester who gave her name as Saule", "a
# resident identified only as Aigerim".
_GAVE_NAME = re.compile(
    r"^(?P<role>[a-z][\w\s-]*?),?\s+(?:who\s+gave\s+(?:her|his|their)\s+(?:first\s+)?name\s+"
    r"(?:only\s+)?as|(?:who\s+was\s+)?identified\s+(?:only\s+)?as|who\s+(?:was\s+)?named)\s+"
    r"(?P<name>[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*)$"
)
_RELATIVE_CLAUSE = re.compile(r"\s+(?:who|which|whose|that|whom)\s.*$", re.I | re.S)
_POSSESSIVE_MEMBER = re.compile(r"^(?P<owner>.+?)['\u2019]s\s+(?P<member>[a-z][\w\s-]*)$")
_MEMBER_OF = re.compile(r"^(?P<member>[a-z][\w\s-]*?)\s+(?:for|of|at|from|with)\s+(?P<org>.+)$")
_DEMONYM = re.compile(
    r"^[A-Z][a-z]+(?:an|ian|ese|ish|i|ic|ch|kh|ek|ik)(?:-[a-z]+)?$"
    r"|^[A-Z][\w]*-(?:led|backed|based|owned|run|born|controlled|linked|allied|speaking)$"
)
_LEADING_NP = re.compile(
    r"^(?:The\s+)?(?P<np>[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*)*"
    r"(?:\s+(?:in|of|at|for)\s+(?:the\s+)?[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*)*)?)\s+[a-z]"
)
_LEADING_PERSON = re.compile(
    r"^(?:(?:But|And|Meanwhile|However),?\s+)?(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+(?P<name>[A-Z][\w'\u2019-]+)"
)
_TOLD_OBJECT = re.compile(
    r"^\s+(?P<obj>[^\ufffc,;.:!?]+?)(?=\s+(?:that|on|in|at|during|late|early|last|this|earlier|"
    r"later|overnight|yesterday|today|about|of|how|why|what|it|he|she|they|we|there|when|"
    r"after|before|while|to)\b|\s*[\ufffc,;.:!?]|\s*$)",
    re.I,
)
_VIA = re.compile(
    r"\b(?:on|via)\s+(?:(?:his|her|their|its|the|an?)\s+)?(?:(?:official|verified)\s+)?"
    r"(?P<p>Facebook|Twitter|X|Telegram|Instagram|YouTube|TikTok|WeChat|Weibo|VKontakte|VK|"
    r"LinkedIn|Truth\s+Social|Threads|Bluesky|Mastodon|Substack|state\s+television|state\s+TV|"
    r"national\s+television|state\s+radio|national\s+radio|local\s+television|television|TV|"
    r"radio|social\s+media)\b"
    r"|\bin\s+(?:an?\s+)?(?:interview|comments|remarks|statement|post|article|letter)\s+"
    r"(?:with|to|on|carried\s+by|published\s+by|quoted\s+by|for)\s+(?:the\s+)?"
    r"(?P<q>[A-Z][\w'\u2019&.-]*(?:\s+[A-Z][\w'\u2019&.-]*)*|local\s+media|state\s+media|local\s+television)"
    r"|\b(?:quoted|cited)\s+by\s+(?:the\s+)?(?P<r>[^\ufffc,;.]+)",
)
_PROPER_MENTION = re.compile(
    r"(?<![\w'\u2019-])[A-Z][\w'\u2019-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w'\u2019-]*)*"
)

# ---------------------------------------------------------------------------------------------
# Hedges
# ---------------------------------------------------------------------------------------------

_NUMBER_WORDS = (
    r"(?:\d|a\s+(?:dozen|hundred|thousand|million|billion|third|quarter|half)\b|dozens\b|"
    r"hundreds\b|thousands\b|millions\b|half\b|(?:one|two|three|four|five|six|seven|eight|nine|"
    r"ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
    r"thousand|million|billion)\b)"
)
_SINGLE_HEDGES = _words(
    "reportedly allegedly purportedly apparently supposedly ostensibly unconfirmed unverified "
    "possibly presumably"
)
# Approximators only hedge a quantity: "about 2,000" is a hedge, "concerned about" is not.
_APPROXIMATOR = re.compile(
    r"(about|around|approximately|roughly|nearly|almost|some|an\s+estimated|as\s+many\s+as|"
    r"at\s+least|more\s+than|up\s+to|upwards\s+of|close\s+to)\s+(?=" + _NUMBER_WORDS + r")",
    re.I,
)
_UNVERIFIED = re.compile(
    r"(?:could|can|cannot)\s*(?:not\s+)?(?:be\s+)?(?:independently\s+|immediately\s+)*"
    r"(?:be\s+)?(?:verified|confirmed)\b"
    r"|(?:has|have|had)\s+not\s+been\s+(?:independently\s+)?(?:verified|confirmed)\b"
    r"|could\s+not\s+(?:independently\s+|immediately\s+)*(?:verify|confirm)\b"
    r"|was\s+not\s+(?:immediately\s+)?(?:possible|able)\s+to\s+(?:independently\s+)?"
    r"(?:verify|confirm)\b",
    re.I,
)
_IMPERSONAL = re.compile(
    r"it\s+(?:is|was|has\s+been|had\s+been)\s+(?:claimed|alleged|reported|believed|understood|"
    r"thought|said|rumou?red)\b"
    r"|(?:is|are|was|were)\s+(?:said|believed|thought|reported|understood|alleged)\s+to\b",
    re.I,
)
_SOURCES = re.compile(
    r"sources?\b(?:\s+[\w'\u2019-]+){0,6}?\s+(?:say|said|says|told)\b"
    r"|according\s+to\s+(?:\w+\s+)?sources\b",
    re.I,
)
# Each anchored pattern is tried only at words that can start it, which keeps the scan to one
# pass over the words instead of one regex sweep per pattern.
_HEDGE_TRIGGERS: dict[str, tuple[tuple[re.Pattern[str], str | None], ...]] = {}
for _pattern, _canonical, _starts in (
    (
        _APPROXIMATOR,
        None,
        "about around approximately roughly nearly almost some an as at more up upwards close",
    ),
    (_UNVERIFIED, None, "could can cannot has have had was"),
    (_IMPERSONAL, None, "it is are was were"),
    (_SOURCES, "sources say", "source sources according"),
):
    for _w in _starts.split():
        _HEDGE_TRIGGERS[_w] = (*_HEDGE_TRIGGERS.get(_w, ()), (_pattern, _canonical))
_SPACES = re.compile(r"\s+")


def _hedges(text: str) -> tuple[str, ...]:
    found: list[str] = []
    for w in _WORD.finditer(text):
        low = w.group().lower()
        if low in _SINGLE_HEDGES:
            phrase: str | None = low
        else:
            phrase = None
            for pattern, canonical in _HEDGE_TRIGGERS.get(low, ()):
                m = pattern.match(text, w.start())
                if m:
                    phrase = canonical or _SPACES.sub(" ", m.group(m.lastindex or 0)).lower()
                    break
        if phrase is not None and phrase not in found:
            found.append(phrase)
    return tuple(found)


# ---------------------------------------------------------------------------------------------
# Quote masking
# ---------------------------------------------------------------------------------------------


def _mask_quotes(s: str, inside: bool) -> tuple[str, bool, bool]:
    """Replace quoted material (and the marks) with a filler so cues inside quotations are
    never taken for attributions. Returns (masked, inside-at-end, any-quote-seen). Straight
    quotes toggle; curly ones say which way they go, which matters because real copy mixes
    them (an opening curly quote closed by a straight one)."""
    pieces: list[str] = []
    pos = 0
    seen = inside
    for m in _QUOTE_MARK.finditer(s):
        i, ch = m.start(), m.group()
        pieces.append(_MASK * (i - pos) if inside else s[pos:i])
        if ch == "“":
            inside = True
        elif ch == "”":
            if not inside:
                # A closer with no opener: the quotation began in an earlier sentence.
                pieces = [_MASK * i]
            inside = False
        else:
            inside = not inside
        seen = True
        pieces.append(_MASK)
        pos = i + 1
    pieces.append(_MASK * (len(s) - pos) if inside else s[pos:])
    return "".join(pieces), inside, seen


# ---------------------------------------------------------------------------------------------
# Raw attribution from one sentence
# ---------------------------------------------------------------------------------------------


@dataclass
class _Raw:
    segments: list[str]
    cue: str
    relays: list[str] = field(default_factory=list)
    implicit: str | None = None


def _strip_np(s: str) -> str:
    s = s.strip(" \t\n,'\"-\u2013\u2014")
    s = _LEADING_NOISE.sub("", s)
    prev = None
    while prev != s:
        prev = s
        s = _TRAILING_NOISE.sub("", s).strip(" ,")
    return s


def _left_segments(m: str, pos: int) -> list[str] | None:
    """The subject in front of a cue, as comma segments. [] means nothing stands between the
    cue and a boundary (inversion or appositive); None means the text there is not a subject."""
    left = m[:pos]
    b = _LEFT_BOUNDARY.match(left)
    seg_text = left[b.end() :] if b else left
    parts = [p.strip() for p in seg_text.split(",")]
    if parts[-1]:
        last = parts[-1]
        if _TIME_CLAUSE.search(last):
            # "..., hours after the bureau said ...": the cue belongs to a clause of time, not
            # to the sentence, whose main clause stays the publisher's.
            return None
        if _valid_subject(last):
            return [last]
        cut = _SUBORDINATOR.sub("", last)
        return [cut] if cut != last and _valid_subject(cut) else None
    parts = [p for p in parts[:-1] if p]
    if not parts:
        return []
    tail = parts[-2:]
    kept = [p for p in tail if not _ADVERBIAL_SEGMENT.match(p) or _RELAY_SEGMENT.match(p)]
    return kept or None


def _valid_subject(seg: str) -> bool:
    s = _strip_np(seg)
    if not s or _MASK in s or not any(c.isalpha() for c in s):
        return False
    low = s.lower()
    if low in _PRONOUNS or _SELF_REFERENCE.match(s):
        return True
    s = _RELATIVE_CLAUSE.sub("", s)
    words = s.split()
    if len(words) > 10:
        return False
    lows = [w.lower().strip(",") for w in words]
    if any(w in _AUX or w in _CUE_SET for w in lows) or lows[-1] in {"to", "not", "who", "which"}:
        return False
    if len(lows) > 1 and lows[-1] in _PRONOUNS:
        # "Witnesses told AFP they saw": a clause, not a noun phrase.
        return False
    if any(w[:1].isupper() for w in words):
        return True
    if _DETERMINER.match(s) or lows[0] in {"our", "his", "her", "its", "their"}:
        return True
    return any(w in _PERSON_NOUNS or w in _ORG_HEADS for w in lows)


def _is_final_remainder(rem: str) -> bool:
    t = rem.strip().rstrip(".!?\"”\u2019')")
    if _MASK in t:
        return False
    words = t.split()
    return len(words) <= 10 and not any(w.lower() in _CLAUSE_WORDS for w in words)


def _inversion(rem: str) -> list[str] | None:
    t = rem.strip().rstrip(".!?\"”\u2019')").strip()
    if not t or _MASK in t:
        return None
    segs = [p.strip() for p in t.split(",") if p.strip()]
    if not segs:
        return None  # nothing but commas after the cue
    head = _strip_np(segs[0])
    words = head.split()
    if not words or len(words) > 8 or words[0].lower() in _CLAUSE_WORDS:
        return None
    if _ADVERBIAL_SEGMENT.match(head) or any(w.lower() in _CLAUSE_WORDS for w in words):
        return None
    # Skip an age between name and description: "Maria Lopez, 34, a nurse".
    rest = [s for s in segs[1:] if any(c.isalpha() for c in s)]
    return [head, *rest[:1]]


def _relay_after(rem: str) -> list[str]:
    # Only the stretch before the reported content can hold the channel ("said on Facebook
    # that ..."); anything after "that" belongs to the claim.
    window = re.split(r"\bthat\b|\ufffc|,", rem, maxsplit=1)[0]
    out: list[str] = []
    for m in _VIA.finditer(window):
        val = m.group("p") or m.group("q") or m.group("r")
        if val:
            out.append(_SPACES.sub(" ", val.strip()))
    return out


def _is_media(obj: str) -> bool:
    words = [w.lower().strip("'\u2019") for w in obj.split()]
    if not words or words[0] in {"him", "her", "them", "us", "me", "you", "it"}:
        return False
    if any(w in _NOT_MEDIA for w in words):
        return False
    if any(w in _MEDIA_NOUNS for w in words):
        return True
    proper = [w for w in obj.split() if w[:1].isupper()]
    return bool(proper) and not any(p.lower() in _AUDIENCES for p in proper)


def _attr_from_cue(m: str, cue_m: re.Match[str]) -> _Raw | None:
    word = cue_m.group().lower()
    cue = _CUE_CANON.get(word, word)
    rem = m[cue_m.end() :]
    left = m[: cue_m.start()].rstrip()
    # "..., said the ministry." puts the speaker after the cue; only a short closing phrase
    # qualifies, so "X, a worker, said she was ..." still reads as an appositive subject.
    inv = _inversion(rem) if left.endswith((",", _MASK)) and _is_final_remainder(rem) else None
    if inv is not None:
        segs = inv
        rem = ""
    else:
        left_segs = _left_segments(m, cue_m.start())
        if not left_segs:
            return None
        segs = left_segs
    if cue in _PERCEPTION and not _REPORTER_NOUNS.search(" ".join(segs)):
        return None
    relays: list[str] = []
    if cue == "told":
        obj = _TOLD_OBJECT.match(rem)
        if obj and _is_media(obj.group("obj")):
            relays.append(obj.group("obj"))
    relays.extend(_relay_after(rem))
    return _Raw(segs, cue, relays)


def _verb_attribution(m: str) -> _Raw | None:
    cues = [w for w in _WORD.finditer(m) if w.group().lower() in _CUE_SET]
    if not cues:
        return None
    # A closing "..., X said." governs the whole sentence even when the content itself
    # contains an earlier cue ("The ministry denied it, X said.").
    last = cues[-1]
    if _is_final_remainder(m[last.end() :]):
        raw = _attr_from_cue(m, last)
        if raw is not None:
            return raw
    for cue_m in cues:
        raw = _attr_from_cue(m, cue_m)
        if raw is not None:
            return raw
    return None


def _parse(m: str) -> _Raw | None:
    low = m.lower()
    # Substring checks first: most sentences carry none of these, and the regexes are the
    # expensive part of a report.
    if "quoted" in low or "cited" in low:
        for q in _QUOTED_ACTIVE.finditer(m):
            relay = _left_segments(m, q.start())
            if relay and _valid_subject(q.group("sp")):
                return _Raw([q.group("sp")], "quoted as saying", [", ".join(relay)])
        p = _QUOTED_PASSIVE.search(m)
        if p:
            segs = _left_segments(m, p.start() + 1)
            if segs:
                relays = [g for g in (p.group("relay"), p.group("relay2")) if g]
                return _Raw(segs, "quoted as saying", relays)
    if "citing" in low or "quoting" in low:
        c = _CITING.search(m)
        if c:
            relay = _left_segments(m, c.start())
            if relay and _valid_subject(c.group("sp")):
                return _Raw([c.group("sp")], "citing", [", ".join(relay)])
    verb = _verb_attribution(m)
    acc = _ACCORDING.search(m) if "according" in low else None
    if verb is not None:
        if acc:
            verb.relays.append(acc.group("np"))
        return verb
    if acc and _valid_subject(acc.group("np")):
        relays = []
        follow = _ACCORDING_RELAY.match(m[acc.end() :])
        if follow:
            relays.append(follow.group("relay"))
        return _Raw([acc.group("np")], "according to", relays)
    if "official" in low and _OFFICIAL.search(m):
        return _Raw([], "official figures", implicit="officials")
    return None


# ---------------------------------------------------------------------------------------------
# Noun-phrase interpretation and resolution
# ---------------------------------------------------------------------------------------------


@dataclass
class _NP:
    pronoun: str | None = None
    name: str | None = None
    honorific: bool = False
    role: str | None = None
    org_ref: str | None = None
    desc: str | None = None
    indefinite: bool = False
    kinds: frozenset[str] = frozenset()
    relays: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Speaker:
    name: str
    role: str | None
    kinds: frozenset[str]


def _is_proper(tok: str, nxt: str | None) -> bool:
    if not tok[:1].isupper():
        return False
    low = tok.lower()
    if low in _PLURAL_PERSON or low in {"police", "authorities", "government"}:
        return False
    return not (nxt is not None and nxt[:1].islower() and _DEMONYM.match(tok))


def _kinds_of_word(word: str) -> frozenset[str]:
    w = word.lower().strip("'\u2019s") if word.lower().endswith(("'s", "\u2019s")) else word.lower()
    if w in _PLURAL_PERSON:
        return frozenset({"org"})
    if w in _PERSON_NOUNS or w in _TITLES:
        return frozenset({"person"})
    if w in _ORG_HEADS:
        return frozenset({"org"})
    return frozenset()


def _kinds_of_name(name: str) -> frozenset[str]:
    toks = name.split()
    if any(t.lower() in _ORG_HEADS for t in toks) or any(len(t) >= 2 and t.isupper() for t in toks):
        return frozenset({"org"})
    return frozenset({"person"}) if len(toks) >= 2 else frozenset()


def _clean_role(seg: str) -> str | None:
    s = _RELATIVE_CLAUSE.sub("", _strip_np(seg))
    s = _DETERMINER.sub("", s).strip()
    return s or None


def _head(desc: str) -> str:
    core = re.split(r"\s+(?:in|of|for|at|from|on)\s+", desc, maxsplit=1)[0]
    words = core.split()
    return words[-1].lower() if words else ""


def _parse_single(seg: str) -> _NP:
    s = _strip_np(seg)
    info = _NP()
    low = s.lower()
    if low in _PRONOUNS:
        info.pronoun = low
        info.kinds = frozenset({_PRONOUNS[low]})
        return info
    s = _CARRIER.sub("", s)
    det = _DETERMINER.match(s)
    if det:
        info.indefinite = det.group("det").lower() in {"a", "an"}
        s = s[det.end() :]
    hon = _HONORIFIC.match(s)
    if hon:
        info.name, info.honorific, info.kinds = hon.group("name"), True, frozenset({"person"})
        return info
    named = _GAVE_NAME.match(s)
    if named:
        # "A protester who gave her name as Saule": Saule speaks, a protester by role.
        info.name, info.role = named.group("name"), named.group("role")
        info.kinds = frozenset({"person"})
        return info
    s = _RELATIVE_CLAUSE.sub("", s).strip()
    toks = s.split()
    if not toks:
        return info
    nxt = [*toks[1:], None]
    proper = [_is_proper(t, n) for t, n in zip(toks, nxt, strict=True)]

    # Title or descriptor followed by a name: "police spokesman Saltanat Azirbek".
    for i in range(len(toks) - 2, -1, -1):
        w = toks[i].lower().rstrip(".")
        split_word = w in _PERSON_NOUNS or w in _ORG_DESCRIPTORS or w in _TITLES
        if split_word and all(proper[i + 1 :]):
            info.name = " ".join(toks[i + 1 :])
            info.role = " ".join(toks[: i + 1])
            info.kinds = _kinds_of_word(w) or _kinds_of_name(info.name)
            return info

    connectors = {"of", "the", "and", "for", "de", "al"}
    if proper[0] and all(p or t.lower() in connectors for p, t in zip(proper, toks, strict=True)):
        info.name = s
        info.kinds = _kinds_of_name(s)
        return info

    poss = _POSSESSIVE_MEMBER.match(s)
    if poss and _head(poss.group("member")) in _PERSON_NOUNS:
        info.org_ref, info.role = poss.group("owner"), poss.group("member")
        info.kinds = _kinds_of_word(_head(poss.group("member"))) | {"org"}
        return info
    member = _MEMBER_OF.match(s)
    if member and member.group("member").split()[-1].lower() in _PERSON_NOUNS:
        info.org_ref, info.role = member.group("org"), member.group("member")
        info.kinds = _kinds_of_word(member.group("member").split()[-1]) | {"org"}
        return info

    # A proper run followed by member or descriptor nouns: "Reuters correspondents",
    # "Tass news agency", "Lufthansa spokesperson".
    run = 0
    while run < len(toks) and proper[run]:
        run += 1
    possessive = run > 0 and toks[run - 1].endswith(("'s", "\u2019s"))
    if possessive and toks[-1].lower() in _ORG_HEADS:
        # "Russia's defence ministry" is one body, not Russia speaking through a ministry.
        info.desc = s
        info.kinds = frozenset({"org"})
        return info
    if 0 < run < len(toks) and all(t[:1].islower() for t in toks[run:]):
        tail = " ".join(toks[run:])
        info.name = " ".join(toks[:run])
        info.role = tail
        info.kinds = frozenset({"org"}) | _kinds_of_word(toks[-1])
        return info

    # An organisation noun in front of a member noun: "police spokesman", "company official".
    if (
        len(toks) >= 2
        and toks[-1].lower() in _PERSON_NOUNS
        and toks[-2].lower() in _ORG_HEADS
        and not any(proper)
    ):
        info.org_ref = " ".join(toks[:-1])
        info.role = toks[-1]
        info.kinds = _kinds_of_word(toks[-1]) | {"org"}
        return info

    info.desc = s
    info.kinds = _kinds_of_word(_head(s))
    return info


def _interpret(segs: list[str]) -> _NP:
    relays: list[str] = []
    kept: list[str] = []
    for seg in segs:
        r = _RELAY_SEGMENT.match(seg.strip())
        if r:
            relays.append(r.group("relay"))
        elif not _RELATIVE_SEGMENT.match(seg.strip()):
            kept.append(seg)
    if not kept:
        return _NP(relays=relays)
    main, other = kept[0], kept[1] if len(kept) > 1 else None
    info = _parse_single(main)
    if other is not None:
        # "The organisation's chairman, Armenian Prime Minister Nikol Pashinyan": the named
        # segment is the speaker whichever side of the comma it is on.
        alt = _parse_single(other)
        if alt.name and not info.name:
            main, other, info = other, main, alt
    info.relays = relays
    if other is not None and info.role is None:
        info.role = _clean_role(other)
        if info.role:
            info.kinds = info.kinds | _kinds_of_word(_head(info.role))
    if info.role and info.kinds == frozenset() and info.name:
        info.kinds = _kinds_of_word(_head(info.role))
    return info


def _clean_proper(np: str) -> str:
    """The proper name inside a descriptive phrase: "the state-run RIA news agency" -> "RIA",
    "the BBC's Newsnight programme" -> "BBC"; phrases without one are kept ("local media")."""
    s = _DETERMINER.sub("", _strip_np(np)).strip()
    toks = s.split()
    if not toks:
        return s  # nothing but punctuation or a determiner ("according to —"): no name
    nxt = [*toks[1:], None]
    start = next(
        (i for i, (t, n) in enumerate(zip(toks, nxt, strict=True)) if _is_proper(t, n)), None
    )
    if start is None:
        return s
    end = start
    while end < len(toks) and _is_proper(toks[end], nxt[end]):
        if toks[end].endswith(("'s", "\u2019s")):
            toks[end] = toks[end][:-2]
            end += 1
            break
        end += 1
    return " ".join(toks[start:end])


def _stems(words: list[str]) -> set[str]:
    out: set[str] = set()
    for w in words:
        for part in re.split(r"[-\s]+", w.lower()):
            if len(part) >= 4 and part not in _GENERIC_MODIFIERS:
                out.add(part[:5])
    return out


@dataclass
class _Mention:
    start: int
    text: str
    name: str

    @property
    def stems(self) -> set[str]:
        return _stems(self.text.split())


def _mentions(text: str) -> list[_Mention]:
    out: list[_Mention] = []
    for m in _PROPER_MENTION.finditer(text):
        toks = m.group().split()
        while toks and (toks[0] in {"The", "A", "An"} or _DEMONYM.match(toks[0])):
            toks = toks[1:]
        if toks:
            out.append(_Mention(m.start(), m.group(), " ".join(toks)))
    return out


def _full_names(mentions: list[_Mention]) -> dict[str, list[tuple[int, str]]]:
    """Surname -> (position, full name) for every mention that looks like a person's full
    name, titles and honorifics removed ("Kazakh President Kassym-Jomart Tokayev")."""
    out: dict[str, list[tuple[int, str]]] = {}
    for m in mentions:
        toks = m.name.split()
        if len(toks) < 2:
            continue
        idx = max(
            (i for i, t in enumerate(toks[:-1]) if t.lower().rstrip(".") in _TITLES_AND_HONORIFICS),
            default=-1,
        )
        cand = toks[idx + 1 :]
        if len(cand) >= 2 and not _kinds_of_name(" ".join(cand)) & {"org"}:
            out.setdefault(cand[-1], []).append((m.start, " ".join(cand)))
    return out


class _Resolver:
    def __init__(self, text: str) -> None:
        self.text = text
        self._mentions: list[_Mention] | None = None
        self._full: dict[str, list[tuple[int, str]]] | None = None
        self.history: list[_Speaker] = []
        self.prev_subject_person: _Speaker | None = None

    @property
    def mentions(self) -> list[_Mention]:
        # Only surname and description lookups need these; many reports never ask.
        if self._mentions is None:
            self._mentions = _mentions(self.text)
        return self._mentions

    def full_name(self, surname: str, before: int) -> str:
        if self._full is None:
            self._full = _full_names(self.mentions)
        best = surname
        for start, name in self._full.get(surname, ()):
            if start >= before:
                break
            best = name
        return best

    def pronoun(self, pron: str, sentence_subject: _Speaker | None) -> _Speaker | None:
        want = _PRONOUNS[pron]
        if want == "person":
            if self.prev_subject_person is not None:
                return self.prev_subject_person
            candidates = self.history[-6:]
            for spk in reversed(candidates):
                if "person" in spk.kinds:
                    return spk
            for spk in reversed(candidates):
                if not spk.kinds:
                    return spk
            return None
        if pron == "they" and sentence_subject is not None:
            return sentence_subject
        for spk in reversed(self.history[-6:]):
            if "org" in spk.kinds or not spk.kinds:
                return spk
        return None

    def description(self, desc: str, indefinite: bool, start: int, end: int) -> str | None:
        head = _head(desc)
        syn = _HYPERNYMS.get(head)
        if not syn:
            return None
        modifiers = _stems([w for w in desc.split() if w.lower() != head])
        if not indefinite:
            for spk in reversed(self.history[-8:]):
                words = set(spk.name.lower().split()) | set((spk.role or "").lower().split())
                if (
                    "org" in spk.kinds
                    and words & syn
                    and not modifiers - _stems(spk.name.split()) - _stems((spk.role or "").split())
                ):
                    return spk.name
        # The description may also point at a name used earlier without being a speaker, or,
        # for a first mention like "a Russian-led military alliance", one spelled out shortly
        # after; either way it must share a distinctive modifier unless it has none.
        before = [m for m in self.mentions if m.start < start]
        after = [m for m in self.mentions if end <= m.start < end + 1500] if indefinite else []
        for m in [*reversed(before), *after]:
            last = m.name.split()[-1].lower()
            if last in syn and len(m.name.split()) >= 2:
                if modifiers and not modifiers & m.stems:
                    continue
                if not modifiers and indefinite:
                    continue
                return m.name
        return None

    def resolve(
        self, info: _NP, sentence_subject: _Speaker | None, start: int, end: int
    ) -> _Speaker | None:
        if info.pronoun:
            return self.pronoun(info.pronoun, sentence_subject)
        if info.name:
            name = info.name
            if info.honorific or (len(name.split()) == 1 and "org" not in info.kinds):
                full = self.full_name(name, start)
                if full != name:
                    return _Speaker(full, info.role, frozenset({"person"}))
            return _Speaker(name, info.role, info.kinds)
        if info.org_ref:
            ref = _strip_np(info.org_ref)
            det = _DETERMINER.match(ref)
            bare = ref[det.end() :] if det else ref
            if any(_is_proper(t, None) for t in bare.split()):
                org = _clean_proper(bare)
            else:
                org = self.description(bare, False, start, end) or bare
            return _Speaker(org, info.role, info.kinds | {"org"})
        if info.desc:
            resolved = self.description(info.desc, info.indefinite, start, end)
            if resolved:
                return _Speaker(resolved, info.role or info.desc, info.kinds | {"org"})
            return _Speaker(info.desc, info.role, info.kinds)
        return None


def _leading_subject(m: str, resolver: _Resolver, start: int, end: int) -> _Speaker | None:
    lead = _LEADING_NP.match(m)
    if not lead:
        return None
    info = _parse_single(lead.group("np"))
    if "org" not in info.kinds or info.pronoun:
        return None
    return resolver.resolve(info, None, start, end)


def _leading_person(m: str, resolver: _Resolver, start: int) -> _Speaker | None:
    lead = _LEADING_PERSON.match(m)
    if not lead:
        return None
    return _Speaker(resolver.full_name(lead.group("name"), start), None, frozenset({"person"}))


_AGENCY_SUFFIX = re.compile(r"\s+(?:(?:press|news)\s+)?(?:agency|service)$|\s+news$", re.I)


def _publisher_pattern(publisher: str | None) -> re.Pattern[str] | None:
    """The publisher's name, its initials when the name has two to five capitalised words
    (Associated Press: AP; Agence France-Presse: AFP) and its name without a generic last word
    (Anadolu Agency: Anadolu; Kyodo News: Kyodo), as wire copy calls itself."""
    if not publisher:
        return None
    core = re.sub(r"^the\s+", "", publisher.strip(), flags=re.I)
    names = [re.escape(core)]
    words = re.split(r"[\s-]+", core)
    if 2 <= len(words) <= 5 and all(w[:1].isupper() for w in words):
        # Initials match as capitals only: "AN" (ABC News) must not match "an".
        names.append("(?-i:" + "".join(w[0].upper() for w in words) + ")")
    short = _AGENCY_SUFFIX.sub("", core)
    if short != core and short:
        names.append(re.escape(short))
    return re.compile(r"(?<![\w-])(?:the\s+)?(?:" + "|".join(names) + r")(?![\w-])", re.I)


# The publisher's own check inside a sentence attributed to unnamed people ("..., three
# witnesses told the AP, and video reviewed by the AP showed bodies"; "witnesses said ...,
# which Reuters reporters saw"): the outlet vouches for it first-hand, so it is the origin. A
# named speaker keeps the sentence: "police said 20 died, and AFP reporters counted 12 bodies"
# is still the police's figure.
_UNNAMED_PEOPLE = re.compile(
    r"^(?:(?:a|an|the|some|several|many|two|three|four|five|\d+|other|local)\s+)*"
    r"(?:witness(?:es)?|residents?|locals?|people|bystanders?|survivors?|onlookers?|"
    r"protesters?|demonstrators?|passers-by|passer-by|man|woman|men|women)$",
    re.I,
)
_VERIFIED_BY = re.compile(
    r"\b(?:reviewed|verified|geolocated|authenticated|examined|filmed|photographed|seen)\s+by\s+"
    r"(?P<by>(?:the\s+)?[\w.'\u2019-]+(?:\s+[\w.'\u2019-]+){0,2})",
    re.I,
)
_OWN_EYES = re.compile(
    r"(?P<who>[\w.'\u2019-]+(?:\s+[\w.'\u2019-]+){0,2})\s+" + _REPORTER_NOUNS.pattern
    + r"(?:\s+[\w'\u2019-]+){0,6}?\s+(?:saw|witnessed|observed|counted|heard|verified|filmed"
    r"|photographed)\b",
    re.I,
)


def _verified_by_publisher(masked: str, pub: re.Pattern[str] | None) -> bool:
    if pub is None:
        return False
    return any(pub.search(m.group("by")) for m in _VERIFIED_BY.finditer(masked)) or any(
        pub.search(m.group("who")) for m in _OWN_EYES.finditer(masked)
    )


def _is_publisher(name: str, pub: re.Pattern[str] | None) -> bool:
    return pub is not None and pub.fullmatch(name.strip()) is not None


def _content_words(spk: _Speaker) -> set[str]:
    words = f"{spk.name} {spk.role or ''}".lower().replace("-", " ").split()
    return {w for w in words if len(w) >= 4 and w not in _GENERIC_MODIFIERS}


# ---------------------------------------------------------------------------------------------
# Public entry point
# ---------------------------------------------------------------------------------------------


@dataclass
class _Row:
    sentence: Sentence
    block: int
    masked: str
    open_at_start: bool
    open_at_end: bool
    had_quote: bool
    raw: _Raw | None
    hedges: tuple[str, ...]


def _closing_attribution(rows: list[_Row], i: int) -> _Raw | None:
    """For the opening sentences of a multi-sentence quotation: the attribution that follows
    the closing mark, if the quotation closes within the paragraph."""
    block = rows[i].block
    j = i + 1
    while j < len(rows) and rows[j].block == block:
        if rows[j].raw is not None or not rows[j].open_at_end:
            break
        j += 1
    if j < len(rows) and rows[j].block == block and rows[j].open_at_start:
        return rows[j].raw
    return None


def _is_self_report(raw_text: str, pub: re.Pattern[str] | None) -> bool:
    stripped = _strip_np(raw_text)
    if _SELF_REFERENCE.match(stripped):
        return True
    return (
        pub is not None
        and pub.search(raw_text) is not None
        and (_REPORTER_NOUNS.search(raw_text) is not None or _is_publisher(stripped, pub))
    )


def _clean_relays(
    relays: list[str], speaker: _Speaker | None, pub: re.Pattern[str] | None
) -> list[str]:
    out: list[str] = []
    for r in relays:
        name = _clean_proper(r)
        if (
            name
            and not _is_publisher(name, pub)
            and name not in out
            and (speaker is None or name != speaker.name)
        ):
            out.append(name)
    return out


def _inherits_relays(speaker: _Speaker, cue: str | None, prev: Statement) -> bool:
    """A follow-up from the same source, or a member of it ("police" then "police spokesman
    X"), comes through the same channel as the sentence before."""
    if not prev.relays or prev.speaker is None:
        return False
    if cue in {"according to", "quoted as saying", "citing"}:
        return False
    prev_spk = _Speaker(prev.speaker, prev.speaker_role, frozenset())
    return bool(_content_words(speaker) & _content_words(prev_spk))


def extract_statements(text: str, publisher: str | None = None) -> list[Statement]:
    """One Statement per sentence of ``text``, in order; see the module docstring for the
    conventions and ``Statement`` for the fields."""
    rows: list[_Row] = []
    inside, prev_block = False, -1
    for sent, block in sentences_by_block(text):
        if block != prev_block:
            inside = False
        masked, end_inside, seen = _mask_quotes(sent.text, inside)
        rows.append(
            _Row(sent, block, masked, inside, end_inside, seen, _parse(masked), _hedges(sent.text))
        )
        inside, prev_block = end_inside, block

    resolver = _Resolver(text)
    pub = _publisher_pattern(publisher)
    out: list[Statement] = []
    prev: Statement | None = None
    prev_had_quote = False
    for i, row in enumerate(rows):
        s0, s1 = row.sentence.start, row.sentence.end
        raw = row.raw
        if raw is None and row.open_at_end:
            raw = _closing_attribution(rows, i)

        speaker: _Speaker | None = None
        relays: list[str] = []
        cue: str | None = None
        self_report = False
        if raw is not None:
            cue = raw.cue
            if raw.implicit and _verified_by_publisher(row.masked, pub):
                # "A Meridian reporter counted 27 bodies, in line with the official figure":
                # the count is the publisher's own; the figure it matches is not its origin.
                self_report = True
            elif raw.implicit:
                speaker = _Speaker(raw.implicit, None, frozenset({"org"}))
            elif _is_self_report(" ".join(raw.segments), pub):
                self_report = True
            else:
                info = _interpret(raw.segments)
                subject = _leading_subject(row.masked, resolver, s0, s1)
                speaker = resolver.resolve(info, subject, s0, s1)
                if speaker is not None and (
                    _is_publisher(speaker.name, pub)
                    # "according to records and photographs reviewed by Reuters"
                    or _verified_by_publisher(speaker.name, pub)
                    or (
                        _UNNAMED_PEOPLE.match(speaker.name.strip())
                        and _verified_by_publisher(row.masked, pub)
                    )
                ):
                    self_report, speaker = True, None
                relays = [*info.relays, *raw.relays]
        elif (
            prev is not None
            and prev_had_quote
            and prev.cue is not None
            and row.had_quote
            and not any(c.isalnum() for c in row.masked)
        ):
            # A bare quotation right after an attributed one continues the same voice.
            relays, cue, self_report = list(prev.relays), prev.cue, prev.first_hand
            if prev.speaker is not None:
                speaker = next(
                    (s for s in reversed(resolver.history) if s.name == prev.speaker),
                    _Speaker(prev.speaker, prev.speaker_role, frozenset()),
                )

        clean = _clean_relays(relays, speaker, pub)
        if (
            speaker is not None
            and not clean
            and prev is not None
            and _inherits_relays(speaker, cue, prev)
        ):
            clean = list(prev.relays)

        owned = _OWN_PEOPLE.match(speaker.name) if speaker is not None else None
        if speaker is not None and owned and clean:
            # "Reuters reported, citing its correspondents": the correspondents are Reuters',
            # and speak for it; Reuters is their organisation, not a relay.
            speaker = _Speaker(f"{clean[0]} {owned.group('people')}", speaker.role, speaker.kinds)
            clean = clean[1:]
        stmt = Statement(
            sentence=row.sentence,
            speaker=speaker.name if speaker else None,
            speaker_role=speaker.role if speaker else None,
            relays=tuple(clean),
            cue=cue,
            first_hand=self_report or cue is None,
            hedges=row.hedges,
        )
        out.append(stmt)
        if speaker is not None:
            resolver.history.append(speaker)
        if speaker is not None and "person" in speaker.kinds:
            resolver.prev_subject_person = speaker
        else:
            # "He" in the next sentence most likely means this sentence's subject.
            resolver.prev_subject_person = _leading_person(row.masked, resolver, s0)
        prev, prev_had_quote = stmt, row.had_quote
    return out
