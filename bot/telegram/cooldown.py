"""No spam in groups: the same question asked again within the cooldown points at the first answer.

"The same question" is one whose answer is the same part of the same monograph, however it was worded
("kadcyla dose?", "/drug dose of kadcyla"): repeating that answer would only fill the chat. Only answers from
monographs count; private chats are never limited.
"""

from __future__ import annotations

from collections import OrderedDict

from intents import Reply

CHATS_KEPT = 4096
ANSWERS_KEPT_PER_CHAT = 64


def answer_key(reply: Reply) -> tuple[str, str] | None:
    """What makes two answers the same: the monograph and the part of it; None for other replies."""
    if reply.sourced and reply.drug_id and reply.part:
        return reply.drug_id, reply.part
    return None


class RecentAnswers:
    """Per chat, the message each recent answer went out as (bounded: chats and answers per chat)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._chats: OrderedDict[int, OrderedDict[tuple[str, str], tuple[float, int]]] = OrderedDict()

    def earlier(self, chat_id: int, key: tuple[str, str], now: float) -> int | None:
        """The message id of the same answer in this chat within the cooldown, if there is one."""
        chat = self._chats.get(chat_id)
        seen = chat.get(key) if chat is not None else None
        if seen is None or now - seen[0] >= self.seconds:
            return None
        return seen[1]

    def remember(self, chat_id: int, key: tuple[str, str], message_id: int, now: float) -> None:
        answers = self._chats.setdefault(chat_id, OrderedDict())
        self._chats.move_to_end(chat_id)
        answers[key] = (now, message_id)
        answers.move_to_end(key)
        while len(answers) > ANSWERS_KEPT_PER_CHAT:
            answers.popitem(last=False)
        while len(self._chats) > CHATS_KEPT:
            self._chats.popitem(last=False)
