"""`python -m bot telegram`: load settings and monographs, then poll (or serve a webhook) until stopped.

Start-up failures are one line naming the cause. The bot's own configuration comes first: settings, the
monograph folders (a missing one ends the process, exit 2) and the state file (one that cannot be used is
logged: contexts are then kept in memory), so a mistake there is said at once, even while Telegram cannot be
reached. Then Telegram: a token it rejects ends the process (exit 2), an unreachable server is waited for with
backoff (the bot may start before the network does). Then the monographs are loaded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from bot.paths import cache_dir_from
from bot.progress import ConsoleProgress
from bot.service import EngineService, drug_counts, still_in
from bot.settings import Settings, SettingsError, load_settings
from bot.state import StateStore, open_state
from bot.telegram.app import build_application
from bot.telegram.redact import redact_token
from intents import CorpusError, check_folders, load_engine, stat_files

log = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 60.0
# PTB's InvalidToken carries Telegram's description; the status it stands for, as an operator reads it
REJECTIONS = {"unauthorized": "401 Unauthorized", "not found": "404 Not Found"}


class TokenRejected(Exception):
    """Telegram answered that the token is not a bot's: no retry can help."""


def rejection(exc: InvalidToken, token: str) -> TokenRejected:
    # Bot.initialize re-raises Telegram's answer as "The token `<token>` was rejected": use the original
    cause = exc.__cause__ if isinstance(exc.__cause__, InvalidToken) else exc
    reason = REJECTIONS.get(cause.message.strip().lower(), cause.message).replace(token, "<token>")
    return TokenRejected(f"Telegram rejected the token ({reason}); check TELEGRAM_BOT_TOKEN (from @BotFather)")


def server_of(base_url: str) -> str:
    """The Bot API server as a person names it: scheme and host, never the path (which holds the token)."""
    parts = urlparse(base_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else base_url


async def connect(
    call: Callable[[], Awaitable[object]], token: str, server: str, first_wait: float = FIRST_RETRY_SECONDS
) -> bool:
    """Run `call` (getMe) until Telegram answers, waiting with backoff while it cannot be reached.

    Raises `TokenRejected` when Telegram refuses the token. Returns False when SIGINT/SIGTERM came first.
    """
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    stop_signals = (signal.SIGINT, signal.SIGTERM) if task else ()
    with contextlib.suppress(NotImplementedError, RuntimeError):  # no signal handlers outside the main thread
        for sig in stop_signals:
            loop.add_signal_handler(sig, task.cancel)  # type: ignore[union-attr]
    wait = first_wait
    try:
        while True:
            try:
                await call()
                return True
            except InvalidToken as exc:
                raise rejection(exc, token) from None
            except NetworkError as exc:
                log.warning("cannot reach Telegram at %s (%s), retrying in %g s", server, exc.message, wait)
            await asyncio.sleep(wait)
            wait = min(wait * 2, MAX_RETRY_SECONDS)
    except asyncio.CancelledError:
        log.info("stopped while waiting for Telegram")
        return False
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            for sig in stop_signals:
                loop.remove_signal_handler(sig)


async def check_token(settings: Settings) -> bool:
    """Ask Telegram who the bot is before the monographs load, so a bad token fails in a second, not minutes."""
    token = settings.require_token()
    bot = Bot(token, base_url=settings.api_base_url)
    try:
        return await connect(bot.initialize, token, server_of(settings.api_base_url))
    finally:
        with contextlib.suppress(Exception):
            await bot.shutdown()


def run_telegram(folders: Sequence[Path] | None = None) -> int:
    """Run until SIGINT/SIGTERM (PTB stops cleanly; the state is saved per update). Returns the exit code."""
    try:
        settings = load_settings()
        token = settings.require_token()
    except SettingsError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    redact_token(token)
    if folders:
        settings = settings.model_copy(update={"seeds_dir": list(folders)})
    logging.getLogger().setLevel(settings.log_level)
    # httpx logs every request line (with the token, which the filter masks); only worth it when debugging
    logging.getLogger("httpx").setLevel(logging.INFO if settings.log_level == "DEBUG" else logging.WARNING)
    try:
        check_folders(settings.seeds_dir)
    except CorpusError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    store = open_state(settings.state_path)
    try:
        return _serve(settings, token, store)
    finally:
        store.close()


def _serve(settings: Settings, token: str, store: StateStore) -> int:
    """Check the token with Telegram, load the monographs, then serve until stopped."""
    try:
        if not asyncio.run(check_token(settings)):
            return 0
    except TokenRejected as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    cache_dir = cache_dir_from(settings.cache_dir)
    try:
        wait = still_in(stat_files(settings.seeds_dir)[0], settings.watch_settle)
        if wait:  # there is no earlier version to serve meanwhile: let files being written be finished first
            log.info("monograph files are being written: reading them in %.1f s", wait)
            time.sleep(wait)
        engine = load_engine(settings.seeds_dir, progress=ConsoleProgress(), cache_dir=cache_dir, defer_units=True)
    except CorpusError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    service = EngineService(engine, settings.seeds_dir, cache_dir=cache_dir, settle=settings.watch_settle)
    app = build_application(settings, service, store=store)
    served, banned = drug_counts(engine)
    where = ", ".join(map(str, settings.seeds_dir))
    log.info("serving %d monograph(s) (%d more banned, never served) from %s", served, banned, where)
    # PTB's run_* use the current event loop: initialise on it first, waiting for Telegram as above
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        if not loop.run_until_complete(connect(app.initialize, token, server_of(settings.api_base_url))):
            loop.close()
            return 0
    except TokenRejected as exc:
        loop.close()
        sys.stderr.write(f"error: {exc}\n")
        return 2
    if settings.webhook_url:
        run_webhook(app, settings)
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def webhook_params(settings: Settings) -> dict[str, Any]:
    """Arguments for PTB's webhook server; a secret token is made up when none is configured."""
    path = urlparse(settings.webhook_url).path.strip("/")
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": path,
        "webhook_url": settings.webhook_url,
        "secret_token": settings.webhook_secret or secrets.token_urlsafe(32),
        "allowed_updates": Update.ALL_TYPES,
    }


def run_webhook(app: Application, settings: Settings) -> None:
    app.run_webhook(**webhook_params(settings))
