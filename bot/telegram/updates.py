"""Updates in: parsed one at a time, journalled before Telegram is told to forget them, replayed after a crash.

PTB parses a getUpdates batch as a whole; one update it cannot parse fails the batch, the offset never moves
and polling retries the same batch forever. Here each update is parsed alone: one that fails is logged once and
replaced by an empty `SkippedUpdate` carrying its id, so the offset moves past it and later updates are answered.

PTB confirms a batch (asks for offset = last id + 1) as soon as it is queued, long before it is answered. So
every update is written to the state journal before it is queued (a polled batch in one transaction, a webhook's
update on its own); `DurableApplication` marks it done when its handling ends, and on start queues again those a
crash interrupted. An update Telegram delivers a second time (its confirmation was lost in the crash) is
recognised by its id and dropped, so nothing is answered twice (except one whose reply was sent in the instant
before the crash, before it could be marked done). The journal is the bot's (a new token starts a new one) and
of one sequence of ids (a server whose ids start again starts a new one): see `bot.state`.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

from telegram import Update
from telegram.ext import Application, ExtBot
from telegram.request import BaseRequest

from bot.state import Statement, StateStore

log = logging.getLogger(__name__)
_DEFAULT = type(BaseRequest.DEFAULT_NONE)  # PTB's "use the default timeout" marker
NOT_REPLAYED = ("inline_query", "chosen_inline_result")  # the person typing has moved on; Telegram rejects late answers


class SkippedUpdate(Update):
    """An update the library could not parse, or one answered before: nothing handles it."""

    __slots__ = ()


def parse_update(raw: object, bot: ExtBot[Any] | None) -> Update | None:
    """One update from its JSON object; a `SkippedUpdate` when PTB cannot parse it; None without an integer id."""
    update_id = raw.get("update_id") if isinstance(raw, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        log.error("skipped an update without a numeric update_id: %.300r", raw)
        return None
    try:
        update = Update.de_json(raw, bot)  # type: ignore[arg-type]
    except Exception as exc:  # PTB raises whatever the malformed object provokes (TypeError, KeyError, ...)
        log.error("skipped update %d: the library cannot parse it (%s: %s)", update_id, type(exc).__name__, exc)
        return SkippedUpdate(update_id=update_id)
    if bot is not None:
        bot.insert_callback_data(update)
    return update


class UpdateJournal:
    """The link between the poller, the update queue and the state store (see the module docstring)."""

    def __init__(self, store: StateStore, riders: Callable[[int], list[Statement]] | None = None) -> None:
        self.store = store
        self._polled: dict[int, bool] = {}  # polled updates journalled but not yet queued: whether each is new
        # other writes an update made (the question log's rows), committed with it: `riders(update_id)`
        self.riders = riders

    def bind(self, bot_id: int) -> None:
        """Tie the journal to the bot (its id from getMe): update ids are one bot's (see `StateStore.bind`)."""
        self.store.bind(bot_id)

    def polled(self, updates: Sequence[tuple[int, dict[str, Any]]], offset: int | None = None) -> None:
        """Journal a getUpdates batch in one transaction (one commit per batch, not per update), before PTB
        queues it and so before it confirms the batch to Telegram. `offset` is the one the call asked for."""
        bodies = [(update_id, json.dumps(raw, ensure_ascii=False, separators=(",", ":"))) for update_id, raw in updates]
        fresh = self.store.receive(bodies, confirmed=offset)
        self._polled.update(zip((update_id for update_id, _ in updates), fresh, strict=True))

    def accept(self, update: Update) -> bool:
        """Journal an update about to be queued (a polled one already is); False when it was received before
        (drop it)."""
        fresh = self._polled.pop(update.update_id, None)
        if fresh is None:  # a webhook's update, journalled here before Telegram gets its "200 OK"
            (fresh,) = self.store.receive([(update.update_id, update.to_json())])
        if not fresh:
            log.info("update %d was received before a restart: not handled twice", update.update_id)
        return fresh

    def answered(self, update: Update, chat_data: dict[str, Any] | None) -> None:
        chat = update.effective_chat
        also = self.riders(update.update_id) if self.riders is not None else ()
        self.store.answered(update.update_id, chat.id if chat and chat_data is not None else None, chat_data, also)

    def interrupted(self, bot: ExtBot[Any]) -> list[Update]:
        """Updates received but never answered (the process died), to queue again, oldest first."""
        updates: list[Update] = []
        for update_id, body in self.store.pending():
            try:
                raw = json.loads(body)
            except ValueError:
                raw = None
            if not isinstance(raw, dict) or any(kind in raw for kind in NOT_REPLAYED):
                self.store.answered(update_id)
                continue
            update = parse_update(raw, bot)
            if update is None or isinstance(update, SkippedUpdate):
                self.store.answered(update_id)
            else:
                updates.append(update)
        return updates


class JournalQueue(asyncio.Queue[Any]):
    """PTB's update queue (polling and webhook both put into it) that journals each update before queueing it.

    For a webhook, Telegram gets its "200 OK" only after the update is queued, hence after it is journalled.
    """

    def __init__(self, journal: UpdateJournal) -> None:
        super().__init__()
        self.journal = journal

    async def put(self, item: object) -> None:
        if isinstance(item, SkippedUpdate):
            return
        if isinstance(item, Update) and not self.journal.accept(item):
            return
        await super().put(item)

    async def requeue(self, updates: Sequence[Update]) -> None:
        """Queue updates already in the journal (replayed after a restart)."""
        for update in updates:
            await super().put(update)


class JournalBot(ExtBot[Any]):
    """`ExtBot` whose getUpdates parses each update alone (see the module docstring)."""

    def __init__(self, *, journal: UpdateJournal | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._journal = journal  # PTB freezes bots; underscored attributes stay settable

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: dtm.timedelta | float | None = None,
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
        api_kwargs: dict[str, Any] | None = None,
    ) -> tuple[Update, ...]:
        # as PTB's Bot.get_updates: the long-poll time is added to the read timeout
        base = self._request[0].read_timeout if isinstance(read_timeout, _DEFAULT) else read_timeout
        poll = timeout.total_seconds() if isinstance(timeout, dtm.timedelta) else float(timeout or 0)
        data = {"timeout": timeout, "offset": offset, "limit": limit, "allowed_updates": allowed_updates}
        result = await self._post(
            "getUpdates",
            data,
            read_timeout=(base or 0) + poll,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            api_kwargs=api_kwargs,
        )
        if not isinstance(result, list):
            log.error("getUpdates answered something that is not a list: %.300r", result)
            return ()
        updates = []
        journalled = []
        for raw in result:
            update = parse_update(raw, self)
            if update is None:
                continue
            if not isinstance(update, SkippedUpdate):
                journalled.append((update.update_id, raw))
            updates.append(update)
        if self._journal is not None and journalled:
            self._journal.polled(journalled, offset)
        return tuple(updates)


class DurableApplication(Application):
    """PTB's Application that marks each update answered (with its chat's data) when its handling ends,
    and queues again at start the updates a crash interrupted."""

    def __init__(self, *, journal: UpdateJournal | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.journal = journal
        self._replayed = False

    async def initialize(self) -> None:
        await super().initialize()
        if self._replayed:  # the runner may initialize early (to check the token); PTB calls it again
            return
        self._replayed = True
        if self.journal is not None:
            self.journal.bind(self.bot.id)  # known now: initialising asked getMe
        if self.journal is not None and isinstance(self.update_queue, JournalQueue):
            interrupted = self.journal.interrupted(self.bot)
            if interrupted:
                log.warning("answering %d update(s) a previous run received but did not answer", len(interrupted))
                await self.update_queue.requeue(interrupted)

    async def process_update(self, update: object) -> None:
        try:
            await super().process_update(update)
        finally:
            if self.journal is not None and isinstance(update, Update) and not isinstance(update, SkippedUpdate):
                chat = update.effective_chat
                self.journal.answered(update, self.chat_data.get(chat.id) if chat else None)
