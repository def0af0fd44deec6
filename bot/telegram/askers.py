"""Who asked, in what kind of chat: what the question log needs from an update (it hashes the ids itself)."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType

from bot.questionlog import Asker

CHAT_KINDS: dict[str, str] = {
    ChatType.PRIVATE: "private",
    ChatType.SENDER: "private",
    ChatType.GROUP: "group",
    ChatType.SUPERGROUP: "group",
    ChatType.CHANNEL: "channel",
}


def asker_of(update: Update) -> Asker | None:
    """The asker of an update: the person who sent it or pressed the button, or the chat a message was posted
    on behalf of (a channel, a group's anonymous admin); None when the update has neither."""
    if update.inline_query is not None:
        return Asker(update.inline_query.from_user.id, None, "inline")
    chat = update.effective_chat
    kind = CHAT_KINDS.get(chat.type, "group") if chat is not None else "inline"  # a button under an inline answer
    chat_id = chat.id if chat is not None else None
    if update.callback_query is not None:
        return Asker(update.callback_query.from_user.id, chat_id, kind)
    message = update.effective_message
    sender = message.sender_chat if message is not None else None
    if sender is not None:
        return Asker(sender.id, chat_id, kind)
    user = update.effective_user
    return Asker(user.id, chat_id, kind) if user is not None else None
