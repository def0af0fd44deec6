"""Dated, sourced answers: every answer names its monograph and when it was last updated, in every front end."""

from __future__ import annotations

import json

from intents.answering.render import with_source
from intents.engine import Engine
from intents.library.corpus import load_corpus
from tests.bot.telegram.telegram_harness import ADMIN, running_bot
from tests.bot.test_cli import run
from tests.conftest import FICTIONAL, SEEDS

SOURCE = "Trastuzumab Emtansine monograph, updated 22 Sep 2025"


def test_json_contract_carries_the_monographs_iso_date():
    data = json.loads(run("ask", "--json", "dose of kadcyla?").stdout)
    assert data["updated"] == "2025-09-22"
    assert SOURCE not in data["text"]  # the date is a field of its own, not mixed into the monograph text
    refused = json.loads(run("ask", "--json", "hello").stdout)
    assert refused["updated"] is None


def test_console_answer_ends_with_its_dated_source():
    result = run("ask", "dose of kadcyla?")
    assert result.stdout.strip().endswith(SOURCE)
    chat = run("chat", stdin="kadcyla\n1\n")
    assert chat.stdout.count(SOURCE) == 2  # the listing and the section picked from it


def test_monograph_without_a_valid_date_is_undated(tmp_path, lexicon):
    (tmp_path / "undatamab.md").write_text(
        "---\ntitle: Undatamab\nlastModified: last spring\n---\n## Dosage\n\n- Fictional 5 mg.\n", encoding="utf-8"
    )
    engine = Engine(load_corpus([tmp_path]), lexicon)
    reply, _ = engine.respond("undatamab dose")
    assert reply.updated is None and reply.to_contract()["updated"] is None
    assert with_source(reply, lexicon).text.endswith("Undatamab monograph (no date of last update given)")


async def test_telegram_answers_and_inline_results_name_the_dated_source(api, tmp_path):
    async with running_bot(api, tmp_path, folders=[SEEDS, FICTIONAL]):
        api.push_text("dose of kadcyla?")
        await api.wait_for("sendMessage")
        assert api.sent[0]["text"].endswith(SOURCE)
        api.push_inline("kadcyla side effects")
        (call,) = await api.wait_for("answerInlineQuery")
    for result in call.params["results"]:
        assert result["input_message_content"]["message_text"].endswith(f"<i>{SOURCE}</i>")


async def test_admins_see_each_drugs_date_in_the_drug_list(api, tmp_path):
    async with running_bot(api, tmp_path, folders=[SEEDS, FICTIONAL]):
        api.push_text("/drugs", chat_id=ADMIN, user_id=ADMIN)
        api.push_text("/drugs", chat_id=555, user_id=555)
        await api.wait_for("sendMessage", count=2)
    by_chat = {m["chat"]["id"]: m["text"] for m in api.sent}
    assert "Trastuzumab Emtansine: updated 22 Sep 2025" in by_chat[ADMIN]
    assert "Velorimab: updated 1 Mar 2025" in by_chat[ADMIN]
    assert "updated" not in by_chat[555]
