"""What users see of the question log: 👍/👎 under answers, `/privacy` (what is kept) and `/forget`.

The log itself (what is kept, hashed, deleted) is `bot.questionlog`; here each update becomes one call to it and
one message or popup.
"""

from __future__ import annotations

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.telegram.askers import asker_of
from bot.telegram.keyboards import VOTES, Press
from bot.telegram.sending import Responder, with_retry
from bot.telegram.texts import bot_text
from intents import Kind


class Feedback:
    """Votes on answers and the asker's say over what the log keeps."""

    def __init__(self, responder: Responder) -> None:
        self.responder = responder
        self.service = responder.service
        self.log = responder.log

    async def vote(self, update: Update, query: CallbackQuery, press: Press) -> None:
        """Record a 👍/👎 on the answer it is under (one per person and answer; another tap changes it) and say
        so in a popup. A vote the bot cannot have offered (outside private chats, on a drug or part no longer
        there) gets the "no longer works" popup."""
        message = query.message if isinstance(query.message, Message) else None
        who = asker_of(update)
        engine = self.service.engine
        reply = engine.part(press.drug_id, press.part)[0] if engine.corpus.get(press.drug_id) else None
        if (
            not self.responder.feedback
            or self.log is None
            or message is None
            or message.chat.type != ChatType.PRIVATE
            or who is None
            or reply is None
            or reply.kind not in (Kind.FAQ, Kind.SECTION)
        ):
            stale = engine.lexicon.reply("stale_button")
            await with_retry(lambda: query.answer(text=stale), "answerCallbackQuery(vote)")
            return
        before = self.log.voted(who, message.message_id)
        vote = 1 if press.up else -1
        mark = VOTES["u" if press.up else "d"]
        if before == vote:
            text = bot_text("vote_same", vote=mark)
        else:
            self.log.vote(update.update_id, who, message.message_id, reply, press.up)
            text = bot_text("vote_changed", vote=mark) if before else bot_text("vote_up" if press.up else "vote_down")
        await with_retry(lambda: query.answer(text=text), "answerCallbackQuery(vote)")

    async def privacy(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """What the bot keeps, and for how long."""
        message = update.effective_message
        if message is None:
            return
        recording = self.log is not None and self.log.recording
        text = (
            bot_text("privacy_log", days=str(self.log.days)) if recording and self.log else bot_text("privacy_no_log")
        )
        quote = message.chat.type != ChatType.PRIVATE
        await with_retry(lambda: message.reply_text(text, do_quote=quote), "sendMessage(privacy)")

    async def forget(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Delete the asker's rows of the log and this chat's context, in this update's transaction, and say so."""
        message = update.effective_message
        if message is None:
            return
        who = asker_of(update)
        count = self.log.forget(update.update_id, who) if self.log is not None and who is not None else 0
        if context.chat_data is not None:
            context.chat_data.clear()  # an empty context is saved as no row (bot.state)
        text = bot_text("forgot", count=f"{count:,}")
        quote = message.chat.type != ChatType.PRIVATE
        await with_retry(lambda: message.reply_text(text, do_quote=quote), "sendMessage(forget)")
