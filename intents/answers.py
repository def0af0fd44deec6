"""Choosing the part of a monograph that answers, and turning it into reply lines.

A monograph is cut into *units*: each front-matter FAQ pair, each section and subsection, and each labelled
bullet. A question's topic selects the units that can answer; its facets and leftover words pick the most
specific one. Every reply line is monograph text; only headings and the drug name are added around it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from intents.lexicon import Lexicon
from intents.matcher import Intent
from intents.models import Block, Line, Monograph, Section
from intents.text import fold, stem

OVERVIEW_TOPIC = "overview"
PATH_SEP = " › "


@dataclass
class Unit:
    """One answerable part of a monograph."""

    key: str
    kind: str  # "faq" | "part"
    path: list[str]
    label: str
    depth: int
    topics: set[str]
    primary: bool
    lines: list[Line]
    own_facets: set[tuple[str, str]] = field(default_factory=set)
    sub_facets: set[tuple[str, str]] = field(default_factory=set)
    label_stems: set[str] = field(default_factory=set)
    text: str = ""  # folded text of the unit and everything under it, padded with spaces
    text_stems: set[str] = field(default_factory=set)
    faq_index: int | None = None

    @property
    def is_faq_pair(self) -> bool:
        """A question/answer pair, from the front matter or only from the body's FAQ section."""
        return self.key.startswith("f")


@dataclass
class DrugUnits:
    units: list[Unit]
    by_key: dict[str, Unit]
    sections: list[Unit]  # top-level sections, in file order


def _block_lines(block: Block, depth: int) -> list[Line]:
    role = "bullet" if block.kind == "bullet" else "text"
    lines = [Line(role=role, text=block.text, label=block.label, depth=depth)]
    for child in block.children:
        lines.extend(_block_lines(child, depth + 1))
    return lines


def _section_lines(section: Section, top: bool) -> list[Line]:
    lines: list[Line] = [] if top else [Line(role="heading", text=section.heading, depth=section.level)]
    for block in section.blocks:
        lines.extend(_block_lines(block, 0))
    for child in section.children:
        lines.extend(_section_lines(child, False))
    return lines


def _block_text(block: Block) -> str:
    parts = [block.label or "", block.text]
    parts.extend(_block_text(c) for c in block.children)
    return " ".join(p for p in parts if p)


def _section_text(section: Section) -> str:
    parts = [section.heading]
    parts.extend(_block_text(b) for b in section.blocks)
    parts.extend(_section_text(c) for c in section.children)
    return " ".join(parts)


def _stems(text: str) -> set[str]:
    return {stem(w) for w in fold(text).split() if len(w) > 2}


def classify(text: str, lexicon: Lexicon, ignore: set[str] = frozenset()) -> str | None:
    """The topic of a sentence (an FAQ question), scored like a user's message."""
    words = [w for w in fold(text).split() if w not in ignore]
    scores: dict[str, float] = {}
    i = 0
    weights = {"generic": 2.0, "facet": 1.0, "weak": 0.5}
    while i < len(words):
        for n in range(min(lexicon.max_phrase, len(words) - i), 0, -1):
            hits = lexicon.phrases.get(tuple(words[i : i + n]))
            if hits:
                for hit in hits:
                    if hit.topic and hit.kind in weights:
                        scores[hit.topic] = scores.get(hit.topic, 0.0) + weights[hit.kind]
                i += n
                break
        else:
            i += 1
    if not scores:
        return None
    order = list(lexicon.topics)
    return max(scores.items(), key=lambda kv: (kv[1], -order.index(kv[0])))[0]


def build_units(mono: Monograph, lexicon: Lexicon) -> DrugUnits:
    """Cut a monograph into units, tagging each with the topics and facets its heading names."""
    units: list[Unit] = []
    tops: list[Unit] = []
    name_words = {w for n in mono.names for w in fold(n).split()}

    for index, pair in enumerate(mono.faqs):
        # a front-matter pair is a `faq` answer; a pair found only in the body is a part of its FAQ section
        from_body = pair.frontmatter_index is None
        topic = classify(pair.question, lexicon, name_words)
        units.append(
            Unit(
                key=f"f{index}",
                kind="part" if from_body else "faq",
                path=[mono.faq_heading or "FAQs", *([pair.question] if from_body else [])],
                label=pair.question,
                depth=1,
                topics={topic} if topic else set(),
                primary=True,
                lines=[Line(role="question", text=pair.question), Line(role="text", text=pair.answer)],
                own_facets=lexicon.facets_of(pair.question),
                sub_facets=lexicon.facets_of(pair.question),
                label_stems=_stems(pair.question) - {stem(w) for w in name_words},
                text=f" {fold(pair.answer)} ",
                text_stems=_stems(pair.answer),
                faq_index=pair.frontmatter_index,
            )
        )

    counter = 0

    def add(
        label: str,
        path: list[str],
        depth: int,
        inherited: set[str],
        primary: bool,
        lines: list[Line],
        full_text: str,
        children_facets: set[tuple[str, str]],
    ) -> Unit:
        nonlocal counter
        own = lexicon.topics_of_heading(label)
        unit = Unit(
            key=f"p{counter}",
            kind="part",
            path=path,
            label=label,
            depth=depth,
            topics=own or set(inherited),
            primary=primary,
            lines=lines,
            own_facets=lexicon.facets_of(label),
            label_stems=_stems(label),
            text=f" {fold(full_text)} ",
            text_stems=_stems(full_text),
        )
        unit.sub_facets = unit.own_facets | children_facets
        counter += 1
        units.append(unit)
        return unit

    def walk_block(block: Block, path: list[str], depth: int, inherited: set[str], primary: bool) -> Unit | None:
        child_units = []
        label_path = [*path, block.label] if block.label else path
        for child in block.children:
            unit = walk_block(
                child, label_path, depth + 1, lexicon.topics_of_heading(block.label or "") or inherited, primary
            )
            if unit:
                child_units.append(unit)
        if not block.label:
            return None
        facets = set().union(*(u.sub_facets for u in child_units)) if child_units else set()
        return add(
            block.label, label_path, depth, inherited, primary, _block_lines(block, 0), _block_text(block), facets
        )

    def walk_section(section: Section, path: list[str], inherited: set[str], primary: bool) -> Unit:
        here = [*path, section.heading]
        own = lexicon.topics_of_heading(section.heading) or inherited
        is_summary = OVERVIEW_TOPIC in lexicon.topics_of_heading(section.heading)
        child_primary = primary and not is_summary
        child_units = [walk_block(b, here, section.level + 1, own, child_primary) for b in section.blocks]
        child_units += [walk_section(c, here, own, child_primary) for c in section.children]
        facets = set().union(*(u.sub_facets for u in child_units if u)) if child_units else set()
        return add(
            section.heading,
            here,
            section.level,
            inherited,
            primary,
            _section_lines(section, True),
            _section_text(section),
            facets,
        )

    for section in mono.sections:
        tops.append(walk_section(section, [], set(), True))

    return DrugUnits(units=units, by_key={u.key: u for u in units}, sections=tops)


@dataclass
class Choice:
    unit: Unit
    score: float
    unmatched: list[str]


def _has_phrase(text: str, phrase: str) -> bool:
    return f" {phrase} " in text


def score_unit(
    unit: Unit, intent: Intent, lexicon: Lexicon, extra_stems: list[str], other_names: list[str]
) -> tuple[float, set[str]]:
    """How well a unit answers: facets and leftover words found in its headings count most."""
    score = 0.0
    matched: set[str] = set()
    for facet in intent.facets:
        topic, name = facet
        said = intent.facet_words.get(facet, name)
        if facet in unit.own_facets or facet in unit.sub_facets:
            score += 3
            matched.add(said)
        elif any(_has_phrase(unit.text, fold(p)) for p in lexicon.topics[topic].facets[name]):
            score += 1
            matched.add(said)
    for word, word_stem in zip(intent.extra, extra_stems, strict=True):
        if word_stem in unit.label_stems:
            score += 3
            matched.add(word)
        elif word_stem in unit.text_stems or _has_phrase(unit.text, word):
            score += 1
            matched.add(word)
    for name in other_names:
        if _has_phrase(unit.text, name):
            score += 2
            matched.add(name)
    if score <= 0:
        # a part about something narrower than what was asked ("Common Side Effects" for "side effects")
        score -= sum(1 for f in unit.own_facets - set(intent.facets) if f[0] in unit.topics)
    return score, matched


def choose(
    drug: DrugUnits, intent: Intent, topic: str | None, lexicon: Lexicon, other_names: list[str]
) -> Choice | None:
    """The unit that best answers, or None when nothing fits well enough to answer with confidence."""
    if topic:
        pool = [u for u in drug.units if topic in u.topics and u.primary]
        pool = pool or [u for u in drug.units if topic in u.topics]
    else:
        pool = [u for u in drug.units if u.primary]
    if not pool:
        return None
    extra_stems = [stem(w) for w in intent.extra]
    scored = []
    for unit in pool:
        score, matched = score_unit(unit, intent, lexicon, extra_stems, other_names)
        scored.append((score, matched, unit))
    best_score = max(s for s, _, _ in scored)
    if topic is None and best_score <= 0:
        return None

    def rank(item: tuple[float, set[str], Unit]) -> tuple[float, int, int, int]:
        score, _, unit = item
        exact_topic = int(topic is not None and unit.topics == {topic})
        depth = unit.depth if best_score > 0 else -unit.depth
        return (score, int(unit.kind == "faq"), exact_topic, depth)

    score, matched, unit = max(scored, key=rank)
    said = [intent.facet_words.get(f, f[1]) for f in intent.facets]
    wanted = [w for w in [*said, *intent.extra, *other_names] if w not in matched]
    return Choice(unit=unit, score=score, unmatched=wanted)


def topic_of(unit: Unit, lexicon: Lexicon) -> str | None:
    """The single topic id to report for a unit chosen without a topic in the question."""
    if not unit.topics:
        return None
    order = list(lexicon.topics)
    return min(unit.topics, key=order.index)
