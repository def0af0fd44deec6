"""Groups and channels: answer only what is addressed to the bot.

In a group that is a mention or a reply to one of its messages (commands go to their own handlers). In a
channel where the bot is an admin it sees every post, and answers (as a reply in the channel) only a `/drug ...`
command or a post that mentions it. A channel's linked discussion group is a group like any other, except that
the channel's posts arrive there as automatic forwards: one is answered only when it addresses the bot, never
because a command such as /help or /drugs happens to start it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from telegram import Message, MessageEntity, Update
from telegram.ext import ContextTypes

from bot.telegram.sending import Responder, with_retry

ASK_COMMAND = "drug"


class Groups:
    """The handlers for text in groups, supergroups and channels."""

    def __init__(self, responder: Responder) -> None:
        self.responder = responder

    async def addressed_post(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A channel post or a post auto-forwarded from a channel: answered only when it addresses the bot."""
        message = update.effective_message
        if message is None or not message.text:
            return
        bot = context.bot
        command = bot_command(message, bot.username or "")
        if command is not None:
            name, question = command
            if name != ASK_COMMAND:
                return
            if not question.strip():
                usage = self.responder.service.engine.lexicon.reply("drug_usage")
                await with_retry(lambda: message.reply_text(usage), "sendMessage(drug usage)")
                return
        else:
            question, mentioned = without_mention(message, bot.username or "", bot.id)
            if not mentioned:
                return
        await self.responder.answer(update, context, question.strip() or "help")

    async def group_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """In groups, answer only what is addressed to the bot: a mention or a reply to its message."""
        message = update.effective_message
        if message is None or not message.text:
            return
        bot = context.bot
        replied = message.reply_to_message
        is_reply = replied is not None and replied.from_user is not None and replied.from_user.id == bot.id
        text, mentioned = without_mention(message, bot.username or "", bot.id)
        if not (mentioned or is_reply):
            return
        if not text.strip():
            text = "help"
        await self.responder.answer(update, context, text)


def bot_command(message: Message, username: str) -> tuple[str, str] | None:
    """(command, the text after it) when the message starts with a command for this bot (`/drug` or
    `/drug@thisbot`, not `/drug@otherbot`); None otherwise."""
    text = message.text or ""
    for entity in message.entities:
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            word = message.parse_entity(entity)
            name, _, target = word[1:].partition("@")
            if target and target.lower() != username.lower():
                return None
            return name.lower(), text[len(word) :]
    return None


def without_mention(message: Message, username: str, bot_id: int) -> tuple[str, bool]:
    """The message text with the bot's mentions cut out, and whether the bot was mentioned.

    Telegram's mention entities decide when the message has any (cut at their UTF-16 offsets); otherwise the
    text is searched for the bot's exact @username as a whole word (`@drugbot_helper` is not `@drugbot`), and
    cut where it was found in the original text (lower-casing can change lengths: "İ" becomes two characters).
    """
    text = message.text or ""
    entities = [e for e in message.entities if e.type in (MessageEntity.MENTION, MessageEntity.TEXT_MENTION)]
    if entities:
        ours = [
            (e.offset, e.length)
            for e in entities
            if (e.type == MessageEntity.TEXT_MENTION and e.user is not None and e.user.id == bot_id)
            or (e.type == MessageEntity.MENTION and _is_username(message.parse_entity(e), username))
        ]
        return (_cut_utf16(text, ours), True) if ours else (text, False)
    if not username:
        return text, False
    cut, found = _mention_pattern(username).subn(" ", text)
    return cut, found > 0


@lru_cache(maxsize=8)
def _mention_pattern(username: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9_@])@{re.escape(username)}(?![A-Za-z0-9_])", re.IGNORECASE | re.ASCII)


def _is_username(mention: str, username: str) -> bool:
    """`@name` is the bot's username (Telegram usernames are ASCII and case-insensitive)."""
    return bool(username) and mention.isascii() and mention[1:].lower() == username.lower()


def _cut_utf16(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with each (offset, length) span, in UTF-16 code units as Telegram gives them, made a space."""
    data = text.encode("utf-16-le")
    units = len(data) // 2
    parts: list[str] = []
    position = 0
    for offset, length in sorted(spans):
        start, end = max(position, min(offset, units)), max(position, min(offset + length, units))
        parts += [data[2 * position : 2 * start].decode("utf-16-le", "replace"), " "]
        position = end
    parts.append(data[2 * position :].decode("utf-16-le", "replace"))
    return "".join(parts)
