"""Terse "drug + term" messages (`bench/data/terms.jsonl`, `python -m bench.terms`): what holds today and must
never regress. A banned monograph is never served, a term the monograph lacks never gets a confident paragraph
(only a listing, "which part?" or the closest part under "does not mention"), no confident answer comes from
another drug, and precision and right answers stay at least at today's figures (raise the floors when the
engine gets better; never lower them to let a change through)."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.terms import FOLDERS, Case, Judge, engine_for_terms, load_cases, missing_expectations, run, score
from intents import Kind, Line, Reply, fold, load_corpus
from tests.conftest import FICTIONAL, SEEDS

SEED_TITLE = "Trastuzumab Emtansine"
# figures of 2026-12-06 (247 cases): 161 confident answers, 149 right (92.5%); 140 of 207 answerable answered right
PRECISION_FLOOR = 0.9
ANSWERED_RIGHT_FLOOR = 135


@pytest.fixture(scope="module")
def engine():
    return engine_for_terms()


@pytest.fixture(scope="module")
def cases():
    return load_cases()


@pytest.fixture(scope="module")
def outcomes(engine, cases):
    return run(engine, cases)


# --- the cases and the fixtures ----------------------------------------------------------------------------


def test_the_case_file_holds_terse_cases_on_the_seed_the_fictions_lacking_terms_and_the_banned_drug(cases):
    assert len(cases) >= 150
    by_drug = Counter(c.drug for c in cases)
    assert by_drug[SEED_TITLE] >= 60
    assert sum(n for drug, n in by_drug.items() if drug != SEED_TITLE) >= 90
    wants = Counter(c.wants for c in cases)
    assert wants["abstain"] >= 15 and wants["refuse"] >= 10
    assert len({fold(c.q) for c in cases}) == len(cases), "a message is asked twice"
    assert all(len(c.q.split()) <= 9 and c.why for c in cases)


def test_every_expected_part_and_faq_pair_exists_in_its_monograph(engine, cases):
    assert missing_expectations(engine, cases) == []


def test_the_fictional_monographs_say_so_and_collide_with_no_other_drug():
    fictions = list(load_corpus([FOLDERS[1]]).entries.values())
    others = load_corpus([SEEDS, FICTIONAL]).entries.values()
    other_names = {fold(n) for m in others for n in m.names}
    assert len(fictions) >= 5 and sum(m.is_banned for m in fictions) == 1
    for mono in fictions:
        assert "fictional" in mono.description.lower(), mono.title
        assert not {fold(n) for n in mono.names} & other_names, mono.title


# --- the scoring --------------------------------------------------------------------------------------------


def _part_reply(engine, section, note_words=None):
    lines = [Line(role="title", text=f"{SEED_TITLE} — {section[0]}")]
    if note_words:
        lines.append(Line(role="note", text=engine.lexicon.reply("not_mentioned", drug=SEED_TITLE, words=note_words)))
    return Reply(query="q", drug=SEED_TITLE, kind=Kind.SECTION, section=section, lines=lines)


def test_scoring_takes_an_alternative_part_as_right_and_any_other_part_as_wrong(engine):
    case = Case("kadcyla ild", SEED_TITLE, {"part": ["Side Effects", "Rare but Serious Side Effects"]},
                ({"part": ["Side Effects"]}, {"faq": 3}), "serious side effect")  # fmt: skip
    judge = Judge(engine)
    assert judge.judge(case, _part_reply(engine, ["Side Effects"])).right
    wrong = judge.judge(case, _part_reply(engine, ["Contraindications"]))
    assert wrong.confident and not wrong.right and wrong.verdict == "wrong"
    listing = judge.judge(case, Reply(query="q", drug=SEED_TITLE, kind=Kind.LISTING))
    assert not listing.confident and listing.verdict == "not answered"


def test_scoring_takes_the_closest_part_under_does_not_mention_as_an_honest_abstention(engine):
    case = Case("kadcyla hair loss", SEED_TITLE, {"abstain": True}, (), "not listed")
    judge = Judge(engine)
    assert judge.judge(case, _part_reply(engine, ["Side Effects"], note_words="hair loss")).right
    assert not judge.judge(case, _part_reply(engine, ["Side Effects"])).right
    s = score([judge.judge(case, _part_reply(engine, ["Side Effects"]))])
    assert (s.confident, s.confident_wrong, s.abstained_rightly) == (1, 1, 0)


# --- the floors ---------------------------------------------------------------------------------------------


def test_a_banned_monograph_is_never_served_and_every_question_about_it_is_refused(outcomes):
    assert [o.q for o in outcomes if o.banned_served] == []
    assert [o.q for o in outcomes if o.wants == "refuse" and o.kind != Kind.REFUSE] == []


def test_a_term_the_monograph_lacks_never_gets_a_confident_paragraph(outcomes):
    """Not even another drug's text that holds the term ("kadcyla clopidogrel" is in Quintaprazole)."""
    lacking = [o for o in outcomes if o.wants == "abstain"]
    assert [(o.q, o.kind, o.answered_drug, o.section) for o in lacking if not o.right] == []


def test_no_confident_answer_comes_from_another_drug_than_the_one_named(outcomes):
    strays = [(o.q, o.answered_drug) for o in outcomes if o.confident and fold(o.answered_drug or "") != fold(o.drug)]
    assert strays == [] and score(outcomes).wrong_drug == 0


def test_precision_and_right_answers_stay_at_least_at_todays_figures(outcomes):
    s = score(outcomes)
    wrong = [(o.q, o.kind, o.section, o.faq) for o in outcomes if o.confident and not o.right]
    assert s.precision >= PRECISION_FLOOR, wrong
    assert s.answered_right >= ANSWERED_RIGHT_FLOOR
