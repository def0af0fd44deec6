"""Names near a word that the exact and typo lookups of the name index did not find: spelt by sound ("plavics"
for Plavix), further from it than the delete index reaches ("atorvastin"), and the suggestions of an `unknown`
reply. Each compares a word with every name of about its length, so the tables behind them are made on first
use, whole, then shared (another thread never sees half of one).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from collections.abc import Set as AbstractSet

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from intents.language.lexicon import Lexicon
from intents.library.typos import max_typos, typo_indexed

MAX_SUGGEST_WORDS = 6  # words of an unknown message compared with every name of their length
SHORT_CODE = 6  # words this short are compared with names by edits too, not only by ratio
RATIO_MEMO = 512  # words whose closest names are remembered


class NearNames:
    """The near-name lookups over one name index's exact table (folded name -> monograph ids)."""

    def __init__(self, exact: Mapping[str, Collection[str]]) -> None:
        self._exact = exact
        self.by_length: dict[int, list[str]] = {}  # folded keys by length
        self.near_length: dict[int, list[str]] = {}  # keys a word of that length is compared with
        self.by_sound: dict[str, tuple[str, ...]] = {}  # one-word names spelt by sound -> ids
        self._ratio_memo: dict[str, list[tuple[str, float]]] = {}

    def prepare(self, lexicon: Lexicon) -> None:
        """Make the tables now (the bot does so in the background after start): at 10,000 monographs the sound
        table takes about 0.1 s, which the first message that needs it would otherwise wait for."""
        self._sounds(lexicon)
        self._lengths()

    def sounding(self, word: str, lexicon: Lexicon) -> tuple[str, ...]:
        """Ids of the one-word names spelt like `word` by sound (`vocabulary/sound_alikes.yaml`): "plavics" and
        "Plavix" are both "plaviks"."""
        return self._sounds(lexicon).get(lexicon.sounds.key(word), ())

    def _sounds(self, lexicon: Lexicon) -> dict[str, tuple[str, ...]]:
        """The one-word names by their sound spelling, made on first use, whole, then shared."""
        if not self.by_sound:
            table: dict[str, set[str]] = {}
            for key, ids in self._exact.items():
                if " " not in key and typo_indexed(key) and key.isalpha():
                    table.setdefault(lexicon.sounds.key(key), set()).update(ids)
            self.by_sound = {k: tuple(sorted(v)) for k, v in table.items()} or {"": ()}
        return self.by_sound

    def _lengths(self) -> dict[int, list[str]]:
        """The names by their length, made on first use, whole, then shared."""
        if not self.by_length:
            by_length: dict[int, list[str]] = {}
            for key in self._exact:
                by_length.setdefault(len(key), []).append(key)
            self.by_length = by_length
        return self.by_length

    def far_typo(self, word: str) -> tuple[str, ...]:
        """Ids of the names within the typo limit of a long word by edits the delete index cannot reach (two
        letters left out, two changed: "atorvastin", "carvidelol"); the closest only, all of them if several.
        Two changed letters also make "sesamoid" of "vesanoid": hence long words only, and only when the message
        names no drug otherwise."""
        limit = max_typos(len(word))
        if not limit:
            return ()
        # two edits of a word of ten letters or more keep its ratio to the name at 80 or above: the names close
        # by ratio, which an `unknown` reply suggests anyway, hold every one within the limit
        found = [(key, int(OSA.distance(word, key))) for key, _ in self._close_by_ratio(word)]
        close = [(key, d) for key, d in found if d <= limit and d <= max_typos(len(key))]
        if not close:
            return ()
        best = min(distance for _, distance in close)
        return tuple(sorted({d for key, distance in close if distance == best for d in self._exact[key]}))

    def _close_by_ratio(self, word: str) -> list[tuple[str, float]]:
        """The names most like `word` by ratio (at least 72), of about its length; remembered for the last few
        hundred words, since a far typo looked for and then an `unknown` reply's suggestions both want them."""
        close = self._ratio_memo.get(word)
        if close is None:
            keys = self._near_length(len(word))
            close = [(k, s) for k, s, _ in process.extract(word, keys, scorer=fuzz.ratio, score_cutoff=72, limit=8)]
            if len(self._ratio_memo) >= RATIO_MEMO:
                self._ratio_memo.clear()
            self._ratio_memo[word] = close
        return close

    def _near_length(self, length: int) -> list[str]:
        """The names within a quarter of `length` letters (at least two), gathered once per length: at 10,000
        monographs, gathering them anew cost more than comparing the word with them."""
        keys = self.near_length.get(length)
        if keys is None:
            by_length = self._lengths()
            spread = max(2, length // 4)
            keys = [k for n in range(length - spread, length + spread + 1) for k in by_length.get(n, ())]
            self.near_length[length] = keys  # built whole, then shared
        return keys

    def suggest(self, words: list[str], lexicon: Lexicon, allowed: AbstractSet[str], limit: int = 3) -> list[str]:
        """Drug ids whose names are close to an unknown word of the message, for an `unknown` reply.

        Only names of about the word's length are compared, and only the first `MAX_SUGGEST_WORDS` words that
        could be names, so a long message of unknown words costs no more than a short one.
        """
        scores: dict[str, float] = {}
        unknown = [w for w in dict.fromkeys(words) if len(w) >= 3 and w not in lexicon.english]
        for word in [w for w in unknown if w not in lexicon.stopwords][:MAX_SUGGEST_WORDS]:
            close = list(self._close_by_ratio(word))
            if len(word) <= SHORT_CODE:
                keys = self._near_length(len(word))  # "tdxd1" is two edits from "tdm1": close for a code, far by ratio
                near = process.extract(word, keys, scorer=OSA.distance, score_cutoff=2, limit=8)
                close += [(k, fuzz.ratio(word, k)) for k, _, _ in near if len(k) >= 4]
            for key, score in close:
                for drug_id in set(self._exact[key]) & allowed:
                    scores[drug_id] = max(scores.get(drug_id, 0.0), score)
        return [d for d, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]
