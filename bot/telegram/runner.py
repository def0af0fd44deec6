"""`python -m bot telegram`: load settings and monographs, then poll (or serve a webhook) until stopped."""

from __future__ import annotations

import logging
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlparse

from telegram import Update

from bot.loading import cache_dir_from, load_engine
from bot.progress import ConsoleProgress
from bot.service import EngineService
from bot.settings import Settings, SettingsError, load_settings
from bot.telegram.app import build_application
from intents.corpus import CorpusError

log = logging.getLogger(__name__)


def run_telegram(folders: Sequence[Path] | None = None) -> int:
    """Run until SIGINT/SIGTERM (PTB stops cleanly and flushes persistence). Returns the exit code."""
    try:
        settings = load_settings()
        settings.require_token()
    except SettingsError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    if folders:
        settings = settings.model_copy(update={"seeds_dir": list(folders)})
    logging.getLogger().setLevel(settings.log_level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    cache_dir = cache_dir_from(settings.cache_dir)
    try:
        engine = load_engine(settings.seeds_dir, progress=ConsoleProgress(), cache_dir=cache_dir, defer_units=True)
    except CorpusError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    for issue in engine.corpus.issues:
        log.warning("skipped %s: %s", issue.file, issue.reason)
    service = EngineService(engine, settings.seeds_dir, cache_dir=cache_dir)
    app = build_application(settings, service)
    log.info("serving %d monograph(s) from %s", len(engine.corpus), ", ".join(map(str, settings.seeds_dir)))
    if settings.webhook_url:
        run_webhook(app, settings)
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def webhook_params(settings: Settings) -> dict[str, object]:
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


def run_webhook(app, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    app.run_webhook(**webhook_params(settings))
