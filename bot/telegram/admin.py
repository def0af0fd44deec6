"""Commands for the bot's administrators (DRUGBOT_ADMIN_IDS): /reload and /stats."""

from __future__ import annotations

import time
from datetime import timedelta

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.telegram.render import MESSAGE_LIMIT, escape
from bot.telegram.sending import Responder, with_retry


class Admin:
    """Admin-only commands; anyone else gets a polite refusal."""

    def __init__(self, responder: Responder) -> None:
        self.service = responder.service
        self.settings = responder.settings

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
        if result.ok:
            lines = [f"<b>Reloaded</b>: {result.drugs} monograph(s) in {result.seconds:.1f}s."]
        else:
            lines = [f"<b>Reload failed</b>, still serving {result.drugs} monograph(s): {escape(result.error or '')}"]
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
            f"Drugs loaded: {len(engine.drugs())} ({len(engine.corpus)} files incl. banned)",
            f"Bad files skipped: {len(engine.corpus.issues)}",
            f"Uptime: {uptime}",
            f"Questions answered: {sum(self.service.answered.values())} ({answered})",
        ]
        await with_retry(lambda: message.reply_html("\n".join(lines)), "sendMessage(stats)")
