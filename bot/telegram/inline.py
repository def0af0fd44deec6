"""Inline mode (`@bot kadcyla dose` in any chat): answers offered as articles to pick and send."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.telegram.askers import asker_of
from bot.telegram.deeplink import start_link, start_payload
from bot.telegram.render import MESSAGE_LIMIT, escape, plain_preview, to_html_messages
from bot.telegram.sending import Responder, with_retry
from bot.telegram.texts import bot_text
from intents import FAQ_LIST_KEY, PATH_SEP, ChatContext, Kind, Reply, Trace, isolate_bidi, source_note

INLINE_CACHE_SECONDS = 300
INLINE_MAX_RESULTS = 12


class Inline:
    """The inline query handler."""

    def __init__(self, responder: Responder) -> None:
        self.service = responder.service
        self.log = responder.log

    async def inline(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        inline_query = update.inline_query
        if inline_query is None:
            return
        results, trace = await self.service.run(self.inline_results, inline_query.query, context.bot.username or "")
        await with_retry(
            lambda: inline_query.answer(results, cache_time=INLINE_CACHE_SECONDS, is_personal=False),
            "answerInlineQuery",
        )
        who = asker_of(update)
        if self.log is not None and who is not None and trace is not None:
            self.log.inline(update.update_id, who, inline_query.query.strip(), trace)

    def inline_results(self, query: str, username: str = "") -> tuple[list[InlineQueryResultArticle], Trace | None]:
        """The best answer first, then the drug's other sections; a hint when nothing matches. Each answer
        carries a button opening a private chat with the bot on it (when the bot's username is known). Run in an
        engine thread: a query arrives with each keystroke. Also the trace of the query's own answer (None for
        an empty query), for the question log."""
        engine = self.service.engine
        query = query.strip()
        replies: list[Reply] = []
        direct: Reply | None = None  # the reply that answers the query itself (its link carries the question)
        trace: Trace | None = None
        if query:
            trace, _ = engine.respond_traced(query)
            reply = trace.reply
            assert reply is not None
            self.service.count(reply)
            if reply.sourced and reply.drug_id:
                direct = reply
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
            text = bot_text("inline_hint", example=example)
            hint = InlineQueryResultArticle(
                id="hint",
                title=bot_text("inline_hint_title"),
                description=text,
                input_message_content=InputTextMessageContent(escape(text), parse_mode=ParseMode.HTML),
            )
            return [hint], trace
        articles = []
        seen: set[str] = set()
        for reply in replies:
            key = f"{reply.drug_id or 'x'}:{reply.part or reply.kind.value}"[:64]
            if key in seen:
                continue
            seen.add(key)
            chunks = to_html_messages(reply, MESSAGE_LIMIT - 400)
            more = f"\n<i>{escape(bot_text('inline_continued'))}</i>"
            note = source_note(reply, engine.lexicon)
            source = f"\n\n<i>{escape(note.text)}</i>" if note else ""
            body = chunks[0] + (more if len(chunks) > 1 else "") + source
            title = article_title(reply)
            payload = start_payload(query if reply is direct else None, reply) if username else None
            private = bot_text("inline_private")
            button = InlineKeyboardButton(private, url=start_link(username, payload or ""))
            articles.append(
                InlineQueryResultArticle(
                    id=key,
                    title=title,
                    description=plain_preview(reply),
                    input_message_content=InputTextMessageContent(body, parse_mode=ParseMode.HTML),
                    reply_markup=InlineKeyboardMarkup([[button]]) if payload else None,
                )
            )
        return articles, trace


def article_title(reply: Reply, size: int = 120) -> str:
    """The article's title, "Drug: Section › Subsection", each name in its own run, cut to `size` characters."""
    drug = isolate_bidi(reply.drug) if reply.drug else ""
    path = PATH_SEP.join(isolate_bidi(heading) for heading in reply.section) if reply.section else drug or "drugbot"
    return isolate_bidi((f"{drug}: {path}" if drug else path)[:size])
