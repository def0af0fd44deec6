"""The bounded typo lookup of the name index: how many edits a name forgives, and the letter-dropping probes.

A symmetric-delete index keys each name with one letter dropped; a word is looked up by dropping up to two of
its letters, which costs the square of its length, so a message spends at most `MAX_TYPO_PROBES` probes and
names longer than `MAX_TYPO_NAME` are found exactly but never by typo.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_TYPO_NAME = 5  # shorter names are too close to ordinary words to forgive a typo
MAX_TYPO_NAME = 64  # longer names (a pasted paragraph as an alias) are found exactly, never by typo
MAX_TYPO_PROBES = 20_000  # per message: gibberish of a thousand long words stays a few milliseconds


def max_typos(length: int) -> int:
    """Edits allowed for a name of this many letters: none below 5, one up to 7, two up to 14, then three."""
    if length < 5:
        return 0
    if length <= 7:
        return 1
    return 2 if length <= 14 else 3


def typo_indexed(key: str) -> bool:
    return MIN_TYPO_NAME <= len(key) <= MAX_TYPO_NAME


def one_letter_dropped(key: str) -> set[str]:
    """What the delete index keys a name under: the name with each one of its letters dropped."""
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


def probe_count(length: int, depth: int) -> int:
    """At most how many probes `probes` makes for a word of `length` letters (1 + n + n(n-1)/2 for two)."""
    count, layer = 1, 1
    for dropped in range(depth):
        layer = layer * (length - dropped) // (dropped + 1)
        count += layer
    return count


def probes(text: str, depth: int) -> set[str]:
    """`text` and every string made from it by dropping up to `depth` letters, each set of positions once."""
    found = {text}
    layer = [(text, 0)]  # (string, first position it may still drop: later drops never revisit earlier ones)
    for round_ in range(depth, 0, -1):
        deeper = []
        for word, start in layer:
            for i in range(start, len(word)):
                shorter = word[:i] + word[i + 1 :]
                found.add(shorter)
                if round_ > 1:
                    deeper.append((shorter, i))
        layer = deeper
    return found


@dataclass(slots=True)
class ProbeBudget:
    """Typo probes a message may still spend: the bound on what one message can cost."""

    left: int = MAX_TYPO_PROBES

    def spend(self, count: int) -> bool:
        if count > self.left:
            self.left = 0
            return False
        self.left -= count
        return True
