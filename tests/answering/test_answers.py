"""Each reply kind, grounded in monograph text and naming drug and section."""

from __future__ import annotations

import pytest

from intents.answering.models import Kind
from tests.conftest import ask


def test_dose_question_answers_dosage_faq_with_drug_and_section_named(seed_engine):
    reply = ask(seed_engine, "dose of Kadcyla?")
    assert reply.kind == Kind.FAQ and reply.faq == 0 and reply.topic == "dosage"
    assert reply.text.startswith("Trastuzumab Emtansine — FAQs")
    assert "3.6 mg/kg administered as an intravenous infusion every 3 weeks." in reply.text


def test_qualifier_answers_the_labelled_bullet(seed_engine):
    reply = ask(seed_engine, "kadcyla renal impairment dose")
    assert reply.kind == Kind.SECTION
    assert reply.section == ["Dosage", "Standard Dosage", "Special Cases", "Patients with Renal Impairment"]
    assert "No dose adjustment is recommended for mild to moderate renal impairment." in reply.text
    assert "Hepatic" not in reply.text


def test_children_question_answers_the_children_subsection(seed_engine):
    reply = ask(seed_engine, "can kids get kadcyla")
    assert reply.section == ["Dosage", "Standard Dosage", "Children"]


def test_heading_variant_maps_to_the_topic(fiction_engine):
    reply = ask(fiction_engine, "velorimab administration in adults")
    assert reply.topic == "dosage"
    assert reply.section[0] == "Dosage and Administration"


def test_general_side_effects_question_gets_the_whole_section(seed_engine):
    reply = ask(seed_engine, "kadcyla side effects")
    assert reply.kind == Kind.SECTION and reply.section == ["Side Effects"]
    for heading in ("Common Side Effects", "Rare but Serious Side Effects", "Long-Term Effects"):
        assert heading in reply.text


def test_answer_text_is_monograph_text_without_markup(seed_engine):
    reply = ask(seed_engine, "kadcyla interactions with rifampin")
    assert "rifampin" in reply.text and "**" not in reply.text
    assert reply.section == ["Drug Interactions", "CYP3A4 Inducers"]


def test_unmentioned_interacting_drug_is_said_so(seed_engine):
    reply = ask(seed_engine, "kadcyla with doxorubicin")
    assert reply.topic == "interactions"
    assert "does not mention doxorubicin" in reply.text


def test_interaction_question_names_both_drugs_and_answers_from_the_focus(stubs_engine):
    reply = ask(stubs_engine, "can kadcyla be given with ketoconazole")
    assert reply.drug == "Trastuzumab Emtansine" and reply.topic == "interactions"
    assert "ketoconazole" in reply.text


def test_unanswerable_subject_gets_an_honest_listing_not_the_dosage(seed_engine):
    reply = ask(seed_engine, "how much does kadcyla cost")
    assert reply.kind == Kind.LISTING and reply.topic is None
    assert "does not cover price or cost" in reply.text
    assert "3.6 mg/kg" not in reply.text


@pytest.mark.parametrize(
    "text",
    [
        "kadcyla storage",
        "what does kadcyla look like",
        "kadcyla manufacturer",
        "kadcyla overdose",
        "where to buy kadcyla",
    ],
)
def test_subjects_the_monograph_lacks_are_listings(seed_engine, text):
    assert ask(seed_engine, text).kind == Kind.LISTING


def test_drug_alone_gets_the_listing_of_sections_with_buttons(seed_engine):
    reply = ask(seed_engine, "kadcyla")
    assert reply.kind == Kind.LISTING and reply.drug == "Trastuzumab Emtansine"
    assert "Dosage" in reply.text and "Frequently asked questions (9)" in reply.text
    assert "prescribed for the treatment of HER2-positive breast cancer" in reply.text  # its own summary
    assert {o.label for o in reply.options} >= {"Dosage", "Side Effects"}


def test_unclear_question_about_a_known_drug_says_so_and_lists(seed_engine):
    reply = ask(seed_engine, "kadcyla zebra umbrella")
    assert reply.kind == Kind.LISTING and "Which part of the Trastuzumab Emtansine monograph" in reply.text


def test_banned_monograph_is_refused_by_name_and_brand(fiction_engine):
    for text in ("plumbazole dose", "plumbex", "what is plumbazole"):
        reply = ask(fiction_engine, text)
        assert reply.kind == Kind.REFUSE
        assert "fictional, must never be shown" not in reply.text


def test_banned_monograph_never_suggested_or_listed(fiction_engine):
    assert "Plumbazole" not in [m.title for m in fiction_engine.drugs()]
    assert "Plumbazole" not in ask(fiction_engine, "plumbazol dose").candidates


def test_unknown_drug_is_named(seed_engine):
    reply = ask(seed_engine, "aspirin dose")
    assert reply.kind == Kind.UNKNOWN and reply.drug is None
    assert "aspirin" in reply.text


def test_unknown_with_close_names_suggests_them(stubs_engine):
    reply = ask(stubs_engine, "pertuzum dosage")
    assert reply.kind in (Kind.UNKNOWN, Kind.SECTION)
    if reply.kind == Kind.UNKNOWN:
        assert "Pertuzumab" in reply.candidates


def test_no_drug_at_all_is_unknown_without_wild_suggestions(seed_engine):
    reply = ask(seed_engine, "what's the weather in Paris")
    assert reply.kind == Kind.UNKNOWN and reply.candidates == []


@pytest.mark.parametrize(("text", "group"), [("hi", "Hello"), ("thanks!", "welcome"), ("/help", "Ask me")])
def test_small_talk_says_what_the_bot_does(seed_engine, text, group):
    reply = ask(seed_engine, text)
    assert reply.kind == Kind.SMALLTALK and group in reply.text


def test_greeting_and_help_carry_the_disclaimer(seed_engine):
    for text in ("hello", "help"):
        assert "not medical advice" in ask(seed_engine, text).text


def test_self_harm_request_is_refused_with_a_pointer_to_help(seed_engine):
    reply = ask(seed_engine, "lethal dose of kadcyla")
    assert reply.kind == Kind.REFUSE and "emergency" in reply.text


def test_body_only_faq_pair_answers_as_a_section(fiction_engine):
    reply = ask(fiction_engine, "does velorimab glow in the dark")
    assert reply.kind == Kind.SECTION and reply.faq is None
    assert reply.section == ["FAQs", "Does Velorimab glow in the dark?"]


def test_faq_list_and_button_parts(seed_engine):
    listing = ask(seed_engine, "kadcyla faq")
    assert len(listing.options) == 9
    reply, _ = seed_engine.part("trastuzumab-emtansine", listing.options[1].part)
    assert reply.kind == Kind.FAQ and reply.faq == 1
    dosage = next(o for o in ask(seed_engine, "kadcyla").options if o.label == "Dosage")
    section, _ = seed_engine.part(dosage.drug_id, dosage.part)
    assert section.section == ["Dosage"] and "3.6 mg/kg" in section.text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\x00\x01\x02",
        "😀😀😀",
        "<script>alert(1)</script>",
        "דוז של קדסילה",
        "\u200b\u200f",
        "a" * 100_000,
        "kadcyla " * 5000,
        "%s%n{0}{}",
        "🙂 kadcyla dose 🙂",
        "ｄｏｓｅ ｏｆ ｋａｄｃｙｌａ",
    ],
)
def test_any_text_gets_a_sane_reply(seed_engine, text):
    reply = ask(seed_engine, text)
    assert reply.kind in set(Kind)
    assert len(reply.text) < 20_000


def test_units_cut_at_indexing_equal_units_cut_on_demand(fiction_engine):
    from intents.library.units import build_units, unpack_units

    corpus, lexicon = fiction_engine.corpus, fiction_engine.lexicon
    for drug_id in corpus.entries:
        packed = unpack_units(corpus.packed_units(drug_id, lexicon.key))
        fresh = build_units(corpus.document(drug_id), lexicon)
        assert [(u.key, u.path, u.reply_lines(), sorted(u.ensure().text_stems.split())) for u in packed.units] == [
            (u.key, u.path, u.reply_lines(), sorted(u.text_stems.split())) for u in fresh.units
        ]
        assert corpus.packed_units(drug_id, "another lexicon") is None


def test_organ_damage_question_answers_the_serious_side_effects(seed_engine):
    reply = ask(seed_engine, "kadcyla liver damage")
    assert reply.topic == "side_effects"
    assert reply.section == ["Side Effects", "Rare but Serious Side Effects"]


def test_drug_named_twice_is_one_drug(seed_engine):
    assert ask(seed_engine, "kadcyla kadcyla dose").text == ask(seed_engine, "kadcyla dose").text


def test_question_words_are_never_reported_missing(seed_engine):
    reply = ask(seed_engine, "Kadcyla: how long is the infusion?")
    assert "90-minute" in reply.text and "does not mention" not in reply.text


def test_interaction_with_a_banned_drug_never_serves_the_banned_text(tmp_path, lexicon):
    import shutil

    from intents.engine import Engine
    from intents.library.corpus import load_corpus
    from tests.conftest import SEED_FILE

    shutil.copy(SEED_FILE, tmp_path / "kadcyla.md")
    (tmp_path / "zorblamab.md").write_text(
        "---\ntitle: Zorblamab\nis_banned: true\n---\n## Drug Interactions\n\n"
        "- **Kadcyla:** SECRET banned interaction text with trastuzumab emtansine.\n",
        encoding="utf-8",
    )
    engine = Engine(load_corpus([tmp_path]), lexicon)
    for text in ("kadcyla with zorblamab", "does zorblamab interact with kadcyla", "zorblamab and kadcyla"):
        reply = ask(engine, text)
        assert "SECRET" not in reply.text, text
        assert reply.drug in (None, "Trastuzumab Emtansine"), text


def test_a_single_candidate_is_offered_by_name_not_as_a_list(seed_engine):
    reply = ask(seed_engine, "trastuzumab dose")
    assert reply.kind == Kind.CLARIFY and len(reply.options) == 1
    assert reply.text.startswith("I have Trastuzumab Emtansine (Kadcyla), not trastuzumab. Show it?")
    assert "•" not in reply.text


def test_units_and_numbers_are_never_reported_missing(seed_engine):
    reply = ask(seed_engine, "kadcyla dose in mg/kg for 70 kg")
    assert "does not mention" not in reply.text


def test_a_word_beside_a_synonym_the_answer_covers_is_not_missing(seed_engine):
    reply = ask(seed_engine, "kadcyla dose with kidney failure")
    assert reply.section and "Renal" in reply.section[-1]
    assert "failure" not in reply.text.split("\n")[1]
