"""Groups and channels: answer only what is addressed to the bot.

In a group that is a mention or a reply to one of its messages (commands go to their own handlers). In a
channel where the bot is an admin it sees every post, and answers (as a reply in the channel) only a `/drug ...`
command or a post that mentions it. A channel's linked discussion group is a group like any other, except that
the channel's posts arrive there as automatic forwards: one is answered only when it addresses the bot, never
because a command such as /help or /drugs happens to start it.
"""

from __future__ import annotations

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
