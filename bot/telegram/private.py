"""The conversation with one person: private messages, the commands anyone may use, and answer buttons.

The commands and buttons work in groups too (groups.py decides which group messages are addressed to the bot).
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import ContextTypes

from bot.telegram.askers import asker_of
from bot.telegram.deeplink import read_payload
from bot.telegram.feedback import Feedback
from bot.telegram.keyboards import drugs_page, options_markup, parse_data
from bot.telegram.sending import Responder, with_retry
from bot.telegram.texts import bot_text
from intents import Line


class Conversation:
    """Handlers for private text, /start, /help, /drugs, /drug and the buttons under answers."""

    def __init__(self, responder: Responder, feedback: Feedback) -> None:
        self.responder = responder
        self.service = responder.service
        self.feedback = feedback

    def _is_admin(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and user.id in self.responder.settings.admin_ids

    async def private_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        await self.responder.answer(update, context, message.text)

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Greet, or, opened from an inline result's link (`/start <payload>`), answer its question at once."""
        opened = read_payload(context.args[0]) if context.args else None
        message = update.effective_message
        if opened is not None and opened[0] == "q":
            await self.responder.answer(update, context, opened[1])
            return
        if opened is not None and len(opened) == 3 and message is not None:
            _, drug, part = opened
            reply = await self.responder.converse(
                message.chat_id,
                context.chat_data,
                lambda engine, current, now: engine.part(drug, part, current, now),
                text="",  # no message to read: a part of a drug
            )
            await self.responder.send_reply(message, reply, quote=message.chat.type != ChatType.PRIVATE)
            return
        await self.help(update, context, greet=True)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE, greet: bool = False) -> None:
        """How to ask, in one message with the disclaimer once; `/start` puts the greeting above it."""
        message = update.effective_message
        if message is None:
            return
        reply, _ = self.service.engine.respond("help")
        if greet:
            reply.lines.insert(0, Line(role="text", text=self.service.engine.lexicon.reply("greeting")))
        if message.chat.type != ChatType.PRIVATE:
            note = bot_text("help_group", bot=context.bot.username or "bot")
            # getMe says whether BotFather's privacy mode is off (the bot then reads every group message)
            privacy = "help_privacy_off" if context.bot.can_read_all_group_messages else "help_privacy_on"
            reply.lines += [Line(role="note", text=note), Line(role="note", text=bot_text(privacy))]
        await self.responder.send_reply(message, reply, quote=message.chat.type != ChatType.PRIVATE)

    async def drugs(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        engine = self.service.engine
        text, keyboard = drugs_page(engine.drugs(), 0, engine.lexicon, self._is_admin(update))
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
        await self.responder.answer(update, context, question)

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        press = parse_data(query.data)
        engine = self.service.engine
        if press is None:  # an old or forged button: say so in the little popup, send nothing
            stale = engine.lexicon.reply("stale_button")
            await with_retry(lambda: query.answer(text=stale), "answerCallbackQuery")
            return
        if press.action == "vote":  # answered with its own popup
            await self.feedback.vote(update, query, press)
            return
        await with_retry(lambda: query.answer(), "answerCallbackQuery")
        message = query.message if isinstance(query.message, Message) else None
        if message is None:
            return
        if press.action == "page":
            text, keyboard = drugs_page(engine.drugs(), press.page, engine.lexicon, self._is_admin(update))
            await with_retry(
                lambda: query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard),
                "editMessageText(drugs)",
            )
            return
        if press.action == "list":
            markup = options_markup(engine.part(press.drug_id, press.part)[0], engine.lexicon, press.page)
            page = InlineKeyboardMarkup.de_json(markup, query.get_bot()) if markup else None
            await with_retry(lambda: query.edit_message_reply_markup(page), "editMessageReplyMarkup(page)")
            return
        drug, part = press.drug_id, press.part
        reply = await self.responder.converse(
            message.chat_id,
            context.chat_data,
            (lambda engine, current, now: engine.part(drug, part, current, now))
            if press.action == "part"
            else (lambda engine, current, now: engine.pick(drug, current, now)),
            text="",  # no message to read: a part of a drug
        )
        _, buttons = await self.responder.send_reply(message, reply, quote=False)
        log = self.responder.log
        if log is not None and (who := asker_of(update)) is not None:  # kept when it follows a reply the log kept
            button = {"action": press.action, "drug_id": drug, "part": part or None}
            log.press(update.update_id, who, message.message_id, button, reply, buttons)
