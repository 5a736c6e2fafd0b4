"""Benchmark the corroboration pipeline on PostgreSQL, Redis and one real Celery worker.

Phases (numbers as in docs/benchmarks.md):
  1. setup: wipe the bench database's workbench data, load the demo sources, bulk-create
     synthetic open claims made by a few hundred official sources;
  2. no-op yardstick: the broker and worker's own ceiling (``claims.tasks.bench_noop``);
  3. pipeline throughput: reports POSTed through the real API view, each corroborating one
     claim, until the last target claim has its StatusChange;
  4. latency at half that throughput, paced for about a minute;
  5. per-report processing time in-process at 1k, 10k and 100k claims;
  6. worker peak memory (VmHWM) at 100k claims.

The claim base grows in one direction only (1k, then N, then 100k), so no level is rebuilt.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

import celery
import redis
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims.demo import story as demo
from claims.demo.loader import demo_load
from claims.engine.retrieval.index import tokenize
from claims.engine.vocabulary import Status
from claims.models import Attribution, Claim, Evidence, Quantity, StatusChange, Verdict
from claims.roles import FACT_CHECKER
from sources.models import Report, Source
from sources.services import report_ingest

BENCH_EVENT = "bench-synthetic"
BENCH_USERNAME = "bench-factchecker"
# pg_try_advisory_lock key that marks a bench run in progress ("bnch").
BENCH_LOCK_KEY = 0x626E6368
SCALE_LEVELS = (1_000, 10_000, 100_000)
QUEUES = ("ingest", "assess", "default")
INSERT_BATCH = 2_000
# Synthetic claims stand for weeks of desk work, so their timestamps are spread out (see
# _backdate_claims): this far apart, newest last.
CLAIM_SPACING = timedelta(seconds=15)
WORKER_CONCURRENCY = 2
WARMUP_REPORTS = 20
SCALE_WARMUP_REPORTS = 5
LATENCY_SECONDS = 60.0
# Give up waiting when no target claim has changed for this long: a stuck pipeline must end
# the run with a clear message, not hang it.
STALL_SECONDS = 90.0
# ... but stop waiting sooner once every report is processed and nothing has moved for this long.
SETTLED_SECONDS = 3.0
POLL_SECONDS = 0.5

# --- synthetic vocabulary ------------------------------------------------------------------
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
# Independent outlets (no parent): their own reporting is independent of every claimant.
OUTLETS = (
    ("Caspian Wire", "news_agency", "A", "GB"),
    ("Steppe Herald", "newspaper", "B", "KZ"),
    ("Central Asia Monitor", "news_agency", "B", "DE"),
    ("Silk Road Courier", "newspaper", "C", "KG"),
    ("Tien Shan Daily", "newspaper", "C", "KZ"),
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


# --- measurement helpers -------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100.0 * len(ordered)))
    return ordered[rank - 1]


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000.0 for s in seconds]
    return {
        "mean": round(statistics.fmean(ms), 2),
        "p50": round(percentile(ms, 50), 2),
        "p95": round(percentile(ms, 95), 2),
        "max": round(max(ms), 2),
    }


def read_vm_hwm_kb(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


def child_pids(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with suppress(OSError):
            children += [int(child) for child in task.read_text().split()]
    return sorted(set(children))


def process_cpu_seconds(pid: int) -> float:
    """utime + stime of one process, from /proc (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pids_named(name: str) -> list[int]:
    found: list[int] = []
    for stat in Path("/proc").glob("[0-9]*/comm"):
        with suppress(OSError):
            if stat.read_text().strip() == name:
                found.append(int(stat.parent.name))
    return found


class CpuMeter:
    """CPU seconds spent by each part of the pipeline between two readings: this process (the
    API side), the worker (main process and pool children), PostgreSQL and Redis. On a shared
    machine wall-clock throughput moves with whatever else runs; CPU per report does not."""

    def __init__(self, worker_pid: int) -> None:
        self.worker_pid = worker_pid
        self.start = self._read()

    def _read(self) -> dict[str, float]:
        return {
            "api (bench process)": process_cpu_seconds(os.getpid()),
            "worker": sum(
                process_cpu_seconds(pid) for pid in [self.worker_pid, *child_pids(self.worker_pid)]
            ),
            "postgresql": sum(process_cpu_seconds(pid) for pid in pids_named("postgres")),
            "redis": sum(process_cpu_seconds(pid) for pid in pids_named("redis-server")),
        }

    def per_item_ms(self, items: int) -> dict[str, float]:
        end = self._read()
        spent = {part: max(0.0, end[part] - self.start[part]) for part in end}
        spent["total"] = sum(spent.values())
        return {part: round(1000.0 * seconds / items, 2) for part, seconds in spent.items()}


class BenchWorker:
    """One ``celery worker`` (prefork) in its own process group, so stopping it stops exactly
    the processes this command started."""

    def __init__(self, *, log_path: Path, env: dict[str, str], name: str, concurrency: int) -> None:
        self.log_path = log_path
        self.env = env
        self.name = name
        self.concurrency = concurrency
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        if self.proc is None:
            raise RuntimeError("worker not started")
        return self.proc.pid

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path.write_bytes(b"")
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "factcheck",
                    "worker",
                    "--loglevel",
                    "INFO",
                    "--pool",
                    "prefork",
                    "--concurrency",
                    str(self.concurrency),
                    "-Q",
                    ",".join(QUEUES),
                    "--without-gossip",
                    "--without-mingle",
                    "--hostname",
                    f"{self.name}@%h",
                ],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if b" ready." in self.log_path.read_bytes():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise CommandError(
            f"the worker did not start; its log ({self.log_path}):\n{self.log_tail()}"
        )

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        # SIGTERM is Celery's warm shutdown: running tasks finish, nothing is lost.
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def peak_memory_kb(self) -> dict[str, int | None]:
        """VmHWM (peak resident set) of the main process and of each pool child."""
        peaks: dict[str, int | None] = {f"main {self.pid}": read_vm_hwm_kb(self.pid)}
        for child in child_pids(self.pid):
            peaks[f"child {child}"] = read_vm_hwm_kb(child)
        return peaks


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@dataclass
class Posted:
    claim_id: int
    report_id: int
    posted_at: datetime


# --- the command ---------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Benchmark the pipeline (PostgreSQL + Redis + one prefork worker, concurrency 2): "
        "no-op task rate, report throughput, latency at half load, per-report time at 1k/10k/"
        "100k claims and worker peak memory. Wipes the workbench data of the bench database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--claims", type=int, default=10_000, help="Claims for phases 2-4.")
        parser.add_argument(
            "--reports", type=int, default=3_000, help="Reports for the throughput run."
        )
        parser.add_argument(
            "--noop", type=int, default=3_000, help="No-op tasks for the yardstick."
        )
        parser.add_argument(
            "--scale-reports", type=int, default=200, help="Reports per claim level (phase 5)."
        )
        parser.add_argument(
            "--memory-reports",
            type=int,
            default=300,
            help="Reports through the fresh worker (phase 6).",
        )
        parser.add_argument("--latency-seconds", type=float, default=LATENCY_SECONDS)
        parser.add_argument("--skip-scale", action="store_true", help="Skip phases 5 and 6.")
        parser.add_argument(
            "--profile",
            type=int,
            default=0,
            metavar="N",
            help="Instead of phases 2-6: POST N reports and process and assess them in this "
            "process under cProfile; writes profile.txt beside --out.",
        )
        parser.add_argument(
            "--concurrency",
            type=int,
            default=WORKER_CONCURRENCY,
            help="Pool processes of the one worker.",
        )
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument(
            "--out",
            type=Path,
            default=settings.VAR_DIR / "bench" / "pipeline.json",
            help="Where to write the figures as JSON.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._check_environment()
        self._take_bench_lock()
        self._refuse_foreign_workers()  # before the wipe, so a refused run changes nothing
        for name in ("claims", "reports", "noop", "scale_reports", "memory_reports", "concurrency"):
            if options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} must be at least 1.")
        self.concurrency: int = options["concurrency"]
        self.out_path: Path = options["out"]
        self.log_dir = self.out_path.parent
        self.story = SyntheticStory(options["seed"])
        self.parts: dict[int, SyntheticClaim] = {}
        self.used: set[int] = set()
        self.worker: BenchWorker | None = None
        self.results: dict[str, Any] = {
            "started_at": timezone.now().isoformat(),
            "complete": False,
            "machine": self._machine(),
            "options": {
                k: (str(v) if isinstance(v, Path) else v)
                for k, v in options.items()
                if k
                in {
                    "claims",
                    "reports",
                    "noop",
                    "scale_reports",
                    "memory_reports",
                    "latency_seconds",
                    "skip_scale",
                    "seed",
                    "concurrency",
                    "out",
                }
            },
        }
        # The worker lives in its own session, so a plain SIGTERM (a timeout, a CI cancel)
        # would orphan it; turned into SystemExit, it unwinds through the finally below.
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            self._run(options)
            self.results["complete"] = True
        finally:
            signal.signal(signal.SIGTERM, previous)
            if self.worker is not None:
                self.worker.stop()
            self._release_bench_lock()
            self._write_results()
        self._print_table()

    # --- setup --------------------------------------------------------------------------

    def _take_bench_lock(self) -> None:
        """One run per bench database: a second run would wipe the first one's claims and
        purge its queues mid-measurement. The session lock dies with this connection, so a
        killed run never leaves it behind."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [BENCH_LOCK_KEY])
            (taken,) = cursor.fetchone()
        if not taken:
            raise CommandError(
                f"another bench_pipeline run is using {connection.settings_dict['NAME']}; "
                f"wait for it to finish."
            )

    def _release_bench_lock(self) -> None:
        with suppress(Exception), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [BENCH_LOCK_KEY])

    def _refuse_foreign_workers(self) -> None:
        """The figures are for ONE worker: any other consumer of these queues (a `make run`,
        a test worker on the same Redis database) would take part of the load."""
        from factcheck.celery import app

        replies = app.control.ping(timeout=1.0)
        if replies:
            names = ", ".join(sorted(name for reply in replies for name in reply))
            raise CommandError(
                f"other Celery workers listen on {settings.CELERY_BROKER_URL}: {names}. "
                f"Stop them or point REDIS_URL at another Redis database."
            )

    def _check_environment(self) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                f"bench_pipeline measures the production stack and needs PostgreSQL "
                f"(DATABASE_URL); this database is {connection.vendor}."
            )
        if not settings.REDIS_URL:
            raise CommandError("bench_pipeline needs a Redis broker: set REDIS_URL.")
        name = str(connection.settings_dict["NAME"])
        if "bench" not in name:
            raise CommandError(
                f"bench_pipeline wipes the claims and reports of its database; {name!r} does not "
                f"look like a dedicated bench database (its name must contain 'bench')."
            )

    def _redis(self) -> redis.Redis:
        return redis.Redis.from_url(str(settings.CELERY_BROKER_URL))

    def _machine(self) -> dict[str, Any]:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            pg_version = cursor.fetchone()[0]
            cursor.execute("SHOW autovacuum")
            autovacuum = cursor.fetchone()[0]
        redis_info = cast(dict[str, Any], self._redis().info("server"))
        return {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "celery": celery.__version__,
            "postgresql": pg_version,
            "postgresql_autovacuum": autovacuum,
            "redis": redis_info.get("redis_version"),
            "database": connection.settings_dict["NAME"],
            "code": self._code_version(),
        }

    def _code_version(self) -> str:
        """The commit measured, marked when the working tree differs from it."""

        def git(*args: str) -> str:
            return subprocess.run(
                ["git", *args], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
            ).stdout.strip()

        try:
            commit = git("rev-parse", "--short", "HEAD")
            dirty = git("status", "--porcelain", "--untracked-files=no")
        except (OSError, subprocess.CalledProcessError):
            return "unknown"
        return f"{commit} + uncommitted changes" if dirty else commit

    def _run(self, options: dict[str, Any]) -> None:
        n_claims: int = options["claims"]
        skip_scale: bool = options["skip_scale"]
        self._say("Phase 1: wiping bench data, loading demo sources and synthetic sources")
        started = time.perf_counter()
        self._wipe()
        demo_load()
        self._create_sources()
        self.client = self._api_client()
        self.results["setup"] = {"seconds": 0.0, "claim_growth": []}
        levels = [n_claims] if skip_scale else sorted({n_claims, *SCALE_LEVELS})
        for level in levels:
            self._grow_claims(level)
            # Phase 5 first at each level: it should meet claims as fresh as at the other
            # levels, not ones that thousands of throughput reports have just piled evidence on.
            if not skip_scale and level in SCALE_LEVELS:
                self._phase_scale(level, options["scale_reports"])
            if level == n_claims:
                self.results["setup"]["seconds"] = round(time.perf_counter() - started, 1)
                if options["profile"]:
                    self._profile(options["profile"])
                    return
                self._phases_with_worker(options)
            if not skip_scale and level == max(SCALE_LEVELS):
                self._phase_memory(options["memory_reports"])

    def _wipe(self) -> None:
        tables = [
            model._meta.db_table
            for model in (StatusChange, Evidence, Verdict, Quantity, Attribution, Claim, Report)
        ]
        demo_names = [spec.name for spec in demo.SOURCES]
        with transaction.atomic():
            with connection.cursor() as cursor:
                # TRUNCATE, not delete(): status history is append-only in the ORM, and 100k
                # claims would take minutes through the deletion collector. CASCADE reaches
                # only tables that point at these, all workbench data in a bench database.
                quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
                cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
            doomed = Source.objects.exclude(name__in=demo_names)
            doomed.update(parent=None)  # parent is PROTECT; unhook before deleting
            doomed.delete()
        self._purge_queues()

    def _create_sources(self) -> None:
        rng = self.story.rng
        tops = Source.objects.bulk_create(
            Source(name=name, kind=Source.Kind.GOVERNMENT_BODY, country=country, grade=grade)
            for name, country, grade in TOP_ORGANISATIONS
        )
        names = [f"{place} {body}" for body in OFFICIAL_BODIES for place in PLACES]
        officials = Source.objects.bulk_create(
            Source(
                name=name[:1].upper() + name[1:],
                kind=Source.Kind.GOVERNMENT_BODY,
                country=(top := tops[i % len(tops)]).country,
                grade=rng.choice(CLAIMANT_GRADES),
                parent=top,
            )
            for i, name in enumerate(names[:OFFICIAL_SOURCE_COUNT])
        )
        self.claimant_ids = [source.pk for source in officials]
        outlets = Source.objects.bulk_create(
            Source(name=name, kind=kind, grade=grade, country=country)
            for name, kind, grade, country in OUTLETS
        )
        self.outlets = [source.name for source in outlets]
        self.outlet_rows = {source.name: source for source in outlets}
        self.results["sources"] = {
            "top_organisations": len(tops),
            "official_claimants": len(officials),
            "outlets": {name: grade for name, _, grade, _ in OUTLETS},
            "total_sources": Source.objects.count(),
        }

    def _api_client(self) -> APIClient:
        user, _ = User.objects.get_or_create(username=BENCH_USERNAME)
        user.groups.set([Group.objects.get(name=FACT_CHECKER)])
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        # The test client sends Host "testserver", which only the test runner allows.
        host = next(
            (h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith("[")),
            "localhost",
        )
        client = APIClient(HTTP_HOST=host)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        self.report_url = reverse("api-report-list")
        return client

    def _grow_claims(self, total: int) -> None:
        have = Claim.objects.count()
        need = total - have
        if need <= 0:
            return
        self._say(f"  adding {need:,} synthetic claims ({have:,} -> {total:,})")
        started = time.perf_counter()
        rng = self.story.rng
        made_at = timezone.now() - timedelta(days=1)
        for offset in range(0, need, INSERT_BATCH):
            specs = [self.story.claim() for _ in range(min(INSERT_BATCH, need - offset))]
            rows = Claim.objects.bulk_create(
                Claim(
                    text=spec.text(),
                    claimant_id=rng.choice(self.claimant_ids),
                    event=BENCH_EVENT,
                    made_at=made_at,
                )
                for spec in specs
            )
            for row, spec in zip(rows, specs, strict=True):
                self.parts[row.pk] = spec
        self._backdate_claims()
        self._refresh_statistics(vacuum=True)
        seconds = time.perf_counter() - started
        self.results["setup"]["claim_growth"].append(
            {
                "to": total,
                "added": need,
                "seconds": round(seconds, 1),
                "claims_per_second": round(need / seconds),
            }
        )

    def _backdate_claims(self) -> None:
        """Spread claim timestamps over the past, one every CLAIM_SPACING, newest last.

        A bulk insert stamps every row within a few seconds, and a worker's index sync looks
        back SYNC_OVERLAP from the newest claim it has seen: left as inserted, the whole load
        would sit in that window and the bench would time the after-effects of its own bulk
        load, not the steady state of a desk whose claims were logged over weeks.
        """
        table = connection.ops.quote_name(Claim._meta.db_table)
        now, spacing = timezone.now(), CLAIM_SPACING.total_seconds()
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET created_at = %s - (m.top - {table}.id) * %s * interval '1 second', "
                f"updated_at = %s - (m.top - {table}.id) * %s * interval '1 second' "
                f"FROM (SELECT max(id) AS top FROM {table}) AS m",
                [now, spacing, now, spacing],
            )
        # The bench process's own index must see the new stamps; a worker started later
        # loads everything anyway.
        from claims.pipeline.index import reset_index

        reset_index()

    # --- shared helpers -----------------------------------------------------------------

    def _refresh_statistics(self, *, vacuum: bool = False) -> None:
        """Bring planner statistics (and, after a bulk load, the heap) to where autovacuum
        keeps them on a normal server. Without them the planner guesses, e.g. seq-scanning
        the claims table for the worker's per-report index sync (25 ms a report at 100k
        claims), which times a missing ANALYZE rather than the pipeline. Some servers run
        with autovacuum off (the JSON records which), so the bench does it itself."""
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")

    def _say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def _purge_queues(self) -> None:
        from factcheck.celery import app

        with app.connection_for_write() as conn:
            channel: Any = conn.default_channel  # kombu's virtual channel has queue_purge
            for queue in QUEUES:
                # A queue that was never declared has nothing to purge.
                with suppress(Exception):
                    channel.queue_purge(queue)

    def _worker_env(self) -> dict[str, str]:
        settings_dict = connection.settings_dict
        password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
        database_url = (
            f"postgres://{settings_dict.get('USER') or ''}{password}@"
            f"{settings_dict.get('HOST') or '127.0.0.1'}:{settings_dict.get('PORT') or 5432}/"
            f"{settings_dict['NAME']}"
        )
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="factcheck.settings",
            DATABASE_URL=os.environ.get("DATABASE_URL") or database_url,
            REDIS_URL=str(settings.REDIS_URL),
            PYTHONUNBUFFERED="1",
            PIPELINE_PAUSE_AFTER_CLAIM_SECONDS="0",
        )
        return env

    @contextmanager
    def _running_worker(self, name: str) -> Iterator[BenchWorker]:
        self._refuse_foreign_workers()
        self._purge_queues()
        worker = BenchWorker(
            log_path=self.log_dir / f"worker-{name}.log",
            env=self._worker_env(),
            name=f"bench-{name}-{os.getpid()}",
            concurrency=self.concurrency,
        )
        self.worker = worker
        worker.start()
        try:
            yield worker
        finally:
            worker.stop()
            self.worker = None

    def _pick_targets(self, count: int) -> list[int]:
        """Target claims never targeted before and still unverified. Reports aimed elsewhere
        may have left "discusses" evidence on them (similar claims), which is fine: the
        measured event is the claim turning corroborated."""
        changed = set(
            Claim.objects.filter(event=BENCH_EVENT)
            .exclude(status=Status.UNVERIFIED)
            .values_list("id", flat=True)
        )
        free = sorted(set(self.parts) - self.used - changed)
        if len(free) < count:
            raise CommandError(
                f"only {len(free)} untouched claims left for {count} reports; raise --claims"
            )
        picked = self.story.rng.sample(free, count)
        self.used.update(picked)
        return picked

    def _payload(self, claim_id: int) -> dict[str, str]:
        outlet = self.story.rng.choice(self.outlets)
        spec = self.parts[claim_id]
        kind = EVENTS[spec.event]
        return {
            "title": f"{PLACES[spec.place]}: {kind.actor.lower()} and {kind.objects[spec.obj]}",
            "body": self.story.report_body(spec, outlet),
            "publisher": outlet,
            "published_at": timezone.now().isoformat(),
        }

    def _post(self, payload: dict[str, str]) -> int:
        response = self.client.post(self.report_url, payload, format="json")
        if response.status_code != 202:
            raise CommandError(
                f"POST {self.report_url} answered {response.status_code}: {response.content[:500]!r}"
            )
        return int(json.loads(response.content)["id"])

    def _post_all(
        self, targets: Sequence[int], pace: Callable[[int], None] | None = None
    ) -> list[Posted]:
        payloads = [self._payload(claim_id) for claim_id in targets]  # built before timing
        posted: list[Posted] = []
        for i, (claim_id, payload) in enumerate(zip(targets, payloads, strict=True)):
            if pace is not None:
                pace(i)
            at = timezone.now()
            posted.append(Posted(claim_id, self._post(payload), at))
        return posted

    def _wait_for_changes(self, claim_ids: Sequence[int]) -> dict[int, datetime]:
        """When each claim first turned corroborated, waiting until all have or progress
        stalls. Only that change counts: a similar report's "discusses" evidence can record
        an unverified -> unverified change (new explanation) first."""
        pending = set(claim_ids)
        first: dict[int, datetime] = {}
        last_progress = time.monotonic()
        while pending:
            rows = (
                StatusChange.objects.filter(
                    claim_id__in=pending, to_status=Status.CORROBORATED
                )
                .values("claim_id")
                .annotate(first=Min("created_at"))
            )
            for row in rows:
                first[row["claim_id"]] = row["first"]
                pending.discard(row["claim_id"])
            if rows:
                last_progress = time.monotonic()
            elif time.monotonic() - last_progress > SETTLED_SECONDS and not self._unfinished():
                # Every report is processed, so nothing more will come: a target that another
                # report contradicted first (synthetic claims share places and templates) ends
                # disputed, not corroborated, and is left out of the count rather than awaited.
                states = Counter(
                    Claim.objects.filter(pk__in=pending).values_list("status", flat=True)
                )
                self._say(
                    f"  ! {len(pending)} target claims settled otherwise with every report "
                    f"processed: {dict(states)}"
                )
                break
            elif time.monotonic() - last_progress > STALL_SECONDS:
                self._say(
                    f"  ! {len(pending)} target claims never changed (stalled {STALL_SECONDS:.0f}s)"
                )
                break
            if pending:
                time.sleep(POLL_SECONDS)
        return first

    def _unfinished(self) -> bool:
        return Report.objects.filter(
            state__in=[Report.State.RECEIVED, Report.State.PROCESSING]
        ).exists()

    def _first_after(
        self, claim_ids: Sequence[int], since: dict[int, datetime]
    ) -> dict[int, datetime]:
        """Per claim, the first time it turned corroborated at or after ``since[claim]``."""
        first: dict[int, datetime] = {}
        for claim_id, at in StatusChange.objects.filter(
            claim_id__in=claim_ids, to_status=Status.CORROBORATED
        ).values_list("claim_id", "created_at"):
            if at >= since[claim_id] and (claim_id not in first or at < first[claim_id]):
                first[claim_id] = at
        return first

    def _outcome(self, posted: Sequence[Posted], first: dict[int, datetime]) -> dict[str, Any]:
        """How the reports fared beyond timing: states, evidence and collateral changes."""
        report_ids = [p.report_id for p in posted]
        targets = {p.claim_id for p in posted}
        states = dict(
            Report.objects.filter(pk__in=report_ids).values_list("state").annotate(n=Count("id"))
        )
        evidence = Evidence.objects.filter(report_id__in=report_ids)
        pairs = {(p.report_id, p.claim_id) for p in posted}
        by_stance_own: dict[str, int] = {}
        by_stance_other: dict[str, int] = {}
        for report_id, claim_id, stance in evidence.values_list("report_id", "claim_id", "stance"):
            bucket = by_stance_own if (report_id, claim_id) in pairs else by_stance_other
            bucket[stance] = bucket.get(stance, 0) + 1
        statuses = dict(
            Claim.objects.filter(pk__in=targets).values_list("status").annotate(n=Count("id"))
        )
        return {
            "report_states": states,
            "target_claims_corroborated": len(first),
            "target_statuses": statuses,
            "evidence_on_own_target_by_stance": by_stance_own,
            # Fan-out: evidence each report leaves on claims it was not written about.
            "evidence_on_other_claims_by_stance": by_stance_other,
            "other_claims_per_report": round(sum(by_stance_other.values()) / len(posted), 2),
        }

    # --- phases 2-4 -----------------------------------------------------------------------

    def _profile(self, count: int) -> None:
        """Where a report's CPU goes, without a worker: the POST through the API (it stores the
        report and publishes `process_report`, which no worker consumes; the queues are purged
        after), `report_link` and `claims_status_update` of the touched claims, under cProfile."""
        import cProfile
        import pstats

        from claims.pipeline.assess import claims_status_update
        from claims.pipeline.index import current_index
        from claims.pipeline.linking import report_link

        self._say(f"Profile: {count} reports in-process at {Claim.objects.count():,} claims")
        self._purge_queues()
        self._refresh_statistics()
        current_index()
        targets = self._pick_targets(2 * count + SCALE_WARMUP_REPORTS)
        payloads = [self._payload(claim_id) for claim_id in targets]
        spent = {"post": 0.0, "report_link": 0.0, "claims_status_update": 0.0}

        def one(payload: dict[str, str]) -> None:
            # CPU time of this process only; PostgreSQL's share is not in it.
            t0 = time.process_time()
            report_id = self._post(payload)
            t1 = time.process_time()
            touched = report_link(report_id=report_id)
            t2 = time.process_time()
            claims_status_update(claim_ids=touched, worker="bench_pipeline profile", report_id=report_id)
            t3 = time.process_time()
            spent["post"] += t1 - t0
            spent["report_link"] += t2 - t1
            spent["claims_status_update"] += t3 - t2

        for payload in payloads[:SCALE_WARMUP_REPORTS]:
            one(payload)
        spent = dict.fromkeys(spent, 0.0)
        for payload in payloads[SCALE_WARMUP_REPORTS : SCALE_WARMUP_REPORTS + count]:
            one(payload)
        plain = {stage: round(1000 * seconds / count, 2) for stage, seconds in spent.items()}
        self._say(
            "  CPU ms a report, no profiler: " + ", ".join(f"{k} {v}" for k, v in plain.items())
        )
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for payload in payloads[SCALE_WARMUP_REPORTS + count :]:
            one(payload)
        profiler.disable()
        elapsed = time.perf_counter() - started
        out = self.log_dir / "profile.txt"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(self.log_dir / "profile.pstats")  # for pstats / snakeviz
        with out.open("w") as handle:
            handle.write(f"CPU ms a report without the profiler: {plain}\n")
            handle.write(f"{count} reports, {1000 * elapsed / count:.2f} ms each under cProfile\n")
            stats = pstats.Stats(profiler, stream=handle)
            stats.sort_stats("cumulative").print_stats(80)
            stats.sort_stats("tottime").print_stats(40)
        self._purge_queues()
        self._say(f"  {1000 * elapsed / count:.2f} ms a report under cProfile; see {out}")

    def _phases_with_worker(self, options: dict[str, Any]) -> None:
        with self._running_worker("throughput") as worker:
            self._phase_noop(options["noop"])
            self._say(f"  warm-up: {WARMUP_REPORTS} reports so both pool children load the index")
            warm = self._post_all(self._pick_targets(WARMUP_REPORTS))
            self._wait_for_changes([p.claim_id for p in warm])
            self._phase_throughput(options["reports"])
            self._phase_latency(options["latency_seconds"])
            self.results["worker_after_throughput_kb"] = worker.peak_memory_kb()

    def _phase_noop(self, count: int) -> None:
        from claims.tasks import bench_noop

        self._say(f"Phase 2: no-op yardstick, {count:,} tasks")
        self._purge_queues()
        broker = self._redis()
        key = f"bench:noop:{uuid.uuid4().hex}"
        assert self.worker is not None
        meter = CpuMeter(self.worker.pid)
        started = time.perf_counter()
        for _ in range(count):
            bench_noop.delay(key)
        sent = time.perf_counter()
        deadline = sent + STALL_SECONDS + count / 10
        done = 0
        while time.perf_counter() < deadline:
            done = int(cast(bytes | None, broker.get(key)) or 0)
            if done >= count:
                break
            time.sleep(0.02)
        finished = time.perf_counter()
        cpu_ms = meter.per_item_ms(count)
        broker.delete(key)
        if done < count:
            raise CommandError(
                f"only {done} of {count} no-op tasks ran; see {self.log_dir}/worker-throughput.log"
            )
        self.results["noop"] = {
            "tasks": count,
            "send_seconds": round(sent - started, 2),
            "seconds": round(finished - started, 2),
            "tasks_per_second": round(count / (finished - started), 1),
            "cpu_ms_per_task": cpu_ms,
        }
        self._say(f"  {self.results['noop']['tasks_per_second']} tasks/s")
        self._say("  CPU per task: " + ", ".join(f"{part} {ms} ms" for part, ms in cpu_ms.items()))

    def _phase_throughput(self, count: int) -> None:
        self._say(f"Phase 3: throughput, {count:,} reports POSTed as fast as possible")
        self._purge_queues()
        self._refresh_statistics()
        targets = self._pick_targets(count)
        assert self.worker is not None
        meter = CpuMeter(self.worker.pid)
        posted = self._post_all(targets)
        posting_done = timezone.now()
        first = self._wait_for_changes(targets)
        # Includes the bench's polling for status changes (a few queries a second).
        cpu_ms = meter.per_item_ms(count)
        start = posted[0].posted_at
        if not first:
            raise CommandError("no target claim changed status: the pipeline is not working")
        end = max(first.values())
        seconds = (end - start).total_seconds()
        throughput = len(first) / seconds
        noop = self.results["noop"]["tasks_per_second"]
        self.results["throughput"] = {
            "reports": count,
            "claims_in_db": Claim.objects.count(),
            "post_seconds": round((posting_done - start).total_seconds(), 2),
            "posts_per_second": round(count / (posting_done - start).total_seconds(), 1),
            "seconds_to_last_status_change": round(seconds, 2),
            "reports_per_second": round(throughput, 1),
            "ratio_to_noop": round(throughput / noop, 3),
            # Every report processed; targets another report contradicted first (see
            # _wait_for_changes) show in target_statuses and are not in reports_per_second.
            "complete": not self._unfinished(),
            "targets_corroborated_in_time": len(first),
            "cpu_ms_per_report": cpu_ms,
            **self._outcome(posted, first),
        }
        self._say(
            f"  {throughput:.1f} reports/s ({len(first)}/{count} targets changed in {seconds:.1f}s)"
        )
        self._say(
            "  CPU per report: " + ", ".join(f"{part} {ms} ms" for part, ms in cpu_ms.items())
        )

    def _phase_latency(self, duration: float) -> None:
        throughput = self.results["throughput"]["reports_per_second"]
        rate = throughput / 2.0
        count = max(1, round(rate * duration))
        self._say(f"Phase 4: latency, {count:,} reports paced at {rate:.1f}/s (~{duration:.0f}s)")
        self._purge_queues()
        self._refresh_statistics()
        targets = self._pick_targets(count)
        started = time.monotonic()

        def pace(i: int) -> None:
            delay = started + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)

        posted = self._post_all(targets, pace)
        elapsed = time.monotonic() - started
        first = self._wait_for_changes(targets)
        # A target that a similar report corroborated before its own was even posted says
        # nothing about latency: count it, leave it out.
        posted_at = {p.claim_id: p.posted_at for p in posted}
        pre_empted = [c for c, at in first.items() if at < posted_at[c]]
        latencies = [
            (at - posted_at[c]).total_seconds()
            for c, at in self._first_after(targets, posted_at).items()
        ]
        if not latencies:
            raise CommandError("no target claim changed status during the latency run")
        self.results["latency"] = {
            "target_rate": round(rate, 2),
            "achieved_rate": round(count / elapsed, 2) if elapsed > 0 else None,
            "reports": count,
            "measured": len(latencies),
            "pre_empted_by_similar_reports": len(pre_empted),
            "p50_s": round(percentile(latencies, 50), 3),
            "p95_s": round(percentile(latencies, 95), 3),
            "max_s": round(max(latencies), 3),
            "min_s": round(min(latencies), 3),
            **self._outcome(posted, first),
        }
        lat = self.results["latency"]
        self._say(f"  p50 {lat['p50_s']}s  p95 {lat['p95_s']}s  max {lat['max_s']}s")

    # --- phase 5 --------------------------------------------------------------------------

    def _phase_scale(self, level: int, count: int) -> None:
        from claims.pipeline.assess import claims_status_update
        from claims.pipeline.index import current_index
        from claims.pipeline.linking import report_link

        claims = Claim.objects.count()
        self._say(f"Phase 5: in-process report time at {claims:,} claims, {count} reports")
        self._refresh_statistics()
        started = time.perf_counter()
        index = current_index()
        sync_seconds = time.perf_counter() - started

        def one(claim_id: int) -> tuple[float, float, int]:
            payload = self._payload(claim_id)
            report = report_ingest(
                title=payload["title"],
                body=payload["body"],
                publisher=self.outlet_rows[payload["publisher"]],
                published_at=timezone.now(),
            ).report
            t0 = time.perf_counter()
            touched = report_link(report_id=report.pk)
            t1 = time.perf_counter()
            claims_status_update(
                claim_ids=touched, worker="bench_pipeline in-process", report_id=report.pk
            )
            return t1 - t0, time.perf_counter() - t1, len(touched)

        for claim_id in self._pick_targets(SCALE_WARMUP_REPORTS):
            one(claim_id)
        process_s: list[float] = []
        assess_s: list[float] = []
        touched_counts: list[int] = []
        targets = self._pick_targets(count)
        for claim_id in targets:
            p, a, t = one(claim_id)
            process_s.append(p)
            assess_s.append(a)
            touched_counts.append(t)
        corroborated = Claim.objects.filter(pk__in=targets, status=Status.CORROBORATED).count()
        self.results.setdefault("scale", {})[str(level)] = {
            "claims_in_db": claims,
            "indexed_claims": len(index),
            "index_load_seconds": round(sync_seconds, 2),
            "reports": count,
            "total_ms": summary_ms([p + a for p, a in zip(process_s, assess_s, strict=True)]),
            "report_process_ms": summary_ms(process_s),
            "claim_assess_ms": summary_ms(assess_s),
            "claims_touched_per_report": round(statistics.fmean(touched_counts), 2),
            "claim_assess_ms_per_claim": round(
                1000.0 * sum(assess_s) / max(1, sum(touched_counts)), 2
            ),
            "targets_corroborated": corroborated,
        }
        total = self.results["scale"][str(level)]["total_ms"]
        self._say(f"  mean {total['mean']} ms  p50 {total['p50']} ms  p95 {total['p95']} ms")

    # --- phase 6 --------------------------------------------------------------------------

    def _phase_memory(self, count: int) -> None:
        claims = Claim.objects.count()
        self._say(f"Phase 6: fresh worker at {claims:,} claims, {count} reports, then VmHWM")
        self._refresh_statistics()
        with self._running_worker("memory") as worker:
            targets = self._pick_targets(count)
            posted = self._post_all(targets)
            first = self._wait_for_changes(targets)
            peaks = worker.peak_memory_kb()
        start = posted[0].posted_at
        seconds = (max(first.values()) - start).total_seconds() if first else None
        known = [kb for kb in peaks.values() if kb is not None]
        self.results["memory"] = {
            "claims_in_db": claims,
            "reports": count,
            "vm_hwm_kb": peaks,
            "max_vm_hwm_mb": round(max(known) / 1024, 1) if known else None,
            "cold_reports_per_second": round(len(first) / seconds, 1) if seconds else None,
            **self._outcome(posted, first),
        }
        self._say(f"  max VmHWM {self.results['memory']['max_vm_hwm_mb']} MB")

    # --- output ---------------------------------------------------------------------------

    def _write_results(self) -> None:
        self.results["finished_at"] = timezone.now().isoformat()
        scale = self.results.get("scale", {})
        if "10000" in scale and "100000" in scale:
            self.results["scale_ratio_100k_to_10k"] = round(
                scale["100000"]["total_ms"]["mean"] / scale["10000"]["total_ms"]["mean"], 2
            )
        self.out_path.parent.mkdir(parents=True, exist_ok=True)
        self.out_path.write_text(json.dumps(self.results, indent=2, default=str) + "\n")
        self._say(f"Wrote {self.out_path}")

    def _print_table(self) -> None:
        r = self.results
        rows: list[tuple[str, str, str]] = []
        noop, thr, lat = r.get("noop"), r.get("throughput"), r.get("latency")
        if noop:
            rows.append(("2 no-op tasks/s (yardstick)", f"{noop['tasks_per_second']}", "-"))
        if thr:
            rows.append(
                (
                    f"3 pipeline reports/s ({thr['reports']:,} reports, {thr['claims_in_db']:,} claims)",
                    f"{thr['reports_per_second']}",
                    ">= 50",
                )
            )
            rows.append(("3 ratio pipeline / no-op", f"{thr['ratio_to_noop']}", "-"))
        if lat:
            rows.append(
                (
                    f"4 latency at {lat['target_rate']}/s: p50 / p95 / max (s)",
                    f"{lat['p50_s']} / {lat['p95_s']} / {lat['max_s']}",
                    "p95 <= 2",
                )
            )
        scale = r.get("scale", {})
        for level, figures in scale.items():
            total = figures["total_ms"]
            rows.append(
                (
                    f"5 per-report ms at {int(level):,} claims: mean / p50 / p95",
                    f"{total['mean']} / {total['p50']} / {total['p95']}",
                    "",
                )
            )
        if "scale_ratio_100k_to_10k" in r:
            rows.append(("5 ratio 100k / 10k (mean)", f"{r['scale_ratio_100k_to_10k']}", "<= 2"))
        memory = r.get("memory")
        if memory:
            for proc, kb in memory["vm_hwm_kb"].items():
                rows.append(
                    (f"6 worker VmHWM {proc} (MB)", f"{kb / 1024:.1f}" if kb else "?", "<= 1024")
                )
        width = max((len(row[0]) for row in rows), default=10)
        self._say("")
        self._say(f"{'figure':<{width}}  {'measured':>22}  target")
        self._say("-" * (width + 34))
        for name, value, target in rows:
            self._say(f"{name:<{width}}  {value:>22}  {target}")
