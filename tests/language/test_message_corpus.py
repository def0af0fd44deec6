"""The long-message corpus: questions asked inside a story (an email, a carer's note, a forum post, a chat
message with greetings), each labelled with the asked topic and the asking sentence a reader would cut it to."""

from __future__ import annotations

import statistics
from collections import Counter

from intents.common.text import fold
from intents.language.lexicon import Lexicon
from testkit.questions import MESSAGES_DIR, QUESTIONS_DIR, Question, load_questions, question_files, split_of

REGISTERS = ("email", "carer", "forum", "greeting", "history", "two_questions", "runon", "passing")


def test_long_message_corpus_is_large_varied_and_validly_labelled(lexicon: Lexicon):
    messages = load_questions(folder=MESSAGES_DIR)
    assert len(messages) >= 800
    assert len({m.drug for m in messages}) >= 200
    # a second question may ask an uncovered subject ("nc:price")
    topics = Counter(t for m in messages for t in (*m.topics, *m.second) if not t.startswith("nc:"))
    subjects = Counter(m.subject for m in messages if m.subject)
    assert set(topics) == set(lexicon.topics), set(lexicon.topics) ^ set(topics)
    assert set(subjects) == set(lexicon.not_covered_labels), set(lexicon.not_covered_labels) ^ set(subjects)
    assert all(topics[t] >= 10 for t in lexicon.topics), topics
    assert all(subjects[s] >= 5 for s in lexicon.not_covered_labels), subjects
    assert all(m.topics or m.subject for m in messages)
    assert all(m.drug.strip() and m.register for m in messages)
    registers = Counter(m.register for m in messages)
    assert all(registers[r] >= 80 for r in REGISTERS), registers


def test_messages_are_long_and_the_question_is_cut_from_them():
    messages = load_questions(folder=MESSAGES_DIR)
    assert statistics.median(len(m.q.split()) for m in messages) >= 30
    assert sum(len(m.q) >= 1000 for m in messages) >= 10
    for m in messages:
        assert m.question in m.q and len(m.question) < len(m.q), m.q
        assert not m.name or fold(m.name) in fold(m.q), m.name
        # a drug in passing is named as written or by its generic name (a brand or a misspelling in the message)
        assert all(fold(p) not in (fold(m.drug), fold(m.other or "")) for p in m.passing)
    assert sum(bool(m.passing) for m in messages) >= len(messages) // 4  # stories name other drugs
    assert sum(bool(m.second) for m in messages) >= 20


def test_the_question_sits_at_the_start_in_the_middle_and_at_the_end():
    places = Counter()
    for m in load_questions(folder=MESSAGES_DIR):
        start = m.q.index(m.question)
        before, after = len(m.q[:start].strip()), len(m.q[start + len(m.question) :].strip())
        places["start" if before <= len(m.q) // 10 else "end" if after <= len(m.q) // 10 else "middle"] += 1
    assert all(places[p] >= 40 for p in ("start", "middle", "end")), places


def test_each_batch_is_40_to_50_varied_messages_in_one_split_and_no_message_repeats():
    messages = load_questions(folder=MESSAGES_DIR)
    batches: dict[str, list[Question]] = {}
    for m in messages:
        batches.setdefault(m.batch, []).append(m)
    assert sorted(batches) == [f.stem for f in question_files(folder=MESSAGES_DIR)]
    for name, batch in batches.items():
        assert 40 <= len(batch) <= 50, name
        assert len({m.drug for m in batch}) >= 15, name
        # a written batch covers a planned spread of topics; real people's messages ask what they ask
        labels = {*(t for m in batch for t in m.topics), *(m.subject for m in batch if m.subject)}
        assert len(labels) >= (6 if all(m.register == "real" for m in batch) else 10), name
        assert {m.split for m in batch} == {split_of(name)}
    texts = Counter(fold(m.q) for m in messages)
    assert texts.most_common(1)[0][1] == 1, texts.most_common(1)
    assert not {fold(q.q) for q in load_questions(folder=QUESTIONS_DIR)} & set(texts)


def test_message_corpus_has_a_readme_saying_it_was_written_for_the_project():
    text = (MESSAGES_DIR / "README.md").read_text(encoding="utf-8")
    assert "MedicationQA" in text and all(f"`{r}`" in text for r in REGISTERS)


def test_real_messages_are_credited_and_registered_as_real():
    text = (MESSAGES_DIR / "README.md").read_text(encoding="utf-8").lower()
    for path in question_files(folder=MESSAGES_DIR):
        if path.stem.startswith("real-"):
            assert path.stem.split("-")[1] in text, path.stem  # the source is named under Sources
            assert {m.register for m in load_questions(folder=MESSAGES_DIR) if m.batch == path.stem} == {"real"}
