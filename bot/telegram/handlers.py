"""Telegram wiring: which handler each update goes to, and the command menus.

No medical logic lives here or in the audience modules (private.py, groups.py, inline.py, admin.py): each
turns an update into one engine call and the engine's reply into messages (sending.py).
"""

from __future__ import annotations

import logging

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.questionlog import QuestionLog
from bot.service import EngineService
from bot.settings import Settings
from bot.telegram.admin import Admin
from bot.telegram.errors import ErrorReporter
from bot.telegram.feedback import Feedback
from bot.telegram.groups import Groups
from bot.telegram.inline import Inline
from bot.telegram.private import Conversation
from bot.telegram.sending import Responder
from bot.telegram.texts import bot_text

log = logging.getLogger(__name__)

# Command menus per audience: (command, key of its description in replies.yaml)
PRIVATE_COMMANDS = [
    ("start", "command_start"),
    ("help", "command_help"),
    ("drugs", "command_drugs"),
    ("drug", "command_drug"),
    ("privacy", "command_privacy"),
    ("forget", "command_forget"),
]
GROUP_COMMANDS = [
    ("drug", "command_drug"),
    ("help", "command_help_group"),
    ("drugs", "command_drugs"),
    ("privacy", "command_privacy"),
]
ADMIN_COMMANDS = [("reload", "command_reload"), ("stats", "command_stats"), ("report", "command_report")]


def unsupported(exc: TelegramError) -> bool:
    """Whether a call failed because the server lacks the method (404 after getMe worked, or 501)."""
    text = exc.message.lower()
    return isinstance(exc, InvalidToken) or "not implemented" in text or "method not found" in text


class DrugBot:
    """The Telegram front end over an `EngineService`."""

    def __init__(self, service: EngineService, settings: Settings, log: QuestionLog | None = None) -> None:
        self.service = service
        self.settings = settings
        self.log = log
        self.responder = Responder(service, settings, log)
        self.feedback = Feedback(self.responder)
        self.conversation = Conversation(self.responder, self.feedback)
        self.groups = Groups(self.responder)
        self.inline = Inline(self.responder)
        self.admin = Admin(self.responder)
        self.errors = ErrorReporter(self.responder)

    def register(self, app: Application) -> None:
        private = filters.ChatType.PRIVATE
        groups = filters.ChatType.GROUPS
        chat = self.conversation
        # plain questions first: they are most updates, and PTB stops at the first handler that matches
        text = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
        app.add_handler(MessageHandler(private & text, chat.private_text))
        # a channel's posts, and their automatic forwards into its discussion group, before group text and
        # commands: only a /drug command or a mention of the bot is answered
        forwarded = filters.UpdateType.MESSAGE & filters.IS_AUTOMATIC_FORWARD
        posts = filters.TEXT & (filters.UpdateType.CHANNEL_POST | forwarded)
        app.add_handler(MessageHandler(posts, self.groups.addressed_post))
        app.add_handler(MessageHandler(groups & text, self.groups.group_text))
        app.add_handler(CommandHandler("start", chat.start))
        app.add_handler(CommandHandler("help", chat.help))
        app.add_handler(CommandHandler("drugs", chat.drugs))
        app.add_handler(CommandHandler("drug", chat.drug_command))
        app.add_handler(CommandHandler("reload", self.admin.reload))
        app.add_handler(CommandHandler("stats", self.admin.stats))
        app.add_handler(CommandHandler("report", self.admin.report))
        app.add_handler(CommandHandler("privacy", self.feedback.privacy))
        app.add_handler(CommandHandler("forget", self.feedback.forget))
        app.add_handler(MessageHandler(private & filters.COMMAND, chat.help))
        app.add_handler(CallbackQueryHandler(chat.button))
        app.add_handler(InlineQueryHandler(self.inline.inline))
        app.add_error_handler(self.errors.on_error)

    def menus(self) -> list[tuple[str, list[BotCommand], BotCommandScope]]:
        """The command menu of each audience: private chats, groups, group admins, and the bot's own admins'
        private chats. /reload, /stats and /report appear only in the last two (group admins of any group see them;
        only DRUGBOT_ADMIN_IDS may use them)."""
        def menu(entries: list[tuple[str, str]]) -> list[BotCommand]:
            return [BotCommand(name, bot_text(key)) for name, key in entries]

        menus: list[tuple[str, list[BotCommand], BotCommandScope]] = [
            ("private", menu(PRIVATE_COMMANDS), BotCommandScopeAllPrivateChats()),
            ("groups", menu(GROUP_COMMANDS), BotCommandScopeAllGroupChats()),
            ("group admins", menu(GROUP_COMMANDS + ADMIN_COMMANDS), BotCommandScopeAllChatAdministrators()),
        ]
        for admin in sorted(self.settings.admin_ids):
            menus.append((f"admin {admin}", menu(PRIVATE_COMMANDS + ADMIN_COMMANDS), BotCommandScopeChat(admin)))
        return menus

    async def post_init(self, app: Application) -> None:
        """Register the command menus.

        Menus are a convenience: a server without setMyCommands (a test server, an old self-hosted one) gets
        one WARNING and no retries, and any other failure is a WARNING per menu (an admin who never opened a
        chat with the bot cannot get one); the bot starts either way.
        """
        for name, commands, scope in self.menus():
            try:
                await app.bot.set_my_commands(commands, scope=scope)
            except TelegramError as exc:
                if unsupported(exc):
                    log.warning("the Bot API server has no setMyCommands (%s): no command menus", exc.message)
                    return
                log.warning("could not set the %s command menu: %s", name, exc.message)
