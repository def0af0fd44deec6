"""The field dictionary of drug names: what people call about 20,000 drugs, whatever the monographs list.

A monograph's Alternate Names never list every name people type ("vitamin k1", "paracetamol", "liptor" for
Lipitor). `dictionary/drug_names.tsv.gz` holds one drug per line, its folded names tab-separated (derived by
`python -m tools.make_drug_names` from the MIT-licensed package drug-named-entity-recognition: MeSH,
MedlinePlus, DrugBank, Wikipedia). The name index links a dictionary drug to a monograph that has one of its
names (`library/name_links.py`); the matcher asks it whether a word after a known name is a drug of its own
("kadcyla warfarin") or the rest of a longer name ("velorimab vedotin").

Reading it and deriving its tables costs about 0.2 s and 20 MB, so it is read only when needed: when the name
index is built (never when it comes from the cache) or when a message has an unknown word after a drug name.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from pathlib import Path

from intents.common.text import fold

log = logging.getLogger(__name__)

DICTIONARY_DIR = Path(__file__).resolve().parent / "dictionary"
DICTIONARY_FILE = DICTIONARY_DIR / "drug_names.tsv.gz"
LICENCE_FILE = DICTIONARY_DIR / "LICENSE-drug-named-entity-recognition.txt"
_HEADER_KEYS = ("source", "settings", "content", "drugs")

# How a combination product's parts are joined, in its title and in a message ("X and Y", "X/Y", "X with Y").
_TITLE_LINK = re.compile(r" (?:and|with|plus|\+) |/")
_LINKED = re.compile(r" (?:and|with|plus|\+) |/")  # the same, searched: far cheaper than a split of every name


def combination_parts(key: str) -> list[str]:
    """The parts of a folded combination name ("quorbazine and talvexin" -> both), or [] for a single drug."""
    parts = [part.strip() for part in _TITLE_LINK.split(key)]
    return parts if len(parts) > 1 and all(parts) else []


def link_key(key: str) -> str:
    """What two spellings of one name share: no spaces ("vitamin k 1" = "vitamin k1"), and a combination's
    parts in any order and with any link ("oxycodone/acetaminophen" = "acetaminophen and oxycodone")."""
    parts = combination_parts(key) if _LINKED.search(key) else []
    if parts:
        return "+".join(sorted(part.replace(" ", "") for part in parts))
    return key.replace(" ", "")


def content_digest(lines: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()[:16]


def header_lines(source: str, settings: str, content: str, drugs: int) -> list[str]:
    """The file's header: where the names come from, and the digests a test compares (see the tool)."""
    return [
        "# Drug names, one drug a line, folded, tab-separated, the canonical name first.",
        "# Derived by `python -m tools.make_drug_names` from the PyPI package drug-named-entity-recognition",
        "# (MIT licence, Fast Data Science Ltd; its names come from MeSH, MedlinePlus, DrugBank and Wikipedia).",
        f"# source: {source}",
        f"# settings: {settings}",
        f"# content: {content}",
        f"# drugs: {drugs}",
    ]


@dataclass
class DrugDictionary:
    """Drugs as groups of folded names; the tables below are derived from the groups on first use."""

    groups: list[tuple[str, ...]]
    header: dict[str, str] = field(default_factory=dict)

    @cached_property
    def by_key(self) -> dict[str, tuple[int, ...]]:
        """Link key -> the groups holding a name with that key."""
        table: dict[str, tuple[int, ...]] = {}
        for number, group in enumerate(self.groups):
            self._key_names(table, number, group)
        return table

    @staticmethod
    def _key_names(table: dict[str, tuple[int, ...]], number: int, names: Iterable[str]) -> None:
        for name in names:
            key = link_key(name)
            found = table.get(key, ())
            if number not in found:
                table[key] = (*found, number)

    def join(self, synonyms: Mapping[str, list[str]]) -> None:
        """Join `drug_synonyms.yaml`'s names (folded title -> names) to the drugs each title names; a title the
        dictionary does not know makes a drug of its own."""
        table = self.by_key
        for title, names in synonyms.items():
            keys = {title, *(fold(n) for n in names)} - {""}
            numbers = self.groups_named(title) or (len(self.groups),)
            for number in numbers:
                if number == len(self.groups):
                    self.groups.append((title,))
                new = sorted(keys - set(self.groups[number]))
                self.groups[number] = (*self.groups[number], *new)
                self._key_names(table, number, new)
        for derived in ("names", "canonical"):
            self.__dict__.pop(derived, None)

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(name for group in self.groups for name in group)

    @cached_property
    def canonical(self) -> frozenset[str]:
        """Each drug's canonical name: a drug in its own right ("warfarin"), not a spelling of another."""
        return frozenset(group[0] for group in self.groups)

    def finishing_words(self, is_start: Callable[[str], bool]) -> frozenset[str]:
        """Words that finish a longer drug name after a drug's word: "vedotin" and "emtansine" ("brentuximab
        vedotin", "trastuzumab emtansine"), not "warfarin" of "(r)-warfarin" nor "folinate" of "calcium
        folinate". `is_start` says which words are a drug's (the lexicon's judgement); a drug's canonical name
        is never a finishing word."""
        found = set()
        for name in self.names:
            words = name.split()
            for before, word in pairwise(words):
                if word.isalpha() and is_start(before):
                    found.add(word)
        return frozenset(found - self.canonical)

    def groups_named(self, key: str) -> tuple[int, ...]:
        """The groups a name identifies: the one group holding it, or those whose canonical name it is.

        A name two drugs share ("proair", "zmax") identifies neither, unless it is one's own canonical name.
        """
        found = self.by_key.get(link_key(key), ())
        if len(found) <= 1:
            return found
        return tuple(n for n in found if link_key(self.groups[n][0]) == link_key(key))


def _read(path: Path) -> tuple[dict[str, str], list[tuple[str, ...]]]:
    header: dict[str, str] = {}
    groups: list[tuple[str, ...]] = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                key, _, value = line[1:].partition(":")
                if key.strip() in _HEADER_KEYS:
                    header[key.strip()] = value.strip()
            elif line.strip():
                groups.append(tuple(line.rstrip("\n").split("\t")))
    return header, groups


def load_drug_dictionary(
    path: Path | None = DICTIONARY_FILE, synonyms: Mapping[str, list[str]] | None = None
) -> DrugDictionary:
    """Read the dictionary (none when `path` is None) with `drug_synonyms.yaml`'s names joined in (`join`).
    A missing or unreadable file is logged and read as empty: names are then only the monographs' own."""
    header: dict[str, str] = {}
    groups: list[tuple[str, ...]] = []
    if path is not None:
        try:
            header, groups = _read(path)
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            log.warning("drug-name dictionary %s not read (%s): names are the monographs' own", path, exc)
    dictionary = DrugDictionary(groups, header)
    if synonyms:
        dictionary.join(synonyms)
    return dictionary
