"""Unhandled errors: logged with the update, reported to the admins' error chat, apologised for only when the
user got no answer.

An error after the answer went out (a later message of a long reply, a button's bookkeeping) must not add
"Sorry, something went wrong" under a good answer. `DRUGBOT_ERROR_CHAT_ID` gets each distinct error (its type
and where it was raised) at most once a minute, so a failure repeated by every update does not flood it.
"""

from __future__ import annotations

import html
import json
import logging
import time
import traceback
from collections import OrderedDict

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.telegram.sending import Responder, with_retry

log = logging.getLogger(__name__)

REPORT_EVERY_SECONDS = 60.0
DUMP_LIMIT = 2000  # characters of an update kept in the log
# Telegram counts a message's visible text in UTF-16 units, at most 4096; the report's parts share it
REPORT_UPDATE_UNITS = 1000
REPORT_TRACE_UNITS = 2600
REPORT_HEADER_UNITS = 300
KEPT_ERROR_KEYS = 256


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def head(text: str, units: int) -> str:
    """The start of `text` within `units` UTF-16 units, marked when cut."""
    if utf16_units(text) <= units:
        return text
    kept = text.encode("utf-16-le")[: (units - 1) * 2].decode("utf-16-le", errors="ignore")
    return kept + "…"


def tail(text: str, units: int) -> str:
    """The end of `text` within `units` UTF-16 units (a traceback's end says the most), marked when cut."""
    if utf16_units(text) <= units:
        return text
    data = text.encode("utf-16-le")
    kept = data[len(data) - (units - 1) * 2 :].decode("utf-16-le", errors="ignore")
    return "…" + kept


def update_dump(update: object) -> str:
    """The update as readable JSON (not HTML-escaped: logs are read as text)."""
    if isinstance(update, Update):
        return json.dumps(update.to_dict(), ensure_ascii=False, default=str)
    return str(update)


def error_key(error: BaseException) -> str:
    """What makes errors "the same": their type and the line that raised them, not their changing message."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__module__}.{type(error).__qualname__}@{where}"


class ErrorReporter:
    """PTB's error handler for the whole application."""

    def __init__(self, responder: Responder) -> None:
        self.responder = responder
        self.service = responder.service
        self.chat_id = responder.settings.error_chat_id
        self._reported: OrderedDict[str, float] = OrderedDict()

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log every error with its update; a user sees at most a polite line, never a traceback."""
        error = context.error
        if isinstance(error, NetworkError | RetryAfter):
            log.warning("Telegram network trouble: %s", error)
            return
        dump = update_dump(update)
        log.error("error while handling an update: %s", dump[:DUMP_LIMIT], exc_info=error)
        if error is not None and self.chat_id is not None and self._due(error_key(error)):
            await self._report(context, error, dump)
        if not isinstance(update, Update) or update.effective_chat is None or update.effective_message is None:
            return
        if self.responder.was_answered(update.effective_message):
            return  # the answer is there; an apology under it would only confuse
        chat_id = update.effective_chat.id
        try:
            await context.bot.send_message(chat_id, self.service.engine.lexicon.reply("error"))
        except TelegramError:
            log.warning("could not tell chat %s about the error", chat_id)

    def _due(self, key: str, now: float | None = None) -> bool:
        """Whether an error of this kind may be reported now (and note that it is)."""
        now = time.monotonic() if now is None else now
        last = self._reported.get(key)
        if last is not None and now - last < REPORT_EVERY_SECONDS:
            return False
        self._reported[key] = now
        self._reported.move_to_end(key)
        while len(self._reported) > KEPT_ERROR_KEYS:
            self._reported.popitem(last=False)
        return True

    async def _report(self, context: ContextTypes.DEFAULT_TYPE, error: BaseException, dump: str) -> None:
        trace = "".join(traceback.format_exception(type(error), error, error.__traceback__)).strip()
        summary = f"{type(error).__name__}: {error}"
        header = head(self.service.engine.lexicon.reply("error_report", error=summary), REPORT_HEADER_UNITS)
        text = (
            f"<b>{html.escape(header)}</b>\n"
            f"<pre>{html.escape(head(dump, REPORT_UPDATE_UNITS))}</pre>\n"
            f"<pre>{html.escape(tail(trace, REPORT_TRACE_UNITS))}</pre>"
        )
        chat_id = self.chat_id
        if chat_id is None:
            return
        await with_retry(
            lambda: context.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML),
            f"sendMessage(error report to {chat_id})",
        )
