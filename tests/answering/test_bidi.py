"""Right-to-left controls in a monograph or a message stay inside their run: they never reverse the bot's words."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intents.answering.render import with_source
from intents.common.bidi import isolate_bidi
from intents.engine import Engine
from intents.library.corpus import load_corpus
from testkit.checks import open_bidi, open_bidi_lines

RLO, RLE, RLI, PDF, PDI = "\u202e", "\u202b", "\u2067", "\u202c", "\u2069"
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# A fictional drug whose title, headings, labels, bullets and FAQ hold controls that are never closed, as a
# pasted right-to-left brand name or a stray character from a word processor leaves them.
SINISTRAMAB = f"""---
title: "Sinistramab {RLI}XR"
aliases: [Sinistramab]
description: "A fictional drug {RLO}for tests."
lastModified: '2025-03-01'
faqs:
  - q: "What is the dose of Sinistramab {RLO}XR?"
    a: "Five fictional {RLE}milligrams."
---
## Dosage {RLO}Forms
- **Adults{RLO}:** 5 mg {RLO}daily of the fictional drug.
- Children: {RLI}not studied {PDI}{PDI}{PDI}in this fictional drug{RLO}.
## Side Effects
- Fictional nausea {RLE}seen in fiction.
"""

BANNED = f"""---
title: "{RLO}Tenebrazole"
is_banned: true
---
## Dosage
- Never shown.
"""


def visible(text: str) -> str:
    """The words a reader sees: the text without its bidi controls."""
    return "".join(c for c in text if c not in BIDI)


@pytest.fixture(scope="module")
def engine(lexicon, tmp_path_factory) -> Engine:
    folder: Path = tmp_path_factory.mktemp("bidi")
    (folder / "sinistramab.md").write_text(SINISTRAMAB, encoding="utf-8")
    (folder / "tenebrazole.md").write_text(BANNED, encoding="utf-8")
    return Engine(load_corpus([folder]), lexicon)


def shown(engine: Engine, question: str) -> str:
    reply, _ = engine.respond(question)
    return with_source(reply, engine.lexicon).text


def before(text: str, words: str) -> str:
    """`text` up to where the reader sees `words`: what is open there bends them."""
    raw = [i for i, c in enumerate(text) if c not in BIDI]
    seen = visible(text)
    assert words in seen, text
    return text[: raw[seen.index(words)]]


def test_a_section_answer_closes_every_control_before_the_bots_own_words(engine):
    text = shown(engine, "sinistramab side effects")
    assert open_bidi_lines(text) == []
    assert open_bidi(before(text, " — Side Effects")) == 0  # the title's run, then the bot's dash
    assert open_bidi(before(text, " monograph, updated 1 Mar 2025")) == 0
    assert "• Fictional nausea seen in fiction." in visible(text)


def test_labels_and_bullets_are_closed_before_what_follows_them(engine):
    text = shown(engine, "sinistramab dose for adults")
    assert open_bidi_lines(text) == []
    assert open_bidi(before(text, ": 5 mg")) == 0  # the label's run, then the bot's colon
    assert "Adults: 5 mg daily of the fictional drug." in visible(text)


def test_closers_the_monograph_never_opened_do_not_end_the_isolation_early(engine):
    text = shown(engine, "sinistramab dose in children")
    assert open_bidi_lines(text) == []
    assert "Children: not studied in this fictional drug." in visible(text)


def test_listings_sentences_and_refusals_keep_the_drug_name_inside_its_run(engine):
    for question in ("sinistramab", "sinistramab faq", "tenebrazole dose"):
        text = shown(engine, question)
        assert open_bidi_lines(text) == [], question
    refusal = shown(engine, "tenebrazole dose")
    assert open_bidi(before(refusal, ".")) == 0
    assert visible(refusal) == "I can't provide information about Tenebrazole."


def test_a_message_quoted_back_is_closed_too(engine):
    text = shown(engine, f"dose of {RLO}zorblatinib")
    assert open_bidi_lines(text) == []
    assert visible(text).startswith("I don't have a monograph for zorblatinib.")


def test_text_without_controls_is_unchanged(fiction_engine):
    reply, _ = fiction_engine.respond("dose of kadcyla?")
    assert not BIDI & set(reply.text)
    assert reply.text.startswith("Trastuzumab Emtansine — FAQs")


def test_the_json_contract_shows_the_monographs_words(engine):
    reply, _ = engine.respond("sinistramab side effects")
    contract = reply.to_contract()
    assert contract["drug"] == f"Sinistramab {RLI}XR"  # the title as the monograph spells it
    assert open_bidi_lines(str(contract["text"])) == []


def test_the_checker_follows_the_bidi_algorithm():
    assert open_bidi(f"a{RLO}b") == 1
    assert open_bidi(f"a{RLO}b{PDF} c") == 0
    assert open_bidi(f"{RLI}{RLO}{RLO}x{PDI}") == 0  # a PDI closes the overrides opened inside its isolate
    assert open_bidi(f"{RLO * 200}{PDI}") == 200  # ... and no others
    assert open_bidi(RLO * 200 + PDF * 200) == 0  # past the depth limit openers are still counted
    assert open_bidi(f"{PDI}{PDF} x") == 0  # closers of nothing are ignored


def test_a_run_that_leaves_nothing_open_is_returned_as_it_is():
    for text in ("plain", "\u05e9\u05dc\u05d5\u05dd", f"\u2068x{PDI}", f"{RLE}x{PDF}", "\u200fmark"):
        assert isolate_bidi(text) is text


def test_a_thousand_overrides_are_closed_by_one_isolate():
    text = isolate_bidi(RLO * 1000 + "x")
    assert text == f"\u2068{RLO * 1000}x{PDI}"
    assert open_bidi(text) == 0


BIDI_TEXT = st.text(st.sampled_from([*sorted(BIDI), "a", "\u05d0", " ", "1", "."]), max_size=40)


@settings(derandomize=True, max_examples=500, deadline=None)
@given(text=BIDI_TEXT, after=BIDI_TEXT)
def test_any_run_is_closed_keeps_its_words_and_is_isolated_once(text, after):
    run = isolate_bidi(text)
    assert open_bidi(run) == 0
    assert open_bidi(run + isolate_bidi(after)) == 0
    assert visible(run) == visible(text)
    assert isolate_bidi(run) == run
