"""End to end: the real PTB `Application` polls a local fake Bot API server over HTTP, as it would Telegram."""

from __future__ import annotations

import shutil

import aiohttp

from bot.service import EngineService
from bot.state import open_state
from bot.telegram.app import build_application
from intents.assembly import load_engine
from testkit.fakebotapi import BOT_ID, BOT_USERNAME
from tests.bot.telegram.telegram_harness import ADMIN, GROUP, button, make_settings, running_bot, sent_to
from tests.conftest import SEED_FILE, SEEDS


async def test_private_dose_question_is_answered_with_buttons(api, tmp_path):
    async with running_bot(api, tmp_path):
        api.push_text("dose of Kadcyla?")
        (call,) = await api.wait_for("sendMessage")
        assert call.params["parse_mode"] == "HTML"
        assert "3.6 mg/kg" in api.sent[0]["text"]
        assert api.sent[0]["text"].startswith("Trastuzumab Emtansine — FAQs")
        labels = [b["text"] for row in api.sent[0]["reply_markup"]["inline_keyboard"] for b in row]
        assert "Dosage" in labels and "Side Effects" in labels


async def test_commands_are_registered_for_private_and_group_scopes(api, tmp_path):
    async with running_bot(api, tmp_path):
        await api.wait_for("setMyCommands", count=2)
        assert {"all_private_chats", "all_group_chats"} <= set(api.commands)
        assert "drug" in [c["command"] for c in api.commands["all_group_chats"]]


async def test_follow_up_uses_the_drug_of_the_last_answer(api, tmp_path):
    async with running_bot(api, tmp_path):
        api.push_text("dose of kadcyla?")
        await api.wait_for("sendMessage")
        api.push_text("and side effects?")
        await api.wait_for("sendMessage", count=2)
        assert "Trastuzumab Emtansine — Side Effects" in api.sent[1]["text"]


async def test_section_button_answers_that_section(api, tmp_path):
    async with running_bot(api, tmp_path):
        api.push_text("kadcyla")
        await api.wait_for("sendMessage")
        api.push_callback(button(api.sent[0], "Dosage"), api.sent[0])
        await api.wait_for("answerCallbackQuery")
        await api.wait_for("sendMessage", count=2)
        assert api.sent[1]["text"].startswith("Trastuzumab Emtansine — Dosage")
        assert "3.6 mg/kg body weight" in api.sent[1]["text"]


async def test_clarify_then_pick_answers_the_original_question(api, tmp_path):
    async with running_bot(api, tmp_path, folders=[SEEDS]):
        api.push_text("trastuzumab dose")
        await api.wait_for("sendMessage")
        assert "I have Trastuzumab Emtansine (Kadcyla), not trastuzumab. Show it?" in api.sent[0]["text"]
        api.push_callback(button(api.sent[0], "Trastuzumab Emtansine"), api.sent[0])
        await api.wait_for("sendMessage", count=2)
        assert "3.6 mg/kg" in api.sent[1]["text"]


async def test_group_chatter_is_ignored_but_mentions_commands_and_replies_are_answered(api, tmp_path):
    async with running_bot(api, tmp_path):
        api.push_text("kadcyla dose is what again?", chat_id=GROUP, chat_type="supergroup")
        await api.quiet(0.8)
        assert sent_to(api, GROUP) == []

        asked = api.push_text(f"@{BOT_USERNAME} kadcyla interactions", chat_id=GROUP, chat_type="supergroup")
        await api.wait_for("sendMessage")
        answer = sent_to(api, GROUP)[0]
        assert "Drug Interactions" in answer["text"] or "interactions" in answer["text"]
        assert answer["reply_to_message_id"] == asked["message_id"]

        api.push_text("/drug kadcyla pregnancy", chat_id=GROUP, chat_type="supergroup")
        await api.wait_for("sendMessage", count=2)
        assert "pregnancy" in sent_to(api, GROUP)[1]["text"].lower()

        api.push_text(f"/drug@{BOT_USERNAME} kadcyla dose", chat_id=GROUP, chat_type="supergroup")
        await api.wait_for("sendMessage", count=3)
        assert "3.6 mg/kg" in sent_to(api, GROUP)[2]["text"]

        api.push_text("and in children?", chat_id=GROUP, chat_type="supergroup", reply_to=sent_to(api, GROUP)[2])
        await api.wait_for("sendMessage", count=4)
        assert "Children" in sent_to(api, GROUP)[3]["text"]

        api.push_text("thanks all, see you tomorrow", chat_id=GROUP, chat_type="supergroup")
        await api.quiet(0.5)
        assert len(sent_to(api, GROUP)) == 4


async def test_inline_query_returns_best_answer_then_other_sections(api, tmp_path):
    async with running_bot(api, tmp_path):
        api.push_inline("kadcyla dose")
        (call,) = await api.wait_for("answerInlineQuery")
        results = call.params["results"]
        assert len(results) > 3
        assert "3.6 mg/kg" in results[0]["input_message_content"]["message_text"]
        assert int(call.params["cache_time"]) > 0
        api.push_inline("")
        api.push_inline("zzqx qwv")
        calls = await api.wait_for("answerInlineQuery", count=3)
        for hint in calls[1:]:
            assert [r["id"] for r in hint.params["results"]] == ["hint"]


async def test_ten_thousand_character_section_arrives_as_valid_split_messages(api, tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    bullets = "\n".join(f"- Fictional warning number {i}: " + "lorem ipsum dolor sit amet " * 12 for i in range(30))
    long_para = "A very long fictional paragraph sentence that keeps going. " * 60
    (folder / "longamab.md").write_text(
        "---\ntitle: Longamab\nfaqs: []\n---\n## Usage\n\n- Fictional.\n\n"
        f"## Precautions\n\n{bullets}\n\n{long_para}\n",
        encoding="utf-8",
    )
    async with running_bot(api, tmp_path, folders=[folder]):
        api.push_text("longamab precautions")
        calls = await api.wait_for("sendMessage", count=3)
        await api.quiet(0.5)
        texts = [m["text"] for m in api.sent]
        assert len(texts) >= 3 and all(len(t) <= 4096 for t in texts)
        joined = "\n".join(texts)
        assert all(f"Fictional warning number {i}:" in joined for i in range(30))
        assert joined.count("keeps going.") == 60
        assert "reply_markup" in api.sent[-1] and "reply_markup" not in api.sent[0]
        assert all(c.params["parse_mode"] == "HTML" for c in calls)


async def test_monograph_markup_characters_arrive_escaped(api, tmp_path):
    async with running_bot(api, tmp_path):
        api.push_text("velorimab precautions")
        (call,) = await api.wait_for("sendMessage")
        assert "&lt;b&gt;no real&lt;/b&gt; markup &amp; keeps &lt; and &gt;" in call.params["text"]
        assert "contains <b>no real</b> markup & keeps < and > signs" in api.sent[0]["text"]


async def test_flood_limit_and_server_error_are_survived(api, tmp_path):
    async with running_bot(api, tmp_path):
        api.fail("sendMessage", 429, retry_after=1)
        api.fail("sendMessage", 500)
        api.push_text("dose of kadcyla?")
        await api.wait_for("sendMessage", count=3, timeout=15)
        await api.quiet(0.3)
        assert len(api.sent) == 1 and "3.6 mg/kg" in api.sent[0]["text"]


async def test_network_loss_on_answer_callback_does_not_stop_the_bot(api, tmp_path):
    async with running_bot(api, tmp_path):
        api.push_text("kadcyla")
        await api.wait_for("sendMessage")
        api.fail("answerCallbackQuery", 502, times=10)
        api.push_callback(button(api.sent[0], "Side Effects"), api.sent[0])
        await api.wait_for("sendMessage", count=2, timeout=15)
        api.push_text("kadcyla dose")
        await api.wait_for("sendMessage", count=3)


async def test_banned_monograph_is_refused(api, tmp_path):
    async with running_bot(api, tmp_path):
        api.push_text("plumbazole dose")
        await api.wait_for("sendMessage")
        assert "can't provide information about Plumbazole" in api.sent[0]["text"]
        assert "10 mg" not in api.sent[0]["text"]


async def test_context_survives_a_restart(api, tmp_path):
    async with running_bot(api, tmp_path):
        api.push_text("dose of kadcyla?")
        await api.wait_for("sendMessage")
    assert (tmp_path / "state" / "drugbot.sqlite3").exists()
    async with running_bot(api, tmp_path):
        api.push_text("and side effects?")
        await api.wait_for("sendMessage", count=2)
        assert "Trastuzumab Emtansine — Side Effects" in api.sent[1]["text"]


async def test_any_message_text_gets_a_sane_reply(api, tmp_path):
    nasty = ["😀" * 3000, "<script>&amp;</script>", "\u200f\u202eטקסט", "x" * 4096, "/unknowncommand", "\x00"]
    async with running_bot(api, tmp_path):
        for text in nasty:
            api.push_text(text)
        await api.wait_for("sendMessage", count=len(nasty), timeout=15)
        assert not any("Traceback" in m["text"] or "went wrong" in m["text"] for m in api.sent)


async def test_webhook_accepts_the_right_secret_and_rejects_a_wrong_one(api, tmp_path):
    folders = [SEEDS]
    service = EngineService(load_engine(folders), folders)
    app = build_application(make_settings(api, tmp_path), service, poll_timeouts=5)
    port = _free_port()
    async with app:
        await app.start()
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="tg",
            webhook_url="https://bot.example.org/tg",
            secret_token="s3cret-Token",
        )
        try:
            assert api.webhook == {"url": "https://bot.example.org/tg", "secret_token": "s3cret-Token"}
            update = {
                "update_id": 1,
                "message": {
                    "message_id": 5,
                    "date": 0,
                    "text": "dose of kadcyla?",
                    "chat": {"id": 42, "type": "private"},
                    "from": api.user(),
                },
            }
            async with aiohttp.ClientSession() as http:
                url = f"http://127.0.0.1:{port}/tg"
                wrong = await http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
                assert wrong.status == 403
                missing = await http.post(url, json=update)
                assert missing.status == 403
                right = await http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token"})
                assert right.status == 200
            await api.wait_for("sendMessage")
            assert len(api.sent) == 1 and "3.6 mg/kg" in api.sent[0]["text"]
        finally:
            await app.updater.stop()
            await app.stop()


async def test_reload_is_for_admins_and_keeps_serving_with_a_broken_file(api, tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copy(SEED_FILE, folder / "kadcyla.md")
    async with running_bot(api, tmp_path, folders=[folder]) as service:
        api.push_text("/reload", user_id=999, chat_id=999)
        await api.wait_for("sendMessage")
        assert "only the bot's administrators" in api.sent[0]["text"]

        (folder / "broken.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
        (folder / "newamab.md").write_text("---\ntitle: Newamab\n---\n## Usage\n\n- Fictional.\n", encoding="utf-8")
        api.push_text("/reload", user_id=ADMIN, chat_id=ADMIN)
        await api.wait_for("sendMessage", count=2)
        report = api.sent[1]["text"]
        assert "Reloaded: 2 monograph(s)" in report and "broken.md" in report and "YAML" in report
        assert len(service.engine.corpus) == 2

        api.push_text("dose of kadcyla?", user_id=ADMIN, chat_id=ADMIN)
        api.push_text("newamab", user_id=ADMIN, chat_id=ADMIN)
        await api.wait_for("sendMessage", count=4)
        assert "3.6 mg/kg" in api.sent[2]["text"] and "Newamab" in api.sent[3]["text"]

        api.push_text("/stats", user_id=ADMIN, chat_id=ADMIN)
        await api.wait_for("sendMessage", count=5)
        assert "Drugs loaded: 2" in api.sent[4]["text"]


async def test_drug_list_is_paginated_with_buttons(api, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(23):
        name = f"Fictamab{chr(97 + i)}"
        (folder / f"{name}.md").write_text(f"---\ntitle: {name}\n---\n## Usage\n\n- Fictional.\n", encoding="utf-8")
    async with running_bot(api, tmp_path, folders=[folder]):
        api.push_text("/drugs")
        await api.wait_for("sendMessage")
        first = api.sent[0]
        assert "page 1 of 3" in first["text"]
        api.push_callback(button(first, "Next »"), first)
        (edit,) = await api.wait_for("editMessageText")
        assert "page 2 of 3" in edit.params["text"]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_bot_identity_constants_are_consistent():
    assert BOT_ID > 0 and BOT_USERNAME.endswith("bot")


async def test_real_process_polls_answers_and_flushes_context_on_sigterm(api, tmp_path):
    import asyncio
    import os
    import signal
    import sys

    state = tmp_path / "state.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DRUGBOT_"))}
    env.update(
        {
            "TELEGRAM_BOT_TOKEN": api.token,
            "DRUGBOT_API_BASE_URL": api.base_url,
            "DRUGBOT_STATE_PATH": str(state),
            "DRUGBOT_WATCH_SEEDS": "false",
        }
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=str(SEEDS.parent),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        api.push_text("dose of kadcyla?", chat_id=4242, user_id=4242)
        await api.wait_for("sendMessage", timeout=30)
        assert "3.6 mg/kg" in api.sent[0]["text"]
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), timeout=30)
    finally:
        if proc.returncode is None:
            proc.kill()
    assert proc.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr
    saved = open_state(state).chats()
    assert saved[4242]["ctx"]["drug_id"] == "trastuzumab-emtansine"


async def test_server_without_set_my_commands_is_one_warning_and_no_retries(api, tmp_path, caplog):
    api.drop_method("setMyCommands")
    with caplog.at_level("WARNING"):
        async with running_bot(api, tmp_path):
            api.push_text("dose of kadcyla?")
            await api.wait_for("sendMessage")
    assert len(api.calls_of("setMyCommands")) == 1
    problems = [r for r in caplog.records if r.levelno >= 30]
    assert len(problems) == 1 and "setMyCommands" in problems[0].getMessage(), [r.getMessage() for r in problems]
    assert problems[0].levelname == "WARNING"


async def test_start_is_one_message_with_the_greeting_examples_and_the_disclaimer_once(api, tmp_path):
    async with running_bot(api, tmp_path):
        api.push_text("/start")
        await api.wait_for("sendMessage")
        api.push_text("dose of kadcyla?")
        await api.wait_for("sendMessage", count=2)
    start, answer = api.sent
    assert start["text"].startswith("Hello!") and "dose of" in start["text"]
    assert start["text"].count("not medical advice") == 1
    assert "3.6 mg/kg" in answer["text"]
