"""The question log read into what editors act on: plain data, before any table, text or HTML.

Reading (`collect`) and building (`build`) are apart: the running bot reads its in-memory state on the event
loop and builds in a thread; the command line does both at once.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from bot.questiontables import Query, day_of, has_log
from bot.readings import CLARIFY, NO_PART, NOT_COVERED, PART_NOT_COVERED, UNKNOWN, WHICH_PART
from intents import PATH_SEP, Kind

CHAIN_DEPTH = 4  # presses followed from a question to the part finally chosen ("All sections…", a drug picked)
CONFIDENT_KINDS = (Kind.FAQ.value, Kind.SECTION.value)


@dataclass(slots=True)
class Row:
    """One row of the log, its JSON decoded."""

    id: int
    at: float
    kind: str
    chat_kind: str
    message: int | None
    follows: int | None
    text: str | None
    reading: dict[str, Any]
    reply: dict[str, Any]
    picked: dict[str, Any] | None
    drug: str | None
    part: str | None
    vote: int | None


@dataclass(slots=True)
class Collected:
    """What was read from the file: the rows and the day counts since a time."""

    since: float | None
    rows: list[Row]
    days: list[tuple[str, int, int, int]]  # day, messages, confident answers, abstentions
    present: bool = True  # False: the file has no question log at all


@dataclass(slots=True)
class UnknownName:
    """A name typed that found no monograph, how often, and what it may be."""

    name: str
    count: int
    example: str
    picked: Counter[str] = field(default_factory=Counter)  # drugs users picked after typing it
    offered: Counter[str] = field(default_factory=Counter)  # drugs the bot offered for it
    closest: str | None = None
    found_now: bool = False  # the monographs loaded now answer the name
    line: str | None = None  # ready for drug_synonyms.yaml


@dataclass(slots=True)
class Uncovered:
    """A subject asked about a drug that its monograph does not cover (or a topic it has no part for)."""

    drug: str
    subject: str
    count: int
    example: str


@dataclass(slots=True)
class WhichPart:
    """A "which part?" question and the part the user then chose, if any: with a topic, a labelled question."""

    question: str
    drug: str
    offered: list[str]  # the likeliest topics the reading found
    at: float
    name: str | None = None  # the drug's name as typed, when it was found exactly and is not the title
    chosen: str | None = None  # the section path chosen
    topic: str | None = None  # its topic


@dataclass(slots=True)
class Voted:
    drug: str
    section: str
    up: int = 0
    down: int = 0

    @property
    def votes(self) -> int:
        return self.up + self.down

    @property
    def share_down(self) -> float:
        return self.down / self.votes if self.votes else 0.0


@dataclass(slots=True)
class Day:
    day: str
    messages: int = 0
    confident: int = 0
    abstained: int = 0
    up: int = 0
    down: int = 0

    @property
    def share_up(self) -> float | None:
        return self.up / (self.up + self.down) if self.up + self.down else None


@dataclass(slots=True)
class Report:
    first: str
    last: str
    present: bool
    days: list[Day]
    names: list[UnknownName]
    uncovered: list[Uncovered]
    which: list[WhichPart]
    voted: list[Voted]

    @property
    def labelled(self) -> list[WhichPart]:
        return [w for w in self.which if w.topic]

    def total(self, what: str) -> int:
        return int(sum(getattr(d, what) for d in self.days))


# --- reading ------------------------------------------------------------------------------------------------


def _decoded(value: str | None) -> Any:
    try:
        return json.loads(value) if value else None
    except ValueError:
        return None


def collect(query: Query, since: float | None = None) -> Collected:
    """The rows and day counts of the log since `since` (unix time; None: all it keeps)."""
    if not has_log(query):
        return Collected(since, [], [], present=False)
    start = since if since is not None else 0.0
    rows = [
        Row(
            id=r[0],
            at=r[1],
            kind=r[2],
            chat_kind=r[3],
            message=r[4],
            follows=r[5],
            text=r[6],
            reading=_decoded(r[7]) or {},
            reply=_decoded(r[8]) or {},
            picked=_decoded(r[9]),
            drug=r[10],
            part=r[11],
            vote=r[12],
        )
        for r in query(
            "SELECT id, at, kind, chat_kind, message, follows, text, reading, reply, picked, drug, part, vote "
            "FROM question_log WHERE at >= ? ORDER BY id",
            (start,),
        )
    ]
    days = query(
        "SELECT day, SUM(messages), SUM(confident), SUM(abstained) FROM question_days WHERE day >= ? "
        "GROUP BY day ORDER BY day",
        (day_of(start) if since is not None else "",),
    )
    return Collected(since, rows, [(d, int(m), int(c), int(a)) for d, m, c, a in days])


# --- building -----------------------------------------------------------------------------------------------


def build(collected: Collected, now: float | None = None) -> Report:
    """The report's findings (`bot.report.synonyms.name_closest` then names the closest monograph of each name
    that found none)."""
    now = time.time() if now is None else now
    rows = collected.rows
    questions = [r for r in rows if r.kind == "question"]
    children: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        if row.kind == "press" and row.follows is not None:
            children[row.follows].append(row)
    days = _days(collected, rows)
    first = days[0].day if days else day_of(collected.since or now)
    report = Report(
        first=first,
        last=day_of(now),
        present=collected.present,
        days=days,
        names=_unknown_names(questions),
        uncovered=_uncovered(questions),
        which=_which_parts(questions, children),
        voted=_voted(rows),
    )
    return report


def _days(collected: Collected, rows: list[Row]) -> list[Day]:
    days = {d: Day(d, m, c, a) for d, m, c, a in collected.days}
    for row in rows:
        if row.kind == "vote" and row.vote:
            day = days.setdefault(day_of(row.at), Day(day_of(row.at)))
            if row.vote > 0:
                day.up += 1
            else:
                day.down += 1
    return [days[d] for d in sorted(days)]


def _unknown_names(questions: list[Row]) -> list[UnknownName]:
    names: dict[str, UnknownName] = {}
    for row in questions:
        outcome = row.reply.get("outcome")
        if outcome not in (UNKNOWN, CLARIFY):
            continue
        typed = list(row.reading.get("unknown") or [])
        if outcome == CLARIFY and row.reading.get("said"):
            typed.append(row.reading["said"])  # part of a name ("trastuzumab" when only T-DM1 is loaded)
        for name in dict.fromkeys(str(n).strip().lower() for n in typed if str(n).strip()):
            entry = names.setdefault(name, UnknownName(name, 0, row.text or ""))
            entry.count += 1
            entry.offered.update(str(c) for c in row.reply.get("candidates") or [])
            picked = row.picked or {}
            if picked.get("action") == "pick" and picked.get("drug"):
                entry.picked[str(picked["drug"])] += 1
    return sorted(names.values(), key=lambda n: (-n.count, n.name))


def _uncovered(questions: list[Row]) -> list[Uncovered]:
    found: dict[tuple[str, str], Uncovered] = {}
    for row in questions:
        outcome = row.reply.get("outcome")
        drug = row.reply.get("drug")
        if not drug:
            continue
        subjects: list[str] = []
        if outcome in (NOT_COVERED, PART_NOT_COVERED):
            subjects = [str(s) for s in row.reading.get("subjects") or []]
        elif outcome == NO_PART and row.reading.get("topic"):
            subjects = [f"no part about {row.reading['topic']}"]
        for subject in subjects:
            entry = found.setdefault((drug, subject), Uncovered(drug, subject, 0, row.text or ""))
            entry.count += 1
    return sorted(found.values(), key=lambda u: (-u.count, u.drug, u.subject))


def _chosen(row: Row, children: dict[int, list[Row]]) -> Row | None:
    """The press that finally chose a part after `row`'s reply: its first press, followed through listings
    ("All sections…") and drug picks."""
    for _ in range(CHAIN_DEPTH):
        presses = children.get(row.id)
        if not presses:
            return None
        row = presses[0]
        if row.reply.get("kind") in CONFIDENT_KINDS:
            return row
    return None


def _asked_something(row: Row) -> bool:
    """A question the bot read a topic in without deciding one: the part chosen after it labels it."""
    reading = row.reading
    return bool(reading.get("topics")) and not reading.get("topic") and not reading.get("subjects")


def _which_parts(questions: list[Row], children: dict[int, list[Row]]) -> list[WhichPart]:
    out = []
    for row in questions:
        outcome = row.reply.get("outcome")
        if outcome == WHICH_PART:
            pass
        elif outcome in (CLARIFY, UNKNOWN) and _asked_something(row):
            pick = children.get(row.id, [None])[0]
            if pick is None or pick.reply.get("outcome") is None:
                continue  # no drug picked, or the pick answered with a confident part: no "which part?"
        else:
            continue
        chosen = _chosen(row, children)
        drug = (chosen.reply.get("drug") if chosen else None) or row.reply.get("drug") or ""
        names = [n for n, how in row.reading.get("names") or [] if how == "exact"]
        name = names[0] if names and drug and names[0].lower() != drug.lower() else None
        entry = WhichPart(
            question=row.text or "",
            drug=drug,
            offered=list(row.reading.get("topics") or {})[:3],
            at=row.at,
            name=name,
        )
        if chosen is not None:
            entry.chosen = PATH_SEP.join(chosen.reply.get("section") or []) or None
            entry.topic = chosen.reply.get("topic")
        out.append(entry)
    return out


def _voted(rows: list[Row]) -> list[Voted]:
    found: dict[tuple[str, str], Voted] = {}
    for row in rows:
        if row.kind != "vote" or not row.vote:
            continue
        drug = str(row.reply.get("drug") or row.drug or "")
        section = PATH_SEP.join(row.reply.get("section") or []) or str(row.part or "")
        entry = found.setdefault((drug, section), Voted(drug, section))
        if row.vote > 0:
            entry.up += 1
        else:
            entry.down += 1
    return sorted(found.values(), key=lambda v: (-v.down, -v.share_down, v.drug, v.section))
