"""Candidate retrieval: which open claims might a report sentence speak to?

A sentence is tokenised the same way as every indexed claim, then scored against an inverted
index with BM25. The index is incremental (claims open and close all day) and answers a query
without touching every claim: only the postings of the sentence's terms are read, rarest first,
and the commonest terms' postings are skipped once they can no longer change the top k
(the "MaxScore" argument, here over postings bucketed by their exact BM25 weight).
"""

from __future__ import annotations

import heapq
import math
import re
import sys
import unicodedata
from dataclasses import dataclass


# The usual English list (as in NLTK), minus "won" which is more often "won the vote" in news
# than the stray half of "won't". Negations are here too: retrieval is about topic; polarity is
# the stance stage's job and reads the raw text.
def _words(text: str) -> list[str]:
    return text.split()


STOPWORDS: frozenset[str] = frozenset(
    _words(
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
)

# Spelled-out counts become digits so "Thirteen officers" meets "13 officers". "One" is left
# alone: it is mostly a pronoun ("no one", "one of the").
NUMBER_WORDS: dict[str, str] = {
    word: str(value)
    for value, word in enumerate(
        _words(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen"
            " fourteen fifteen sixteen seventeen eighteen nineteen twenty"
        )
    )
    if value >= 2
} | {
    word: str(value)
    for value, word in zip(
        range(30, 100, 10), _words("thirty forty fifty sixty seventy eighty ninety"), strict=True
    )
}

# Words the suffix rules would mangle: a trailing "s" that is not a plural.
_STEM_EXCEPTIONS = frozenset(
    _words("news series species means always perhaps whereas towards afterwards besides across")
)

# A number (thousands commas allowed, optional decimals) not glued to letters, else a word made
# of letters/digits with inner apostrophes ("didn't", "o'brien"). Hyphens and other punctuation
# split words.
_TOKEN = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![^\W_])|[^\W_]+(?:'[^\W_]+)*")
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


def _strip_verb_suffix(word: str, n: int) -> str:
    base = word[:-n]
    if len(base) < 3 or not _VOWELS.intersection(base):
        return word
    if len(base) > 3 and base[-1] == base[-2] and base[-1] not in _VOWELS and base[-1] not in "lsz":
        base = base[:-1]
    return base


def _normalise_token(raw: str) -> str | None:
    if raw[0].isdigit() and raw.replace(",", "").replace(".", "").isdigit():
        return raw.replace(",", "")
    if raw in STOPWORDS:
        return None
    if raw.endswith("'s"):
        raw = raw[:-2]
        if not raw or raw in STOPWORDS:
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
    folded = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")
    terms: list[str] = []
    for match in _TOKEN.finditer(folded):
        term = _normalise_token(match.group())
        if term:
            terms.append(term)
    return terms


@dataclass(frozen=True)
class Match:
    claim_id: int
    score: float
    coverage: float
    matched_terms: tuple[str, ...]


# A claim as stored: its distinct terms in first-seen order, their counts (None when every
# count is 1, as in nearly every claim: it saves memory and a zip per scored claim), and its
# length in terms.
_Doc = tuple[tuple[str, ...], tuple[int, ...] | None, int]
# Postings of one term grouped by (tf, claim length): every claim in a group gets the same
# BM25 weight for that term, so a whole group is kept or skipped by one bound check.
_Postings = dict[tuple[int, int], set[int]]
# One query term's plan: its upper bound, the term, its groups heaviest first, its df.
_Plan = tuple[float, str, list[tuple[float, set[int]]], int]


class ClaimIndex:
    """Incremental in-memory BM25 inverted index over claim texts.

    BM25 with Lucene's non-negative IDF, log(1 + (N - df + 0.5) / (df + 0.5)); query terms
    count once however often the sentence repeats them. Document frequencies and the total
    length are kept as counts, so IDF and the average length are always current without a
    rebuild. `coverage` is the share of the claim's IDF mass (over its distinct terms) whose
    terms occur in the query: a claim restated in full by the sentence has coverage 1.0
    whatever its length, which makes it the figure to threshold on; the BM25 score only ranks.
    """

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        if k1 < 0 or not 0.0 <= b <= 1.0:
            raise ValueError("need k1 >= 0 and 0 <= b <= 1")
        self.k1 = k1
        self.b = b
        self._docs: dict[int, _Doc] = {}
        self._postings: dict[str, _Postings] = {}
        self._df: dict[str, int] = {}
        self._total_len = 0
        # Shared (tf, length) keys: 100k claims would otherwise hold a million equal tuples.
        self._keys: dict[tuple[int, int], tuple[int, int]] = {}

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, claim_id: object) -> bool:
        return claim_id in self._docs

    def add(self, claim_id: int, text: str) -> None:
        """Index `text` under `claim_id`, replacing what the claim had before."""
        self.remove(claim_id)
        counts: dict[str, int] = {}
        for term in tokenize(text):
            counts[term] = counts.get(term, 0) + 1
        length = sum(counts.values())
        # Interned so the 100k stored tuples share one string per distinct term.
        terms = tuple(sys.intern(t) for t in counts)
        tfs = tuple(counts.values()) if length > len(counts) else None
        self._docs[claim_id] = (terms, tfs, length)
        self._total_len += length
        postings, df, keys = self._postings, self._df, self._keys
        for i, term in enumerate(terms):
            tf = tfs[i] if tfs else 1
            key = keys.setdefault((tf, length), (tf, length))
            postings.setdefault(term, {}).setdefault(key, set()).add(claim_id)
            df[term] = df.get(term, 0) + 1

    def remove(self, claim_id: int) -> None:
        doc = self._docs.pop(claim_id, None)
        if doc is None:
            return
        terms, tfs, length = doc
        self._total_len -= length
        for i, term in enumerate(terms):
            key = (tfs[i] if tfs else 1, length)
            groups = self._postings[term]
            group = groups[key]
            group.discard(claim_id)
            if not group:
                del groups[key]
            df = self._df[term] - 1
            if df:
                self._df[term] = df
            else:
                del self._df[term]
                del self._postings[term]

    def search(self, text: str, k: int = 20, min_coverage: float = 0.0) -> list[Match]:
        """The `k` best claims for `text` by BM25, best first, ties by claim id.

        Claims with coverage below `min_coverage` are left out before ranking, so up to `k`
        qualifying claims come back. The result is exact (the same as scoring every claim);
        the work is bounded by the postings of the query's terms, and in practice by those
        of its rarer terms, never by the number of claims.

        Three phases, each relying on the claims' scores being sums of per-term weights with
        known maxima (a term's bound is its heaviest (tf, length) group):
        1. seed: claims of the rarest query terms are scored exactly, which fills the top k
           and sets the threshold (the k-th score);
        2. accumulate: the next terms' postings add their weights to per-claim partial
           scores, but only for as long as the bounds of the remaining, commoner terms add up
           to the threshold or more: a claim having none of the terms read so far cannot
           score above that sum, so the longest postings are usually never read;
        3. complete: claims whose partial score plus that sum can still reach the threshold
           are scored exactly, most promising first, until none can.
        """
        n_docs = len(self._docs)
        if k <= 0 or not n_docs:
            return []
        idf_cache: dict[str, float] = {}
        query: dict[str, float] = {}
        for term in tokenize(text):
            if term in self._df and term not in query:
                query[term] = self._idf(term, n_docs, idf_cache)
        if not query:
            return []

        k1_1 = self.k1 + 1.0
        norm_const = self.k1 * (1.0 - self.b)
        norm_len = self.k1 * self.b * n_docs / self._total_len

        plans: list[_Plan] = []
        for term, term_idf in query.items():
            groups = sorted(
                (
                    (term_idf * tf * k1_1 / (tf + norm_const + norm_len * length), ids)
                    for (tf, length), ids in self._postings[term].items()
                ),
                key=_first,
                reverse=True,
            )
            plans.append((groups[0][0], term, groups, self._df[term]))
        plans.sort(key=lambda plan: (-plan[0], plan[1]))
        n_plans = len(plans)
        rest = [0.0] * (n_plans + 1)  # rest[i]: the most terms i.. can add to any claim
        for i in range(n_plans - 1, -1, -1):
            rest[i] = rest[i + 1] + plans[i][0]
        # Slack for comparing a bound with a score summed in another order.
        eps = 1e-9 * (1.0 + rest[0])

        docs = self._docs
        query_idf = query.get

        def exact(claim_id: int) -> float:
            terms, tfs, length = docs[claim_id]
            norm = norm_const + norm_len * length
            total = 0.0
            if tfs is None:
                for term in terms:
                    term_idf = query_idf(term)
                    if term_idf is not None:
                        total += term_idf
                return total * k1_1 / (1.0 + norm)
            for term, tf in zip(terms, tfs, strict=True):
                term_idf = query_idf(term)
                if term_idf is not None:
                    total += term_idf * tf * k1_1 / (tf + norm)
            return total

        top: list[tuple[float, int]] = []  # min-heap of (score, -claim_id)
        threshold = -math.inf

        def offer(claim_id: int, score: float) -> None:
            nonlocal threshold
            entry = (score, -claim_id)
            if len(top) == k and entry <= top[0]:
                return
            if min_coverage > 0.0 and (
                self._explain(claim_id, query, n_docs, idf_cache)[0] < min_coverage
            ):
                return
            if len(top) < k:
                heapq.heappush(top, entry)
            else:
                heapq.heapreplace(top, entry)
            if len(top) == k:
                threshold = top[0][0]

        # Claims scored exactly are parked at -inf in `partial` so they are never offered twice.
        partial: dict[int, float] = {}
        partial_get = partial.get
        next_refresh = k

        def refresh() -> None:
            # Score the best partially-scored claims exactly: their scores are the threshold's
            # best lower bound, and the higher the threshold the sooner reading can stop.
            for claim_id, score in heapq.nlargest(k, partial.items(), key=_second):
                if score == -math.inf:
                    break
                partial[claim_id] = -math.inf
                offer(claim_id, exact(claim_id))

        stop = n_plans
        for i in range(n_plans):
            if len(partial) >= next_refresh and rest[i] >= threshold - eps:
                refresh()
                # Doubling keeps the refreshes' total cost within twice the final dict size.
                next_refresh = 2 * len(partial)
            if rest[i] < threshold - eps:
                stop = i  # a claim having none of the terms read so far cannot reach the top k
                break
            later = rest[i + 1]
            for weight, ids in plans[i][2]:
                if weight + later < threshold - eps:
                    # Claims new in this group cannot make the top k; those already
                    # accumulating still need the weight for their bound to hold.
                    for claim_id in ids & partial.keys():
                        partial[claim_id] += weight
                else:
                    for claim_id in ids:
                        partial[claim_id] = partial_get(claim_id, 0.0) + weight

        # The remaining (commonest) terms can no longer bring in new claims, but still add to
        # the ones accumulating; claims that cannot reach the threshold even with every unread
        # term are dropped first, so the long postings are only intersected with a shrinking
        # set. A floor at the largest finite float keeps the -inf of scored claims out.
        for j in range(stop, n_plans):
            cutoff = max(threshold - rest[j] - eps, -sys.float_info.max)
            partial = {claim_id: score for claim_id, score in partial.items() if score >= cutoff}
            for weight, ids in plans[j][2]:
                for claim_id in ids & partial.keys():
                    partial[claim_id] += weight

        # Every partial score is now complete; only those that can still reach the top k are
        # rescored exactly (in the canonical summation order, so ties break by id reliably).
        cutoff = max(threshold - eps, -sys.float_info.max)
        candidates = [(-score, claim_id) for claim_id, score in partial.items() if score >= cutoff]
        heapq.heapify(candidates)
        while candidates:
            neg_partial, claim_id = heapq.heappop(candidates)
            if -neg_partial < threshold - eps:
                break
            offer(claim_id, exact(claim_id))
        return self._matches(top, query, n_docs, idf_cache)

    def _matches(
        self,
        top: list[tuple[float, int]],
        query: dict[str, float],
        n_docs: int,
        idf_cache: dict[str, float],
    ) -> list[Match]:
        matches = []
        for score, neg_id in sorted(top, key=lambda entry: (-entry[0], -entry[1])):
            coverage, matched = self._explain(-neg_id, query, n_docs, idf_cache)
            matches.append(Match(-neg_id, score, coverage, matched))
        return matches

    def _idf(self, term: str, n_docs: int, cache: dict[str, float]) -> float:
        value = cache.get(term)
        if value is None:
            df = self._df[term]
            value = cache[term] = math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
        return value

    def _explain(
        self, claim_id: int, query: dict[str, float], n_docs: int, idf_cache: dict[str, float]
    ) -> tuple[float, tuple[str, ...]]:
        """The claim's coverage by the query, and the terms they share."""
        mass = matched_mass = 0.0
        matched: list[str] = []
        for term in self._docs[claim_id][0]:
            term_idf = self._idf(term, n_docs, idf_cache)
            mass += term_idf
            if term in query:
                matched_mass += term_idf
                matched.append(term)
        return (min(matched_mass / mass, 1.0) if mass > 0 else 0.0), tuple(sorted(matched))


def _first(pair: tuple[float, set[int]]) -> float:
    return pair[0]


def _second(pair: tuple[int, float]) -> float:
    return pair[1]
