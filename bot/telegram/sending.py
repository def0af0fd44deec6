"""What every audience's handlers share: retrying Bot API calls, the chat's context, and sending a reply.

A reply goes out as escaped HTML with its buttons, retrying what Telegram's network errors let it retry; the
chat's context lives in PTB's chat_data (saved per update in the state store) as a plain dict. The engine runs
in the service's threads, never on the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from functools import partial
from typing import Any, TypeVar

from telegram import Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import ContextTypes
from telegram.warnings import PTBUserWarning

from bot.questionlog import QuestionLog
from bot.service import EngineService
from bot.settings import Settings
from bot.telegram.askers import asker_of
from bot.telegram.cooldown import RecentAnswers, answer_key
from bot.telegram.keyboards import options_markup
from bot.telegram.render import MESSAGE_LIMIT, to_html_messages
from intents import ChatContext, Engine, Reply, Trace, with_source

log = logging.getLogger(__name__)
# send_reply calls sendMessage through do_api_request on purpose (see its docstring); PTB warns about that.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.sendMessage'", category=PTBUserWarning)

T = TypeVar("T")
SEND_ATTEMPTS = 4
CONTEXT_KEY = "ctx"
ANSWERED_KEPT = 1024


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def with_retry(call: Callable[[], Awaitable[T]], what: str) -> T | None:
    """Run a Bot API call, waiting out flood limits (429) and retrying network errors with backoff.

    Returns None when the call cannot succeed (the user blocked the bot, or retries ran out): that is logged,
    never raised, so one failed message never stops the bot.
    """
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            return await call()
        except RetryAfter as exc:
            wait = _seconds(exc.retry_after)
            log.warning("%s: flood limit, retrying in %.1fs (attempt %d)", what, wait, attempt)
            await asyncio.sleep(min(wait, 60))
        except Forbidden as exc:
            log.info("%s: not allowed (%s)", what, exc.message)
            return None
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return None
            log.error("%s: rejected by Telegram: %s", what, exc.message)
            return None
        except NetworkError as exc:  # includes TimedOut and 5xx answers
            if attempt == SEND_ATTEMPTS:
                log.error("%s: giving up after %d attempts: %s", what, attempt, exc)
                return None
            log.warning("%s: network error (%s), retrying (attempt %d)", what, exc, attempt)
            await asyncio.sleep(0.2 * 2 ** (attempt - 1))
    log.error("%s: still flood-limited after %d attempts", what, SEND_ATTEMPTS)
    return None


def chat_context(chat_data: dict[Any, Any] | None) -> ChatContext:
    """The chat's context from chat_data, where it is kept as a plain dict (saved as JSON in the state store)."""
    raw = (chat_data or {}).get(CONTEXT_KEY)
    if not isinstance(raw, dict):
        return ChatContext()
    try:
        return ChatContext.model_construct(
            drug_id=raw.get("drug_id"),
            updated_at=float(raw.get("updated_at") or 0.0),
            pending=raw.get("pending"),
        )
    except (TypeError, ValueError):
        return ChatContext()


def keep_context(chat_data: dict[Any, Any] | None, context: ChatContext) -> None:
    if chat_data is not None:
        chat_data[CONTEXT_KEY] = {
            "drug_id": context.drug_id,
            "updated_at": context.updated_at,
            "pending": context.pending,
        }


EngineCall = Callable[[Engine, ChatContext, float], tuple[Reply, ChatContext]]


class ChatTurns:
    """A queue per chat, so that chat's engine calls run one after another (see `Responder.converse`)."""

    def __init__(self) -> None:
        self._locks: dict[int | None, asyncio.Lock] = {}
        self._waiting: Counter[int | None] = Counter()

    @asynccontextmanager
    async def turn(self, chat_id: int | None) -> AsyncIterator[None]:
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._waiting[chat_id] += 1
        try:
            async with lock:
                yield
        finally:
            self._waiting[chat_id] -= 1
            if not self._waiting[chat_id]:  # nobody else queued: forget the chat
                del self._waiting[chat_id], self._locks[chat_id]


class Responder:
    """The engine behind every handler: asks it with the chat's context and sends what it replies."""

    def __init__(self, service: EngineService, settings: Settings, log: QuestionLog | None = None) -> None:
        self.service = service
        self.settings = settings
        self.log = log  # the question log (None: the state file cannot hold one)
        self.feedback = settings.feedback and log is not None and log.recording  # 👍/👎 in private chats
        # messages (chat id, message id) whose answer went out, so an error after it brings no apology
        self._answered: OrderedDict[tuple[int, int], None] = OrderedDict()
        self.recent = RecentAnswers(settings.group_cooldown)
        self._turns = ChatTurns()

    def was_answered(self, message: Message) -> bool:
        return (message.chat_id, message.message_id) in self._answered

    def _mark_answered(self, message: Message) -> None:
        self._answered[(message.chat_id, message.message_id)] = None
        while len(self._answered) > ANSWERED_KEPT:
            self._answered.popitem(last=False)

    async def converse(
        self, chat_id: int | None, chat_data: dict[Any, Any] | None, call: EngineCall, text: str | None = None
    ) -> Reply:
        """Run `call(engine, the chat's context, now)` (in an engine thread unless it cannot be slow: see
        `EngineService.run`) and keep the context it returns. `text` is the message it reads ("" for a button).

        One call at a time per chat, so a follow-up sent right after a question reads the context the question
        left; other chats' calls run meanwhile. (The application already handles one chat's updates one after
        another, replies included: see `bot.telegram.ordering`; this keeps any other caller in turn too.)
        """
        engine = self.service.engine
        async with self._turns.turn(chat_id):
            reply, context = await self.service.run(call, engine, chat_context(chat_data), time.time(), text=text)
            keep_context(chat_data, context)
        self.service.count(reply)
        return reply

    async def ask(self, text: str, chat_id: int | None, chat_data: dict[Any, Any] | None) -> Trace:
        """Answer `text` with the chat's context; the trace of every stage (its reply is `trace.reply`)."""
        traces: list[Trace] = []

        def call(engine: Engine, context: ChatContext, now: float) -> tuple[Reply, ChatContext]:
            trace, after = engine.respond_traced(text, context, now)
            traces.append(trace)
            assert trace.reply is not None
            return trace.reply, after

        await self.converse(chat_id, chat_data, call, text)
        return traces[0]

    async def send_reply(self, message: Message, reply: Reply, quote: bool) -> tuple[int | None, int | None]:
        """Send a reply as one or more HTML messages; the buttons go with the last one (with 👍/👎 under a
        confident answer in a private chat). Returns the ids of the first message sent and of the one with the
        buttons (None when not sent).

        Sent with `do_api_request` and no return type: the Message Telegram echoes back is never used, and
        not turning it (with its keyboard) into PTB objects saves a third of the CPU an answer costs.
        """
        lexicon = self.service.engine.lexicon
        chunks = to_html_messages(with_source(reply, lexicon), MESSAGE_LIMIT)
        feedback = self.feedback and message.chat.type == ChatType.PRIVATE
        markup = options_markup(reply, lexicon, feedback=feedback)
        bot = message.get_bot()
        first: int | None = None
        last: int | None = None
        for index, chunk in enumerate(chunks):
            params: dict[str, Any] = {
                "chat_id": message.chat_id,
                "text": chunk,
                "parse_mode": ParseMode.HTML,
                "link_preview_options": {"is_disabled": True},
            }
            if markup and index == len(chunks) - 1:
                params["reply_markup"] = markup
            if quote and index == 0:
                params["reply_parameters"] = {"message_id": message.message_id, "allow_sending_without_reply": True}
            if message.is_topic_message and message.message_thread_id:
                params["message_thread_id"] = message.message_thread_id
            send: Callable[[], Awaitable[Any]] = partial(bot.do_api_request, "sendMessage", api_kwargs=params)
            sent = await with_retry(
                send,
                f"sendMessage(chat {message.chat_id})",
            )
            sent_id = sent.get("message_id") if isinstance(sent, dict) else None
            if sent is not None and index == 0:
                self._mark_answered(message)
                first = sent_id
            if index == len(chunks) - 1:
                last = sent_id
        return first, last

    async def answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
        """Answer a question asked in the update's message (quoting it outside private chats)."""
        message = update.effective_message
        if message is None:
            return
        trace = await self.ask(text, message.chat_id, context.chat_data)
        reply = trace.reply
        assert reply is not None
        buttons: int | None = None
        if message.chat.type == ChatType.PRIVATE:
            _, buttons = await self.send_reply(message, reply, quote=False)
        else:
            key = answer_key(reply) if self.recent.seconds > 0 else None
            now = time.monotonic()
            earlier = self.recent.earlier(message.chat_id, key, now) if key else None
            if earlier is not None:
                await self._point_to(message, earlier)
            else:
                first, buttons = await self.send_reply(message, reply, quote=True)
                if key and first is not None:
                    self.recent.remember(message.chat_id, key, first, now)
        if self.log is not None and (who := asker_of(update)) is not None:
            self.log.question(update.update_id, who, text, trace, buttons)

    async def _point_to(self, message: Message, earlier: int) -> None:
        """A short reply to the earlier answer (so tapping it shows the answer) instead of a second copy."""
        text = self.service.engine.lexicon.reply("already_answered")
        params: dict[str, Any] = {
            "chat_id": message.chat_id,
            "text": text,
            "reply_parameters": {"message_id": earlier, "allow_sending_without_reply": True},
        }
        if message.is_topic_message and message.message_thread_id:
            params["message_thread_id"] = message.message_thread_id
        sent = await with_retry(
            lambda: message.get_bot().do_api_request("sendMessage", api_kwargs=params),
            f"sendMessage(chat {message.chat_id}, pointer)",
        )
        if sent is not None:
            self._mark_answered(message)
