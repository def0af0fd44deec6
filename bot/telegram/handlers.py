"""Telegram handlers: each turns an update into one engine call and the engine's reply into messages.

No medical logic lives here; the engine decides what to answer. This layer decides who is addressed (private
chat, group mention, reply, command, inline query), keeps each chat's context in PTB's chat_data (persisted),
and sends the reply as escaped HTML with buttons, retrying what Telegram's network errors let it retry.
"""

from __future__ import annotations

import asyncio
import html
import logging
import time
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.service import EngineService
from bot.settings import Settings
from bot.telegram.keyboards import drugs_page, options_markup, parse_data
from bot.telegram.render import MESSAGE_LIMIT, escape, plain_preview, to_html_messages
from intents.answers import PATH_SEP
from intents.engine import FAQ_LIST_KEY
from intents.models import ChatContext, Kind, Line, Reply

log = logging.getLogger(__name__)
# send_reply calls sendMessage through do_api_request on purpose (see its docstring); PTB warns about that.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.sendMessage'", category=PTBUserWarning)

T = TypeVar("T")
SEND_ATTEMPTS = 4
INLINE_CACHE_SECONDS = 300
INLINE_MAX_RESULTS = 12
CONTEXT_KEY = "ctx"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

PRIVATE_COMMANDS = [
    BotCommand("start", "What this bot does"),
    BotCommand("help", "How to ask, with examples"),
    BotCommand("drugs", "List the drugs I know"),
    BotCommand("drug", "Ask about a drug: /drug kadcyla dose"),
]
GROUP_COMMANDS = [
    BotCommand("drug", "Ask about a drug: /drug kadcyla dose"),
    BotCommand("help", "How to ask me in a group"),
]


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


class DrugBot:
    """The Telegram front end over an `EngineService`."""

    def __init__(self, service: EngineService, settings: Settings) -> None:
        self.service = service
        self.settings = settings

    # --- wiring -------------------------------------------------------------------------------------

    def register(self, app: Application) -> None:
        private = filters.ChatType.PRIVATE
        groups = filters.ChatType.GROUPS
        # plain questions first: they are most updates, and PTB stops at the first handler that matches
        text = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
        app.add_handler(MessageHandler(private & text, self.private_text))
        app.add_handler(MessageHandler(groups & text, self.group_text))
        app.add_handler(CommandHandler("start", self.start))
        app.add_handler(CommandHandler("help", self.help))
        app.add_handler(CommandHandler("drugs", self.drugs))
        app.add_handler(CommandHandler("drug", self.drug_command))
        app.add_handler(CommandHandler("reload", self.reload))
        app.add_handler(CommandHandler("stats", self.stats))
        app.add_handler(MessageHandler(private & filters.COMMAND, self.help))
        app.add_handler(CallbackQueryHandler(self.button))
        app.add_handler(InlineQueryHandler(self.inline))
        app.add_error_handler(self.on_error)

    async def post_init(self, app: Application) -> None:
        """Register the command menus (private and group scopes)."""
        await with_retry(
            lambda: app.bot.set_my_commands(PRIVATE_COMMANDS, scope=BotCommandScopeAllPrivateChats()),
            "setMyCommands(private)",
        )
        await with_retry(
            lambda: app.bot.set_my_commands(GROUP_COMMANDS, scope=BotCommandScopeAllGroupChats()),
            "setMyCommands(groups)",
        )

    # --- engine calls and sending -----------------------------------------------------------------

    @staticmethod
    def _context(chat_data: dict[Any, Any] | None) -> ChatContext:
        """The chat's context from chat_data, where it is kept as a plain dict (pickled by persistence)."""
        raw = (chat_data or {}).get(CONTEXT_KEY)
        if not isinstance(raw, dict):
            return ChatContext()
        try:
            return ChatContext.model_construct(
                drug_id=raw.get("drug_id"),
                topic=raw.get("topic"),
                updated_at=float(raw.get("updated_at") or 0.0),
                pending=raw.get("pending"),
            )
        except (TypeError, ValueError):
            return ChatContext()

    @staticmethod
    def _keep(chat_data: dict[Any, Any] | None, context: ChatContext) -> None:
        if chat_data is not None:
            chat_data[CONTEXT_KEY] = {
                "drug_id": context.drug_id,
                "topic": context.topic,
                "updated_at": context.updated_at,
                "pending": context.pending,
            }

    def _ask(self, text: str, chat_data: dict[Any, Any] | None) -> Reply:
        reply, context = self.service.engine.respond(text, self._context(chat_data), time.time())
        self._keep(chat_data, context)
        self.service.count(reply)
        return reply

    async def send_reply(self, message: Message, reply: Reply, quote: bool) -> None:
        """Send a reply as one or more HTML messages; the buttons go with the last one.

        Sent with `do_api_request` and no return type: the Message Telegram echoes back is never used, and
        not turning it (with its keyboard) into PTB objects saves a third of the CPU an answer costs.
        """
        chunks = to_html_messages(reply, MESSAGE_LIMIT)
        markup = options_markup(reply.options, self.service.engine.lexicon.reply("all_sections"))
        bot = message.get_bot()
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
            await with_retry(
                lambda params=params: bot.do_api_request("sendMessage", api_kwargs=params),
                f"sendMessage(chat {message.chat_id})",
            )

    async def _answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
        message = update.effective_message
        if message is None:
            return
        reply = self._ask(text, context.chat_data)
        quote = message.chat.type != ChatType.PRIVATE
        await self.send_reply(message, reply, quote)

    # --- commands -------------------------------------------------------------------------------------

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._answer(update, context, "hello")
        await self.help(update, context)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        reply, _ = self.service.engine.respond("help")
        if message.chat.type != ChatType.PRIVATE:
            text = self.service.engine.lexicon.reply("help_group", bot=context.bot.username or "bot")
            reply.lines.append(Line(role="note", text=text))
        await self.send_reply(message, reply, quote=message.chat.type != ChatType.PRIVATE)

    async def drugs(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        text, keyboard = drugs_page(self.service.engine.drugs(), 0, self.service.engine.lexicon)
        await with_retry(
            lambda: message.reply_html(text, reply_markup=keyboard, do_quote=message.chat.type != ChatType.PRIVATE),
            "sendMessage(drugs)",
        )

    async def drug_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        question = " ".join(context.args or []).strip()
        if not question:
            message = update.effective_message
            if message is not None:
                usage = self.service.engine.lexicon.reply("drug_usage")
                await with_retry(lambda: message.reply_text(usage), "sendMessage(drug usage)")
            return
        await self._answer(update, context, question)

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

    # --- plain messages ---------------------------------------------------------------------------------

    async def private_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        await self._answer(update, context, message.text)

    async def group_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """In groups, answer only what is addressed to the bot: a mention or a reply to its message."""
        message = update.effective_message
        if message is None or not message.text:
            return
        bot = context.bot
        replied = message.reply_to_message
        is_reply = replied is not None and replied.from_user is not None and replied.from_user.id == bot.id
        text, mentioned = self._without_mention(message, bot.username or "", bot.id)
        if not (mentioned or is_reply):
            return
        if not text.strip():
            text = "help"
        await self._answer(update, context, text)

    @staticmethod
    def _without_mention(message: Message, username: str, bot_id: int) -> tuple[str, bool]:
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

    # --- buttons -------------------------------------------------------------------------------------

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        data = parse_data(query.data)
        await with_retry(lambda: query.answer(), "answerCallbackQuery")
        message = query.message if isinstance(query.message, Message) else None
        if not data or message is None:
            return
        engine = self.service.engine
        if data[0] == "g":
            text, keyboard = drugs_page(engine.drugs(), int(data[1]) if data[1].isdigit() else 0, engine.lexicon)
            await with_retry(
                lambda: query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard),
                "editMessageText(drugs)",
            )
            return
        chat_context = self._context(context.chat_data)
        if data[0] == "p":
            reply, chat_context = engine.part(data[1], data[2], chat_context, time.time())
        else:
            reply, chat_context = engine.pick(data[1], chat_context, time.time())
        self._keep(context.chat_data, chat_context)
        self.service.count(reply)
        await self.send_reply(message, reply, quote=False)

    # --- inline mode ---------------------------------------------------------------------------------

    async def inline(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        inline_query = update.inline_query
        if inline_query is None:
            return
        results = self.inline_results(inline_query.query)
        await with_retry(
            lambda: inline_query.answer(results, cache_time=INLINE_CACHE_SECONDS, is_personal=False),
            "answerInlineQuery",
        )

    def inline_results(self, query: str) -> list[InlineQueryResultArticle]:
        """The best answer first, then the drug's other sections; a hint when nothing matches."""
        engine = self.service.engine
        query = query.strip()
        replies: list[Reply] = []
        if query:
            reply, _ = engine.respond(query)
            self.service.count(reply)
            if reply.kind in (Kind.FAQ, Kind.SECTION, Kind.LISTING) and reply.drug_id:
                replies.append(reply)
                for option in reply.options:
                    if option.part and option.part != FAQ_LIST_KEY and len(replies) < INLINE_MAX_RESULTS:
                        replies.append(engine.part(option.drug_id, option.part)[0])
            elif reply.kind == Kind.CLARIFY:
                pending = ChatContext(pending=query)
                replies = [engine.pick(o.drug_id, pending)[0] for o in reply.options[:INLINE_MAX_RESULTS]]
            elif reply.kind == Kind.REFUSE:
                replies.append(reply)
        if not replies:
            example = engine.example_name() or "kadcyla"
            text = engine.lexicon.reply("inline_hint", example=example)
            return [
                InlineQueryResultArticle(
                    id="hint",
                    title=engine.lexicon.reply("inline_hint_title"),
                    description=text,
                    input_message_content=InputTextMessageContent(escape(text), parse_mode=ParseMode.HTML),
                )
            ]
        articles = []
        seen: set[str] = set()
        for reply in replies:
            key = f"{reply.drug_id or 'x'}:{reply.part or reply.kind.value}"[:64]
            if key in seen:
                continue
            seen.add(key)
            chunks = to_html_messages(reply, MESSAGE_LIMIT - 60)
            more = f"\n<i>{escape(engine.lexicon.reply('inline_continued'))}</i>"
            body = chunks[0] + (more if len(chunks) > 1 else "")
            title = PATH_SEP.join(reply.section) if reply.section else (reply.drug or "drugbot")
            articles.append(
                InlineQueryResultArticle(
                    id=key,
                    title=f"{reply.drug}: {title}"[:120] if reply.drug else title[:120],
                    description=plain_preview(reply),
                    input_message_content=InputTextMessageContent(body, parse_mode=ParseMode.HTML),
                )
            )
        return articles

    # --- errors --------------------------------------------------------------------------------------

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log every error with its update; a user sees at most a polite line, never a traceback."""
        error = context.error
        if isinstance(error, NetworkError | RetryAfter):
            log.warning("Telegram network trouble: %s", error)
            return
        summary = html.escape(str(update.to_dict() if isinstance(update, Update) else update))[:2000]
        log.error("error while handling an update: %s", summary, exc_info=error)
        if isinstance(update, Update) and update.effective_chat and update.effective_message:
            chat_id = update.effective_chat.id
            try:
                await context.bot.send_message(chat_id, self.service.engine.lexicon.reply("error"))
            except TelegramError:
                log.warning("could not tell chat %s about the error", chat_id)
