"""The flood campaign and the soak run read each chat's replies back: the check must catch what it is there for."""

from __future__ import annotations

import random

from bench.fuzzing.traffic import ask, read_back, timed_sends
from testkit.fakebotapi import FakeBotApi

TITLES = ["Alphamab", "Betazole", "Gammatinib", "Alphamab Vedotin"]


def flooded(replies: dict[int, list[str]]) -> tuple[FakeBotApi, list]:
    """A fake server on which chat 1 asked about Alphamab, Betazole, Gammatinib, and the bot sent `replies`."""
    api = FakeBotApi()
    timed_sends(api)
    rng = random.Random(1)
    asked = [ask(api, 1, drug, rng) for drug in TITLES[:3]]
    for chat, texts in replies.items():
        for text in texts:
            api.handlers["sendMessage"]({"chat_id": chat, "text": text})
    return api, asked


def test_replies_in_the_order_asked_are_all_right():
    api, asked = flooded({1: ["Alphamab — Dosage\n3 mg", "Betazole — FAQs\nx", "Gammatinib\nIt covers:"]})
    outcome = read_back(api, asked, TITLES)
    assert (outcome.answered, outcome.wrong, len(outcome.waits)) == (3, 0, 3)


def test_swapped_replies_are_a_chat_out_of_order():
    api, asked = flooded({1: ["Betazole — FAQs", "Alphamab — Dosage", "Gammatinib"]})
    outcome = read_back(api, asked, TITLES)
    assert (outcome.answered, outcome.out_of_order, outcome.wrong) == (3, 1, 1)


def test_missing_doubled_and_stray_replies_are_counted():
    api, asked = flooded({1: ["Alphamab — Dosage", "Alphamab — Dosage", "Sorry, something went wrong", "Gammatinib"]})
    outcome = read_back(api, asked, TITLES)
    assert (outcome.missing, outcome.extra, outcome.other) == (1, 1, 1)


def test_an_answer_about_a_longer_title_is_not_the_shorter_one():
    api, asked = flooded({1: ["Alphamab Vedotin — Dosage", "Betazole", "Gammatinib"]})
    outcome = read_back(api, asked, TITLES)
    assert (outcome.missing, outcome.extra) == (1, 1)
