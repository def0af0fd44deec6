"""The bot's state on disk: each chat's context and a journal of received updates, in one SQLite file.

Why SQLite and not a pickle: a write is a transaction, so a crash or a full disk mid-write leaves the previous
state, never a half-written file; values are JSON, so loading the file runs no code; each update's result is
written when the update is answered, not every 30 seconds.

Why a journal: Telegram forgets an update once the bot asks for the next ones, which PTB does before it has
answered them. Every update is written here first and marked done when answered, so the ones a crash
interrupted are answered after a restart, and the ones already answered are recognised when Telegram delivers
them again.

Update ids are one bot's, counted by one server: the journal records the bot it belongs to (`bind`; a new
TELEGRAM_BOT_TOKEN starts a new journal) and the sequence of ids it is in. An id below the offset the bot last
confirmed with a batch (Telegram never sends those again), or far below the highest id seen (webhooks confirm no
offset), means the ids started again (a new or reset Bot API server): the old ids are forgotten, with one
WARNING, and the update is answered. An id the journal holds otherwise is a delivery again, not answered twice.

A file that is not a readable drugbot state (truncated, random bytes, a directory, another schema, an old pickle)
is moved aside under a timestamped name with one ERROR line, and the bot starts with empty contexts.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
APPLICATION_ID = 0x44524742  # "DRGB": a SQLite file of another program is not taken for ours
SCHEMA_VERSION = 1
SCHEMA = {
    "chat": ["chat_id", "data", "updated"],
    "inbox": ["seq", "update_id", "body", "received", "done"],
}
# Added without a new schema version (older code reads the file and ignores it): which bot the journal is for,
# and the offset of the last getUpdates call that returned updates.
META = ["key", "value"]
META_TABLE = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
KEEP_DONE = 1_000  # answered update ids remembered: more than one getUpdates batch Telegram could deliver again
# Telegram delivers again only the updates it has not had confirmed: at most one getUpdates batch (100) or the
# webhook deliveries in flight (at most 100). An id held in the journal but further below the highest seen than
# this is not one of them: the ids started again.
REDELIVERY_WINDOW = 1_000
STALE_UPDATE_SECONDS = 24 * 3600  # Telegram keeps undelivered updates for 24 hours
STALE_CHAT_SECONDS = 30 * 24 * 3600
ERROR_LOG_INTERVAL = 60.0

Statement = tuple[str, tuple[Any, ...]]  # SQL and its parameters


class StateDamaged(Exception):
    """The file exists but is not a drugbot state this code can read."""


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class StateStore:
    """Chat contexts (JSON objects by chat id) and the update journal. Use `open_state`, not the constructor.

    Every method catches SQLite errors at run time (disk full, file removed, I/O error): the failure is logged
    (at most once a minute) and the bot goes on answering from memory.
    """

    def __init__(self, connection: sqlite3.Connection, path: Path | None) -> None:
        self._db = connection
        self.path = path
        self._last_error = 0.0
        self._received = 0
        self._confirmed: int | None = None  # offset of the last getUpdates call that returned updates

    # --- opening ------------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> StateStore:
        """Open (or create) the state at `path`.

        Raises StateDamaged when an existing file is not a readable state, OSError when none can be created.
        """
        exists = path.exists() or path.is_symlink()
        if exists:
            _check_file(path)
        try:
            db = sqlite3.connect(path, isolation_level=None, timeout=5.0)
        except sqlite3.Error as exc:
            if exists:
                raise StateDamaged(f"cannot open it: {exc}") from None
            raise OSError(str(exc)) from None
        try:
            if exists:
                _check_schema(db)
            else:
                _create_schema(db)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # durable across a process crash; fsync at checkpoints
            db.execute("PRAGMA secure_delete=ON")  # deleted rows (answered updates, forgotten questions) are zeroed
        except StateDamaged:
            db.close()
            raise
        except Exception as exc:  # a damaged file can make SQLite fail in many ways (even undecodable errors)
            db.close()
            if exists:
                raise StateDamaged(_reason(exc)) from None
            raise OSError(_reason(exc)) from None
        store = cls(db, path)
        store._prune()
        store._confirmed = _as_int(store._meta("confirmed"))
        return store

    @classmethod
    def in_memory(cls) -> StateStore:
        """A store that lives only as long as the process (when no file can be used at all)."""
        db = sqlite3.connect(":memory:", isolation_level=None)
        _create_schema(db)
        return cls(db, None)

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        with contextlib.suppress(sqlite3.Error):
            self._db.close()

    # --- chat contexts ------------------------------------------------------------------------------

    def chats(self) -> dict[int, dict[str, Any]]:
        """Every saved chat's data; rows that are not a JSON object are dropped with one warning."""
        out: dict[int, dict[str, Any]] = {}
        bad = 0
        try:
            rows = self._db.execute("SELECT chat_id, CAST(data AS BLOB) FROM chat").fetchall()
        except sqlite3.Error as exc:
            self._failed("reading chat contexts", exc)
            return out
        for chat_id, data in rows:
            try:
                value = json.loads(data)
            except (TypeError, ValueError):
                value = None
            if isinstance(chat_id, int) and isinstance(value, dict):
                out[chat_id] = value
            else:
                bad += 1
        if bad:
            log.warning("state %s: %d unreadable chat context(s) dropped", self.path, bad)
        return out

    def save_chat(self, chat_id: int, data: dict[str, Any]) -> None:
        self._write([self._chat_row(chat_id, data)], None)

    def drop_chat(self, chat_id: int) -> None:
        self._transaction([("DELETE FROM chat WHERE chat_id = ?", (chat_id,))], "dropping a chat context")

    # --- the update journal ---------------------------------------------------------------------------

    def bind(self, bot_id: int) -> None:
        """Tie the journal to the bot whose updates it holds (its id from getMe). Update ids are per bot: when
        the state file held another bot's journal (TELEGRAM_BOT_TOKEN changed), that journal is dropped with
        one WARNING, so the new bot's updates are not taken for ones received before. Chat contexts are kept
        (chat ids are the same for every bot)."""
        try:
            with self._tx() as db:
                old = _as_int(self._meta("bot_id"))
                if old is not None and old != bot_id:
                    unanswered = db.execute("SELECT COUNT(*) FROM inbox WHERE done = 0").fetchone()[0]
                    db.execute("DELETE FROM inbox")
                    db.execute("DELETE FROM meta WHERE key = 'confirmed'")
                    self._confirmed = None
                    log.warning(
                        "state %s: the update journal was bot %d's, this is bot %d (a new TELEGRAM_BOT_TOKEN?): "
                        "starting a new journal; %d update(s) the other bot received and did not answer are dropped",
                        self.path,
                        old,
                        bot_id,
                        unanswered,
                    )
                if old != bot_id:
                    self._set_meta(db, "bot_id", bot_id)
        except sqlite3.Error as exc:
            self._failed("recording the bot of the update journal", exc)

    def receive(self, updates: Sequence[tuple[int, str]], confirmed: int | None = None) -> list[bool]:
        """Journal received updates (id, raw JSON) in one transaction; False for one received before.

        `confirmed` is the offset of the getUpdates call that returned them: Telegram forgets every update below
        it, so none below it can come again. An id the journal holds is taken for a delivery again (False),
        and an id below that offset or far below the highest id seen starts a new sequence (see the module
        docstring). Written before PTB asks Telegram for the next batch, which is what tells Telegram to
        forget these. When the journal cannot be written the updates are still answered (True), only not
        crash-safe.
        """
        if not updates:
            return []
        now = time.time()
        fresh: list[bool] = []
        insert = "INSERT OR IGNORE INTO inbox (update_id, body, received, done) VALUES (?, ?, ?, 0)"
        try:
            with self._tx() as db:
                highest, last_seq = db.execute("SELECT MAX(update_id), MAX(seq) FROM inbox").fetchone()
                window = None if highest is None else highest - REDELIVERY_WINDOW
                floor = max((f for f in (self._confirmed, window) if f is not None), default=None)
                for update_id, body in updates:
                    if floor is not None and update_id < floor:
                        self._new_sequence(db, update_id, floor, highest, last_seq)
                        floor = None  # the old ids are forgotten: this batch's are all of the new sequence
                    cursor = db.execute(insert, (update_id, body, now))
                    fresh.append(cursor.rowcount == 1)
                if confirmed is not None and confirmed != self._confirmed:
                    self._set_meta(db, "confirmed", confirmed)
        except sqlite3.Error as exc:
            self._failed("journalling received updates", exc)
            return [True] * len(updates)
        if confirmed is not None:
            self._confirmed = confirmed
        self._received += len(updates)
        if self._received >= KEEP_DONE:
            self._received = 0
            self._prune_done()
        return fresh

    def pending(self) -> list[tuple[int, str]]:
        """Updates received but not answered (a crash interrupted them), oldest first."""
        try:
            rows = self._db.execute(
                "SELECT update_id, CAST(body AS BLOB) FROM inbox WHERE done = 0 ORDER BY seq"
            ).fetchall()
        except sqlite3.Error as exc:
            self._failed("reading the update journal", exc)
            return []
        out = []
        for update_id, body in rows:
            with contextlib.suppress(UnicodeDecodeError, AttributeError):
                if isinstance(update_id, int):
                    out.append((update_id, body.decode("utf-8")))
        return out

    def answered(
        self,
        update_id: int | None,
        chat_id: int | None = None,
        data: dict[str, Any] | None = None,
        also: Sequence[Statement] = (),
    ) -> None:
        """Mark an update answered and save its chat's data, in one transaction, with `also` (the question log's
        rows of this update: no commit of their own, and a crash keeps all of it or none)."""
        chat = [self._chat_row(chat_id, data)] if chat_id is not None and data is not None else []
        self._write(chat, update_id, also)

    # --- other tables in this file (the question log) -------------------------------------------------

    def execute(self, statements: Sequence[Statement], what: str) -> bool:
        """Run `statements` in one transaction; False when it failed (logged, as every failure here)."""
        return self._transaction(list(statements), what)

    def read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """The rows of one query; none when it failed (logged)."""
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            self._failed("reading the state", exc)
            return []

    # --- internals ----------------------------------------------------------------------------------

    def _new_sequence(
        self, db: sqlite3.Connection, update_id: int, floor: int, highest: int | None, last_seq: int | None
    ) -> None:
        """Forget the journal of the old sequence of update ids (every row before this batch), logged once."""
        cleared = db.execute("DELETE FROM inbox WHERE seq <= ?", (last_seq or 0,)).rowcount
        db.execute("DELETE FROM meta WHERE key = 'confirmed'")
        self._confirmed = None
        log.warning(
            "update ids started again: update %d is below %d, where Telegram cannot be sending it again "
            "(highest id seen %s): a new or reset Bot API server? Answering it; the journal of the old ids "
            "(%d update(s)) is cleared",
            update_id,
            floor,
            highest,
            cleared,
        )

    def _meta(self, key: str) -> str | None:
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    @staticmethod
    def _set_meta(db: sqlite3.Connection, key: str, value: object) -> None:
        db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, str(value)),
        )

    @staticmethod
    def _chat_row(chat_id: int | None, data: dict[str, Any] | None) -> tuple[int, str] | None:
        try:
            return (int(chat_id), _json(data)) if chat_id is not None else None
        except (TypeError, ValueError) as exc:
            log.warning("chat %s: context not saved, it is not plain JSON data (%s)", chat_id, exc)
            return None

    def _write(
        self, chats: Iterable[tuple[int, str] | None], update_id: int | None, also: Sequence[Statement] = ()
    ) -> None:
        now = time.time()
        # an empty context is no row: a chat that only chatted, or one that said /forget, leaves no trace
        statements: list[Statement] = [
            ("DELETE FROM chat WHERE chat_id = ?", (chat_id,))
            if data == "{}"
            else (
                "INSERT INTO chat (chat_id, data, updated) VALUES (?, ?, ?) "
                "ON CONFLICT(chat_id) DO UPDATE SET data = excluded.data, updated = excluded.updated",
                (chat_id, data, now),
            )
            for chat_id, data in filter(None, chats)
        ]
        if update_id is not None:
            statements.append(("UPDATE inbox SET done = 1, body = NULL WHERE update_id = ?", (update_id,)))
        statements += also
        if statements:
            self._transaction(statements, "saving a chat context")

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _transaction(self, statements: list[tuple[str, tuple[Any, ...]]], what: str) -> bool:
        try:
            with self._tx() as db:
                for sql, params in statements:
                    db.execute(sql, params)
        except sqlite3.Error as exc:
            self._failed(what, exc)
            return False
        return True

    def _prune(self) -> None:
        now = time.time()
        self._transaction(
            [
                ("DELETE FROM inbox WHERE received < ?", (now - STALE_UPDATE_SECONDS,)),
                ("DELETE FROM chat WHERE updated < ?", (now - STALE_CHAT_SECONDS,)),
            ],
            "pruning old state",
        )
        self._prune_done()

    def _prune_done(self) -> None:
        self._transaction(
            [("DELETE FROM inbox WHERE done = 1 AND seq <= (SELECT MAX(seq) FROM inbox) - ?", (KEEP_DONE,))],
            "pruning the update journal",
        )

    def _failed(self, what: str, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._last_error >= ERROR_LOG_INTERVAL:
            self._last_error = now
            log.error("state %s: %s failed (%s); answering from memory", self.path, what, exc)


def _as_int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _reason(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, sqlite3.Error | OSError) else f"{type(exc).__name__}: {exc}"


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise StateDamaged("it is a directory")
    if not path.is_file():
        raise StateDamaged("it is not a regular file")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StateDamaged(f"cannot read it: {exc.strerror or exc}") from None
    if not header:
        raise StateDamaged("it is empty")
    if header != SQLITE_HEADER:
        if header[:1] == b"\x80":
            raise StateDamaged("it is a pickle file (the old state format, which runs code when loaded)")
        raise StateDamaged("it is not a SQLite database")


def _check_schema(db: sqlite3.Connection) -> None:
    result = db.execute("PRAGMA quick_check").fetchall()
    if result != [("ok",)]:
        raise StateDamaged(f"integrity check failed: {'; '.join(str(r[0]) for r in result[:3])}")
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if app_id != APPLICATION_ID:
        raise StateDamaged("it is a SQLite database of another program")
    if version != SCHEMA_VERSION:
        raise StateDamaged(f"schema version {version}, expected {SCHEMA_VERSION}")
    for table, columns in SCHEMA.items():
        found = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
        if found != columns:
            raise StateDamaged(f"table {table!r} has columns {found}, expected {columns}")
    found = [row[1] for row in db.execute("PRAGMA table_info(meta)")]
    if not found:  # a file from before the journal knew its bot
        db.execute(META_TABLE)
    elif found != META:
        raise StateDamaged(f"table 'meta' has columns {found}, expected {META}")


def _create_schema(db: sqlite3.Connection) -> None:
    db.executescript(
        f"""
        BEGIN;
        PRAGMA application_id = {APPLICATION_ID};
        PRAGMA user_version = {SCHEMA_VERSION};
        CREATE TABLE IF NOT EXISTS chat (
            chat_id INTEGER PRIMARY KEY,
            data TEXT NOT NULL,
            updated REAL NOT NULL
        );
        CREATE TABLE IF NOT EXISTS inbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            update_id INTEGER NOT NULL UNIQUE,
            body TEXT,
            received REAL NOT NULL,
            done INTEGER NOT NULL DEFAULT 0
        );
        {META_TABLE};
        COMMIT;
        """
    )


def move_aside(path: Path) -> Path | None:
    """Rename a damaged state file (and its -wal/-shm companions) to `<name>.damaged-<timestamp>`."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    counter = 1
    while target.exists() or target.is_symlink():
        counter += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{counter}")
    try:
        path.rename(target)
    except OSError:
        return None
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            with contextlib.suppress(OSError):
                companion.rename(target.with_name(target.name + suffix))
    return target


def open_state(path: Path) -> StateStore:
    """The state at `path`, never an exception: a damaged file is moved aside (one ERROR line) and replaced.

    When no file can be used at all (the folder is read-only or missing), the state lives in memory only.
    """
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return StateStore.open(path)
    except StateDamaged as exc:
        aside = move_aside(path)
        if aside is None:
            log.error(
                "state file %s is unreadable (%s) and cannot be moved aside: chat contexts are kept in memory only",
                path,
                exc,
            )
            return StateStore.in_memory()
        log.error(
            "state file %s is unreadable (%s): moved aside to %s; starting with empty chat contexts",
            path,
            exc,
            aside.name,
        )
    except OSError as exc:
        log.error("cannot create the state file %s (%s): chat contexts are kept in memory only", path, exc)
        return StateStore.in_memory()
    try:
        return StateStore.open(path)
    except (StateDamaged, OSError) as exc:
        log.error("cannot create the state file %s (%s): chat contexts are kept in memory only", path, exc)
        return StateStore.in_memory()
