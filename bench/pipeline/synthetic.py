"""The bench's synthetic story: seeded word lists from which claims are made, and the reports
that corroborate them (one first-hand sentence on the target claim among filler sentences whose
words appear in no claim)."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.management.base import CommandError

from claims.engine.retrieval.index import tokenize

# Almaty is left out on purpose: the demo claims are about Almaty, and bench reports must not
# land on them.
PLACES = (
    "Taraz",
    "Shymkent",
    "Aktobe",
    "Karaganda",
    "Pavlodar",
    "Semey",
    "Kostanay",
    "Kyzylorda",
    "Atyrau",
    "Aktau",
    "Petropavl",
    "Turkestan",
    "Taldykorgan",
    "Ekibastuz",
    "Temirtau",
    "Zhezkazgan",
    "Balkhash",
    "Rudny",
    "Kokshetau",
    "Zhanaozen",
    "Stepnogorsk",
    "Ridder",
    "Satpayev",
    "Kentau",
    "Arkalyk",
    "Aralsk",
    "Bishkek",
    "Osh",
    "Karakol",
    "Naryn",
    "Tashkent",
    "Samarkand",
    "Bukhara",
    "Namangan",
    "Andijan",
    "Fergana",
    "Nukus",
    "Khujand",
    "Dushanbe",
    "Kulob",
    "Ashgabat",
    "Turkmenabat",
    "Tokmok",
    "Jalal-Abad",
    "Uralsk",
    "Shardara",
)
LANDMARKS = (
    "the Zhetysu bazaar",
    "the central mosque",
    "the railway station",
    "the city akimat",
    "Republic Square",
    "the main bus terminal",
    "the airport road",
    "the regional hospital",
    "the television tower",
    "the Green Bazaar",
    "the state university campus",
    "the old tram depot",
    "the customs post",
    "the river embankment",
    "the Arman cinema",
    "the Ramstore mall",
    "the district court",
    "the Abay theatre",
    "the northern bypass",
    "the cement works",
    "the grain terminal",
    "the oil depot",
    "the Samal bridge",
    "the Dostyk hotel",
    "the police academy",
    "the city stadium",
    "the central post office",
    "the Kazakhtelecom building",
    "the Shugyla housing estate",
    "the ring road interchange",
    "the Orbita microdistrict",
    "the Tulpar roundabout",
    "the thermal power plant",
    "the Kairat sports palace",
    "the Aksai reservoir",
    "the Baiterek monument",
    "the copper smelter",
    "the Sairan bus depot",
    "the Kok-Tobe cable car",
    "the Nurly Zhol terminal",
    "the Atameken business centre",
    "the Yassawi mausoleum",
    "the Kazmunaigas headquarters",
    "the Eurasia cinema",
    "the Saryarka velodrome",
    "the Medeu skating rink",
    "the Kulager ring road",
    "the Tauelsizdik park",
    "the Khan Shatyr mall",
    "the Ile river crossing",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class EventKind:
    actor: str
    past: str
    base: str
    objects: tuple[str, ...]


# No verb here is an attribution cue ("said", "confirmed", ...): the only cue in a bench
# sentence is the reporter's own, so the sentence is first-hand reporting by the outlet.
EVENTS = (
    EventKind(
        "Police", "detained", "detain", ("protesters", "demonstrators", "looters", "taxi drivers")
    ),
    EventKind(
        "Riot police", "dispersed", "disperse", ("rally participants", "marchers", "picketers")
    ),
    EventKind("Soldiers", "seized", "seize", ("hunting rifles", "stolen weapons", "petrol bombs")),
    EventKind(
        "Rescue workers", "evacuated", "evacuate", ("residents", "hospital patients", "pensioners")
    ),
    EventKind("Firefighters", "extinguished", "extinguish", ("fires", "burning cars", "blazes")),
    EventKind("Troops", "blocked", "block", ("roads", "bridges", "highway exits")),
    EventKind("Looters", "ransacked", "ransack", ("shops", "pharmacies", "kiosks", "warehouses")),
    EventKind(
        "Doctors", "treated", "treat", ("injured people", "wounded officers", "burn victims")
    ),
    EventKind(
        "Border guards", "turned back", "turn back", ("lorries", "travellers", "freight wagons")
    ),
    EventKind(
        "Authorities", "closed", "close", ("schools", "markets", "bank branches", "petrol stations")
    ),
    EventKind("Rioters", "torched", "torch", ("police cars", "buses", "municipal vehicles")),
    EventKind(
        "Volunteers", "distributed", "distribute", ("food parcels", "blankets", "water bottles")
    ),
    EventKind(
        "Municipal crews", "removed", "remove", ("barricades", "burned vehicles", "roadblocks")
    ),
    EventKind(
        "National guard units",
        "escorted",
        "escort",
        ("fuel tankers", "bread deliveries", "ambulances"),
    ),
    EventKind("Gunmen", "attacked", "attack", ("checkpoints", "patrol cars", "guard posts")),
    EventKind("Investigators", "searched", "search", ("apartments", "garages", "offices")),
    EventKind(
        "Customs officers",
        "impounded",
        "impound",
        ("smuggled cigarettes", "counterfeit banknotes", "cargo containers"),
    ),
    EventKind("Engineers", "repaired", "repair", ("power lines", "water mains", "gas pipelines")),
    EventKind("Strikers", "occupied", "occupy", ("oil wells", "factory gates", "mine shafts")),
    EventKind("Prison guards", "released", "release", ("inmates", "detainees", "hostages")),
    EventKind(
        "Paratroopers", "landed", "land", ("armoured carriers", "supply crates", "field guns")
    ),
    EventKind(
        "Miners", "blockaded", "blockade", ("railway sidings", "coal trains", "access roads")
    ),
    EventKind(
        "Farmers", "dumped", "dump", ("tonnes of grain", "sacks of potatoes", "crates of apples")
    ),
    EventKind("Snipers", "wounded", "wound", ("bystanders", "security guards", "motorists")),
    EventKind(
        "Hackers", "disabled", "disable", ("government websites", "cash machines", "traffic lights")
    ),
    EventKind("Air crews", "dropped", "drop", ("water loads", "relief packages", "leaflets")),
    EventKind(
        "Shopkeepers", "boarded up", "board up", ("storefronts", "display windows", "market stalls")
    ),
    EventKind(
        "Railway staff",
        "halted",
        "halt",
        ("passenger trains", "freight convoys", "commuter services"),
    ),
)
TOP_ORGANISATIONS = (
    ("Zhambyl Regional Administration", "KZ", "C"),
    ("Turkestan Regional Administration", "KZ", "C"),
    ("Emergencies Ministry of Kazakhstan", "KZ", "B"),
    ("Government of Kyrgyzstan", "KG", "C"),
    ("Government of Uzbekistan", "UZ", "D"),
    ("Government of Tajikistan", "TJ", "D"),
)
OFFICIAL_BODIES = (
    "city police department",
    "akimat press office",
    "emergency situations department",
    "health department",
    "prosecutor's office",
    "national guard garrison",
    "transport police",
    "fire and rescue service",
)
OFFICIAL_SOURCE_COUNT = 300
# Claimants' grades: mostly "fairly reliable", some of everything.
CLAIMANT_GRADES = ("A", "B", "C", "C", "C", "D", "D", "E", "F")
# Independent outlets (no parent): their own reporting is independent of every claimant. Each is
# graded A, so one first-hand report corroborates its target claim (the engine's policy: one
# grade-A origin, two A/B or five A-D), which is the event the benchmark times.
OUTLETS = (
    ("Caspian Wire", "news_agency", "A", "GB"),
    ("Steppe Herald", "newspaper", "A", "KZ"),
    ("Central Asia Monitor", "news_agency", "A", "DE"),
    ("Silk Road Courier", "newspaper", "A", "KG"),
    ("Tien Shan Daily", "newspaper", "A", "KZ"),
)
# Filler sentences: everyday local news whose words appear in no claim, so retrieval links a
# report to its target claim and to nothing else through them.
FILLER_SUBJECTS = (
    "The chamber orchestra",
    "A local bakery",
    "The chess club",
    "The botanical garden",
    "A puppet troupe",
    "The public library",
    "An amateur astronomy society",
    "The zoo",
    "A hillside vineyard",
    "The philatelic society",
    "A youth football league",
    "The ceramics museum",
    "A folk dance ensemble",
    "The rowing club",
    "A cookery circle",
)
FILLER_VERBS = (
    "will host",
    "unveiled",
    "is preparing",
    "celebrated",
    "opened",
    "welcomed",
    "presented",
    "is planning",
    "rehearsed",
    "restored",
    "printed",
)
FILLER_OBJECTS = (
    "a jazz festival",
    "a new recipe book",
    "an exhibition of embroidered textiles",
    "a season of baroque sonatas",
    "a marathon reading of poetry",
    "a workshop on beekeeping",
    "a collection of antique clocks",
    "a tasting of mountain honey",
    "a tournament for junior players",
    "a lecture series on comets",
    "a fair of handmade toys",
    "a mural of migrating cranes",
)
FILLER_TAILS = (
    "this weekend",
    "next month",
    "after a long renovation",
    "with help from sponsors",
    "to mark its anniversary",
    "for visitors of all ages",
    "despite the chilly weather",
    "in the spring",
    "with free admission",
    "ahead of the holidays",
)
MADE_UP_VOCABULARY = 20_000
ONSETS = (
    "b",
    "d",
    "f",
    "g",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "z",
    "br",
    "dr",
    "kr",
    "pl",
    "st",
    "tr",
    "sh",
    "ch",
    "qu",
    "th",
)
VOWELS = ("a", "e", "i", "o", "u", "ai", "ou", "ei")
CODAS = ("", "", "n", "r", "l", "k", "nd", "rt", "m")


def _vocabulary_terms(phrases: Sequence[str]) -> set[str]:
    return {term for phrase in phrases for term in tokenize(phrase)}


def _claim_terms() -> set[str]:
    phrases = [*PLACES, *LANDMARKS, *DAYS]
    for event in EVENTS:
        phrases += [event.actor, event.past, event.base, *event.objects]
    return _vocabulary_terms(phrases)


def _filler_terms() -> set[str]:
    return _vocabulary_terms([*FILLER_SUBJECTS, *FILLER_VERBS, *FILLER_OBJECTS, *FILLER_TAILS])


def _made_up_words(rng: random.Random, count: int, reserved: set[str]) -> list[str]:
    """``count`` distinct pronounceable non-words whose index terms are all their own."""
    words: list[str] = []
    taken = set(reserved)
    while len(words) < count:
        syllables = rng.choice((2, 2, 3))
        word = "".join(
            rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(syllables)
        )
        terms = tokenize(word)
        if len(terms) != 1 or terms[0] in taken:
            continue  # a stopword, or stems onto a word we already have
        taken.add(terms[0])
        words.append(word)
    return words


@dataclass(frozen=True)
class SyntheticClaim:
    """The parts of one synthetic claim, kept so a report can paraphrase it."""

    event: int
    obj: int
    number: int
    landmark: int
    place: int
    day: int
    codewords: tuple[str, ...]

    def text(self) -> str:
        kind = EVENTS[self.event]
        return (
            f"{kind.actor} {kind.past} {self.number:,} {kind.objects[self.obj]} near "
            f"{LANDMARKS[self.landmark]} in {PLACES[self.place]} on {DAYS[self.day]} "
            f"{' '.join(self.codewords)}"
        )

    def first_hand_sentence(self, variant: int, outlet: str) -> str:
        """The outlet's own reporters restating the claim: evidence that supports it."""
        kind = EVENTS[self.event]
        actor = kind.actor[0].lower() + kind.actor[1:]
        what = f"{self.number:,} {kind.objects[self.obj]}"
        landmark = LANDMARKS[self.landmark]
        place, day, codes = PLACES[self.place], DAYS[self.day], " ".join(self.codewords)
        if variant == 0:
            return f"Our reporters in {place} saw {actor} {kind.base} {what} near {landmark} on {day}, {codes}."
        if variant == 1:
            return f"{outlet} correspondents saw {actor} {kind.base} {what} near {landmark} in {place} on {day}, {codes}."
        return f"Our correspondent in {place} witnessed {actor} {kind.base} {what} near {landmark} on {day}, {codes}."


class SyntheticStory:
    """Seeded generator of claims and of the reports that corroborate them."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        claim_terms, filler_terms = _claim_terms(), _filler_terms()
        shared = claim_terms & filler_terms
        if shared:
            raise CommandError(f"bench vocabulary bug: filler shares terms with claims: {shared}")
        self.codewords = _made_up_words(self.rng, MADE_UP_VOCABULARY, claim_terms | filler_terms)
        # Zipf: the r-th commonest made-up word turns up with weight 1/r, as words do in text.
        self.codeword_weights = list(
            itertools.accumulate(1.0 / rank for rank in range(1, MADE_UP_VOCABULARY + 1))
        )
        self.texts: set[str] = set()

    def claim(self) -> SyntheticClaim:
        rng = self.rng
        while True:
            event = rng.randrange(len(EVENTS))
            # Log-uniform 3..5,000: small counts are common, big ones rarer.
            number = int(math.exp(rng.uniform(math.log(3), math.log(5000))))
            picks = rng.choices(
                self.codewords, cum_weights=self.codeword_weights, k=rng.choice((2, 3))
            )
            spec = SyntheticClaim(
                event=event,
                obj=rng.randrange(len(EVENTS[event].objects)),
                number=number,
                landmark=rng.randrange(len(LANDMARKS)),
                place=rng.randrange(len(PLACES)),
                day=rng.randrange(len(DAYS)),
                codewords=tuple(dict.fromkeys(picks)),
            )
            text = spec.text()
            if text not in self.texts:
                self.texts.add(text)
                return spec

    def report_body(self, target: SyntheticClaim, outlet: str) -> str:
        """4-8 sentences: one first-hand sentence on the target claim among filler."""
        rng = self.rng
        sentences = [
            f"{rng.choice(FILLER_SUBJECTS)} {rng.choice(FILLER_VERBS)} "
            f"{rng.choice(FILLER_OBJECTS)} {rng.choice(FILLER_TAILS)}."
            for _ in range(rng.randint(3, 7))
        ]
        sentences.insert(
            rng.randrange(len(sentences) + 1),
            target.first_hand_sentence(rng.randrange(3), outlet),
        )
        return " ".join(sentences)
