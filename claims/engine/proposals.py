"""Claims proposed from a whole article: what was said, by whom, through whom, and how much it
is worth checking.

Pure standard-library code built on `claims.engine.extraction` (speaker, relays, cue and hedges
per sentence, unchanged) and `claims.engine.quantities` (figures and their ranges). Where
`extract_statements` reads one sentence at a time, a proposal is one claim:

* A quotation that runs over several sentences is one proposal ("“A. B,” X said."), and so is a
  bare quotation that continues the sentence before it in the same voice ("“A,” she told AFP.
  “B.”").
* A paraphrase directly followed by a quotation from the same source that says the same thing
  in its own words (they share at least two content words) is one proposal: the wire lede
  "Police killed dozens, they told local media." and its supporting quote. The quote's speaker
  is the claimant (the more specific of the two).
* "X said A, and that B" is two proposals with the same attribution.
* The statement is the reported content: the quoted words for a direct quote, the clause after
  the cue ("said on Facebook that ...") or before it ("..., X said.") otherwise. `kind` is
  "quote" (all quoted), "mixed" (a paraphrase holding quoted words) or "paraphrase".
* Titles, standfirsts and captions (a paragraph of one line without closing punctuation) are not
  read: they restate the body's claims.

Check-worthiness (`Proposal.score`, 0-1, with `reasons`) adds up what makes a claim worth a
fact-checker's time: a factual assertion (0.35; opinion and colour get nothing: a feeling, an
"I intend" or "we call for", a "should", a question), a named claimant (0.3; a described one
such as "officials" 0.2; none 0), a figure (0.25) and a hedge ("reportedly", "about", 0.15).
`propose_claims` returns those reaching `PROPOSE_AT` (0.5): a factual assertion needs a named or
described claimant, a figure or a hedge; an unattributed plain sentence in the publisher's own
voice is background, and an attributed opinion without a figure is colour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from claims.engine.extraction import (
    _ACCORDING,
    _CITING,
    _CUE_SET,
    _LEFT_BOUNDARY,
    _MASK,
    _PERSON_NOUNS,
    _QUOTED_ACTIVE,
    _QUOTED_PASSIVE,
    _TOLD_OBJECT,
    _VIA,
    _WORD,
    Statement,
    _attr_from_cue,
    _is_final_remainder,
    _mask_quotes,
    _valid_subject,
    _words,
    extract_statements,
)
from claims.engine.quantities import FoundQuantity, find_quantities
from claims.engine.text import sentences_by_block

__all__ = [
    "PROPOSE_AT",
    "Claimant",
    "Proposal",
    "ProposedQuantity",
    "propose_claims",
]

PROPOSE_AT = 0.5

WEIGHT_FACTUAL = 0.35
WEIGHT_NAMED = 0.3
WEIGHT_DESCRIBED = 0.2
WEIGHT_FIGURE = 0.25
WEIGHT_HEDGE = 0.15


@dataclass(frozen=True)
class Claimant:
    """Who made the claim, as the article writes it. `name` is None for an unnamed member of a
    named organisation ("a spokesperson for the company": role "spokesperson", organisation
    "Lufthansa")."""

    name: str | None
    role: str | None
    organisation: str | None

    @property
    def label(self) -> str:
        return self.name or self.organisation or self.role or ""

    def as_dict(self) -> dict[str, str | None]:
        return {"name": self.name, "role": self.role, "organisation": self.organisation}


@dataclass(frozen=True)
class ProposedQuantity:
    what: str
    text: str
    low: float
    high: float | None  # None when open-ended ("at least 13")
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "text": self.text,
            "low": _number(self.low),
            "high": None if self.high is None else _number(self.high),
        }


@dataclass(frozen=True)
class Proposal:
    statement: str
    claimant: Claimant | None
    relays: tuple[str, ...]
    cue: str | None
    hedges: tuple[str, ...]
    quantities: tuple[ProposedQuantity, ...]
    start: int  # character offsets of the statement in the article
    end: int
    kind: str  # "quote", "mixed" or "paraphrase"
    score: float = 0.0
    reasons: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "claimant": self.claimant.as_dict() if self.claimant else None,
            "relays": list(self.relays),
            "cue": self.cue,
            "hedges": list(self.hedges),
            "quantities": [q.as_dict() for q in self.quantities],
            "span": {"start": self.start, "end": self.end},
            "kind": self.kind,
            "score": self.score,
            "reasons": list(self.reasons),
        }


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


# ---------------------------------------------------------------------------------------------
# Where the attribution sits in a sentence
# ---------------------------------------------------------------------------------------------

_QUOTE_CHARS = "“”\"'\u2018\u2019"
_THAT = re.compile(r"\bthat\b", re.I)
_LEADING_ADVERBIAL = re.compile(
    r"\s*,?\s*(?:(?:(?:late|early|earlier|later)\s+)?(?:on|in|at|during|by|last|this|to|via|"
    r"from|before|after)\s+(?:the\s+|an?\s+|his\s+|her\s+|its\s+|their\s+)?[\w'\u2019-]+"
    r"(?:\s+(?:of|to|with)\s+(?:the\s+)?[\w'\u2019-]+)?|overnight|yesterday|today|tonight|earlier|"
    r"later|also|again|then|now|late|early)\s*,?",
    re.I,
)
_ADDING = re.compile(
    r"^\s*,\s*(?:adding|saying|noting|stressing|insisting|warning|explaining)\s+(?:that\s+)?",
    re.I,
)
_AND_THAT = re.compile(r",?\s+and\s+that\s+", re.I)
_CLAUSE_START = re.compile(
    r"^(?:he|she|it|they|we|i|there|the|a|an|this|these|those|his|her|its|their|our)\b", re.I
)


@dataclass(frozen=True)
class _Cut:
    """The content of one sentence, as (start, end) pieces relative to the sentence."""

    pieces: tuple[tuple[int, int], ...]
    attributed: bool


def _attribution(masked: str) -> tuple[int, int] | None:
    """The (start, end) of the attribution in the quote-masked sentence: the speaker, the cue
    and the channel, without the reported content. None when nothing attributes it."""
    low = masked.lower()
    quoted: re.Match[str] | None = None
    if "quoted" in low or "cited" in low:
        quoted = next(_QUOTED_ACTIVE.finditer(masked), None) or _QUOTED_PASSIVE.search(masked)
    if quoted is None and ("citing" in low or "quoting" in low):
        quoted = _CITING.search(masked)
    if quoted is not None:
        rem = masked[quoted.end() :]
        if _is_final_remainder(rem) or not rem.strip(" ,."):
            start = quoted.start() + (1 if masked[quoted.start()].isspace() else 0)
            return _subject_start(masked, start), len(masked)
        # "X was quoted by Y as saying that ...": the content follows.
        return 0, quoted.end() + _content_offset(rem, "said")
    cues = [w for w in _WORD.finditer(masked) if w.group().lower() in _CUE_SET]
    chosen = None
    if (
        cues
        and _is_final_remainder(masked[cues[-1].end() :])
        and _attr_from_cue(masked, cues[-1]) is not None
    ):
        chosen = cues[-1]
    if chosen is None:
        chosen = next((c for c in cues if _attr_from_cue(masked, c) is not None), None)
    if chosen is not None:
        rem = masked[chosen.end() :]
        left = masked[: chosen.start()].rstrip()
        adding = _ADDING.match(rem)
        if adding is not None and _subject_start(masked, chosen.start()) > 0:
            # "Content, X said, adding that more content.": the attribution sits in between.
            return _subject_start(masked, chosen.start()), chosen.end() + adding.end()
        if _is_final_remainder(rem):
            if left.endswith((",", _MASK)):
                # "..., said the ministry." or "“...,” said X": the speaker follows the cue.
                return len(left), len(masked)
            return _subject_start(masked, chosen.start()), len(masked)
        return 0, chosen.end() + _content_offset(rem, chosen.group().lower())
    inverted = _INVERTED_AFTER_QUOTE.search(masked)
    if inverted is not None:
        # "“...,” said Nadia Selim, 34, whose brother is among the missing.": a clause after
        # the name does not make the cue part of the content.
        return inverted.start() + 1, len(masked)
    acc = _ACCORDING.search(masked) if "according" in low else None
    if acc:
        start = acc.start()
        before = masked[:start].rstrip()
        if before.endswith(","):
            start = len(before) - 1
        if _is_final_remainder(masked[acc.end() :]) or not masked[acc.end() :].strip(" ,"):
            return start, len(masked)
        after = masked[acc.end() :]
        comma = after.find(",")
        return (0, acc.end() + comma + 1) if acc.start() < 3 and comma >= 0 else None
    return None


def _subject_start(masked: str, cue_start: int) -> int:
    """Where the speaker's noun phrase begins, left of a cue at the end of a sentence."""
    left = masked[:cue_start]
    b = _LEFT_BOUNDARY.match(left)
    seg_start = b.end() if b else 0
    comma = left.rfind(",", seg_start)
    while comma >= 0:
        candidate = left[comma + 1 :]
        if _valid_subject(candidate):
            # "..., Stephane Dujarric, spokesman for ..., said": take the appositive in.
            prev = left.rfind(",", seg_start, comma)
            if (
                prev >= 0
                and _valid_subject(left[prev + 1 : comma])
                and not _CLAUSE_START.match(left[comma + 1 :].strip())
            ):
                return prev
            return comma
        comma = left.rfind(",", seg_start, comma)
    return seg_start


def _content_offset(rem: str, cue: str) -> int:
    """How far past the cue the reported content begins: after the told object, the channel
    ("on Facebook"), times and places, and a "that"."""
    pos = 0
    if cue in {"told", "tells"}:
        obj = _TOLD_OBJECT.match(rem)
        if obj:
            pos = obj.end()
    while True:
        m = _LEADING_ADVERBIAL.match(rem, pos)
        via = _VIA.match(rem.lstrip(), 0) if pos == 0 else None
        if via is not None and via.start() == 0:
            pos = len(rem) - len(rem.lstrip()) + via.end()
            continue
        if m is None or m.end() == pos or _MASK in m.group():
            break
        that = _THAT.search(rem, pos)
        if that is not None and that.start() < m.end():
            break
        pos = m.end()
    that = _THAT.match(rem[pos:].lstrip())
    if that is not None:
        pos = len(rem) - len(rem[pos:].lstrip()) + that.end()
    else:
        that = _THAT.search(rem, pos)
        # "said in an address to the nation early on Thursday that ...": the channel can be
        # long, but a "that" ends it as long as no clause has begun before it.
        if that is not None and _MASK not in rem[pos : that.start()]:
            head = rem[pos : that.start()].split()
            if len(head) <= 12 and not any(w.lower() in _CLAUSE_WORDS for w in head):
                pos = that.end()
    return pos


_CLAUSE_WORDS = _words(
    "was were is are be been will would could should can may might must has have had he she "
    "they it we i there"
)


def _cut(sentence: str, masked: str) -> _Cut:
    if not any(c.isalnum() for c in masked):
        return _Cut(((0, len(sentence)),), False)
    span = _attribution(masked)
    if span is None:
        return _Cut(((0, len(sentence)),), False)
    a, b = span
    pieces = [(0, a), (b, len(sentence))]
    return _Cut(tuple(p for p in pieces if _has_words(sentence[p[0] : p[1]])), True)


def _has_words(s: str) -> bool:
    return sum(1 for _ in _WORD.finditer(s)) >= 2


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow a piece to its words: no surrounding spaces, commas, dashes or end stops. Quote
    marks stay; `_piece_text` decides which belong to the statement."""
    strip = " \t\n,;:-\u2013\u2014"
    while start < end and text[start] in strip:
        start += 1
    while end > start and text[end - 1] in strip + ".":
        end -= 1
    return start, end


# ---------------------------------------------------------------------------------------------
# Opinion and colour
# ---------------------------------------------------------------------------------------------

_FEELING = re.compile(
    r"\b(?:am|is|are|was|were|be|been|felt|feel|feels|remain|remains|remained)\s+"
    r"(?:(?:very|deeply|extremely|so|gravely|particularly|increasingly|really|too)\s+)*"
    r"(?P<w>stunned|shocked|concerned|worried|saddened|sad|delighted|pleased|happy|glad|angry|"
    r"outraged|horrified|alarmed|disappointed|appalled|dismayed|surprised|proud|grateful|"
    r"optimistic|pessimistic|hopeful|confident|troubled|upset|devastated|heartbroken|afraid|"
    r"scared|frightened|furious|relieved)\b",
    re.I,
)
_FIRST_PERSON_STANCE = re.compile(
    r"\b(?:I|[Ww]e)\s+(?:(?:also|strongly|firmly|still|all|will|would|must|do|now)\s+)*"
    r"(?P<w>intend|hope|want|wish|believe|think|feel|call|urge|condemn|welcome|demand|appeal|"
    r"will|shall|need|like|pray|regret|support|oppose|reject)\b"
)
# A sentence about the sourcing of the one before ("The claim could not be independently
# verified.", "The ministry did not respond to a request for comment.") is a hedge on that claim,
# not a claim of its own.
_SOURCING_NOTE = re.compile(
    r"^(?:the|this|that|these|those|it|its|which|such)\b[^.]*?\b(?:could|can|has|have|had|was|"
    r"were|is|are)\s*(?:not|n't)\s+(?:been\s+|be\s+)?(?:independently\s+|immediately\s+)*"
    r"(?:verified|confirmed)\b"
    r"|\b(?:did|does|has|have)\s+not\s+(?:immediately\s+)?(?:respond|reply|return)\b"
    r"|\bdeclined\s+to\s+comment\b|\bcould\s+not\s+be\s+reached\b",
    re.I,
)
_NORMATIVE = re.compile(r"\b(?P<w>should|ought\s+to|must)\b", re.I)


def _opinion(statement: str) -> str | None:
    s = statement.strip(_QUOTE_CHARS + " ")
    if s.endswith("?"):
        return "a question"
    note = _SOURCING_NOTE.search(s)
    if note:
        return f"a note on sourcing ({note.group().strip()!r})"
    for pattern, what in (
        (_FEELING, "a feeling"),
        (_FIRST_PERSON_STANCE, "the speaker's own stance or intent"),
        (_NORMATIVE, "what ought to be"),
    ):
        m = pattern.search(s)
        if m:
            return f"{what} ({m.group().strip()!r})"
    return None


# ---------------------------------------------------------------------------------------------
# Claimants
# ---------------------------------------------------------------------------------------------

_ORG_WORDS = _words(
    """police ministry office department government agency organisation organization alliance
    company airline carrier firm group council committee commission union party army military
    bank court parliament administration authorities service embassy foundation board cabinet
    un nato eu"""
)
_TITLE_WORDS = _words(
    """president minister secretary general chancellor governor mayor spokesman spokeswoman
    spokesperson chairman chairwoman director chief head leader envoy representative
    ambassador commander"""
)


def _is_person_name(name: str) -> bool:
    toks = name.split()
    return (
        len(toks) >= 2
        and all(t[:1].isupper() for t in toks)
        and not any(t.lower().strip("'\u2019s") in _ORG_WORDS for t in toks)
        and not any(len(t) >= 2 and t.isupper() for t in toks)
    )


def _claimant(stmt: Statement, text: str, sentence: str) -> Claimant | None:
    if stmt.speaker is None or stmt.first_hand:
        return None
    name, role = stmt.speaker, stmt.speaker_role
    if role and not _is_person_name(name):
        member = re.escape(role)
        if re.search(rf"\b{re.escape(name)}['\u2019]?s?\s+{member}\b", text) or re.search(
            rf"\b{member}\s+(?:for|of|at|from|with)\s+(?:the\s+)?[a-z]", sentence
        ):
            # "Reuters correspondents", "a spokesperson for the company": an unnamed member of
            # the organisation; the organisation is not the one speaking in person.
            return Claimant(None, role, name)
    return Claimant(name, role, _organisation_in_role(role))


_INVERTED_AFTER_QUOTE = re.compile(
    _MASK
    + r"\s*,?\s*(?P<cue>"
    + "|".join(sorted(_CUE_SET))
    + r")\s+(?P<np>(?:[A-Z][\w'\u2019.-]*\s+)*[A-Z][\w'\u2019.-]*)(?P<rest>[^\ufffc]*)$"
)
_LEADING_CONJUNCTION = re.compile(r"^(?:but|and|yet|however|meanwhile|still)\s+", re.I)
_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.I)


def _fallback_claimant(row: _Row) -> Claimant | None:
    """A speaker `extract_statements` leaves unnamed though the sentence names one: after a
    closing quote with a relative clause ("...,” said Nadia Selim, 34, whose brother is among
    the missing."), or described behind a relative clause ("a former crew member, who asked not
    to be named, told ...")."""
    inv = _INVERTED_AFTER_QUOTE.search(row.masked)
    if inv is not None:
        role = None
        for seg in inv.group("rest").split(",")[1:]:
            seg = seg.strip(" .")
            if not seg or seg.isdigit():
                continue  # an age
            if _ARTICLE.match(seg):
                role = _ARTICLE.sub("", seg)
            break
        return Claimant(inv.group("np"), role, _organisation_in_role(role))
    if row.stmt.cue is None or row.stmt.first_hand or row.stmt.speaker is not None:
        return None
    cue = next(
        (w for w in _WORD.finditer(row.masked) if w.group().lower() in _CUE_SET),
        None,
    )
    if cue is None:
        return None
    for seg in row.masked[: cue.start()].split(","):
        seg = _LEADING_CONJUNCTION.sub("", seg.strip())
        if not seg or _MASK in seg or re.match(r"(?:who|which|whose|that)\b", seg, re.I):
            continue
        if _valid_subject(seg):
            return Claimant(None, _ARTICLE.sub("", seg), None)
        break
    return None


def _organisation_in_role(role: str | None) -> str | None:
    """The organisation a role names as written: "police spokesman" -> "police", "spokesman for
    UN Secretary General Antonio Guterres" -> "UN"."""
    if not role:
        return None
    m = re.search(r"\b(?:for|of|at|from|with)\s+(?:the\s+)?(?P<org>.+)$", role)
    if m:
        kept: list[str] = []
        for tok in m.group("org").split():
            if tok.lower() in _TITLE_WORDS:
                break
            kept.append(tok)
        return " ".join(kept) or None
    words = role.split()
    if words[-1].lower() not in _PERSON_NOUNS:
        return None  # "Russian-led military alliance" describes an organisation, not a member
    orgs = [w for w in words[:-1] if w.lower() in _ORG_WORDS]
    return " ".join(orgs) if orgs else None


def _same_source(a: Claimant | None, b: Claimant | None) -> bool:
    if a is None or b is None:
        return False

    def words(c: Claimant) -> set[str]:
        raw = f"{c.name or ''} {c.role or ''} {c.organisation or ''}".lower().replace("-", " ")
        return {w for w in raw.split() if len(w) >= 4}

    return bool(words(a) & words(b))


# ---------------------------------------------------------------------------------------------
# Assembling proposals
# ---------------------------------------------------------------------------------------------


@dataclass
class _Row:
    stmt: Statement
    block: int
    masked: str
    open_at_end: bool
    had_quote: bool
    headline: bool


@dataclass
class _Unit:
    rows: list[int]
    pieces: list[tuple[int, int]] = field(default_factory=list)  # article offsets
    quoted: list[bool] = field(default_factory=list)  # per piece: entirely inside quote marks
    attributed: bool = False


_CLOSING = re.compile(r"[.!?…][\"”\u2019')\]]*$")


def _rows(text: str, statements: list[Statement]) -> list[_Row]:
    rows: list[_Row] = []
    inside, prev_block = False, -1
    by_block = sentences_by_block(text)
    block_sizes: dict[int, int] = {}
    for _, block in by_block:
        block_sizes[block] = block_sizes.get(block, 0) + 1
    for stmt, (sent, block) in zip(statements, by_block, strict=True):
        if block != prev_block:
            inside = False
        masked, end_inside, seen = _mask_quotes(sent.text, inside)
        headline = block_sizes[block] == 1 and not _CLOSING.search(sent.text.rstrip())
        rows.append(_Row(stmt, block, masked, end_inside, seen, headline))
        inside, prev_block = end_inside, block
    return rows


def _units(rows: list[_Row]) -> list[_Unit]:
    units: list[_Unit] = []
    for i, row in enumerate(rows):
        if row.headline:
            continue
        if units:
            prev = rows[units[-1].rows[-1]]
            spans_on = prev.open_at_end and prev.block == row.block and units[-1].rows[-1] == i - 1
            continues = (
                units[-1].rows[-1] == i - 1
                and prev.had_quote
                and prev.stmt.cue is not None
                and row.had_quote
                and not any(c.isalnum() for c in row.masked)
                and row.stmt.speaker == prev.stmt.speaker
            )
            if spans_on or continues:
                units[-1].rows.append(i)
                continue
        units.append(_Unit([i]))
    return units


def _fill(unit: _Unit, rows: list[_Row], text: str) -> None:
    for i in unit.rows:
        row = rows[i]
        sent = row.stmt.sentence
        cut = _cut(sent.text, row.masked)
        unit.attributed = unit.attributed or cut.attributed or row.stmt.cue is not None
        for a, b in cut.pieces:
            s, e = _trim(text, sent.start + a, sent.start + b)
            if e <= s:
                continue
            inner = row.masked[s - sent.start : e - sent.start]
            quoted = not any(c.isalnum() for c in inner)
            unit.pieces.append((s, e))
            unit.quoted.append(quoted)


def _piece_text(text: str, start: int, end: int, quoted: bool) -> str:
    piece = text[start:end]
    if quoted:
        piece = piece.strip(_QUOTE_CHARS + " ,")
        piece = piece.rstrip(",")
    else:
        # A mark left over from the attribution cut: a closer before the content or an opener
        # after it.
        piece = piece.lstrip("”").rstrip("“")
    return piece.strip()


def _statement(text: str, pieces: list[tuple[int, int]], quoted: list[bool]) -> str:
    parts = [_piece_text(text, s, e, q) for (s, e), q in zip(pieces, quoted, strict=True)]
    out = ""
    for part in parts:
        if not part:
            continue
        if out and out[-1] not in ".!?…":
            out += "."
        out = f"{out} {part}" if out else part
    return out


def _kind(text: str, pieces: list[tuple[int, int]], quoted: list[bool]) -> str:
    if all(quoted):
        return "quote"
    if any(quoted) or any(c in text[s:e] for s, e in pieces for c in '“”"'):
        return "mixed"
    return "paraphrase"


def _quantities(
    found: dict[int, list[FoundQuantity]],
    rows: list[_Row],
    unit_rows: list[int],
    start: int,
    end: int,
) -> tuple[ProposedQuantity, ...]:
    out: list[ProposedQuantity] = []
    for i in unit_rows:
        base = rows[i].stmt.sentence.start
        for q in found[i]:
            s, e = base + q.start, base + q.end
            if q.previous or not (start <= s and e <= end):
                continue
            if q.range.low == q.range.high == 1 and not q.what:
                continue  # "one" of something, not a count
            high = None if q.range.high == float("inf") else q.range.high
            out.append(ProposedQuantity(q.what, q.words, q.range.low, high, s, e))
    return tuple(out)


def _split_and_that(
    text: str, masked_by_offset: list[tuple[int, str]], pieces: list[tuple[int, int]]
) -> list[list[tuple[int, int]]]:
    """ "X said A, and that B": the pieces of each reported clause."""
    if len(pieces) != 1:
        return [pieces]
    s, e = pieces[0]
    for base, masked in masked_by_offset:
        if base <= s and e <= base + len(masked):
            window = masked[s - base : e - base]
            m = _AND_THAT.search(window)
            if m:
                return [[_trim(text, s, s + m.start())], [_trim(text, s + m.end(), e)]]
    return [pieces]


def _score(p: Proposal) -> Proposal:
    reasons: list[str] = []
    score = 0.0
    opinion = _opinion(p.statement)
    if opinion is None:
        score += WEIGHT_FACTUAL
        reasons.append(f"+{WEIGHT_FACTUAL:g} factual assertion")
    else:
        reasons.append(f"+0 opinion or colour: {opinion}")
    if p.claimant is None:
        reasons.append("+0 no claimant: the publisher's own voice")
    elif any(
        w[:1].isupper() for w in f"{p.claimant.name or ''} {p.claimant.organisation or ''}".split()
    ):
        score += WEIGHT_NAMED
        reasons.append(f"+{WEIGHT_NAMED:g} named claimant: {p.claimant.label}")
    else:
        score += WEIGHT_DESCRIBED
        reasons.append(f"+{WEIGHT_DESCRIBED:g} described claimant: {p.claimant.label}")
    if p.quantities:
        score += WEIGHT_FIGURE
        figures = ", ".join(f"{q.text!r}" for q in p.quantities)
        reasons.append(f"+{WEIGHT_FIGURE:g} figure: {figures}")
    if p.hedges:
        score += WEIGHT_HEDGE
        reasons.append(f"+{WEIGHT_HEDGE:g} hedged: {', '.join(p.hedges)}")
    return replace(p, score=round(min(score, 1.0), 2), reasons=tuple(reasons))


def _merge_lede(text: str, a: Proposal, b: Proposal) -> Proposal:
    claimant = b.claimant
    if claimant is not None and a.claimant is not None:
        if a.claimant.name == claimant.name:
            claimant = Claimant(
                claimant.name,
                claimant.role or a.claimant.role,
                claimant.organisation or a.claimant.organisation,
            )
        else:
            # "Police ..., they told local media." then "“...,” police spokesman X said.": the
            # lede names the organisation the spokesman speaks for.
            org = claimant.organisation
            lede = a.claimant.organisation or a.claimant.name
            if lede and (org is None or org.lower() in lede.lower()):
                claimant = replace(claimant, organisation=lede)
    return Proposal(
        statement=f"{a.statement}: “{b.statement}”",
        claimant=claimant,
        relays=b.relays or a.relays,
        cue=b.cue,
        hedges=tuple(dict.fromkeys((*a.hedges, *b.hedges))),
        quantities=(*a.quantities, *b.quantities),
        start=a.start,
        end=b.end,
        kind="mixed",
    )


_STEM_STOP = _words("said says that this with from have were been will would they their")


def stems(text: str) -> set[str]:
    """Content-word stems (first five letters of words of four letters or more), for telling
    whether two passages say the same thing."""
    return {
        w.lower()[:5] for w in _WORD.findall(text) if len(w) >= 4 and w.lower() not in _STEM_STOP
    }


def propose_claims(
    text: str,
    publisher: str | None = None,
    *,
    min_score: float = PROPOSE_AT,
    statements: list[Statement] | None = None,
) -> list[Proposal]:
    """The claims of an article, most check-worthy first (article order among equals). Pass
    ``min_score=0`` to see every candidate with why it ranks low, and `statements` when the
    caller already has ``extract_statements(text, publisher)`` (the workers do)."""
    if statements is None:
        statements = extract_statements(text, publisher)
    rows = _rows(text, statements)
    found = {i: find_quantities(r.stmt.sentence.text) for i, r in enumerate(rows)}
    proposals: list[tuple[list[int], Proposal]] = []
    for unit in _units(rows):
        _fill(unit, rows, text)
        if not unit.pieces:
            continue
        lead = next((rows[i].stmt for i in unit.rows if rows[i].stmt.cue is not None), None)
        stmt = lead or rows[unit.rows[0]].stmt
        claimant = _claimant(stmt, text, stmt.sentence.text)
        if claimant is None:
            claimant = next(
                (c for i in unit.rows if (c := _fallback_claimant(rows[i])) is not None), None
            )
            if claimant is not None and lead is None:
                lead = next((rows[i].stmt for i in unit.rows if rows[i].stmt.cue), None)
        hedges = tuple(dict.fromkeys(h for i in unit.rows for h in rows[i].stmt.hedges))
        masked = [(rows[i].stmt.sentence.start, rows[i].masked) for i in unit.rows]
        groups = _split_and_that(text, masked, unit.pieces) if lead else [unit.pieces]
        for pieces in groups:
            quoted = (
                unit.quoted
                if len(groups) == 1
                else [not any(c.isalnum() for c in _masked_at(masked, s, e)) for s, e in pieces]
            )
            start, end = pieces[0][0], pieces[-1][1]
            proposals.append(
                (
                    unit.rows,
                    Proposal(
                        statement=_statement(text, pieces, quoted),
                        claimant=claimant,
                        relays=stmt.relays if claimant else (),
                        cue=(stmt.cue or _cue_word(rows, unit.rows)) if claimant else None,
                        hedges=hedges,
                        quantities=_quantities(found, rows, unit.rows, start, end),
                        start=start,
                        end=end,
                        kind=_kind(text, pieces, quoted),
                    ),
                )
            )

    merged: list[Proposal] = []
    last_rows: list[int] = []
    for unit_rows, p in proposals:
        if (
            merged
            and last_rows
            and unit_rows[0] == last_rows[-1] + 1
            and merged[-1].kind != "quote"
            and p.kind == "quote"
            and _same_source(merged[-1].claimant, p.claimant)
            and len(stems(merged[-1].statement) & stems(p.statement)) >= 2
        ):
            merged[-1] = _merge_lede(text, merged[-1], p)
        else:
            merged.append(p)
        last_rows = unit_rows
    scored = [_score(p) for p in _carry_notes(_carry_descriptions(merged))]
    kept = [p for p in scored if p.score >= min_score]
    return sorted(kept, key=lambda p: (-p.score, p.start))


def _carry_notes(proposals: list[Proposal]) -> list[Proposal]:
    """The hedge of a sourcing note ("The claim could not be independently verified.") belongs
    to the claim before it."""
    out: list[Proposal] = []
    for p in proposals:
        if out and p.claimant is None and p.hedges and _SOURCING_NOTE.search(p.statement):
            prev = out[-1]
            out[-1] = replace(prev, hedges=tuple(dict.fromkeys((*prev.hedges, *p.hedges))))
        out.append(p)
    return out


def _cue_word(rows: list[_Row], unit_rows: list[int]) -> str | None:
    for i in unit_rows:
        inv = _INVERTED_AFTER_QUOTE.search(rows[i].masked)
        if inv is not None:
            return inv.group("cue").lower()
    return None


def _carry_descriptions(proposals: list[Proposal]) -> list[Proposal]:
    """ "Mr Tokayev said" after "Kazakh President Kassym-Jomart Tokayev said": the role and
    organisation given at the first mention hold for the later ones."""
    known: dict[str, Claimant] = {}
    out: list[Proposal] = []
    for p in proposals:
        c = p.claimant
        name = c.name if c is not None else None
        if c is not None and name is not None:
            first = known.get(name)
            if first is not None and (c.role is None or c.organisation is None):
                c = Claimant(name, c.role or first.role, c.organisation or first.organisation)
                p = replace(p, claimant=c)
            known[name] = c
        out.append(p)
    return out


def _masked_at(masked: list[tuple[int, str]], start: int, end: int) -> str:
    for base, m in masked:
        if base <= start and end <= base + len(m):
            return m[start - base : end - base]
    return ""
