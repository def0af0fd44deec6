"""Updates handled concurrently, except that one chat's updates are handled one after another, in order.

PTB handles up to `concurrent_updates` updates at once, each in its own task. Two messages of one chat would
then race: the first one's reply could leave after the second one's (with no rate limiter, a few chats in a
burst of thousands saw two replies swapped). Holding a per-chat lock only around the engine call is not
enough: the replies are sent after it, on separate connections. So here a chat's update waits for that chat's
previous update to be handled completely — answered *and* sent — before its own handling starts.

A chat's updates queue for their turn before they take one of the `concurrent_updates` places, so a person
sending twenty messages at once holds one place, not twenty, and other chats go on meanwhile. Updates without
a chat (inline queries, buttons under inline messages) are not ordered.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def chat_of(update: object) -> int | None:
    """The chat an update belongs to (the one its replies go to), or None."""
    if isinstance(update, Update):
        chat = update.effective_chat
        return chat.id if chat is not None else None
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """At most `limit` updates handled at once; one chat's updates in the order they were queued.

    PTB calls `do_process_update` for each update in the order the updates are queued, each in a new task, under
    its own semaphore (made unbounded here: the limit is applied once the chat's turn has come). asyncio locks
    are first come, first served, so waiting on the chat's lock first keeps the queue's order.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(sys.maxsize)  # PTB's semaphore: never waited on (see the class docstring)
        self._max_concurrent_updates = limit  # what PTB and `Application.concurrent_updates` read
        self._slots = asyncio.BoundedSemaphore(limit)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: Counter[int] = Counter()
        self._busy = 0

    @property
    def current_concurrent_updates(self) -> int:
        return self._busy

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat_id = chat_of(update)
        if chat_id is None:
            await self._handle(coroutine)
            return
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._waiting[chat_id] += 1
        try:
            async with lock:
                await self._handle(coroutine)
        finally:
            self._waiting[chat_id] -= 1
            if not self._waiting[chat_id]:  # nothing else of this chat queued: forget it
                del self._waiting[chat_id], self._locks[chat_id]

    async def _handle(self, coroutine: Awaitable[Any]) -> None:
        started = False
        try:
            async with self._slots:
                self._busy += 1
                try:
                    started = True
                    await coroutine
                finally:
                    self._busy -= 1
        finally:
            if not started and asyncio.iscoroutine(coroutine):  # cancelled while waiting: never ran
                coroutine.close()

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
