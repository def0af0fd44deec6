"""Finding drug names in a message: exact names first, then typos, then names that are only part of a title.

Each monograph is keyed under its own names and the names lent to it (`name_links.py`: the field dictionary's,
a brand's first word, its parts' other names). Exact lookups are dictionary hits on folded n-grams. Typos use a
symmetric-delete index (each name key with one letter dropped), so a lookup costs a few dictionary hits whatever
the corpus size; candidates are then confirmed with an edit distance under a length-aware limit. The distance
is optimal string alignment (Damerau): two neighbouring letters swapped ("kadycla") is one slip of the fingers,
so it counts as one edit.

The cost of a typo lookup grows with the square of the word's length, so it is bounded (`typos.py`): a word
longer than the longest typo-indexed name plus the typos it may hold cannot be one, word groups are only tried
when one of their words is near a word of a longer name, and a message has a budget of probes.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import pairwise, permutations
from typing import Protocol

from rapidfuzz.distance import OSA

from intents.common.text import fold
from intents.language.drug_dictionary import combination_parts
from intents.language.lexicon import Lexicon
from intents.language.name_forms import is_qualifier
from intents.library.name_links import lent_names, own_keys
from intents.library.near_names import NearNames
from intents.library.typos import (
    MIN_TYPO_NAME,
    ProbeBudget,
    max_typos,
    one_letter_dropped,
    probe_count,
    probes,
    typo_indexed,
)

MAX_NAME_TOKENS = 8
MAX_COMBINATION_PARTS = 3  # "X, Y and Z" at most
MAX_NAME_WORDS_TRIED = 40  # the first words of a message are tried by sound
MAX_FAR_TYPO_WORDS = 3  # and the first long ones of them by far typos (each a search over names of their length)
# words this long are compared with every name of about their length when the message names no drug otherwise;
# shorter ones gain nothing: every edit of one letter is within the delete index's reach
FAR_TYPO_WORD = 10


@dataclass(frozen=True)
class Mention:
    """Drug name found at tokens[start:end]: how it was found and which monographs it can mean.

    The span also covers the strength and form written right after the name ("metformin hcl er 500mg"); `text`
    is the name as matched.
    """

    start: int
    end: int
    ids: tuple[str, ...]
    how: str  # "exact" | "fuzzy" | "partial"
    text: str


# name key -> drug ids: sets while an index is built, sorted tuples once it is compact (or loaded from the cache)
Table = dict[str, set[str] | tuple[str, ...]]


def _spellings(key: str) -> tuple[str, ...]:
    """How a folded name is keyed for exact lookups: as it is, and a short name of several words also written
    together ("t dm1" as "tdm1")."""
    compact = key.replace(" ", "")
    return (key, compact) if " " in key and len(compact) <= 12 else (key,)


def _glued(chunk: list[str]) -> tuple[str, ...]:
    """The words of a chunk written together, as a name split by a stray space ("kad cyla", "t dm 1"); only
    when that makes five letters or holds a digit: "as a" is no "ASA"."""
    glued = "".join(chunk)
    return (glued,) if len(glued) >= MIN_TYPO_NAME or any(c.isdigit() for c in glued) else ()


class NamedDrug(Protocol):
    """What the name index needs of a monograph: a parsed one or the corpus's summary of one."""

    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def names(self) -> tuple[str, ...]: ...


@dataclass
class NameIndex:
    """Folded drug names -> monograph ids, with the typo and partial-name indexes."""

    # values are sets while building, tuples once `compact` has run
    exact: Table = field(default_factory=dict)
    partial: Table = field(default_factory=dict)
    deletes: Table = field(default_factory=dict)
    parts: Table = field(default_factory=dict)  # another name of a combination's part -> the part ("apap")

    def __post_init__(self) -> None:
        self._derive()

    def _derive(self) -> None:
        """Tables read from the keys (not stored in the cache): the longest typo name, words of longer names."""
        keys = [k for k in self.exact if typo_indexed(k)]
        self.longest: int = max(map(len, keys), default=0)
        self.near = NearNames(self.exact)  # sound-alikes, far typos and suggestions, tables made on first use
        multi = [k.split() for k in keys if " " in k]
        words = {w for key in multi for w in key}
        near = {d for w in words if len(w) >= 3 for d in one_letter_dropped(w)}
        self.name_words: frozenset[str] = frozenset(words | near)
        self.name_leads: frozenset[str] = frozenset(" ".join(key[:n]) for key in multi for n in range(1, len(key)))
        # combination products: (their ids, what may name each part); a part is named by its own monograph's
        # ids when it has one ("quorbex" names Quorbazine), or by its words ("=kestrazine") when it has none
        self.combinations: list[tuple[tuple[str, ...], list[frozenset[str]]]] = []
        self.combinations_by_ref: dict[str, list[int]] = {}
        for key, ids in self.exact.items():
            parts = combination_parts(key) if " " in key or "/" in key else None
            if not parts:
                continue
            refs = [frozenset({f"={part}", *(set(self.exact.get(part, ())) - set(ids))}) for part in parts]
            for ref in set().union(*refs):
                self.combinations_by_ref.setdefault(ref, []).append(len(self.combinations))
            self.combinations.append((tuple(sorted(ids)), refs))

    @classmethod
    def build(cls, monographs: Iterable[NamedDrug], lexicon: Lexicon) -> NameIndex:
        """Each monograph's own names (with `drug_synonyms.yaml`'s for its title), then the names lent to it
        (`name_links.py`: the field dictionary's, a brand's first word, its parts' other names)."""
        index = cls()
        owners: list[tuple[str, list[str]]] = []
        for mono in monographs:
            names = list(mono.names) + lexicon.synonyms.get(fold(mono.title), [])
            for name in names:
                index.add(name, mono.id, lexicon)
            owners.append((mono.id, own_keys(names, lexicon)))
        lent = lent_names(owners, lexicon)
        owned = frozenset(index.exact)
        for key, ids in lent.names.items():
            for drug_id in ids:
                index.add_lent(key, drug_id, owned)
        for key, ids in lent.part_drugs.items():
            for drug_id in ids:
                index._put(index.partial, key, drug_id)
        for key, parts in lent.part_names.items():
            for part in parts:
                index._put(index.parts, key, part)
        index.compact()
        index._derive()
        return index

    def compact(self) -> None:
        """Turn the build-time sets into sorted tuples: half the memory, and much faster to load from the cache."""
        for table in (self.exact, self.partial, self.deletes, self.parts):
            for key, value in table.items():
                table[key] = tuple(sorted(value))

    def add(self, name: str, drug_id: str, lexicon: Lexicon) -> None:
        key = fold(name)
        if not key or key in lexicon.stopwords:
            return
        words = key.split()
        for spelling in _spellings(key):
            self._put(self.exact, spelling, drug_id)
        if typo_indexed(key):
            self._index_typos(key)
        if len(words) > 1:  # a word of a longer name; never a salt or a form ("furoate", "ophthalmic")
            ordinary = (lexicon.english, lexicon.stopwords, lexicon.name_suffixes)
            for word in words:
                if len(word) >= 5 and all(word not in table for table in ordinary):
                    self._put(self.partial, word, drug_id)

    def add_lent(self, key: str, drug_id: str, owned: frozenset[str]) -> None:
        """A lent (folded) name: found exactly like an own name, by typo when it is one word ("liptor"; the typo
        index of every long chemical name would cost more memory than it finds), never as part of a name, and
        never over a monograph's own name (`owned`)."""
        for spelling in _spellings(key):
            if spelling not in owned:
                self._put(self.exact, spelling, drug_id)
        if " " not in key and typo_indexed(key) and key not in owned:
            self._index_typos(key)

    def _index_typos(self, key: str) -> None:
        """Key a name in the delete index under itself and each one-letter-dropped variant."""
        self._put(self.deletes, key, key)
        for variant in one_letter_dropped(key):
            self._put(self.deletes, variant, key)

    @staticmethod
    def _put(table: dict[str, set[str] | tuple[str, ...]], key: str, value: str) -> None:
        found = table.get(key)
        if found is None:
            table[key] = {value}
        elif isinstance(found, set):
            found.add(value)
        else:
            table[key] = {*found, value}

    # --- lookups -------------------------------------------------------------------------------------

    def fuzzy_keys(self, text: str, budget: ProbeBudget | None = None) -> list[tuple[str, int]]:
        """Name keys within the typo limit of `text`, closest first."""
        limit = max_typos(len(text))
        if not limit or len(text) > self.longest + limit:
            return []
        depth = min(limit, 2)
        if budget is not None and not budget.spend(probe_count(len(text), depth)):
            return []
        found: dict[str, int] = {}
        for probe in probes(text, depth):
            for key in self.deletes.get(probe, ()):
                if key not in found:
                    found[key] = OSA.distance(text, key, score_cutoff=limit + 1)
        return sorted(
            ((k, d) for k, d in found.items() if d <= min(limit, max_typos(len(k)))), key=lambda kd: (kd[1], kd[0])
        )

    def known(self, word: str) -> bool:
        """A whole name, or a word of one, long enough to be told from ordinary words."""
        return len(word) >= MIN_TYPO_NAME and (word in self.exact or word in self.partial)

    def near_name_word(self, word: str) -> bool:
        """True when `word` is a word of a multi-word name, or one typo from one."""
        return word in self.name_words or (len(word) >= 3 and not self.name_words.isdisjoint(one_letter_dropped(word)))

    def exact_mentions(self, words: list[str]) -> list[Mention]:
        """Exact names, longest first ("trastuzumab emtansine" before "trastuzumab")."""
        used: set[int] = set()
        found: list[Mention] = []
        n_words = len(words)
        for n in range(min(MAX_NAME_TOKENS, n_words), 0, -1):
            for i in range(n_words - n + 1):
                span = set(range(i, i + n))
                if span & used:
                    continue
                chunk = words[i : i + n]
                for key in (" ".join(chunk), *_glued(chunk)) if n > 1 else (chunk[0],):
                    ids = self.exact.get(key)
                    if ids:
                        found.append(Mention(i, i + n, tuple(sorted(ids)), "exact", " ".join(chunk)))
                        used |= span
                        break
        return found

    def find(
        self, words: list[str], blocked: set[int], lexicon: Lexicon, exact: list[Mention] | None = None
    ) -> list[Mention]:
        """Drug mentions in the folded words of a message; `blocked` words are known not to be names.

        `exact` is the result of `exact_mentions` when the caller already has it.
        """
        found = list(self.exact_mentions(words) if exact is None else exact)
        used = {i for m in found for i in range(m.start, m.end)}
        n_words = len(words)
        budget = ProbeBudget()
        near: dict[int, bool] = {}

        def near_name(i: int) -> bool:
            if i not in near:
                near[i] = self.near_name_word(words[i])
            return near[i]

        def candidate(i: int, n: int) -> bool:
            span = range(i, i + n)
            return not any(j in used or j in blocked for j in span) and all(
                words[j] not in lexicon.english and words[j] not in lexicon.stopwords for j in span
            )

        # 1b. an exact name followed by a misspelt rest of a longer name ("trastuzumab emtansin")
        for index, mention in enumerate(found):
            if " ".join(words[mention.start : mention.end]) not in self.name_leads:
                continue  # no longer name starts with this one
            for extra in (2, 1):
                if mention.end + extra > n_words or not candidate(mention.end, extra):
                    continue
                text = " ".join(words[mention.start : mention.end + extra])
                keys = [
                    (k, d) for k, d in self.fuzzy_keys(text, budget) if len(k.split()) > mention.end - mention.start
                ]
                if keys:
                    best = keys[0][1]
                    ids = sorted({d for k, dist in keys if dist == best for d in self.exact[k]})
                    found[index] = Mention(mention.start, mention.end + extra, tuple(ids), "fuzzy", text)
                    used |= set(range(mention.end, mention.end + extra))
                    break

        # 2. typos of whole names, over words that are no English word, no stop word, no lexicon phrase;
        # two or three words only when one is near a word of a longer name (a typo or two leaves one so)
        for n in range(min(3, n_words), 0, -1):
            for i in range(n_words - n + 1):
                if not candidate(i, n) or (n > 1 and not any(near_name(j) for j in range(i, i + n))):
                    continue
                text = " ".join(words[i : i + n])
                keys = self.fuzzy_keys(text, budget)
                if not keys:
                    continue
                best = keys[0][1]
                ids = sorted({d for k, dist in keys if dist == best for d in self.exact[k]})
                found.append(Mention(i, i + n, tuple(ids), "fuzzy", text))
                used |= set(range(i, i + n))

        # 2b. a word spelt as the name sounds ("plavics"), or further from it than the typo index reaches
        far_searches = 0 if found else MAX_FAR_TYPO_WORDS  # far typos are the last resort before "unknown"
        for i, word in enumerate(words[:MAX_NAME_WORDS_TRIED]):
            if len(word) < MIN_TYPO_NAME or not candidate(i, 1) or not word.isalpha():
                continue
            alike = self.near.sounding(word, lexicon)
            if not alike and len(word) >= FAR_TYPO_WORD and far_searches:
                far_searches -= 1
                alike = self.near.far_typo(word)
            if alike:
                found.append(Mention(i, i + 1, alike, "fuzzy", word))
                used.add(i)

        # 3. a word that is only part of a name ("trastuzumab" when only "trastuzumab emtansine" exists)
        for i, word in enumerate(words):
            if i in used or i in blocked:
                continue
            partial = self.partial.get(word)
            if partial:
                found.append(Mention(i, i + 1, tuple(sorted(partial)), "partial", word))
                used.add(i)

        # 4. the strength and form after a name are part of what was named ("metformin er 500mg")
        for index, mention in enumerate(found):
            end = mention.end
            while end < n_words and end not in used and end not in blocked and is_qualifier(words[end], lexicon):
                end += 1
            if end > mention.end:
                found[index] = Mention(mention.start, end, mention.ids, mention.how, mention.text)
                used |= set(range(mention.end, end))
        return self._combined(sorted(found, key=lambda m: m.start), words, lexicon)

    def _combined(self, found: list[Mention], words: list[str], lexicon: Lexicon) -> list[Mention]:
        """Names linked in the message ("X and Y", "X/Y", "X with Y") that together name a combination product
        become one mention of it; without such a product they stay apart (the first is the drug asked about)."""
        if not self.combinations or len(found) < 2:
            return found

        def linked(a: Mention, b: Mention) -> bool:  # nothing between but one link word and strengths
            between = words[a.end : b.start]
            links = [w for w in between if w in lexicon.combination_links]
            return len(links) <= 1 and all(w in lexicon.combination_links or is_qualifier(w, lexicon) for w in between)

        out: list[Mention] = []
        i = 0
        while i < len(found):
            for j in range(min(len(found), i + MAX_COMBINATION_PARTS) - 1, i, -1):  # the longest chain first
                chain = found[i : j + 1]
                ids = self._combination_of(chain) if all(linked(a, b) for a, b in pairwise(chain)) else ()
                if ids:
                    how = "fuzzy" if any(m.how == "fuzzy" for m in chain) else "exact"
                    text = " ".join(words[chain[0].start : chain[-1].end])
                    out.append(Mention(chain[0].start, chain[-1].end, ids, how, text))
                    i = j + 1
                    break
            else:
                out.append(found[i])
                i += 1
        return out

    def _combination_of(self, chain: list[Mention]) -> tuple[str, ...]:
        """Ids of the combination products whose parts are exactly the drugs of `chain`, in any order."""
        named = [{*m.ids, f"={m.text}", *(f"={part}" for part in self.parts.get(m.text, ()))} for m in chain]
        found: set[str] = set()
        for number in {n for ref in named[0] for n in self.combinations_by_ref.get(ref, ())}:
            ids, parts = self.combinations[number]
            if len(parts) == len(chain) and any(
                all(named[k] & parts[p] for k, p in enumerate(order)) for order in permutations(range(len(parts)))
            ):
                found.update(ids)
        return tuple(sorted(found))

    def suggest(self, words: list[str], lexicon: Lexicon, allowed: AbstractSet[str], limit: int = 3) -> list[str]:
        return self.near.suggest(words, lexicon, allowed, limit)
