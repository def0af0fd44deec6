"""Follow-ups use the chat's last drug; a new drug replaces it; context expires; chats never share it."""

from __future__ import annotations

from intents.answering.models import ChatContext, Kind


def test_follow_up_uses_the_last_drug(seed_engine):
    _, ctx = seed_engine.respond("dose of kadcyla?", now=1000)
    reply, ctx = seed_engine.respond("and side effects?", ctx, now=1010)
    assert reply.drug == "Trastuzumab Emtansine" and reply.topic == "side_effects"
    reply, _ = seed_engine.respond("what about in children?", ctx, now=1020)
    assert reply.section == ["Dosage", "Standard Dosage", "Children"]


def test_newly_named_drug_replaces_the_context(fiction_engine):
    _, ctx = fiction_engine.respond("kadcyla dose", now=0)
    _, ctx = fiction_engine.respond("velorimab side effects", ctx, now=1)
    reply, _ = fiction_engine.respond("and in pregnancy?", ctx, now=2)
    assert reply.drug == "Velorimab"


def test_context_expires_after_a_quiet_period(seed_engine):
    _, ctx = seed_engine.respond("kadcyla dose", now=0)
    reply, _ = seed_engine.respond("and side effects?", ctx, now=seed_engine.context_ttl + 1)
    assert reply.kind == Kind.UNKNOWN


def test_unknown_drug_in_follow_up_is_not_answered_with_the_old_drug(seed_engine):
    _, ctx = seed_engine.respond("kadcyla dose", now=0)
    for text in ("aspirin dose?", "and herceptin side effects?", "what about zorblatinib in pregnancy"):
        reply, _ = seed_engine.respond(text, ctx, now=1)
        assert reply.kind == Kind.UNKNOWN and reply.drug is None, text


def test_chatter_after_an_answer_does_not_reuse_the_drug(seed_engine):
    _, ctx = seed_engine.respond("kadcyla dose", now=0)
    reply, _ = seed_engine.respond("what's the weather in Paris", ctx, now=1)
    assert reply.kind == Kind.UNKNOWN


def test_clarify_pick_answers_the_original_question(stubs_engine):
    clarify, ctx = stubs_engine.respond("emtansine side effects", ChatContext(), now=0)
    assert clarify.kind == Kind.CLARIFY
    picked, _ = stubs_engine.pick(clarify.options[0].drug_id, ctx, now=1)
    assert picked.drug == clarify.options[0].label and picked.topic == "side_effects"
