"""Finding drug names in a message: exact names first, then typos, then names that are only part of a title.

Exact lookups are dictionary hits on folded n-grams. Typos use a symmetric-delete index (each name key with
one letter dropped), so a lookup costs a few dictionary hits whatever the corpus size; candidates are then
confirmed with an edit distance under a length-aware limit. The distance is optimal string alignment
(Damerau): two neighbouring letters swapped ("kadycla") is one slip of the fingers, so it counts as one edit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from intents.lexicon import Lexicon
from intents.models import Monograph
from intents.text import fold

MAX_NAME_TOKENS = 8


@dataclass(frozen=True)
class Mention:
    """Drug name found at tokens[start:end]: how it was found and which monographs it can mean."""

    start: int
    end: int
    ids: tuple[str, ...]
    how: str  # "exact" | "fuzzy" | "partial"
    text: str


def max_typos(length: int) -> int:
    """Edits allowed for a name of this many letters: none below 5, one up to 7, two up to 14, then three."""
    if length < 5:
        return 0
    if length <= 7:
        return 1
    return 2 if length <= 14 else 3


def _deletes(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


@dataclass
class NameIndex:
    """Folded drug names -> monograph ids, with the typo and partial-name indexes."""

    # values are sets while building, tuples once `compact` has run
    exact: dict[str, set[str] | tuple[str, ...]] = field(default_factory=dict)
    partial: dict[str, set[str] | tuple[str, ...]] = field(default_factory=dict)
    deletes: dict[str, set[str] | tuple[str, ...]] = field(default_factory=dict)
    by_length: dict[int, list[str]] = field(default_factory=dict)  # folded keys by length, for suggestions

    @classmethod
    def build(cls, monographs: Iterable[Monograph], lexicon: Lexicon) -> NameIndex:
        index = cls()
        for mono in monographs:
            names = list(mono.names) + lexicon.synonyms.get(fold(mono.title), [])
            for name in names:
                index.add(name, mono.id, lexicon)
        index.compact()
        return index

    def compact(self) -> None:
        """Turn the build-time sets into sorted tuples: half the memory, and much faster to load from the cache."""
        for table in (self.exact, self.partial, self.deletes):
            for key, value in table.items():
                table[key] = tuple(sorted(value))  # type: ignore[assignment]

    def add(self, name: str, drug_id: str, lexicon: Lexicon) -> None:
        key = fold(name)
        if not key or key in lexicon.stopwords:
            return
        words = key.split()
        self._put(self.exact, key, drug_id)
        compact = key.replace(" ", "")
        if len(words) > 1 and len(compact) <= 12:
            self._put(self.exact, compact, drug_id)
        if len(key) >= 5:
            self._put(self.deletes, key, key)
            for variant in _deletes(key):
                self._put(self.deletes, variant, key)
        if len(words) > 1:
            for word in words:
                if len(word) >= 5 and word not in lexicon.english and word not in lexicon.stopwords:
                    self._put(self.partial, word, drug_id)

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

    def fuzzy_keys(self, text: str) -> list[tuple[str, int]]:
        """Name keys within the typo limit of `text`, closest first."""
        limit = max_typos(len(text))
        if not limit:
            return []
        probes = {text} | _deletes(text)
        if limit >= 2:
            for variant in list(probes):
                probes |= _deletes(variant)
        found: dict[str, int] = {}
        for probe in probes:
            for key in self.deletes.get(probe, ()):
                if key not in found:
                    found[key] = OSA.distance(text, key, score_cutoff=limit + 1)
        return sorted(
            ((k, d) for k, d in found.items() if d <= min(limit, max_typos(len(k)))), key=lambda kd: (kd[1], kd[0])
        )

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
                for key in (" ".join(chunk), "".join(chunk)) if n > 1 else (chunk[0],):
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

        def candidate(i: int, n: int) -> bool:
            span = range(i, i + n)
            return not any(j in used or j in blocked for j in span) and all(
                words[j] not in lexicon.english and words[j] not in lexicon.stopwords for j in span
            )

        # 1b. an exact name followed by a misspelt rest of a longer name ("trastuzumab emtansin")
        for index, mention in enumerate(found):
            for extra in (2, 1):
                if mention.end + extra > n_words or not candidate(mention.end, extra):
                    continue
                text = " ".join(words[mention.start : mention.end + extra])
                keys = [(k, d) for k, d in self.fuzzy_keys(text) if len(k.split()) > mention.end - mention.start]
                if keys:
                    best = keys[0][1]
                    ids = sorted({d for k, dist in keys if dist == best for d in self.exact[k]})
                    found[index] = Mention(mention.start, mention.end + extra, tuple(ids), "fuzzy", text)
                    used |= set(range(mention.end, mention.end + extra))
                    break

        # 2. typos of whole names, over words that are no English word, no stop word, no lexicon phrase
        for n in range(min(3, n_words), 0, -1):
            for i in range(n_words - n + 1):
                if not candidate(i, n):
                    continue
                text = " ".join(words[i : i + n])
                keys = self.fuzzy_keys(text)
                if not keys:
                    continue
                best = keys[0][1]
                ids = sorted({d for k, dist in keys if dist == best for d in self.exact[k]})
                found.append(Mention(i, i + n, tuple(ids), "fuzzy", text))
                used |= set(range(i, i + n))

        # 3. a word that is only part of a name ("trastuzumab" when only "trastuzumab emtansine" exists)
        for i, word in enumerate(words):
            if i in used or i in blocked:
                continue
            ids = self.partial.get(word)
            if ids:
                found.append(Mention(i, i + 1, tuple(sorted(ids)), "partial", word))
                used.add(i)

        return sorted(found, key=lambda m: m.start)

    def suggest(self, words: list[str], lexicon: Lexicon, allowed: set[str], limit: int = 3) -> list[str]:
        """Drug ids whose names are close to an unknown word of the message, for an `unknown` reply.

        Only names of about the word's length are compared, so the cost stays flat as the corpus grows.
        """
        if not self.by_length:
            for key in self.exact:
                self.by_length.setdefault(len(key), []).append(key)
        scores: dict[str, float] = {}
        for word in words:
            if len(word) < 4 or word in lexicon.english or word in lexicon.stopwords:
                continue
            spread = max(2, len(word) // 4)
            keys = [k for n in range(len(word) - spread, len(word) + spread + 1) for k in self.by_length.get(n, ())]
            for key, score, _ in process.extract(word, keys, scorer=fuzz.ratio, score_cutoff=72, limit=8):
                for drug_id in set(self.exact[key]) & allowed:
                    scores[drug_id] = max(scores.get(drug_id, 0.0), score)
        return [d for d, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]
