"""The question log's tables in the state file, and the statements that write them (bot/questionlog.py says what
is kept and why; the report reads them with `open_reader`)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.state import Statement

COLUMNS = [
    "id",
    "at",
    "kind",
    "chat_kind",
    "asker",
    "chat",
    "message",
    "follows",
    "text",
    "reading",
    "reply",
    "picked",
    "drug",
    "part",
    "vote",
]
SCHEMA: list[Statement] = [
    (
        """CREATE TABLE IF NOT EXISTS question_log (
            id INTEGER PRIMARY KEY,
            at REAL NOT NULL,          -- unix time
            kind TEXT NOT NULL,        -- question | press | vote
            chat_kind TEXT NOT NULL,   -- private | group | channel | inline
            asker TEXT NOT NULL,       -- keyed hash of the asker
            chat TEXT,                 -- keyed hash of the chat (a press finds the reply it was under)
            message INTEGER,           -- the bot's message whose buttons can be pressed, or the one voted on
            follows INTEGER,           -- press: the row whose reply was pressed
            text TEXT,                 -- question: the message, cut at 500 characters
            reading TEXT,              -- JSON: what the reading found (press: the button)
            reply TEXT,                -- JSON: what the bot replied
            picked TEXT,               -- JSON: the first button pressed under the reply
            drug TEXT,                 -- drug id answered from, pressed or voted on
            part TEXT,                 -- part key
            vote INTEGER               -- vote: 1 up, -1 down
        )""",
        (),
    ),
    # a press finds the reply it was under; /forget, the hourly deletion and the report read the whole table
    # (an index each would cost every row a page more in its transaction)
    ("CREATE INDEX IF NOT EXISTS question_log_reply ON question_log (chat, message)", ()),
    (
        "CREATE UNIQUE INDEX IF NOT EXISTS question_log_vote ON question_log (asker, chat, message) "
        "WHERE kind = 'vote'",
        (),
    ),
    (
        """CREATE TABLE IF NOT EXISTS question_days (
            day TEXT NOT NULL,
            chat_kind TEXT NOT NULL,
            messages INTEGER NOT NULL,
            confident INTEGER NOT NULL,
            abstained INTEGER NOT NULL,
            PRIMARY KEY (day, chat_kind)
        ) WITHOUT ROWID""",
        (),
    ),
]
INSERT = (
    "INSERT INTO question_log (at, kind, chat_kind, asker, chat, message, text, reading, reply, drug, part) "
    "VALUES (?, 'question', ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
COUNT_DAY = (
    "INSERT INTO question_days (day, chat_kind, messages, confident, abstained) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (day, chat_kind) DO UPDATE SET messages = messages + excluded.messages, "
    "confident = confident + excluded.confident, abstained = abstained + excluded.abstained"
)
PICKED = "UPDATE question_log SET picked = ? WHERE chat = ? AND message = ? AND kind != 'vote' AND picked IS NULL"
PRESS = (
    "INSERT INTO question_log (at, kind, chat_kind, asker, chat, message, follows, reading, reply, drug, part) "
    "SELECT ?, 'press', ?, ?, ?, ?, id, ?, ?, ?, ? FROM question_log "
    "WHERE chat = ? AND message = ? AND kind != 'vote' ORDER BY id DESC LIMIT 1"
)
VOTE = (
    "INSERT INTO question_log (at, kind, chat_kind, asker, chat, message, reply, drug, part, vote) "
    "VALUES (?, 'vote', ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (asker, chat, message) WHERE kind = 'vote' DO UPDATE SET vote = excluded.vote, at = excluded.at"
)


def day_of(at: float) -> str:
    """The UTC day of a unix time, as the log counts days."""
    return time.strftime("%Y-%m-%d", time.gmtime(at))


Query = Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]


def open_reader(path: Path) -> sqlite3.Connection:
    """A read-only connection to a state file (the running bot may be writing it: WAL lets both work).

    Raises sqlite3.Error when it is not a readable SQLite file."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
    connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    return connection


def has_log(query: Query) -> bool:
    names = {row[0] for row in query("SELECT name FROM sqlite_master WHERE type = 'table'", ())}
    return {"question_log", "question_days"} <= names
