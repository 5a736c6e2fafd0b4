"""The demo story: the Almaty unrest of 6 January 2022, in our own words.

The report body below is our summary of the events a newspaper reported that day, not the
article itself; the short quoted words of each claim are data and are quoted exactly.
Hops run from the claimant to the publisher, as DESIGN.md's Attribution describes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

EVENT = "almaty-2022-01"
PUBLISHED_AT = datetime(2022, 1, 6, 22, 20, tzinfo=timezone(timedelta(hours=4)))
PUBLISHER = "The National"


@dataclass(frozen=True)
class DemoSource:
    name: str
    kind: str
    grade: str
    country: str = ""
    parent: str | None = None
    role: str = ""
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoQuantity:
    what: str
    words: str
    low: float
    high: float | None
    running: bool = False


@dataclass(frozen=True)
class DemoClaim:
    quote: str
    text: str
    claimant: str | None
    relays: tuple[tuple[str, str], ...]  # (source, cue) after the claimant, before the publisher
    claimant_cue: str = "said"
    kind: str = "paraphrase"
    hedges: tuple[str, ...] = ()
    quantities: tuple[DemoQuantity, ...] = field(default_factory=tuple)
    key: bool = True


# Parents are listed before their children so one pass can create them in order.
SOURCES: tuple[DemoSource, ...] = (
    DemoSource(
        "Government of Kazakhstan",
        "government_body",
        "C",
        "KZ",
        aliases=("Kazakh government", "Kazakh authorities"),
        domains=("gov.kz",),
    ),
    DemoSource(
        "Interior Ministry of Kazakhstan",
        "government_body",
        "C",
        "KZ",
        parent="Government of Kazakhstan",
        aliases=("Interior Ministry", "Kazakh Interior Ministry", "the interior ministry"),
    ),
    DemoSource(
        "Almaty police",
        "government_body",
        "C",
        "KZ",
        parent="Interior Ministry of Kazakhstan",
        aliases=("Almaty city police department", "police in Almaty"),
    ),
    DemoSource(
        "Saltanat Azirbek", "official", "C", "KZ", parent="Almaty police", role="police spokesman"
    ),
    DemoSource(
        "Kassym-Jomart Tokayev",
        "official",
        "C",
        "KZ",
        parent="Government of Kazakhstan",
        role="President of Kazakhstan",
        aliases=("Tokayev", "President Tokayev"),
    ),
    DemoSource(
        "Kazakh officials",
        "government_body",
        "C",
        "KZ",
        parent="Government of Kazakhstan",
        role="official death toll",
    ),
    DemoSource("Russian state", "government_body", "D", "RU", aliases=("Kremlin",)),
    DemoSource(
        "Tass",
        "news_agency",
        "C",
        "RU",
        parent="Russian state",
        aliases=("TASS", "Tass news agency"),
        domains=("tass.com", "tass.ru"),
    ),
    DemoSource(
        "The National",
        "newspaper",
        "B",
        "AE",
        aliases=("The National News",),
        domains=("thenationalnews.com",),
    ),
    DemoSource(
        "Reuters", "news_agency", "A", "GB", aliases=("Thomson Reuters",), domains=("reuters.com",)
    ),
    DemoSource(
        "Reuters correspondents",
        "eyewitness",
        "A",
        "GB",
        parent="Reuters",
        role="eyewitness reporters",
    ),
    DemoSource(
        "Agence France-Presse", "news_agency", "A", "FR", aliases=("AFP",), domains=("afp.com",)
    ),
    DemoSource("Local media (Kazakhstan)", "other", "D", "KZ", aliases=("local media",)),
    DemoSource(
        "Saule",
        "eyewitness",
        "F",
        "KZ",
        role="58-year-old construction worker who took part in the protests",
    ),
    DemoSource(
        "Collective Security Treaty Organisation",
        "intergovernmental",
        "D",
        aliases=("CSTO", "Russian-led military alliance"),
        domains=("odkb-csto.org",),
    ),
    DemoSource(
        "Nikol Pashinyan",
        "official",
        "C",
        "AM",
        parent="Collective Security Treaty Organisation",
        role="Armenian Prime Minister and CSTO chairman",
        aliases=("Pashinyan",),
    ),
    DemoSource("Facebook", "company", "F", "US", domains=("facebook.com",)),
    DemoSource(
        "Lufthansa",
        "company",
        "B",
        "DE",
        aliases=("Deutsche Lufthansa",),
        domains=("lufthansa.com",),
    ),
    DemoSource(
        "Lufthansa spokesperson", "official", "B", "DE", parent="Lufthansa", role="spokesperson"
    ),
    DemoSource("United Nations", "intergovernmental", "B", aliases=("UN",), domains=("un.org",)),
    DemoSource(
        "Stephane Dujarric",
        "official",
        "B",
        parent="United Nations",
        role="spokesman for the UN Secretary General",
    ),
    DemoSource(
        "Government of the United Kingdom", "government_body", "B", "GB", domains=("gov.uk",)
    ),
    DemoSource(
        "British Foreign Office",
        "government_body",
        "B",
        "GB",
        parent="Government of the United Kingdom",
        aliases=("Foreign Office", "FCDO"),
    ),
)

REPORT_TITLE = "'Dozens' of Kazakhstan protesters killed by police in Almaty"

# Our own account of the day's reporting, built around the claims' quoted words.
REPORT_BODY = """\
Police in Almaty told local media on Thursday that they had killed "dozens" of people who tried \
to storm administrative buildings overnight. Police spokesman Saltanat Azirbek said extremists had \
attacked the city police department and local commissariats: "Dozens of assailants were eliminated."

Tass quoted the Interior Ministry as saying: About 2,000 people were detained in Almaty.

Reuters correspondents reported from the scene that several armoured personnel carriers and dozens \
of troops entered the main square on Thursday morning, where hundreds were protesting. Gunshots were \
heard as troops approached the crowd, Reuters witnesses said.

A protester named Saule, 58, told AFP that security forces fired on the crowd. "Straight away about \
10 were killed," she said.

By Thursday afternoon the official death toll stood at 13 security officers, two of them allegedly \
decapitated, and "dozens" of protesters.

A Lufthansa spokesperson told Reuters the airline had now decided not to offer any more regular \
flights to Almaty until further notice. Almaty's airport was reportedly overrun by anti-government \
protesters on Wednesday and later retaken by security forces. Jazeera Airways and flydubai have also \
cancelled flights.

Overnight a Russian-led military alliance said it would send peacekeeping troops, blaming "outside \
interference". President Kassym-Jomart Tokayev had asked the alliance for help against "terrorist \
groups" that he said had "received extensive training abroad". Its chairman, Nikol Pashinyan, wrote on \
Facebook that "collective peacekeeping forces" would be sent for a limited period. Mr Tokayev also said \
terrorists were seizing buildings, infrastructure and premises where small arms are kept, had \
commandeered five planes at the airport, and that the air force was in a "stubborn battle" near Almaty.

The UN said it continued to follow the situation very closely. The British Foreign Office said: "We \
call for calm." Protests spread across the nation of 19 million after a New Year rise in gas prices, and \
the government said a state of emergency would be extended nationwide until January 19.
"""

_RUNNING = True

CLAIMS: tuple[DemoClaim, ...] = (
    DemoClaim(
        quote="Dozens of assailants were eliminated",
        text="Police killed dozens of assailants who tried to storm administrative buildings in Almaty overnight.",
        claimant="Saltanat Azirbek",
        relays=(("Local media (Kazakhstan)", "told"),),
        kind="quote",
        quantities=(DemoQuantity("assailants killed", "dozens", 24, 99, _RUNNING),),
    ),
    DemoClaim(
        quote="About 2,000 people were detained in Almaty",
        text="About 2,000 people were detained in Almaty.",
        claimant="Interior Ministry of Kazakhstan",
        relays=(("Tass", "quoted … as saying"),),
        hedges=("about",),
        quantities=(DemoQuantity("people detained", "about 2,000", 1800, 2200, _RUNNING),),
    ),
    DemoClaim(
        quote="Several armoured personnel carriers and dozens of troops entered the main square",
        text="Armoured personnel carriers and dozens of troops entered Almaty's main square on Thursday "
        "morning while hundreds of people protested there.",
        claimant="Reuters correspondents",
        relays=(),
        claimant_cue="reported from the scene",
        quantities=(
            DemoQuantity("troops", "dozens", 24, 99),
            DemoQuantity("protesters", "hundreds", 200, 999),
        ),
    ),
    DemoClaim(
        quote="Gunshots were heard as troops approached the crowd",
        text="Gunshots were heard as troops approached the crowd in Almaty's main square.",
        claimant="Reuters correspondents",
        relays=(),
        claimant_cue="according to",
        key=False,
    ),
    DemoClaim(
        quote="Straight away about 10 were killed",
        text="About ten protesters were killed at once when security forces opened fire on demonstrators.",
        claimant="Saule",
        relays=(("Agence France-Presse", "told"),),
        kind="quote",
        hedges=("about",),
        quantities=(DemoQuantity("protesters killed", "about 10", 8, 12, _RUNNING),),
    ),
    DemoClaim(
        quote="the official death toll stood at 13 security officers",
        text="The official death toll stood at 13 security officers, two of them allegedly decapitated, "
        "and dozens of protesters.",
        claimant="Kazakh officials",
        relays=(),
        claimant_cue="gave the toll",
        hedges=("allegedly",),
        quantities=(
            DemoQuantity("security officers killed", "13", 13, 13, _RUNNING),
            DemoQuantity("security officers decapitated", "two", 2, 2),
            DemoQuantity("protesters killed", "dozens", 24, 99, _RUNNING),
        ),
    ),
    DemoClaim(
        quote="Lufthansa has now decided not to offer any more regular flights to Almaty",
        text="Lufthansa will offer no more regular flights to Almaty until further notice.",
        claimant="Lufthansa spokesperson",
        relays=(("Reuters", "told"),),
        kind="quote",
    ),
    DemoClaim(
        quote="Almaty's airport was reportedly overrun by anti-government protesters on Wednesday",
        text="Anti-government protesters overran Almaty's airport on Wednesday, forcing flights to be "
        "cancelled, before security forces took it back.",
        claimant=None,
        relays=(),
        hedges=("reportedly",),
    ),
    DemoClaim(
        quote="Lufthansa joins both Kuwait",
        text="Jazeera Airways and flydubai have cancelled flights to Almaty.",
        claimant=None,
        relays=(),
        key=False,
    ),
    DemoClaim(
        quote="a Russian-led military alliance said it would send peacekeeping troops",
        text="The Russian-led Collective Security Treaty Organisation will send peacekeeping troops to "
        "stabilise Kazakhstan and blames outside interference for the protests.",
        claimant="Collective Security Treaty Organisation",
        relays=(),
    ),
    DemoClaim(
        quote="received extensive training abroad",
        text="The terrorist groups behind the unrest received extensive training abroad.",
        claimant="Kassym-Jomart Tokayev",
        relays=(),
        claimant_cue="said in an address to the nation",
        kind="quote",
    ),
    DemoClaim(
        quote="collective peacekeeping forces",
        text="The CSTO will send collective peacekeeping forces for a limited period to stabilise a "
        "situation caused by outside interference.",
        claimant="Nikol Pashinyan",
        relays=(("Facebook", "said on"),),
        kind="quote",
    ),
    DemoClaim(
        quote="seizing buildings, infrastructure",
        text="Terrorists were seizing buildings, infrastructure and premises where small arms are kept.",
        claimant="Kassym-Jomart Tokayev",
        relays=(),
        kind="quote",
        key=False,
    ),
    DemoClaim(
        quote="commandeered five planes at the airport",
        text="Terrorists commandeered five planes at Almaty airport.",
        claimant="Kassym-Jomart Tokayev",
        relays=(),
        quantities=(DemoQuantity("planes commandeered", "five", 5, 5),),
    ),
    DemoClaim(
        quote="stubborn battle",
        text="Kazakhstan's air force was fighting a stubborn battle near Almaty.",
        claimant="Kassym-Jomart Tokayev",
        relays=(),
        kind="quote",
        key=False,
    ),
    DemoClaim(
        quote="continued to follow the situation",
        text="The UN is following the situation in Kazakhstan very closely and has been in contact "
        "with the Kazakh authorities.",
        claimant="Stephane Dujarric",
        relays=(),
        kind="quote",
        key=False,
    ),
    DemoClaim(
        quote="We call for calm",
        text="Britain calls for calm, condemns the violence and asks Kazakhstan to restore internet services.",
        claimant="British Foreign Office",
        relays=(),
        kind="quote",
        key=False,
    ),
    DemoClaim(
        quote="Protests spread across the nation of 19 million",
        text="Protests spread across Kazakhstan this week over a New Year rise in liquefied petroleum "
        "gas prices.",
        claimant=None,
        relays=(),
        key=False,
        quantities=(DemoQuantity("population", "19 million", 19_000_000, 19_000_000),),
    ),
    DemoClaim(
        quote="state of emergency declared in protest-hit areas would be extended nationwide",
        text="The state of emergency was extended nationwide until January 19.",
        claimant="Government of Kazakhstan",
        relays=(),
        key=False,
    ),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str
    is_staff: bool
    # Editors and admins pass a second factor (factcheck.two_factor). The demo's are enrolled
    # already, so that `make run` can print them: an authenticator secret (base32, as apps take
    # it) and backup codes, which each `make run` restores after they are spent.
    authenticator_secret: str = ""
    backup_codes: tuple[str, ...] = ()


# Two editors: an editor never rules on a claim they logged, so the other one publishes it.
USERS: tuple[DemoUser, ...] = (
    DemoUser("factchecker", "demo-factchecker-2022", "fact-checker", False),
    DemoUser(
        "editor",
        "demo-editor-2022",
        "editor",
        False,
        authenticator_secret="W6Z4OV7PVG57SEH6VJFPXP3MUEIIPN5A",
        backup_codes=("editor-code-a", "editor-code-b", "editor-code-c"),
    ),
    DemoUser(
        "editor2",
        "demo-editor2-2022",
        "editor",
        False,
        authenticator_secret="XCMAZNVJQM42TK2ZP3RUNFPZSURS22EZ",
        backup_codes=("editor2-code-a", "editor2-code-b", "editor2-code-c"),
    ),
    DemoUser(
        "admin",
        "demo-admin-2022",
        "admin",
        True,
        authenticator_secret="WDPYBERZMGICV4XI4755TNBMNIIHQZBP",
        backup_codes=("admin-code-a", "admin-code-b", "admin-code-c"),
    ),
)


@dataclass(frozen=True)
class DemoVerdict:
    """A verdict the demo publishes, so that the public side (the verdict page with its
    ClaimReview, the index, the Atom feed, the ClaimReview data feed and the sitemap) has
    something to show on the first `make run`."""

    quote: str  # the claim's, as in CLAIMS
    rating: str  # a label of the default scale (claims.default_ratings)
    rationale: str
    editor: str  # a USERS editor; the demo's claims were logged by nobody, so either may rule


VERDICTS: tuple[DemoVerdict, ...] = (
    DemoVerdict(
        quote="state of emergency declared in protest-hit areas would be extended nationwide",
        rating="True",
        rationale=(
            "President Tokayev's decrees first declared a state of emergency in Almaty and "
            "Mangystau region on 5 January and then extended it to the whole country until "
            "19 January, as the government said."
        ),
        editor="editor2",
    ),
    DemoVerdict(
        quote="collective peacekeeping forces",
        rating="Mixed",
        rationale=(
            "The CSTO did send troops, from 6 January, and withdrew them within two weeks, as "
            "Mr Pashinyan said. That outside interference caused the unrest is the alliance's "
            "and Kazakhstan's government's account; no evidence of it has been shown."
        ),
        editor="editor2",
    ),
)
