"""Text normalisation shared by the corpus, the lexicon and the matcher.

Everything that compares words goes through `fold` and `tokens`, so a name written "Kadcyla®",
"KADCYLA" or "kadcyla" in a message, a heading or a data file meets the same key.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer

_TAG = re.compile(r"<[^>]{0,200}>")
_MARKUP = re.compile(r"\*\*|__|`")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SINGLE_STAR = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_NON_WORD = re.compile(r"[^a-z0-9/+]+")
_SPACES = re.compile(r"[ \t\u00a0]+")
# Zero-width and bidi control characters: invisible, but they split or glue words.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x00AD, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
_SYMBOLS = {"®": " ", "™": " ", "©": " ", "’": "'", "‘": "'", "–": "-", "—": "-"}
# Cyrillic and Greek letters drawn like Latin ones ("kаdcyla" with a Cyrillic а). They are read as the Latin
# letter only inside a word made of Latin letters and look-alikes alone, so real Cyrillic or Greek words keep
# their letters (and fold to nothing, as before).
_CYRILLIC_LOOKALIKES = ("АВЕІЈКМНОРЅСТУХаеіјкорѕсухԁһӏԛԝ", "ABEIJKMHOPSCTYXaeijkopscyxdhlqw")
_GREEK_LOOKALIKES = ("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαικνορτυχμ", "ABEZHIKMNOPTYXaikvoptuxu")
_LOOKALIKES = str.maketrans(*(a + b for a, b in zip(_CYRILLIC_LOOKALIKES, _GREEK_LOOKALIKES, strict=True)))
_LETTER_RUN = re.compile(r"[^\W\d_]+")

_local = threading.local()  # Snowball stemmers keep the word being stemmed in the instance: one per thread


def strip_markup(text: str) -> str:
    """Remove Markdown emphasis and links, keeping the words (content is never changed)."""
    if not any(mark in text for mark in "*_`["):
        return " ".join(text.split())
    text = _LINK.sub(r"\1", text)
    text = _MARKUP.sub("", text)
    text = _SINGLE_STAR.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


def clean_message(text: str) -> str:
    """Make a user's raw message comparable: drop HTML tags and entities, invisible characters."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_INVISIBLE)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form of a text: the key every comparison uses.

    Full-width forms, invisible characters and Latin look-alikes are undone here, so a monograph name and a
    message meet the same key however either was typed.
    """
    if text.isascii():
        text = text.lower()
    else:
        for sym, rep in _SYMBOLS.items():
            text = text.replace(sym, rep)
        text = unicodedata.normalize("NFKD", text.translate(_INVISIBLE))  # full-width forms become ASCII
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        if not text.isascii():
            text = _LETTER_RUN.sub(_unconfuse, text)
        text = text.lower()
    text = text.replace("'s ", " ").replace("'", "")
    return " ".join(_NON_WORD.sub(" ", text).split())


def _unconfuse(word: re.Match[str]) -> str:
    """A run of letters with look-alikes in Latin letters, when every letter is Latin or a look-alike."""
    run = word.group()
    if run.isascii() or not all(ch.isascii() or ord(ch) in _LOOKALIKES for ch in run):
        return run
    return run.translate(_LOOKALIKES)


def tokens(text: str) -> list[str]:
    """The folded words of a text."""
    return fold(text).split()


_BRITISH_ISE = re.compile(r"is(e|ed|es|ing|ation|ations)$")


@lru_cache(maxsize=131072)
def stem(word: str) -> str:
    """Snowball stem, so "metabolised", "metabolism" and "metabolized" meet."""
    if len(word) > 6:
        word = _BRITISH_ISE.sub(r"iz\1", word)
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)
