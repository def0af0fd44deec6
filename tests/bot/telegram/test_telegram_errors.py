"""Unhandled errors, end to end: what the user sees, what is logged, what the admins' error chat gets."""

from __future__ import annotations

import logging

from tests.bot.telegram.telegram_harness import running_bot, sent_to

ERROR_CHAT = -100999
BROKEN = "<html>502 Bad Gateway</html>"  # a proxy's page instead of the Bot API's JSON: PTB cannot parse it


def long_monograph(folder):
    folder.mkdir()
    bullets = "\n".join(f"- Fictional warning number {i}: " + "lorem ipsum dolor sit amet " * 12 for i in range(30))
    (folder / "longamab.md").write_text(
        f"---\ntitle: Longamab\nfaqs: []\n---\n## Usage\n\n- Fictional.\n\n## Precautions\n\n{bullets}\n",
        encoding="utf-8",
    )
    return folder


async def test_failure_after_the_answer_went_out_brings_no_apology(api, tmp_path, caplog):
    folder = long_monograph(tmp_path / "seeds")
    async with running_bot(api, tmp_path, folders=[folder]):
        api.fail("sendMessage", 200, body=BROKEN, after=1)  # the answer's second message gets a broken answer
        with caplog.at_level(logging.ERROR):
            api.push_text("longamab precautions")
            await api.wait_for("sendMessage", count=2)
            await api.quiet(0.8)
    texts = [m["text"] for m in api.sent]
    assert texts and texts[0].startswith("Longamab — Precautions")
    assert not any("went wrong" in t for t in texts)
    (record,) = [r for r in caplog.records if r.getMessage().startswith("error while handling an update")]
    assert '"text": "longamab precautions"' in record.getMessage()  # the update as JSON, not HTML-escaped
    assert "&#x27;" not in record.getMessage() and "&quot;" not in record.getMessage()


async def test_failure_before_any_answer_is_apologised_for(api, tmp_path):
    async with running_bot(api, tmp_path):
        api.fail("sendMessage", 200, body=BROKEN)
        api.push_text("dose of kadcyla?")
        await api.wait_for("sendMessage", count=2)
        await api.quiet(0.3)
    assert [m["text"] for m in api.sent] == ["Sorry, something went wrong with that question. Please try again."]


async def test_errors_reach_the_error_chat_once_a_minute_each(api, tmp_path, caplog):
    huge = "😀 kadcyla dose " * 600  # the update alone is far over Telegram's limit: the report is shortened
    async with running_bot(api, tmp_path, DRUGBOT_ERROR_CHAT_ID=str(ERROR_CHAT)):
        with caplog.at_level(logging.ERROR):
            api.fail("sendMessage", 200, body=BROKEN)
            api.push_text(huge)
            await api.wait_for("sendMessage", count=3)  # the failed answer, the report, the apology
            api.fail("sendMessage", 200, body=BROKEN)
            api.push_text("dose of kadcyla?")
            await api.wait_for("sendMessage", count=5)
            await api.quiet(0.5)
        reports = sent_to(api, ERROR_CHAT)
        (report_call,) = [c for c in api.calls_of("sendMessage") if int(c.params["chat_id"]) == ERROR_CHAT]
    assert len(reports) == 1
    text = reports[0]["text"]
    assert text.startswith("drugbot error: TelegramError: Invalid server response")
    assert "raise TelegramError" in text and "😀 kadcyla dose" in text and "…" in text  # traceback, update
    assert report_call.params["parse_mode"] == "HTML" and "<pre>" in report_call.params["text"]
    logged = [r for r in caplog.records if r.getMessage().startswith("error while handling an update")]
    assert len(logged) == 2  # both are logged, only the first is posted
