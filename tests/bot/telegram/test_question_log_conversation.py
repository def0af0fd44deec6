"""The question log through a whole conversation with the real bot and the fake Bot API: the questions the bot was
unsure of, the parts then chosen and the votes are kept, `report` shows exactly those, `/forget` leaves none."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.bot.telegram.telegram_harness import button, running_bot, sent_to
from tests.conftest import FICTIONAL, ROOT, SEEDS

ASKER = 424242421  # the person (and their private chat)
NAME = "Zebulon"
GROUP = -1009988776655
CHATTER = "my neighbour takes velorimab for his glimmer syndrome"


def state_file(tmp_path: Path) -> Path:
    return tmp_path / "state" / "drugbot.sqlite3"


def report(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot report` over the bot's state file, as an editor runs it."""
    command = [sys.executable, "-m", "bot", "report", "--state", str(state_file(tmp_path))]
    command += ["--seeds", str(SEEDS), "--seeds", str(FICTIONAL), *extra]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def logged_values(path: Path) -> list[str]:
    """Every value the question log keeps in the state file, as text."""
    with sqlite3.connect(path) as db:
        rows = [*db.execute("SELECT * FROM question_log"), *db.execute("SELECT * FROM question_days")]
    assert rows
    return [str(v) for row in rows for v in row]


async def converse(api) -> None:
    """Two questions the bot is unsure of, the buttons then pressed, a vote changed, and some group chatter."""
    api.user_names[ASKER] = NAME
    api.push_text("velrmab dose", chat_id=ASKER, user_id=ASKER)  # no monograph by that name: one suggested
    await api.wait_for("sendMessage")
    unknown = api.sent[-1]
    api.push_callback(button(unknown, "Velorimab"), unknown, user_id=ASKER)
    await api.wait_for("sendMessage", count=2)

    api.push_text("velorimab worth it?", chat_id=ASKER, user_id=ASKER)  # which part?
    await api.wait_for("sendMessage", count=3)
    which = api.sent[-1]
    assert "Which part of the Velorimab monograph" in which["text"]
    api.push_callback(button(which, "Dosage and Administration"), which, user_id=ASKER)
    await api.wait_for("sendMessage", count=4)
    answer = api.sent[-1]
    assert answer["text"].startswith("Velorimab — Dosage and Administration")
    api.push_callback(button(answer, "👎"), answer, user_id=ASKER)
    api.push_callback(button(answer, "👍"), answer, user_id=ASKER)  # a second tap changes the vote
    popups = await api.wait_for("answerCallbackQuery", count=4)
    assert [p.params.get("text", "") for p in popups[2:]] == [
        "Thanks, noted: 👎. The editors review the answers voted down.",
        "Changed to 👍. Thanks!",
    ]
    api.push_text(CHATTER, chat_id=GROUP, chat_type="supergroup", user_id=ASKER)  # not addressed to the bot
    await api.quiet(0.5)
    assert sent_to(api, GROUP) == []


async def test_report_shows_the_conversation_and_forget_leaves_none_of_it(api, tmp_path):
    async with running_bot(api, tmp_path):
        await converse(api)
    path = state_file(tmp_path)
    export = tmp_path / "labelled.jsonl"
    seen = report(tmp_path, "--csv", str(tmp_path / "csv"), "--export-questions", str(export))
    assert seen.returncode == 0, seen.stderr
    csv = {p.stem: p.read_text(encoding="utf-8").splitlines() for p in (tmp_path / "csv").glob("*.csv")}
    assert csv["unknown_names"][1:] == ["velrmab,1,Velorimab,Velorimab ×1,Velorimab: [velrmab],velrmab dose"]
    assert csv["which_part"][1].startswith("velorimab worth it?,Velorimab,1,")
    assert ",Dosage and Administration (dosage) ×1," in csv["which_part"][1] and len(csv["which_part"]) == 2
    assert csv["votes"][1:] == ["Velorimab,Dosage and Administration,0,1,0.0"]
    assert csv["uncovered"][1:] == []
    day = csv["days"][1].split(",")
    assert day[1:6] == ["2", "0", "2", "1", "0"]  # two messages, neither answered with a part; one vote up
    (line,) = [json.loads(x) for x in export.read_text(encoding="utf-8").splitlines()]
    assert line["q"] == "velorimab worth it?" and line["drug"] == "velorimab" and line["topics"] == ["dosage"]
    assert line["reviewed"] is False and line["chose"] == "Dosage and Administration"

    values = " ".join(logged_values(path))
    for identifying in (str(ASKER), str(GROUP), NAME, NAME.lower(), CHATTER):
        assert identifying not in values

    async with running_bot(api, tmp_path):
        api.push_text("/forget", chat_id=ASKER, user_id=ASKER)
        (forgot,) = await api.wait_for("sendMessage", predicate=lambda c: "deleted" in c.params.get("text", ""))
    assert forgot.params["text"].startswith("Done: I deleted 5 entries about your questions and this chat's context")
    after = report(tmp_path, "--csv", str(tmp_path / "after"))
    assert after.returncode == 0, after.stderr
    for table in ("unknown_names", "which_part", "votes", "uncovered"):
        assert len((tmp_path / "after" / f"{table}.csv").read_text(encoding="utf-8").splitlines()) == 1, table
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM question_log").fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM chat WHERE chat_id = ?", (ASKER,)).fetchone() == (0,)
    # deleted, not only unlisted: SQLite's free space is zeroed (secure_delete), and the bot's stop checkpointed
    raw = b"".join(p.read_bytes() for p in path.parent.iterdir() if p.name.startswith(path.name))
    for text in (b"velrmab", b"worth it", CHATTER.encode(), NAME.encode()):
        assert text not in raw, text
