"""The question log: what users asked and did not get, kept so editors can fix it (`python -m bot report`).

Kept, in the state file (bot/state.py), as rows of `question_log`:

- every message answered with anything but a confident part (a listing, "which part?", "which drug?", "no
  monograph", an honest "does not cover"), with the text cut at 500 characters, what the reading found and what
  the bot replied;
- every button press under one of those replies (the part the user then chose: a labelled question), written
  on a row of its own and on the question's row as what was picked next;
- every 👍/👎 vote, one per person and answer (a second tap changes it);

and per day and kind of chat, in `question_days`, how many messages were answered, confidently or not.

Privacy: no names, and no user or chat ids in clear: the asker and the chat are kept as keyed hashes (BLAKE2b
with a random key made once per state file), so `/forget` can find and delete one asker's rows and nothing else
can tell whose they are without the file. Texts come only from what the bot answers: private chats and
messages addressed to it. Rows older than `DRUGBOT_QUESTION_LOG_DAYS` are deleted.

Writes cost no commit of their own: each update's rows wait here (`take`) until the transaction that marks the
update answered and saves its chat's context (`bot.telegram.updates`), so a kill -9 keeps both or neither.
Inline queries arrive at each keystroke: only the last one a person typed is kept, once they have typed nothing
more for `SETTLE_SECONDS` (or typed something else), with the next update's transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from bot.questiontables import COLUMNS, COUNT_DAY, INSERT, PICKED, PRESS, SCHEMA, VOTE, day_of
from bot.readings import ABSTAINED, CONFIDENT, outcome, press_outcome, reading, replied
from bot.state import Statement, StateStore
from intents import Kind, Reply, Trace

log = logging.getLogger(__name__)

TEXT_LIMIT = 500
SETTLE_SECONDS = 10.0
# Day counts wait in memory for the next row kept, or this long: a page more in every update's transaction cost
# as much again as the rest of the log (bench.run); a kill -9 can lose the counts of these last seconds.
COUNT_SECONDS = 10.0
MAX_TYPING = 10_000  # people typing inline queries remembered at once; the oldest is settled beyond
PRUNE_SECONDS = 3600.0  # how often old rows are deleted while the bot runs
DAY_SECONDS = 86_400
SALT_KEY = "question_log_salt"

def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class Asker:
    """Who asked, where. Ids are hashed before anything is kept; only the hashes reach the file."""

    user: int  # the person, or the chat posting on its own behalf (a channel, a group's anonymous admin)
    chat: int | None
    kind: str  # private | group | channel | inline


@dataclass(frozen=True, slots=True)
class _Typing:
    """The last inline query of one person, kept until it settles: its day's count and its row, if any."""

    at: float
    update_id: int  # keystrokes are numbered in the order typed, whatever order they are answered in
    text: str
    day: tuple[str, str]  # day, chat kind
    kind: Kind  # of the reply
    row: Statement | None

    def settle(self, log: QuestionLog, rows: list[Statement]) -> None:
        log._count(self.day, self.kind)
        if self.row is not None:
            rows.append(self.row)


class QuestionLog:
    """The log over a `StateStore`; `recording=False` (DRUGBOT_QUESTION_LOG=off) keeps nothing new, while
    `/forget` and the retention limit still apply to what the file holds."""

    def __init__(self, store: StateStore, salt: bytes, recording: bool, days: int) -> None:
        self.store = store
        self.recording = recording
        self.days = days
        self._salt = salt
        self._pending: dict[int, list[Statement]] = {}
        self._typing: OrderedDict[str, _Typing] = OrderedDict()
        self._pruned = time.monotonic()
        self._day = (0, "")
        self._counts: dict[tuple[str, str], list[int]] = {}  # (day, chat kind) -> messages, confident, abstained
        self._counted = time.monotonic()

    @classmethod
    def attach(cls, store: StateStore, recording: bool = True, days: int = 90) -> QuestionLog | None:
        """The log in `store`'s file (its tables made when missing, old rows deleted); None when that file
        cannot hold it (logged)."""
        found = [row[1] for row in store.read("PRAGMA table_info(question_log)")]
        if found and found != COLUMNS:
            log.error(
                "state %s: table question_log has columns %s, expected %s: the question log is off",
                store.path,
                found,
                COLUMNS,
            )
            return None
        if not store.execute(SCHEMA, "creating the question log"):
            log.error("state %s: the question log is off", store.path)
            return None
        store.execute(
            [("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (SALT_KEY, secrets.token_hex(32)))],
            "making the question log's key",
        )
        rows = store.read("SELECT value FROM meta WHERE key = ?", (SALT_KEY,))
        try:
            salt = bytes.fromhex(rows[0][0])
        except (IndexError, TypeError, ValueError):
            log.error("state %s: the question log's key cannot be read: the question log is off", store.path)
            return None
        question_log = cls(store, salt, recording, days)
        store.execute(question_log._prune_statements(), "deleting old rows of the question log")
        return question_log

    # --- privacy --------------------------------------------------------------------------------------

    def _hash(self, value: int | None, person: bytes) -> str | None:
        if value is None:
            return None
        return hashlib.blake2b(str(value).encode(), key=self._salt, digest_size=16, person=person).hexdigest()

    def asker_key(self, who: Asker) -> str:
        return self._hash(who.user, b"asker") or ""

    def chat_key(self, who: Asker) -> str | None:
        return self._hash(who.chat, b"chat")

    # --- writing (each update's rows wait for its transaction) ------------------------------------------

    def question(self, update_id: int, who: Asker, text: str, trace: Trace, message: int | None) -> None:
        """A message the bot answered (`message`: its reply that carries the buttons): counted for its day, and
        kept when the answer was not a confident part."""
        reply = trace.reply
        if not self.recording or reply is None:
            return
        now = time.time()
        self._count((self._today(now), who.kind), reply.kind)
        kind = outcome(trace)
        if kind is not None:
            self._rows(update_id).append(self._row(now, who, text, trace, kind, message))

    def _row(self, now: float, who: Asker, text: str, trace: Trace, kind: str, message: int | None) -> Statement:
        reply = trace.reply
        assert reply is not None
        values = (
            now,
            who.kind,
            self.asker_key(who),
            self.chat_key(who),
            message,
            text.strip()[:TEXT_LIMIT],
            _json(reading(trace)),
            _json(replied(reply, kind)),
            reply.drug_id,
            reply.part,
        )
        return (INSERT, values)

    def _count(self, day: tuple[str, str], kind: Kind) -> None:
        """One message answered on `day` (day, chat kind), with a part or not."""
        counts = self._counts.get(day)
        if counts is None:
            counts = self._counts[day] = [0, 0, 0]
        counts[0] += 1
        if kind in CONFIDENT:
            counts[1] += 1
        elif kind in ABSTAINED:
            counts[2] += 1

    def press(
        self,
        update_id: int,
        who: Asker,
        pressed: int,
        button: dict[str, Any],
        reply: Reply,
        message: int | None,
    ) -> None:
        """A button pressed under the bot's message `pressed`: kept when that message was a logged reply (a
        press row, and the question row's pick). `message` is the reply to the press, pressable in turn."""
        if not self.recording:
            return
        kind = press_outcome(reply)
        chat = self.chat_key(who)
        picked = {**button, "kind": reply.kind.value, "section": reply.section, "topic": reply.topic}
        if reply.drug:
            picked["drug"] = reply.drug
        rows = self._rows(update_id)
        rows.append((PICKED, (_json(picked), chat, pressed)))
        values = (
            time.time(),
            who.kind,
            self.asker_key(who),
            chat,
            message if kind is not None else None,
            _json({"button": button}),
            _json(replied(reply, kind)),
            reply.drug_id or button.get("drug_id"),
            reply.part,
            chat,
            pressed,
        )
        rows.append((PRESS, values))

    def vote(self, update_id: int, who: Asker, message: int, reply: Reply, up: bool) -> None:
        """A 👍 or 👎 on the answer `reply` (message `message`); a second one from the same person replaces it."""
        if not self.recording:
            return
        answer = {"drug": reply.drug, "section": reply.section, "kind": reply.kind.value}
        values = (
            time.time(),
            who.kind,
            self.asker_key(who),
            self.chat_key(who),
            message,
            _json(answer),
            reply.drug_id,
            reply.part,
            1 if up else -1,
        )
        self._rows(update_id).append((VOTE, values))

    def voted(self, who: Asker, message: int) -> int | None:
        """The vote this person already gave the answer `message` (1, -1), or None."""
        rows = self.store.read(
            "SELECT vote FROM question_log WHERE kind = 'vote' AND asker = ? AND chat = ? AND message = ?",
            (self.asker_key(who), self.chat_key(who), message),
        )
        return rows[0][0] if rows else None

    def forget(self, update_id: int, who: Asker) -> int:
        """Delete every row of this asker (with this update's transaction); how many there were."""
        asker = self.asker_key(who)
        self._typing.pop(asker, None)
        rows = self.store.read("SELECT COUNT(*) FROM question_log WHERE asker = ?", (asker,))
        self._rows(update_id).append(("DELETE FROM question_log WHERE asker = ?", (asker,)))
        return int(rows[0][0]) if rows else 0

    def inline(self, update_id: int, who: Asker, text: str, trace: Trace) -> None:
        """An inline query (one per keystroke): kept as the person's last one until it settles; the one before
        settles now when this one is not a continuation of it (another question). The last is the last typed
        (the highest update id): an earlier keystroke answered after it is dropped."""
        reply = trace.reply
        if not self.recording or reply is None or not text.strip():
            return
        now = time.time()
        key = self.asker_key(who)
        kept = self._typing.get(key)
        typing_on = kept is not None and (text.startswith(kept.text) or kept.text.startswith(text))
        if typing_on and kept is not None and kept.update_id > update_id:
            return  # an earlier keystroke of the same question, answered late (queries are answered concurrently)
        before = self._typing.pop(key, None)
        if before is not None and not typing_on:
            before.settle(self, self._rows(update_id))
        kind = outcome(trace)
        row = self._row(now, who, text, trace, kind, None) if kind is not None else None
        self._typing[key] = _Typing(now, update_id, text, (self._today(now), who.kind), reply.kind, row)
        while len(self._typing) > MAX_TYPING:
            self._typing.popitem(last=False)[1].settle(self, self._rows(update_id))

    def take(self, update_id: int) -> list[Statement]:
        """The rows of this update, to write in the transaction that marks it answered; with them the inline
        queries that have settled, the day counts when a row is written or `COUNT_SECONDS` have passed, and once
        an hour the deletion of rows past the retention limit."""
        rows = self._pending.pop(update_id, [])
        if self._typing:
            due = time.time() - SETTLE_SECONDS
            while self._typing:
                key, typing = next(iter(self._typing.items()))
                if typing.at > due:
                    break
                del self._typing[key]
                typing.settle(self, rows)
        now = time.monotonic()
        if self._counts and (rows or now - self._counted >= COUNT_SECONDS):
            rows += self._count_statements()
        if now - self._pruned >= PRUNE_SECONDS:
            rows += self._prune_statements()
        return rows

    def write_counts(self) -> None:
        """Write the day counts still waiting, now (before a report is read from the file)."""
        if self._counts:
            self.store.execute(self._count_statements(), "saving the question log's day counts")

    def settle_all(self) -> None:
        """Write what still waits: the inline queries settling and the day counts (at a clean stop)."""
        rows: list[Statement] = []
        for typing in self._typing.values():
            typing.settle(self, rows)
        self._typing.clear()
        rows += self._count_statements()
        if rows:
            self.store.execute(rows, "saving the question log")

    # --- internals ------------------------------------------------------------------------------------

    def _rows(self, update_id: int) -> list[Statement]:
        return self._pending.setdefault(update_id, [])

    def _today(self, now: float) -> str:
        number = int(now // DAY_SECONDS)
        if self._day[0] != number:
            self._day = (number, day_of(now))
        return self._day[1]

    def _count_statements(self) -> list[Statement]:
        self._counted = time.monotonic()
        counts, self._counts = self._counts, {}
        return [(COUNT_DAY, (day, kind, *values)) for (day, kind), values in counts.items()]

    def _prune_statements(self) -> list[Statement]:
        self._pruned = time.monotonic()
        oldest = time.time() - self.days * DAY_SECONDS
        return [
            ("DELETE FROM question_log WHERE at < ?", (oldest,)),
            ("DELETE FROM question_days WHERE day < ?", (day_of(oldest),)),
        ]
