"""Building the python-telegram-bot `Application`: settings in, a wired application out."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from pathlib import Path

from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.request import HTTPXRequest

from bot.questionlog import QuestionLog
from bot.service import EngineService
from bot.settings import Settings
from bot.state import StateStore, open_state
from bot.telegram.handlers import DrugBot
from bot.telegram.ordering import ChatOrderedProcessor
from bot.telegram.persistence import SQLitePersistence
from bot.telegram.request import JsonBodyRequest
from bot.telegram.updates import DurableApplication, JournalBot, JournalQueue, UpdateJournal

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30


def build_application(
    settings: Settings,
    service: EngineService,
    *,
    poll_timeouts: float = 30.0,
    store: StateStore | None = None,
) -> Application:
    """The application with its state store (`store`, else the one at DRUGBOT_STATE_PATH), the question log in
    it, rate limiting and every handler registered."""
    store = store if store is not None else open_state(settings.state_path)
    log = QuestionLog.attach(store, settings.question_log, settings.question_log_days)
    drugbot = DrugBot(service, settings, log)
    journal = UpdateJournal(store, log.take if log is not None else None)  # the log's rows go with each update
    bot = JournalBot(
        journal=journal,
        token=settings.require_token(),
        base_url=settings.api_base_url,
        base_file_url=settings.api_base_url.replace("/bot", "/file/bot", 1),
        request=JsonBodyRequest(
            connection_pool_size=max(8, settings.concurrent_updates + 4),
            read_timeout=poll_timeouts,
            write_timeout=poll_timeouts,
        ),
        get_updates_request=HTTPXRequest(connection_pool_size=1, read_timeout=poll_timeouts + 10),
        # Telegram allows about 30 messages/s per bot and 20/min per group; 429s are retried up to 3 times.
        rate_limiter=AIORateLimiter(max_retries=3) if settings.rate_limit else None,
    )
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .application_class(DurableApplication, kwargs={"journal": journal})
        .update_queue(JournalQueue(journal))
        .persistence(SQLitePersistence(journal.store))
        .concurrent_updates(ChatOrderedProcessor(settings.concurrent_updates))  # one chat's replies in order
        .post_init(drugbot.post_init)
        .post_stop(lambda application: _stop_tasks(application, settings.health_file))
    )
    app = builder.build()
    drugbot.register(app)
    app.bot_data["drugbot"] = drugbot
    original = app.post_init

    async def post_init(application: Application) -> None:
        if original:
            await original(application)
        tasks = application.bot_data.setdefault("tasks", [])
        if settings.health_file:
            tasks.append(asyncio.create_task(_heartbeat(settings.health_file)))
        if settings.watch_seeds:
            tasks.append(asyncio.create_task(service.watch(settings.watch_interval)))
        tasks.append(asyncio.create_task(service.complete_units()))

    app.post_init = post_init
    return app


async def _heartbeat(path: Path) -> None:
    """Touch a file while the bot runs, for the container healthcheck (`python -m bot health`)."""
    while True:
        with contextlib.suppress(OSError):
            path.write_text(str(time.time()), encoding="utf-8")
        await asyncio.sleep(HEARTBEAT_SECONDS)


async def _stop_tasks(app: Application, health_file: Path | None = None) -> None:
    """Stop the heartbeat, the folder watcher, any background indexing and the engine threads; write the inline
    queries the question log still holds; remove the heartbeat file, so the healthcheck says at once that the bot
    is not running (after a crash the file stays, and goes stale)."""
    drugbot = app.bot_data.get("drugbot")
    if drugbot is not None:
        drugbot.service.close()
        if drugbot.log is not None:
            drugbot.log.settle_all()
    for task in app.bot_data.get("tasks", []):
        task.cancel()  # the heartbeat writes between its sleeps: cancelled, it writes no more
    if health_file is not None:
        with contextlib.suppress(OSError):
            health_file.unlink(missing_ok=True)
