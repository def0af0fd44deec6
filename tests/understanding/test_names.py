"""Drug names as people type them: swapped letters, look-alike letters, glued words, strengths, combinations."""

from __future__ import annotations

import random
import string

import pytest

import intents.library.names as names_module
from intents.common.text import fold, tokens
from intents.engine import Engine
from intents.library.corpus import load_corpus
from intents.library.models import Monograph
from intents.library.names import NameIndex
from intents.library.typos import MAX_TYPO_PROBES, ProbeBudget, probe_count, probes
from intents.understanding.matcher import match
from intents.understanding.typed_names import unglue
from tests.conftest import FICTIONAL, FIXTURES, SEEDS, STUBS, ask

KADCYLA = ("trastuzumab-emtansine",)


def ids_found(engine, text):
    return [m.ids for m in match(text, engine.names, engine.lexicon).mentions]


@pytest.mark.parametrize("text", ["kadycla", "kacdyla", "akdcyla", "kadcyal", "trastuzumab emtasnine"])
def test_two_swapped_letters_are_one_typo(seed_engine, text):
    assert ids_found(seed_engine, text) == [KADCYLA]


def test_a_swapped_name_answers_the_question(seed_engine):
    reply = ask(seed_engine, "kadycla dose")
    assert reply.drug == "Trastuzumab Emtansine" and reply.topic == "dosage"


@pytest.mark.parametrize("text", ["kadycal", "akdycla"])
def test_two_swaps_in_a_short_name_are_still_too_many(seed_engine, text):
    assert ids_found(seed_engine, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "k\u0430dcyla",  # Cyrillic а
        "\u041a\u0410DC\u0423L\u0410",  # Cyrillic К, А, У in capitals
        "kadc\u0443la",  # Cyrillic у
        "\u03baadcyla",  # Greek κ
        "ｋａｄｃｙｌａ",  # full-width
        "kad\u200bcyla",  # zero-width space inside the word
        "kad\u00adcyla",  # soft hyphen
    ],
)
def test_look_alike_letters_read_as_the_latin_letter(seed_engine, text):
    assert ids_found(seed_engine, f"{text} dose") == [KADCYLA]
    assert ask(seed_engine, f"{text} dose").drug == "Trastuzumab Emtansine"


def test_look_alikes_in_a_monograph_name_meet_the_latin_spelling(lexicon):
    mono = Monograph(id="quorbex", title="Qu\u043erb\u0435x", names=("Qu\u043erb\u0435x", "Z\u200bylvane"))
    index = NameIndex.build([mono], lexicon)
    assert index.exact_mentions(tokens("quorbex")) and index.exact_mentions(tokens("zylvane"))


@pytest.mark.parametrize("text", ["привет", "доза кадсила"])
def test_cyrillic_words_with_letters_of_their_own_stay_cyrillic(text):
    assert fold(text) == ""


def random_letters(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(count))


def test_dropping_letters_makes_each_probe_once_and_no_more_than_counted():
    word = "trastuzumab emtansine"
    made = probes(word, 2)
    assert len(made) <= probe_count(len(word), 2) == 1 + 21 + 21 * 20 // 2
    assert word in made and "trastuzumabemtansin" in made and "rastuzumab emtansine" in made


def test_a_word_longer_than_any_name_costs_no_typo_probes(seed_engine):
    budget = ProbeBudget()
    word = "kadcyla" + random_letters(random.Random(1), 990)
    assert seed_engine.names.fuzzy_keys(word, budget) == [] and budget.left == MAX_TYPO_PROBES


@pytest.mark.parametrize("size", [8, 15, 21, 40])
def test_one_message_spends_a_bounded_number_of_typo_probes(stubs_engine, monkeypatch, size):
    made: list[int] = []

    def counting(text: str, depth: int) -> set[str]:
        found = probes(text, depth)
        made.append(len(found))
        return found

    monkeypatch.setattr(names_module, "probes", counting)
    rng = random.Random(size)
    message = " ".join(random_letters(rng, size) for _ in range(1000 // (size + 1)))
    match(message, stubs_engine.names, stubs_engine.lexicon)
    assert sum(made) <= MAX_TYPO_PROBES


def test_a_huge_alias_is_found_exactly_without_a_typo_index_of_its_square(lexicon):
    alias = "Velorimab" + "x" * 30_000
    plain = Monograph(id="velorimab", title="Velorimab", names=("Velorimab",))
    huge = Monograph(id="velorimab", title="Velorimab", names=("Velorimab", alias))
    index = NameIndex.build([huge], lexicon)
    assert index.exact[fold(alias)] == ("velorimab",)
    assert index.deletes == NameIndex.build([plain], lexicon).deletes
    assert index.fuzzy_keys("velorimb") == [("velorimab", 1)]


@pytest.fixture(scope="module")
def banned_near_engine(lexicon):
    """The fictional drugs beside the shared stubs: served Velorimab is one letter from banned Zelvorimab."""
    if not STUBS.is_dir():
        pytest.skip("../shared/eval/stubs is not beside the project")
    return Engine(load_corpus([FICTIONAL, STUBS]), lexicon)


def test_a_typo_as_close_to_a_banned_drug_as_to_a_served_one_asks(banned_near_engine):
    reply, context = banned_near_engine.respond("zelorimab dose")
    assert reply.kind == "clarify" and reply.drug is None
    assert reply.candidates == ["Velorimab"] and "zelvorimab" not in reply.text.lower()
    picked, _ = banned_near_engine.pick("velorimab", context)
    assert picked.drug == "Velorimab" and picked.topic == "dosage"


def test_the_banned_drug_itself_is_still_refused(banned_near_engine):
    assert ask(banned_near_engine, "zelvorimab dose").kind == "refuse"
    assert ask(banned_near_engine, "velorimab dose").drug == "Velorimab"


@pytest.mark.parametrize(
    "text",
    [
        "velorimab 10-325",
        "velorimab 10/325 dose",
        "velorimab 100mg",
        "velorimab-100",
        "velorimab160mg",
        "velorimab 4mg/kg",
        "velorimab hcl",
        "velorimab er 500",
        "velorimab ER500 dose",
        "velorimab500",
        "velorimab hydrochloride 500mg tablets",
        "velorimb160mg",
    ],
)
def test_strengths_and_forms_never_break_a_name(fiction_engine, text):
    reply = ask(fiction_engine, text)
    assert reply.drug == "Velorimab", reply.text
    assert "does not mention" not in reply.text  # a strength or a salt is no missing subject


@pytest.mark.parametrize(
    ("text", "topic"),
    [("kadcyladose", "dosage"), ("kadcylaof", None), ("kadcylaside effects", "side_effects"), ("thekadcyla", None)],
)
def test_a_word_glued_to_a_name_is_read_apart(seed_engine, text, topic):
    reply = ask(seed_engine, text)
    assert reply.drug == "Trastuzumab Emtansine" and reply.topic == topic


def test_a_glued_name_keeps_the_rest_of_a_longer_name(fiction_engine):
    assert ask(fiction_engine, "velorimab vedotinof").drug == "Velorimab Vedotin"
    assert ask(fiction_engine, "velorimabof").drug == "Velorimab"


@pytest.mark.parametrize("word", ["tdm1", "kadcyla", "trastuzumab", "velorimab"])
def test_a_name_itself_is_never_cut(fiction_engine, word):
    assert unglue([word], fiction_engine.names, fiction_engine.lexicon) == [word]


def test_ordinary_words_that_end_like_a_question_stay_whole(lexicon):
    """A name inside a longer word ("Miral" in "miralax") is not cut off unless the rest is a question word."""
    index = NameIndex.build([Monograph(id="miral", title="Miral", names=("Miral", "Filen"))], lexicon)
    assert unglue(["miralax", "filename", "miraldose"], index, lexicon) == ["miralax", "filename", "miral", "dose"]


def follow_up(engine, first, then):
    _, context = engine.respond(first)
    reply, _ = engine.respond(then, context)
    return reply


@pytest.mark.parametrize(
    "text", ["what is the dose of T-DXd1?", "t-md1 dose", "what is the dose of t-dm?", "dose of T-Dx", "and DS-8201?"]
)
def test_a_code_name_we_do_not_have_is_not_answered_from_the_remembered_drug(seed_engine, text):
    reply = follow_up(seed_engine, "kadcyla dose", text)
    assert reply.kind == "unknown" and reply.drug is None


def test_a_code_name_near_a_known_one_is_offered(seed_engine):
    reply = follow_up(seed_engine, "kadcyla dose", "what is the dose of T-DXd1?")
    assert reply.candidates == ["Trastuzumab Emtansine"]


def code_probes() -> list[str]:
    """Code names as people mistype them: T-DM1 with one slip (case, hyphen, letters), and other drugs' codes."""
    rng = random.Random(247)
    slips: set[str] = set()
    alphabet = "TDMXdmx1289-"
    while len(slips) < 120:
        code = list("T-DM1")
        i = rng.randrange(len(code))
        slip = rng.choice(["swap", "drop", "add", "change"])
        if slip == "swap" and i < len(code) - 1:
            code[i], code[i + 1] = code[i + 1], code[i]
        elif slip == "drop":
            del code[i]
        elif slip == "add":
            code.insert(i, rng.choice(alphabet))
        else:
            code[i] = rng.choice(alphabet)
        text = "".join(c.lower() if rng.random() < 0.3 else c for c in code)
        if any(ch.isalpha() for ch in text):
            slips.add(text)
    others = ["DS-8201", "MK-3475", "BNT162b2", "SGN-35", "RC48", "DB-1303", "SHR-A1811", "ARX788", "ZW49", "SYD985"]
    return sorted(slips) + others


@pytest.mark.parametrize("template", ["what is the dose of {}?", "{} side effects", "and {}?", "is {} ok in pregnancy"])
def test_no_follow_up_with_a_code_name_answers_from_memory(seed_engine, template):
    wrong = []
    for code in code_probes():
        text = template.format(code)
        if match(text, seed_engine.names, seed_engine.lexicon).mentions:
            continue  # the code is a name we know (T-DM1 written another way): answering it is right
        reply = follow_up(seed_engine, "kadcyla dose", text)
        if reply.drug is not None:
            wrong.append(text)
    assert wrong == []


@pytest.mark.parametrize(
    "text",
    [
        "and side effects?",
        "what about in pregnancy",
        "is it safe with alcohol",
        "and for kids under 12",
        "what about covid-19?",
        "how about type 2 diabetes",
        "with cyp3a4 inhibitors?",
        "and the 2nd dose?",
        "for a 70kg adult",
        "q3w dosing?",
        "side effects after the 4th cycle",
        "dose at 3.6 mg/kg?",
        "her2 side effects",
        "any side effects on t-cells?",
        "x-ray contrast interactions?",
    ],
)
def test_ordinary_follow_ups_still_use_the_remembered_drug(seed_engine, text):
    reply = follow_up(seed_engine, "kadcyla dose", text)
    assert reply.drug == "Trastuzumab Emtansine", reply.text


@pytest.fixture(scope="module")
def combination_engine(lexicon):
    """Quorbazine, Talvexin and their combination; Dravonil and Kestrazine only as a combination (all fictional)."""
    return Engine(load_corpus([SEEDS, FICTIONAL, FIXTURES / "combinations"]), lexicon)


@pytest.mark.parametrize(
    "text",
    [
        "quorbazine and talvexin dose",
        "quorbazine/talvexin dose",
        "quorbazine-talvexin dose",
        "quorbazine with talvexin dose",
        "quorbazine & talvexin dose",
        "quorbazine + talvexin dose",
        "talvexin and quorbazine dose",
        "quorbex and talvex dose",
        "quorbazine 20mg/talvexin 500mg dose",
        "quorbazine 20 mg and talvexin 500 mg dose",
        "quorbazin/talvexin dose",
    ],
)
def test_a_combination_product_is_preferred_over_its_first_part(combination_engine, text):
    reply = ask(combination_engine, text)
    assert reply.drug == "Quorbazine and Talvexin" and reply.topic == "dosage"


def test_a_combination_known_only_as_one_monograph_is_found_from_its_parts(combination_engine):
    assert ask(combination_engine, "kestrazine with dravonil").drug == "Dravonil and Kestrazine"
    assert ask(combination_engine, "kestrazine dose").kind == "clarify"  # one part alone still asks


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("quorbazine and velorimab dose", "Quorbazine"),
        ("can i take velorimab with quorbazine", "Velorimab"),
        ("quorbazine or talvexin dose", "Quorbazine"),
        ("quorbazine dose", "Quorbazine"),
    ],
)
def test_without_a_combination_product_the_first_drug_is_the_one_asked_about(combination_engine, text, drug):
    assert ask(combination_engine, text).drug == drug


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("timolol ophthalmic dose", "Timolol"),
        ("fentanyl transdermal patch dose", "Fentanyl"),
        ("mometasone furoate dose", "Mometasone"),
        ("diltiazem er dose", "Diltiazem"),
        ("amlodipine besylate dose", "Amlodipine"),
        ("humalog kwikpen dose", "Insulin Lispro"),
        ("insulin lispro flexpen dose", "Insulin Lispro"),
        ("amlodipine besylate 5mg tablets dose", "Amlodipine"),
    ],
)
def test_a_form_word_after_a_known_name_belongs_to_it(dictionary_engine, text, drug):
    reply = ask(dictionary_engine, text)
    assert (reply.drug, reply.topic, reply.kind) == (drug, "dosage", "section"), reply.text
    assert "does not mention" not in reply.text  # a form, a route or a salt is no missing subject


@pytest.mark.parametrize(
    "text",
    [
        "kadcyla ketoconazole interaction",
        "kadcyla thrombocytopenia",
        "kadcyla warfarin",
        "kadcyla, ketoconazole",
        "kadcyla salbutamol",
        "kadcyla herceptin",
        "kadcyla neutropenia",
        "kadcyla hepatotoxicity",
        "kadcyla grapefruit",
        "kadcyla asthma",
    ],
)
def test_a_known_name_followed_by_another_word_is_that_drug(seed_engine, text):
    """A second drug, a medical term or any other word after a known name never makes an unknown longer name."""
    reply = ask(seed_engine, text)
    assert reply.drug == "Trastuzumab Emtansine", reply.text
    assert "have a monograph for" not in reply.text


@pytest.fixture()
def velorimab_only(tmp_path, lexicon):
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "velorimab.md").write_text((FICTIONAL / "velorimab.md").read_text(encoding="utf-8"), encoding="utf-8")
    text = (FICTIONAL / "velorimab.md").read_text(encoding="utf-8")
    (folder / "trastuzumab.md").write_text(
        text.replace("Velorimab", "Trastuzumab").replace("velorimab", "trastuzumab").replace("VLR-12", "TRZ-12"),
        encoding="utf-8",
    )
    return Engine(load_corpus([folder]), lexicon)


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("velorimab vedotin dose", "velorimab vedotin"),  # vedotin finishes drug names (brentuximab vedotin)
        ("velorimab deruxtecan dose", "velorimab deruxtecan"),
        ("trastuzumab emtansine dose", "trastuzumab emtansine"),  # a name of the field dictionary
        ("velorimab zorbatecan dose", "velorimab zorbatecan"),  # a word nothing knows
        ("velorimab zorbitin dose", "velorimab zorbitin"),
    ],
)
def test_a_word_that_finishes_a_longer_drug_name_still_asks(velorimab_only, text, missing):
    reply = ask(velorimab_only, text)
    assert reply.kind == "clarify" and reply.drug is None
    assert f"have a monograph for {missing}" in reply.text


# --- names spelt by sound, and typos the delete index cannot reach -------------------------------------------

SOUNDING = [
    Monograph(id="plorvix", title="Plorvix", names=("Plorvix", "Quetrolamide")),
    Monograph(id="xaventra", title="Xaventra", names=("Xaventra",)),
    Monograph(id="phendrolam", title="Phendrolam", names=("Phendrolam", "Carbovastatimab")),
]


@pytest.fixture(scope="module")
def sounding_index(lexicon):
    return NameIndex.build(SOUNDING, lexicon)


@pytest.mark.parametrize(
    ("word", "drug"),
    [("plorvics", "plorvix"), ("plorviks", "plorvix"), ("zaventra", "xaventra"), ("fendrolam", "phendrolam")],
)
def test_a_name_spelt_as_it_sounds_is_that_name(sounding_index, lexicon, word, drug):
    (mention,) = sounding_index.find(tokens(f"{word} dose"), set(), lexicon)
    assert mention.ids == (drug,) and mention.how == "fuzzy"


def test_a_long_name_with_two_letters_left_out_is_found_when_nothing_else_is_named(sounding_index, lexicon):
    (mention,) = sounding_index.find(tokens("carbovastimab side effects"), set(), lexicon)
    assert mention.ids == ("phendrolam",)


def test_a_far_typo_never_adds_a_drug_to_a_message_that_names_one(sounding_index, lexicon):
    found = sounding_index.find(tokens("plorvix and carbovastimab"), set(), lexicon)
    assert [m.ids for m in found] == [("plorvix",)]


def test_two_changed_letters_in_a_short_word_are_no_name(sounding_index, lexicon):
    assert sounding_index.find(tokens("quetrolamixe"), set(), lexicon)  # long: within the limit
    assert not sounding_index.find(tokens("zaventro dose"), set(), lexicon)  # short, two edits: unknown


def test_a_drug_spelt_by_sound_answers_on_the_real_corpus(dictionary_engine):
    assert ask(dictionary_engine, "plavics side effects").drug == ask(dictionary_engine, "plavix side effects").drug


def test_the_near_name_tables_are_made_ahead_of_the_first_message_that_needs_them(lexicon):
    index = NameIndex.build(SOUNDING, lexicon)
    assert not index.near.by_sound and not index.near.by_length  # made on first use...
    index.near.prepare(lexicon)  # ...or ahead of it, as complete_units does in the bot's background
    assert index.near.by_sound["plorviks"] == ("plorvix",) and index.near.by_length
