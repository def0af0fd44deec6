"""The question inside a message: sentences, the asking one, the story, greetings and sign-offs."""

from __future__ import annotations

from intents.understanding.sentences import read_message, split_sentences
from tests.conftest import ask

STORY = (
    "Hi, my mum is 78 and has been on kadcyla for a year for her breast cancer. She used to take aspirin for "
    "her heart. Is it safe for her to have a glass of wine with dinner? Thanks, Ann"
)


def test_a_message_is_cut_at_sentence_ends_and_line_breaks_not_after_abbreviations(lexicon):
    text = "Dear Dr. Lee,\nI take kadcyla e.g. every 3 weeks. It makes me tired! Is that normal?"
    assert split_sentences(text, lexicon.messages) == [
        "Dear Dr. Lee,",
        "I take kadcyla e.g. every 3 weeks.",
        "It makes me tired!",
        "Is that normal?",
    ]


def test_a_run_on_statement_is_cut_before_the_question_that_follows_it(lexicon):
    text = "my mum takes kadcyla every three weeks can she take ibuprofen for her back"
    assert split_sentences(text, lexicon.messages) == [
        "my mum takes kadcyla every three weeks",
        "can she take ibuprofen for her back",
    ]


def test_one_question_with_an_auxiliary_inside_is_not_cut(lexicon):
    for text in ("how long after the last dose can I breastfeed on kadcyla", "propranolol 10mg how long does it last"):
        assert split_sentences(text, lexicon.messages) == [text]


def test_a_run_on_question_may_open_with_a_drug_name_or_a_determiner_after_its_auxiliary(lexicon):
    text = "my gums are growing over my teeth and my dentist said it might be a med can kadcyla do that"
    assert split_sentences(text, lexicon.messages, lexicon.english) == [
        "my gums are growing over my teeth and my dentist said it might be a med",
        "can kadcyla do that",
    ]
    text = "i take two tablets for blood pressure and my potassium is low can the water pill cause that"
    assert split_sentences(text, lexicon.messages, lexicon.english)[-1] == "can the water pill cause that"


def test_a_statement_is_no_question_because_a_modal_and_a_determiner_meet_in_it(lexicon):
    text = "my doctor told me that i can the best thing is rest and plenty of fluids"
    assert split_sentences(text, lexicon.messages, lexicon.english) == [text]


def test_the_story_going_on_after_a_run_on_question_is_cut_off_it(lexicon):
    text = "kadcyla every three weeks for two years do i need blood tests on it im 66 and my liver was off once"
    assert split_sentences(text, lexicon.messages, lexicon.english) == [
        "kadcyla every three weeks for two years",
        "do i need blood tests on it",
        "im 66 and my liver was off once",
    ]


def test_a_clause_tied_to_the_question_stays_in_it(lexicon):
    text = "my mum takes kadcyla every three weeks can she take ibuprofen while she is on it for her back"
    assert split_sentences(text, lexicon.messages, lexicon.english)[-1] == (
        "can she take ibuprofen while she is on it for her back"
    )


def test_the_asking_sentence_is_the_question_and_the_story_is_context(lexicon):
    reading = read_message(STORY, lexicon)
    assert reading.cut
    assert reading.question == "Is it safe for her to have a glass of wine with dinner?"
    roles = [(s.asks, s.aside, s.passing) for s in reading.sentences]
    assert roles == [(False, False, False), (False, False, True), (True, False, False), (False, True, False)]


def test_greetings_thanks_and_sign_offs_are_not_read(lexicon):
    text = "Good morning!\nCan kadcyla cause hair loss, it has been weeks of it and I am worried?\nKind regards,\nMaria"
    reading = read_message(text, lexicon)
    asides = [s.text for s in reading.sentences if s.aside]
    assert asides == ["Good morning!", "Kind regards,", "Maria"]
    assert "Maria" not in reading.question and "morning" not in reading.question


def test_a_short_message_is_read_whole_as_one_thought(lexicon):
    reading = read_message("letrozole joint pain so bad!! does it ever go away??", lexicon)
    assert reading.question == "letrozole joint pain so bad!! does it ever go away??"
    assert read_message("dose of kadcyla?", lexicon).question == "dose of kadcyla?"


def test_a_question_that_asks_nothing_in_particular_gives_way_to_one_that_does(lexicon):
    text = "I have been on kadcyla since March and my fingers feel numb all day long now. Any advice? Is it the drug?"
    assert read_message(text, lexicon).question.endswith("Is it the drug?")


def test_the_topic_comes_from_the_question_not_from_the_story(seed_engine):
    reply = ask(seed_engine, STORY)
    assert reply.drug == "Trastuzumab Emtansine" and reply.topic == "interactions"


def test_a_drug_named_in_passing_is_not_the_one_asked_about(fiction_engine):
    text = (
        "I used to take velorimab for my glimmer syndrome but my doctor switched me last spring. Now I am on "
        "kadcyla every three weeks and I feel sick. What are the side effects of it?"
    )
    reply = ask(fiction_engine, text)
    assert reply.drug == "Trastuzumab Emtansine" and reply.topic == "side_effects"


def test_the_second_question_of_a_message_is_offered_as_a_button(seed_engine):
    text = (
        "I have been on Kadcyla for 3 months and feel tired all the time, my oncologist is great. "
        "Is it safe to get pregnant after treatment? Also can I drink alcohol while on it?"
    )
    reply = ask(seed_engine, text)
    assert reply.topic == "pregnancy"
    second = reply.options[0]
    assert second.label.startswith("Also: ") and second.part != reply.part


def test_explain_shows_which_sentence_was_read_as_the_question(seed_engine):
    from intents import format_trace

    shown = format_trace(seed_engine.explain(STORY))
    assert "(question): Is it safe for her to have a glass of wine with dinner?" in shown
    assert "(story, a drug in passing): She used to take aspirin for her heart." in shown
