"""Commands for the bot's administrators (DRUGBOT_ADMIN_IDS): /reload, /stats and /report."""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import timedelta

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.questionlog import QuestionLog
from bot.questiontables import open_reader
from bot.report.data import Collected, Report, build, collect
from bot.report.html import render_html
from bot.report.synonyms import name_closest
from bot.report.text import summary
from bot.service import drug_counts
from bot.telegram.render import MESSAGE_LIMIT, escape
from bot.telegram.sending import Responder, with_retry
from bot.telegram.texts import bot_text
from intents import Engine


class Admin:
    """Admin-only commands; anyone else gets a polite refusal."""

    def __init__(self, responder: Responder) -> None:
        self.service = responder.service
        self.settings = responder.settings
        self.log = responder.log

    async def _admin_message(self, update: Update) -> Message | None:
        """The command's message when an administrator sent it; others get a polite refusal (and None)."""
        message = update.effective_message
        if message is None:
            return None
        user = update.effective_user
        if user is None or user.id not in self.settings.admin_ids:
            text = self.service.engine.lexicon.reply("admin_only")
            await with_retry(lambda: message.reply_text(text), "sendMessage(admin only)")
            return None
        return message

    async def reload(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = await self._admin_message(update)
        if message is None:
            return
        result = await self.service.reload()
        # counted as /stats counts them: the monographs served, and the banned ones, never served
        counts = f"{result.served} monograph(s) served, {result.banned} banned (never served)"
        if result.ok:
            lines = [f"<b>Reloaded</b>: {counts}, in {result.seconds:.1f}s."]
        else:
            lines = [f"<b>Reload failed</b>, still serving {counts}: {escape(result.error or '')}"]
        if result.issues:
            lines.append(f"{len(result.issues)} file(s) skipped:")
            lines += [f"• {escape(i.file)}: {escape(i.reason)}" for i in result.issues[:30]]
            if len(result.issues) > 30:
                lines.append(f"… and {len(result.issues) - 30} more (see `python -m bot check`).")
        if result.waiting:
            lines.append(f"{len(result.waiting)} file(s) still being written, read once unchanged for a moment:")
            lines += [f"• {escape(path)}" for path in result.waiting[:30]]
        text = "\n".join(lines)[:MESSAGE_LIMIT]
        await with_retry(lambda: message.reply_html(text), "sendMessage(reload report)")

    async def stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = await self._admin_message(update)
        if message is None:
            return
        engine = self.service.engine
        uptime = timedelta(seconds=int(time.time() - self.service.started_at))
        answered = ", ".join(f"{k} {v}" for k, v in sorted(self.service.answered.items())) or "none yet"
        lines = [
            "<b>drugbot statistics</b>",
            "Drugs loaded: {} served, {} banned (never served)".format(*drug_counts(engine)),
            f"Bad files skipped: {len(engine.corpus.issues)}",
            f"Uptime: {uptime}",
            f"Questions answered: {sum(self.service.answered.values())} ({answered})",
        ]
        await with_retry(lambda: message.reply_html("\n".join(lines)), "sendMessage(stats)")

    async def report(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The question log's five-line summary, and the whole report as an HTML document."""
        message = await self._admin_message(update)
        if message is None:
            return
        log = self.log
        if log is None:
            text = bot_text("report_off")
            await with_retry(lambda: message.reply_text(text), "sendMessage(report)")
            return
        engine = self.service.engine
        log.write_counts()  # the messages counted since the last row kept, so the report is current
        if log.store.path is None:  # a state kept in memory is read where it was opened, on the event loop
            collected = collect(log.store.read)
            report = await asyncio.to_thread(_report, collected, engine)
        else:  # a file: read and built in a thread, over a connection of its own
            report = await asyncio.to_thread(_report_of_file, log, engine)
        lines = "\n".join(summary(report))
        await with_retry(lambda: message.reply_text(lines), "sendMessage(report)")
        document = render_html(report).encode("utf-8")
        name = f"drugbot-report-{report.last}.html"
        caption = bot_text("report_caption", first=report.first, last=report.last)
        await with_retry(
            lambda: message.reply_document(document, filename=name, caption=caption), "sendDocument(report)"
        )


def _report(collected: Collected, engine: Engine) -> Report:
    report = build(collected)
    name_closest(report.names, engine)
    return report


def _report_of_file(log: QuestionLog, engine: Engine) -> Report:
    assert log.store.path is not None
    connection = open_reader(log.store.path)
    with contextlib.closing(connection):
        collected = collect(lambda sql, params: connection.execute(sql, params).fetchall())
    return _report(collected, engine)
