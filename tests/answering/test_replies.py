"""Building replies: monograph text with the drug and the part named, listings, and refusals."""

from __future__ import annotations

from intents.answering.models import Kind


def velorimab(engine):
    return next(m for m in engine.corpus.entries.values() if m.title == "Velorimab")


def test_a_part_reply_names_the_drug_and_its_heading_path(fiction_engine):
    mono = velorimab(fiction_engine)
    unit = next(u for u in fiction_engine.units(mono).units if u.path[-1] == "Renal Impairment")
    reply = fiction_engine.replies.unit("q", mono, unit, "dosage")
    assert reply.kind is Kind.SECTION and reply.drug == "Velorimab"
    assert reply.section == list(unit.path)
    assert reply.lines[0].role == "title" and "Velorimab" in reply.lines[0].text
    assert "No change for mild renal impairment" in reply.text
    assert reply.sourced and reply.updated == "2025-03-01"


def test_a_listing_offers_every_section_as_a_button(fiction_engine):
    mono = velorimab(fiction_engine)
    reply = fiction_engine.replies.listing("q", mono, "listing_plain")
    assert reply.kind is Kind.LISTING
    labels = [o.label for o in reply.options]
    for section in fiction_engine.units(mono).sections:
        assert section.label in labels


def test_likely_sections_lead_the_which_part_listing(fiction_engine):
    mono = velorimab(fiction_engine)
    side = next(u for u in fiction_engine.units(mono).sections if u.label == "Side Effects")
    reply = fiction_engine.replies.listing("q", mono, "listing_which", [side])
    assert reply.options[0].label == "Side Effects"


def test_a_banned_monograph_is_refused_without_its_text(fiction_engine):
    banned = next(m for m in fiction_engine.corpus.entries.values() if m.is_banned)
    reply = fiction_engine.replies.refuse_banned("q", banned)
    assert reply.kind is Kind.REFUSE and not reply.sourced
    assert reply.section is None and reply.options == []


def test_an_unknown_name_is_said_back_with_suggestions(fiction_engine):
    reply = fiction_engine.replies.unknown("velorimub dose", "dosage", ["velorimub", "dose"], ["velorimub"])
    assert reply.kind is Kind.UNKNOWN and reply.drug is None
