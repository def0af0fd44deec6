"""Cutting a monograph into answerable units, and packing them for the index cache.

A monograph is cut into *units*: each front-matter FAQ pair, each section and subsection, and each labelled
bullet, tagged with the topics and facets its heading names. Every reply line is monograph text.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, Literal, cast

import lz4.block
from pydantic_core import from_json, to_json

from intents.common.text import fold, stem
from intents.language.lexicon import Lexicon
from intents.language.topics import question_topic
from intents.library.models import Block, Line, LineRole, Monograph, Section

OVERVIEW_TOPIC = "overview"
PATH_SEP = " › "
UnitKind = Literal["faq", "part"]  # a front-matter or body FAQ pair, or a part of the body


def bag(items: Iterable[str]) -> str:
    """A set of words as one string (" a b c "): the unit cache then holds strings, which the garbage
    collector never scans, instead of hundreds of thousands of small sets."""
    return " " + " ".join(set(items)) + " "


def in_bag(words: str, item: str) -> bool:
    return f" {item} " in words


def facet_key(facet: tuple[str, str]) -> str:
    return f"{facet[0]}:{facet[1]}"


LineData = tuple[str, str, str | None, int]  # role, text, label, depth: turned into `Line`s for the chosen unit


@dataclass(slots=True)
class Unit:
    """One answerable part of a monograph. Sets are kept as bags (see `bag`) to stay light in the cache.

    A unit unpacked from the index holds its scoring fields and lines in `packed` until `ensure` is called:
    a question scores only the units of its topic, so the rest are never decoded.
    """

    key: str
    kind: UnitKind
    path: tuple[str, ...]
    label: str
    depth: int
    topics: str
    primary: bool
    lines: tuple[LineData, ...] = ()
    own_facets: str = "  "
    sub_facets: str = "  "
    label_stems: str = "  "
    text: str = ""  # folded text of the unit and everything under it, padded with spaces
    text_stems: str = "  "
    faq_index: int | None = None
    packed: bytes | None = None

    @property
    def is_faq_pair(self) -> bool:
        """A question/answer pair, from the front matter or only from the body's FAQ section."""
        return self.key.startswith("f")

    @property
    def topic_ids(self) -> list[str]:
        return self.topics.split()

    def ensure(self) -> Unit:
        """Decode the scoring fields and lines of a unit unpacked from the index (once; two threads at once both
        decode the same text, harmlessly)."""
        packed = self.packed
        if packed is not None:
            (self.lines, self.own_facets, self.sub_facets, self.label_stems, self.text, self.text_stems) = from_json(
                packed
            )
            self.packed = None
        return self

    def reply_lines(self) -> list[Line]:
        return [Line(cast(LineRole, r), t, lb, d) for r, t, lb, d in self.ensure().lines]


class DrugUnits:
    """The units of one monograph, in order. Units unpacked from the index are made when first asked for:
    a question needs the few of its topic, not the fifty of the monograph."""

    def __init__(
        self,
        units: list[Unit] | None = None,
        section_keys: list[str] | None = None,
        rows: list[tuple[Any, ...]] | None = None,
        heavy: bytes = b"",
    ) -> None:
        self._heavy = heavy  # the scoring fields and lines of unpacked rows, as JSON texts at the rows' offsets
        self._made: dict[str, Unit] = {u.key: u for u in units or []}
        self._rows: dict[str, tuple[Any, ...]] = {row[0]: row for row in rows or []}
        # (key, topics bag, primary) of every unit, in order: enough to choose a question's pool
        self._light: list[tuple[str, str, bool]] = (
            [(u.key, u.topics, u.primary) for u in units]
            if units is not None
            else [(row[0], row[5], row[6]) for row in rows or []]
        )
        self.keys: list[str] = [key for key, _, _ in self._light]
        self._section_keys = section_keys or []
        self._all: list[Unit] | None = None
        self._sections: list[Unit] | None = None

    def get(self, key: str) -> Unit | None:
        """The unit `key`, made from its row the first time; safe when threads ask at once (the row is taken
        only after the unit is stored, and a thread that finds neither looks again)."""
        unit = self._made.get(key)
        if unit is not None:
            return unit
        row = self._rows.get(key)
        if row is None:
            return self._made.get(key)
        k, kind, path, label, depth, topics, primary, faq, start, end = row
        made = Unit(k, kind, tuple(path), label, depth, topics, primary, faq_index=faq, packed=self._heavy[start:end])
        unit = self._made.setdefault(key, made)
        self._rows.pop(key, None)
        return unit

    @property
    def units(self) -> list[Unit]:
        """Every unit, in order (made once; the same list after, which callers only read)."""
        if self._all is None:
            made, self._all = self._made_once(self.keys)
            return made
        return self._all

    @property
    def sections(self) -> list[Unit]:
        """Top-level sections, in file order (made once, as `units`)."""
        if self._sections is None:
            made, self._sections = self._made_once(self._section_keys)
            return made
        return self._sections

    def _made_once(self, keys: list[str]) -> tuple[list[Unit], list[Unit] | None]:
        """The units of `keys`, and the same list to keep, or None (look again next time) when one is missing."""
        made = [u for u in (self.get(k) for k in keys) if u is not None]
        return made, made if len(made) == len(keys) else None

    def about(self, topic: str | None) -> list[Unit]:
        """The units a question on `topic` can be answered from: primary parts of the topic (else any part of it);
        with no topic, every primary part."""
        light = self._light
        if topic is None:
            keys = [k for k, _, primary in light if primary]
        else:
            keys = [k for k, topics, primary in light if primary and in_bag(topics, topic)]
            keys = keys or [k for k, topics, _ in light if in_bag(topics, topic)]
        return [u for u in (self.get(k) for k in keys) if u is not None]

    def faq_pairs(self) -> list[Unit]:
        return [u for u in (self.get(k) for k in self.keys if k.startswith("f")) if u is not None]

    def faq_count(self) -> int:
        return sum(1 for k in self.keys if k.startswith("f"))


_LIGHT = ("key", "kind", "path", "label", "depth", "topics", "primary", "faq_index")
_HEAVY = ("lines", "own_facets", "sub_facets", "label_stems", "text", "text_stems")
_HEAD = struct.Struct("<I")  # length of the JSON head of packed units


def pack_units(drug: DrugUnits) -> bytes:
    """Units cut once at indexing time (in worker processes), LZ4-packed: the length of a JSON head, the head
    (what picks the pool, key and topics, as plain rows; the section keys), then each unit's scoring fields and
    lines as a JSON text of its own, at the offsets its row gives, decoded only when scored. Plain data, not
    pickles: the index cache that keeps them runs no code when read."""
    heavies = [to_json([getattr(u.ensure(), f) for f in _HEAVY]) for u in drug.units]
    rows = []
    at = 0
    for unit, heavy in zip(drug.units, heavies, strict=True):
        rows.append([*(getattr(unit, f) for f in _LIGHT), at, at + len(heavy)])
        at += len(heavy)
    head = to_json([rows, [u.key for u in drug.sections]])
    return lz4.block.compress(b"".join([_HEAD.pack(len(head)), head, *heavies]))


def unpack_units(packed: bytes | memoryview) -> DrugUnits:
    raw = lz4.block.decompress(packed)
    (length,) = _HEAD.unpack_from(raw)
    rows, section_keys = from_json(raw[_HEAD.size : _HEAD.size + length])
    return DrugUnits(section_keys=section_keys, rows=rows, heavy=raw[_HEAD.size + length :])


def _line(role: str, text: str, label: str | None = None, depth: int = 0) -> LineData:
    return (role, text, label, depth)


@dataclass
class _Node:
    """What a part contributes to its ancestors: its lines, folded words, stems and facets."""

    lines: list[LineData]
    words: list[str]
    stems: set[str]
    facets: set[tuple[str, str]]


def _words(text: str) -> list[str]:
    return fold(text).split() if text else []


def _stems(words: list[str]) -> set[str]:
    return {stem(w) for w in words if len(w) > 2}


def classify(text: str, lexicon: Lexicon, ignore: AbstractSet[str] = frozenset()) -> str | None:
    """The topic of a sentence (an FAQ question), decided like a user's message; `ignore` are the drug's names."""
    return question_topic(fold(text).split(), ignore, lexicon)


def build_units(mono: Monograph, lexicon: Lexicon) -> DrugUnits:
    """Cut a monograph into units, tagging each with the topics and facets its heading names.

    One pass over the tree: each part's text, stems and facets are its own plus its children's, so a section
    can be matched by words that only stand in one of its bullets.
    """
    units: list[Unit] = []
    name_words = {w for n in mono.names for w in fold(n).split()}
    name_stems = {stem(w) for w in name_words}

    for index, pair in enumerate(mono.faqs):
        # a front-matter pair is a `faq` answer; a pair found only in the body is a part of its FAQ section
        from_body = pair.frontmatter_index is None
        topic = classify(pair.question, lexicon, name_words)
        facets = lexicon.facets_of(pair.question)
        answer_words = _words(pair.answer)
        units.append(
            Unit(
                key=f"f{index}",
                kind="part" if from_body else "faq",
                path=(mono.faq_heading or "FAQs", *([pair.question] if from_body else [])),
                label=pair.question,
                depth=1,
                topics=bag([topic] if topic else []),
                primary=True,
                lines=(_line("question", pair.question), _line("text", pair.answer)),
                own_facets=bag(map(facet_key, facets)),
                sub_facets=bag(map(facet_key, facets)),
                label_stems=bag(_stems(_words(pair.question)) - name_stems),
                text=f" {' '.join(answer_words)} ",
                text_stems=bag(_stems(answer_words)),
                faq_index=pair.frontmatter_index,
            )
        )

    counter = 0

    def add(label: str, path: list[str], depth: int, topics: frozenset[str], primary: bool, node: _Node) -> None:
        nonlocal counter
        own = lexicon.facets_of(label)
        node.facets |= own
        units.append(
            Unit(
                key=f"p{counter}",
                kind="part",
                path=tuple(path),
                label=label,
                depth=depth,
                topics=bag(topics),
                primary=primary,
                lines=tuple(node.lines),
                own_facets=bag(map(facet_key, own)),
                sub_facets=bag(map(facet_key, node.facets)),
                label_stems=bag(_stems(_words(label))),
                text=f" {' '.join(node.words)} ",
                text_stems=bag(node.stems),
            )
        )
        counter += 1

    def walk_block(
        block: Block, path: list[str], depth: int, line_depth: int, inherited: frozenset[str], primary: bool
    ) -> _Node:
        topics = (lexicon.topics_of_heading(block.label) if block.label else frozenset()) or inherited
        label_path = [*path, block.label] if block.label else path
        words = _words(block.label or "") + _words(block.text)
        node = _Node(
            [_line("bullet" if block.kind == "bullet" else "text", block.text, block.label, line_depth)],
            words,
            _stems(words),
            set(),
        )
        for child in block.children:
            sub = walk_block(child, label_path, depth + 1, line_depth + 1, topics, primary)
            node.lines.extend(sub.lines)
            node.words.extend(sub.words)
            node.stems |= sub.stems
            node.facets |= sub.facets
        if block.label:
            add(block.label, label_path, depth, topics, primary, node)
            node.facets |= lexicon.facets_of(block.label)
        return node

    def walk_section(section: Section, path: list[str], inherited: frozenset[str], primary: bool) -> _Node:
        here = [*path, section.heading]
        own_topics = lexicon.topics_of_heading(section.heading)
        topics = own_topics or inherited
        child_primary = primary and OVERVIEW_TOPIC not in own_topics
        words = _words(section.heading)
        body = _Node([], list(words), _stems(words), set())
        for block in section.blocks:
            sub = walk_block(block, here, section.level + 1, 0, topics, child_primary)
            body.lines.extend(sub.lines)
            body.words.extend(sub.words)
            body.stems |= sub.stems
            body.facets |= sub.facets
        for child in section.children:
            sub = walk_section(child, here, topics, child_primary)
            body.lines.append(_line("heading", child.heading, depth=child.level))
            body.lines.extend(sub.lines)
            body.words.extend(sub.words)
            body.stems |= sub.stems
            body.facets |= sub.facets
        add(section.heading, here, section.level, topics, primary, body)
        return _Node(body.lines, body.words, body.stems, body.facets | lexicon.facets_of(section.heading))

    tops: list[Unit] = []
    for section in mono.sections:
        walk_section(section, [], frozenset(), True)
        tops.append(units[-1])

    return DrugUnits(units=units, section_keys=[u.key for u in tops])
