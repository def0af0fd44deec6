"""PTB persistence over the SQLite state store: chat data only, JSON only, loaded once at start.

The per-update writes happen in `DurableApplication` (each update's chat is saved when the update is
answered); PTB's own interval flush and its flush at shutdown go through `update_chat_data` too.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from bot.state import StateStore

FLUSH_SECONDS = 600  # PTB's periodic flush; every answered update is already saved on its own


class SQLitePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Chat data in a `StateStore`; user data, bot data, callback data and conversations are not kept."""

    def __init__(self, store: StateStore) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=True, user_data=False, callback_data=False),
            update_interval=FLUSH_SECONDS,
        )
        self.store = store

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return dict(self.store.chats())

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        self.store.save_chat(chat_id, data)

    async def drop_chat_data(self, chat_id: int) -> None:
        self.store.drop_chat(chat_id)

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def flush(self) -> None:
        self.store.close()

    # --- what this bot does not keep ---------------------------------------------------------------

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> dict[Any, Any]:
        return {}

    async def update_conversation(self, name: str, key: Any, new_state: object | None) -> None:
        return None

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        return None

    async def drop_user_data(self, user_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None
