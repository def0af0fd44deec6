"""The real seed monograph parses into a clean section tree, names and FAQ pairs."""

from __future__ import annotations

import pytest

from intents.library.parser import MonographError, clean_answer, clean_description, clean_question, parse_monograph
from tests.conftest import SEED_FILE


@pytest.fixture(scope="module")
def seed():
    return parse_monograph(SEED_FILE.read_text(encoding="utf-8"), source=str(SEED_FILE))


def test_seed_is_the_shared_file_byte_for_byte():
    from tests.conftest import SHARED

    original = SHARED / "seeds" / "000_83fa23df67f95bdd.txt"
    if not original.exists():
        pytest.skip("../shared/seeds not beside the project")
    assert SEED_FILE.read_bytes() == original.read_bytes()


def test_seed_title_names_and_flags(seed):
    assert seed.title == "Trastuzumab Emtansine"
    assert seed.id == "trastuzumab-emtansine"
    assert not seed.is_banned
    assert seed.last_modified == "2025-09-22T17:21:54.364Z"
    assert "Kadcyla" in seed.names and "Kadcyla" in seed.brands
    assert all("®" not in name for name in seed.names)


def test_seed_top_level_sections_have_clean_headings(seed):
    headings = [s.heading for s in seed.sections]
    assert headings == [
        "Usage",
        "Alternate Names",
        "How It Works",
        "Dosage",
        "Side Effects",
        "Contraindications",
        "Drug Interactions",
        "Pregnancy and Breastfeeding",
        "Drug Profile Summary",
        "Popular Combinations",
        "Precautions",
    ]
    assert seed.faq_heading == "FAQs (Frequently Asked Questions)"


def test_seed_dosage_subsections_and_labelled_bullets(seed):
    dosage = next(s for s in seed.sections if s.heading == "Dosage")
    standard = dosage.children[0]
    assert standard.heading == "Standard Dosage" and standard.level == 3
    assert [c.heading for c in standard.children] == ["Adults", "Children", "Special Cases"]
    special = standard.children[2]
    labels = [b.label for b in special.blocks]
    assert "Patients with Renal Impairment" in labels
    assert "Elderly Patients (≥ 65 years)" in labels
    renal = special.blocks[labels.index("Patients with Renal Impairment")]
    assert renal.text.startswith("No dose adjustment is recommended for mild to moderate renal impairment.")
    assert "**" not in renal.text


def test_seed_side_effect_headings_lose_bold_and_colon(seed):
    side = next(s for s in seed.sections if s.heading == "Side Effects")
    assert [c.heading for c in side.children] == [
        "Common Side Effects",
        "Rare but Serious Side Effects",
        "Long-Term Effects",
        "Adverse Drug Reactions (ADR)",
    ]


def test_seed_nested_bullets_keep_their_labels(seed):
    how = next(s for s in seed.sections if s.heading == "How It Works")
    pk = next(b for b in how.blocks if b.label == "Pharmacokinetics")
    assert [c.label for c in pk.children] == ["Absorption", "Metabolism", "Elimination"]
    assert "approximately 4 days" in pk.children[2].text


def test_seed_has_nine_clean_faq_pairs(seed):
    pairs = [f for f in seed.faqs if f.frontmatter_index is not None]
    assert len(pairs) == 9 and len(seed.faqs) == 9  # body FAQs merged, no duplicates
    for pair in seed.faqs:
        for debris in ("**", "A:", "Q1", "\n"):
            assert debris not in pair.question and debris not in pair.answer
    assert seed.faqs[0].question == "What is the recommended dosage for Trastuzumab Emtansine?"
    assert seed.faqs[0].answer == "3.6 mg/kg administered as an intravenous infusion every 3 weeks."


def test_truncated_description_is_cut_at_a_sentence(seed):
    assert not seed.description.endswith("p...")
    assert seed.description.endswith("either separately or in combination.")
    assert "**" not in seed.description and not seed.description.startswith("- ")


def test_debris_cleaners_keep_the_words():
    assert clean_question("Can X be used?**\n**A:** No.") == "Can X be used?"
    assert clean_answer("A:**  As a 90-minute infusion.**") == "As a 90-minute infusion."
    assert clean_answer("**A:** Yes.") == "Yes."
    assert clean_description("Short and complete.") == "Short and complete."


def test_aliases_from_front_matter_are_names():
    text = "---\ntitle: Fictomab\naliases: [FMB-1, old fictomab]\n---\n## Usage\n\n- Fictional.\n"
    mono = parse_monograph(text)
    assert mono.names == ("Fictomab", "FMB-1", "old fictomab")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("## Usage\n- no front matter\n", "no YAML front matter"),
        ("---\ntitle: [unclosed\n---\n## Usage\n", "not valid YAML"),
        ("---\ndescription: no title\n---\n## Usage\n- x\n", "title"),
        ("---\ntitle: '  '\n---\n## Usage\n- x\n", "title"),
        ("---\ntitle: Fictomab\nis_banned: maybe\n---\n## Usage\n- x\n", "is_banned"),
        ("---\ntitle: Fictomab\n---\n\nno sections at all\n", "nothing to answer"),
    ],
)
def test_broken_files_raise_a_reason(text, reason):
    with pytest.raises(MonographError, match=reason):
        parse_monograph(text)


def test_deeply_nested_bullets_are_kept_without_recursion_errors(tmp_path):
    from intents.engine import Engine
    from intents.language.lexicon import load_lexicon
    from intents.library.corpus import load_corpus

    bullets = "".join(f"{'  ' * i}- Fictomab level {i} note.\n" for i in range(1_200))
    (tmp_path / "deep.md").write_text(f"---\ntitle: Fictomab\n---\n## Dosage\n\n{bullets}", encoding="utf-8")
    corpus = load_corpus([tmp_path])
    assert corpus.issues == [] and list(corpus.entries) == ["fictomab"]
    reply, _ = Engine(corpus, load_lexicon()).respond("fictomab dose")
    assert "Fictomab level 0 note." in reply.text and "Fictomab level 1199 note." in reply.text


def test_many_brand_names_are_deduplicated_in_linear_time(monkeypatch):
    import intents.library.parser
    from intents.common.text import fold

    calls = 0

    def counting_fold(text: str) -> str:
        nonlocal calls
        calls += 1
        return fold(text)

    monkeypatch.setattr(intents.library.parser, "fold", counting_fold)
    brands = ", ".join(f"Brand{i:04d}" for i in range(2_000))
    mono = parse_monograph(f"---\ntitle: Fictomab\n---\n## Alternate Names\n- **Brand Names:** {brands}, Brand0001\n")
    assert len(mono.brands) == 2_000 and len(mono.names) == 2_001
    assert calls < 10 * 2_000
