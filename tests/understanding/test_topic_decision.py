"""Deciding the topic: when two readings agreeing are enough, and when a question read out of a story needs more."""

from __future__ import annotations

from intents.engine import Engine
from intents.understanding.matcher import match
from intents.understanding.topic_decision import AGREED_THRESHOLD, THRESHOLD, decide
from tests.conftest import ask

AGREED = "can kadcyla be given with ketoconazole"  # the classifiers lean to interactions; a frame points there too


def test_a_topic_the_frames_point_to_is_decided_below_the_threshold(seed_engine: Engine):
    decision = decide(match(AGREED, seed_engine.names, seed_engine.lexicon), seed_engine.lexicon)
    assert AGREED_THRESHOLD <= decision.confidence < THRESHOLD, "the case no longer tests the agreed discount"
    assert decision.topic == "interactions"


def test_the_same_question_read_out_of_a_story_needs_the_full_threshold(seed_engine: Engine):
    decision = decide(match(AGREED, seed_engine.names, seed_engine.lexicon), seed_engine.lexicon, story=True)
    assert decision.topic is None and decision.best == "interactions"


def test_a_message_read_whole_is_no_story(seed_engine: Engine):
    reply = ask(seed_engine, AGREED)
    assert reply.kind.value in ("faq", "section") and reply.topic == "interactions"
