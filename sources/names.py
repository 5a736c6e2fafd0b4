"""Normalised forms of source names: pure functions, no database.

Two labels name the same source when their *keys* are equal. The key folds what varies
between mentions of one organisation and nothing else:

- case, accents, punctuation and the leading or inner articles ("The Associated Press");
- possessives and word order: the key is the sorted multiset of words, with "of", "for",
  "and" and "'s" dropped, so "Kazakhstan's interior ministry" = "Interior Ministry of
  Kazakhstan";
- country names and demonyms fold to one marker per country ("Kazakh", "Kazakhstani",
  "Kazakhstan", "Republic of Kazakhstan" -> "@kz");
- a few unambiguous spellings and abbreviations ("internal affairs" -> "interior",
  "healthcare" -> "health", "govt" -> "government", "U.S." -> "us" -> "@us").

Keys are stored on Source and SourceAlias (indexed), so a lookup is one indexed equality.
Changing anything here changes the keys: ship a data migration that recomputes them
(`sources.services.source_keys_refresh`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

KEY_MAX_LENGTH = 255
COUNTRY_MARK = "@"

# code | the name used when a source is named after the country | other names and demonyms.
# Only names a speaker label would use; demonyms that are mostly languages ("English",
# "Arabic") are left out, and so are ambiguous ones ("Korean").
_COUNTRY_TABLE = """
AE|the United Arab Emirates|united arab emirates|uae|emirati
AF|Afghanistan|afghanistan|afghan
AM|Armenia|armenia|armenian
AT|Austria|austria|austrian
AU|Australia|australia|australian
AZ|Azerbaijan|azerbaijan|azerbaijani|azeri
BE|Belgium|belgium|belgian
BG|Bulgaria|bulgaria|bulgarian
BR|Brazil|brazil|brazilian
BY|Belarus|belarus|belarusian|byelorussian
CA|Canada|canada|canadian
CH|Switzerland|switzerland|swiss
CN|China|china|chinese|people's republic of china|prc
CZ|the Czech Republic|czech republic|czechia|czech
DE|Germany|germany|german
DK|Denmark|denmark|danish
EE|Estonia|estonia|estonian
EG|Egypt|egypt|egyptian
ES|Spain|spain|spanish
FI|Finland|finland|finnish
FR|France|france|french
GB|the United Kingdom|united kingdom|uk|britain|great britain|british
GE|Georgia|georgia|georgian
GR|Greece|greece|greek
HU|Hungary|hungary|hungarian
ID|Indonesia|indonesia|indonesian
IE|Ireland|ireland|irish
IL|Israel|israel|israeli
IN|India|india|indian
IQ|Iraq|iraq|iraqi
IR|Iran|iran|iranian
IT|Italy|italy|italian
JO|Jordan|jordan|jordanian
JP|Japan|japan|japanese
KG|Kyrgyzstan|kyrgyzstan|kyrgyz|kirghiz|kyrgyz republic
KP|North Korea|north korea|dprk|democratic people's republic of korea
KR|South Korea|south korea|republic of korea
KZ|Kazakhstan|kazakhstan|qazaqstan|kazakh|kazakhstani|qazaq|republic of kazakhstan
LB|Lebanon|lebanon|lebanese
LT|Lithuania|lithuania|lithuanian
LV|Latvia|latvia|latvian
MD|Moldova|moldova|moldovan
MN|Mongolia|mongolia|mongolian
MX|Mexico|mexico|mexican
MY|Malaysia|malaysia|malaysian
NG|Nigeria|nigeria|nigerian
NL|the Netherlands|netherlands|dutch|holland
NO|Norway|norway|norwegian
NZ|New Zealand|new zealand
PK|Pakistan|pakistan|pakistani
PL|Poland|poland|polish
PT|Portugal|portugal|portuguese
QA|Qatar|qatar|qatari
RO|Romania|romania|romanian
RS|Serbia|serbia|serbian
RU|Russia|russia|russian|russian federation
SA|Saudi Arabia|saudi arabia|saudi
SE|Sweden|sweden|swedish
SG|Singapore|singapore|singaporean
SY|Syria|syria|syrian
TJ|Tajikistan|tajikistan|tajik
TM|Turkmenistan|turkmenistan|turkmen
TR|Turkey|turkey|turkiye|turkish
UA|Ukraine|ukraine|ukrainian
US|the United States|united states|united states of america|us|usa|america|american
UZ|Uzbekistan|uzbekistan|uzbek
ZA|South Africa|south africa|south african
"""

# Spellings folded to one form: (words) -> (words).
_SYNONYMS = {
    ("internal", "affairs"): ("interior",),
    ("home", "affairs"): ("interior",),
    ("foreign", "affairs"): ("foreign",),
    ("external", "affairs"): ("foreign",),
    ("healthcare",): ("health",),
    ("defense",): ("defence",),
    ("organization",): ("organisation",),
    ("govt",): ("government",),
    ("gov",): ("government",),
    ("dept",): ("department",),
    ("intl",): ("international",),
    ("center",): ("centre",),
}

# Words that carry no identity: dropped anywhere in a label.
_STOP_WORDS = frozenset({"the", "of", "a", "an", "and", "for"})

# Head nouns of a label ("the health ministry", "Ministry of Health" -> ministry).
# Parts of a state: a bare one ("the health ministry") belongs to the story's country.
INSTITUTION_NOUNS = frozenset(
    {
        "administration",
        "agency",
        "akimat",
        "army",
        "authorities",
        "authority",
        "bureau",
        "cabinet",
        "command",
        "commission",
        "committee",
        "council",
        "court",
        "department",
        "directorate",
        "embassy",
        "forces",
        "government",
        "guard",
        "headquarters",
        "inspectorate",
        "military",
        "ministry",
        "mission",
        "office",
        "officials",
        "parliament",
        "police",
        "presidency",
        "prosecutors",
        "secretariat",
        "senate",
        "service",
        "troops",
    }
)
# People who speak for an organisation.
PERSON_NOUNS = frozenset(
    {
        "adviser",
        "advisor",
        "aide",
        "akim",
        "ambassador",
        "chairman",
        "chairwoman",
        "chief",
        "commander",
        "deputy",
        "director",
        "envoy",
        "governor",
        "head",
        "mayor",
        "minister",
        "official",
        "president",
        "prosecutor",
        "representative",
        "secretary",
        "spokesman",
        "spokesperson",
        "spokeswoman",
    }
)
# An outlet's own people: first-hand witnesses of what they report.
REPORTER_NOUNS = frozenset(
    {
        "correspondent",
        "correspondents",
        "journalist",
        "journalists",
        "reporter",
        "reporters",
        "witness",
        "witnesses",
    }
)
# What "X's Y" may be a part of X: a bureau, a spokesman, a service. "The Kremlin's critics"
# is not part of the Kremlin, so it is not created under it.
PART_NOUNS = (
    INSTITUTION_NOUNS
    | PERSON_NOUNS
    | REPORTER_NOUNS
    | frozenset(
        {
            "branch",
            "channel",
            "desk",
            "division",
            "edition",
            "newsroom",
            "press",
            "staff",
            "subsidiary",
            "team",
            "unit",
            "website",
        }
    )
)


@dataclass(frozen=True)
class Country:
    code: str
    name: str  # as used in "Health Ministry of Kazakhstan"


def _plain_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = re.sub(r"\bgov't\b", "government", text)
    text = re.sub(r"\bint'l\b", "international", text)
    text = re.sub(r"'s\b", "", text)  # possessive: Kazakhstan's -> Kazakhstan
    text = text.replace("&", " and ")
    words = re.findall(r"[^\W_]+", text)
    # Runs of single letters are one abbreviation: "U.S." -> us, "A.P." -> ap.
    merged: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        if len(run) >= 2:
            merged.append("".join(run))
        else:
            merged.extend(run)
        run = []
        if word:
            merged.append(word)
    return merged


def _load_countries() -> tuple[dict[str, Country], dict[tuple[str, ...], str]]:
    by_code: dict[str, Country] = {}
    phrases: dict[tuple[str, ...], str] = {}
    for line in _COUNTRY_TABLE.strip().splitlines():
        code, name, *variants = line.split("|")
        by_code[code] = Country(code, name)
        for variant in variants:
            phrases[tuple(_plain_words(variant))] = COUNTRY_MARK + code.lower()
    return by_code, phrases


COUNTRIES, _COUNTRY_PHRASES = _load_countries()
_PHRASES: dict[tuple[str, ...], tuple[str, ...]] = {
    **{k: (v,) for k, v in _COUNTRY_PHRASES.items()},
    **_SYNONYMS,
}
_LONGEST_PHRASE = max(len(p) for p in _PHRASES)


def words(label: str) -> list[str]:
    """The label's identifying words in order: folded, countries as markers, synonyms
    applied, stop words dropped."""
    plain = _plain_words(label)
    out: list[str] = []
    i = 0
    while i < len(plain):
        for size in range(min(_LONGEST_PHRASE, len(plain) - i), 0, -1):
            replacement = _PHRASES.get(tuple(plain[i : i + size]))
            if replacement is not None:
                out.extend(replacement)
                i += size
                break
        else:
            out.append(plain[i])
            i += 1
    return [w for w in out if w not in _STOP_WORDS]


def key_of_words(items: list[str]) -> str:
    return " ".join(sorted(items))[:KEY_MAX_LENGTH]


def name_key(label: str) -> str:
    """The normalised key of a name or alias; "" when nothing identifying is left."""
    return key_of_words(words(label))


def country_marker(code: str) -> str:
    return COUNTRY_MARK + code.lower()


def countries_in(items: list[str]) -> set[str]:
    """ISO codes of the countries a label's words name."""
    return {w[1:].upper() for w in items if w.startswith(COUNTRY_MARK)}


def only_country(label: str) -> str | None:
    """The ISO code when the label is nothing but a country ("Kazakhstan", "the Kazakh")."""
    items = words(label)
    if len(items) == 1 and items[0].startswith(COUNTRY_MARK):
        return items[0][1:].upper()
    return None


def country_name(code: str) -> str:
    country = COUNTRIES.get(code.upper())
    return country.name if country else code.upper()


_INITIALS_SKIP = frozenset({"the", "of", "and", "for", "a", "an", "de", "la", "le", "du", "des"})


def initials_of(name: str) -> str:
    """The initials of a name of three or more words ("Radio Free Europe/Radio Liberty" ->
    rferl), for labels that abbreviate it; "" for shorter names, whose abbreviations are
    too ambiguous to guess (two-letter ones belong in aliases)."""
    folded = re.sub(r"['\u2019]s\b", "", _fold(name))
    raw = [w for w in re.findall(r"[^\W\d_]+", folded) if w not in _INITIALS_SKIP]
    if len(raw) < 3:
        return ""
    return "".join(w[0] for w in raw)[:KEY_MAX_LENGTH]


def acronym_of(label: str) -> str | None:
    """The letters of a label written as an abbreviation ("RFE/RL", "N.Y.T.", "CSTO"), else
    None."""
    text = re.sub(r"^(the)\s+", "", label.strip(), flags=re.I)
    letters = re.sub(r"[./\-&\s]", "", text)
    if 2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper():
        return _fold(letters)
    return None


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


_ARTICLE = re.compile(r"^(the|a|an)\s+", re.I)
_POSSESSIVE = re.compile(r"^(?P<owner>.+?)(?:['\u2019]s|(?<=s)['\u2019])\s+(?P<part>.+)$")
_OF = re.compile(r"\s+of\s+", re.I)


def without_article(label: str) -> str:
    return _ARTICLE.sub("", label.strip())


@dataclass(frozen=True)
class LabelParts:
    """A speaker label read as "owner's part" or "part of owner" ("Kazakhstan's interior
    ministry", "spokesman of the interior ministry"); owner is None for a plain label."""

    owner: str | None
    part: str
    head: str  # the head noun of the part, folded: ministry, spokesman, bureau...


def split_label(label: str) -> LabelParts:
    text = without_article(label)
    possessive = _POSSESSIVE.match(text)
    if possessive:
        owner, part = possessive["owner"].strip(), possessive["part"].strip()
        return LabelParts(owner=owner, part=part, head=head_noun(part))
    pieces = _OF.split(text)
    if len(pieces) >= 2 and pieces[-1].strip():
        part = " of ".join(pieces[:-1])
        return LabelParts(owner=pieces[-1].strip(), part=part, head=head_noun(part))
    return LabelParts(owner=None, part=text, head=head_noun(text))


def without_head(text: str) -> str:
    """The words before the head noun of a label with no "of" ("Almaty police spokesman" ->
    "Almaty police"), "" when there are none."""
    text = without_article(text)
    if _OF.search(text):
        return ""
    return " ".join(text.split()[:-1])


def head_noun(text: str) -> str:
    """The word a phrase is about: the last word, or the one before "of" ("Ministry of
    Health" -> ministry)."""
    before_of = _OF.split(without_article(text))[0]
    plain = _plain_words(before_of)
    return plain[-1] if plain else ""


def is_bare_office(label: str) -> bool:
    """A part of a state named without its state: "the health ministry", "Ministry of
    Health", "the ministry's spokesman"; not "Kazakhstan's health ministry" nor "Reuters'
    correspondent"."""
    possessive = _POSSESSIVE.match(without_article(label))
    if possessive:
        # "the ministry's spokesman" is still bare; "Reuters' correspondent" is not.
        return is_bare_office(possessive["owner"])
    if countries_in(words(label)):
        return False
    return head_noun(label) in INSTITUTION_NOUNS | PERSON_NOUNS


def office_title(label: str) -> str:
    """ "the health ministry" -> "Health Ministry", for naming a new source."""
    small = {"of", "and", "for", "the", "in", "on"}
    out = []
    for i, word in enumerate(without_article(label).split()):
        lower = word.lower()
        out.append(lower if i and lower in small else word[:1].upper() + word[1:])
    return " ".join(out)
