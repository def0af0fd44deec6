"""Understanding real questions: the labelled corpus, the shipped classifier, the policy that asks when unsure,
and floors on the test split (deterministic: the same questions, weights and monographs every run)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest

from bench.understanding import engine_for_messages, engine_for_questions, evaluate
from intents.answering.models import Kind
from intents.language.classifier import MODEL_FILE, TopicModel
from intents.language.ngram_model import NGRAM_MODEL_FILE, NgramModel
from testkit.questions import MESSAGES_DIR, QUESTIONS_DIR, load_questions, question_files, split_of
from tests.conftest import ROOT
from tools.train_topics import fingerprint

TOPICS = {
    "indications", "names", "mechanism", "pharmacokinetics", "dosage", "side_effects", "contraindications",
    "interactions", "pregnancy", "breastfeeding", "precautions", "monitoring", "combinations", "overview",
}  # fmt: skip
SUBJECTS = {
    "price", "storage", "expiry", "appearance", "ingredients", "manufacturer", "overdose", "missed_dose",
    "availability", "alternatives",
}  # fmt: skip


def ask(engine, text):
    reply, _ = engine.respond(text)
    return reply


# --- the corpus and the weights ----------------------------------------------------------------------------


def test_question_corpus_is_large_varied_and_validly_labelled():
    questions = load_questions()
    assert len(questions) >= 3000
    assert len({q.drug for q in questions}) >= 300
    topics = Counter(t for q in questions for t in q.topics)
    subjects = Counter(q.subject for q in questions if q.subject)
    assert set(topics) <= TOPICS and set(subjects) <= SUBJECTS
    assert all(topics[t] >= 100 for t in TOPICS), topics
    assert all(subjects[s] >= 100 for s in SUBJECTS), subjects
    assert all(q.topics or q.subject for q in questions)


def test_each_writing_batch_lies_in_one_split_and_every_split_has_questions():
    files = question_files()
    splits = Counter(split_of(f.stem) for f in files)
    assert set(splits) == {"train", "dev", "test"}
    assert len({q.q for q in load_questions("train")} & {q.q for q in load_questions("test")}) == 0


def test_shipped_weights_of_both_models_were_trained_on_the_current_questions_data_files_and_settings():
    for path, shipped in ((MODEL_FILE, TopicModel.load(MODEL_FILE)), (NGRAM_MODEL_FILE, NgramModel.load())):
        assert shipped.fingerprint == fingerprint(), f"stale weights in {path.name}: run  python -m tools.train_topics"


def test_question_corpus_has_a_readme_crediting_its_sources():
    text = (QUESTIONS_DIR / "README.md").read_text(encoding="utf-8")
    assert "MedicationQA" in text
    real = {f.stem.split("-")[1] for f in question_files() if f.stem.startswith("real-")}
    assert all(source in text.lower() for source in real), real


# --- frames and policy on the real seed ----------------------------------------------------------------------


def test_two_substances_linked_is_an_interaction_question(seed_engine):
    for text in ("can i take kadcyla with green tea", "is kadcyla ok with a couple of beers?"):
        reply = ask(seed_engine, text)
        assert reply.topic in ("interactions", None), reply.topic
        assert reply.sourced
        assert reply.topic != "dosage"


def test_onset_is_pharmacokinetics_not_a_dosing_schedule(seed_engine):
    reply = ask(seed_engine, "how long before kadcyla kicks in")
    assert reply.topic == "pharmacokinetics"


def test_time_after_last_dose_to_breastfeed_is_a_breastfeeding_question(seed_engine):
    reply = ask(seed_engine, "how long after the last dose can I breastfeed on kadcyla")
    assert reply.topic == "breastfeeding" and "7 months" in reply.text


def test_men_fathering_a_child_is_never_the_childrens_dose(seed_engine):
    reply = ask(seed_engine, "can men on kadcyla father a child")
    assert reply.topic != "dosage" and "Children" not in (reply.section or [])


def test_an_uncovered_subject_alone_gets_the_honest_listing(seed_engine):
    for text, label in (
        ("what is in kadcyla", "ingredients"),
        ("how much does kadcyla cost", "price"),
        ("is expired kadcyla still ok to use", "expiry"),
        ("what can i use instead of kadcyla", "alternatives"),
    ):
        reply = ask(seed_engine, text)
        assert reply.kind == Kind.LISTING and f"does not cover {label}" in reply.text, (text, reply.text)


def test_a_clear_question_with_an_uncovered_subject_answers_and_says_what_is_not_covered(seed_engine):
    reply = ask(seed_engine, "kadcyla dose and price")
    assert reply.kind in (Kind.FAQ, Kind.SECTION) and reply.topic == "dosage"
    assert "3.6 mg/kg" in reply.text and "does not cover price" in reply.text


def test_unsure_topic_asks_which_part_with_the_likely_sections_first(seed_engine):
    reply = ask(seed_engine, "kadcyla and my hair")
    assert reply.kind == Kind.LISTING and "Which part of the Trastuzumab Emtansine monograph" in reply.text
    assert reply.options[0].label == "Side Effects"


def test_a_sure_topic_the_monograph_does_not_cover_says_so_above_the_closest_part(seed_engine):
    reply = ask(seed_engine, "does kadcyla make you put on weight")
    assert reply.topic == "side_effects"
    assert "does not mention weight" in reply.text


def test_an_faq_pair_is_only_chosen_on_the_decided_topic(seed_engine):
    reply = ask(seed_engine, "is kadcyla safe in pregnancy")
    assert reply.topic == "pregnancy"
    assert reply.kind == Kind.SECTION or "pregnancy" in reply.text.lower()


def test_explain_prints_every_stage():
    out = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--explain", "can i take kadcyla with green tea"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    ).stdout
    for stage in ("1. reading", "2. topic", "frames fired: linked_substances", "probabilities:", "3. drug", "4. part"):
        assert stage in out, out


# --- floors on the test split --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def test_split_scores():
    return evaluate(engine_for_questions(), load_questions("test"))


def test_confident_answers_on_the_test_split_are_right_at_least_92_percent(test_split_scores):
    assert test_split_scores["all"].precision >= 0.92


def test_confident_wrong_answers_stay_under_4_and_a_half_percent_of_the_test_split(test_split_scores):
    assert test_split_scores["all"].confident_wrong <= 0.045


def test_most_answerable_test_questions_get_a_confident_answer(test_split_scores):
    assert test_split_scores["all"].coverage >= 0.78


@pytest.fixture(scope="module")
def unseen_message_scores():
    """The long messages of the dev and test splits (the train split's asking sentences are trained on)."""
    unseen = load_questions("dev", MESSAGES_DIR) + load_questions("test", MESSAGES_DIR)
    return evaluate(engine_for_messages(), unseen)["all"]


def test_confident_answers_to_unseen_long_messages_are_right_at_least_84_percent(unseen_message_scores):
    assert unseen_message_scores.precision >= 0.84


def test_confident_wrong_answers_to_unseen_long_messages_stay_under_9_percent(unseen_message_scores):
    assert unseen_message_scores.confident_wrong <= 0.09


def test_most_answerable_unseen_long_messages_get_a_confident_answer(unseen_message_scores):
    assert unseen_message_scores.coverage >= 0.55


def test_uncovered_subjects_are_mostly_abstained_on(test_split_scores):
    abstain = [s for k, s in test_split_scores.items() if k.startswith("topic:not covered")]
    asked = sum(s.questions for s in abstain)
    answered = sum(s.confident for s in abstain)
    assert asked and answered / asked <= 0.15, json.dumps({k: s.confident for k, s in test_split_scores.items()})


def test_two_drugs_given_together_as_a_treatment_is_a_combination_question(seed_engine):
    for text in ("is kadcyla given with pertuzumab for breast cancer", "kadcyla plus docetaxel regimen"):
        reply = ask(seed_engine, text)
        assert reply.topic == "combinations" and reply.section == ["Popular Combinations"], text
