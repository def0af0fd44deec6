"""Groups: answer only what is addressed to the bot (a mention or a reply to one of its messages)."""

from __future__ import annotations

from telegram import Message, MessageEntity, Update
from telegram.ext import ContextTypes

from bot.telegram.sending import Responder


class Groups:
    """The handler for plain text in groups and supergroups."""

    def __init__(self, responder: Responder) -> None:
        self.responder = responder

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


def without_mention(message: Message, username: str, bot_id: int) -> tuple[str, bool]:
    """The message text with @botname removed, and whether the bot was mentioned."""
    text = message.text or ""
    mentioned = False
    spans = []
    for entity, value in message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items():
        is_bot = (entity.type == MessageEntity.MENTION and value.lstrip("@").lower() == username.lower()) or (
            entity.type == MessageEntity.TEXT_MENTION and entity.user is not None and entity.user.id == bot_id
        )
        if is_bot:
            mentioned = True
            spans.append(value)
    for value in spans:
        text = text.replace(value, " ")
    if not mentioned and username and f"@{username.lower()}" in text.lower():
        mentioned = True
        index = text.lower().index(f"@{username.lower()}")
        text = text[:index] + " " + text[index + len(username) + 1 :]
    return text, mentioned
