"""Menus fit the chat: command menus per audience, and /help in a group saying what the bot can see."""

from __future__ import annotations

from tests.bot.telegram.telegram_harness import ADMIN, GROUP, running_bot, sent_to

ADMIN_ONLY = {"reload", "stats", "report"}


async def test_each_audience_gets_its_own_command_menu(api, tmp_path):
    async with running_bot(api, tmp_path):
        await api.wait_for("setMyCommands", count=4)
    menus = {scope: {c["command"] for c in commands} for scope, commands in api.commands.items()}
    assert menus["all_private_chats"] == {"start", "help", "drugs", "drug", "privacy", "forget"}
    assert "drug" in menus["all_group_chats"] and not menus["all_group_chats"] & ADMIN_ONLY
    assert menus["all_chat_administrators"] >= ADMIN_ONLY and "drug" in menus["all_chat_administrators"]
    assert menus[f"chat:{ADMIN}"] == menus["all_private_chats"] | ADMIN_ONLY
    assert set(menus) == {"all_private_chats", "all_group_chats", "all_chat_administrators", f"chat:{ADMIN}"}


async def test_help_in_a_group_explains_privacy_mode_in_one_line(api, tmp_path):
    async with running_bot(api, tmp_path):
        api.push_text("/help", chat_id=GROUP, chat_type="supergroup")
        api.push_text("/help")
        await api.wait_for("sendMessage", count=2)
    (group_help,) = sent_to(api, GROUP)
    (private_help,) = sent_to(api, 42)
    privacy = [line for line in group_help["text"].splitlines() if "privacy mode" in line.lower()]
    assert len(privacy) == 1 and privacy[0].startswith("Privacy mode is on: I see only commands")
    assert "privacy mode" not in private_help["text"].lower()
