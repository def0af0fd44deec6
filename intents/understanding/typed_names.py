"""Names as people type them around the name itself: strengths and forms after it, words glued onto it, and
code-like names ("T-DXd1", "DS-8201") that no monograph has.

The name index (`names.py`) finds names; this module decides what around a name belongs to it and which unknown
words are names of drugs the bot does not have, so a follow-up never answers from the remembered drug for them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from intents.common.text import fold
from intents.language.drug_dictionary import link_key
from intents.language.lexicon import Lexicon
from intents.language.name_forms import is_qualifier

if TYPE_CHECKING:
    from intents.library.names import NameIndex

MAX_GLUED_WORD = 12  # "kadcyladose": the longest ordinary word looked for glued to a name

_NAME_THEN_NUMBER = re.compile(r"([a-z]{4,})(\d.*)")


def unglue(words: list[str], names: NameIndex, lexicon: Lexicon) -> list[str]:
    """The words of a message with names split from what was typed onto them.

    "kadcyla160mg" and "metformin500" lose their strength; "lidocaineof" and "kadcyladose" a short question
    word, and "ofkadcyla" a stop word before the name; "quorbazine/talvexin" is cut at the slash. Only a whole
    known name (at least five letters) is split off, and never from a word that is itself a name or English.
    """
    out: list[str] = []
    for word in words:
        out.extend(_unglued(word, names, lexicon))
    return out


def _unglued(word: str, names: NameIndex, lexicon: Lexicon) -> tuple[str, ...]:
    if "/" in word or "+" in word:  # "quorbazine/talvexin", "20mg/talvexin": parts of a combination
        parts = tuple(part for part in re.split(r"[/+]", word) if part)
        if len(parts) > 1 and any(names.known(part) for part in parts):
            return tuple(piece for part in parts for piece in _unglued(part, names, lexicon))
        return (word,)
    if len(word) < 7 or word in names.exact or word in names.partial or word in lexicon.english:
        return (word,)
    numbered = _NAME_THEN_NUMBER.fullmatch(word)
    if numbered:
        name, rest = numbered.groups()
        if is_qualifier(rest, lexicon) and (names.known(name) or names.fuzzy_keys(name)):
            return (name, rest)
        return (word,)
    for cut in range(max(5, len(word) - MAX_GLUED_WORD), len(word) - 1):
        tail = word[cut:]
        if names.known(word[:cut]) and (tail in lexicon.stopwords or tail in _question_words(lexicon)):
            return (word[:cut], tail)
    for cut in range(3, min(len(word) - 5, MAX_GLUED_WORD) + 1):
        if word[:cut] in lexicon.stopwords and names.known(word[cut:]):
            return (word[:cut], word[cut:])
    return (word,)


def finishes_a_longer_name(name: list[str], word: str, lexicon: Lexicon) -> bool:
    """True when `word`, right after a known drug name, may make it the name of another drug: "velorimab
    vedotin" when only Velorimab is loaded (vedotin finishes drug names), "trastuzumab emtansine" when only
    Trastuzumab is (a name of the field dictionary), "kadcyla zorbatecan" (a word nothing knows).

    False when the word belongs to the name (a salt, a form, a device: "timolol ophthalmic"), names a drug of its
    own ("kadcyla warfarin": a second drug), or is a term, a substance, a condition or a group of patients
    ("kadcyla thrombocytopenia", "kadcyla grapefruit"): the known drug is the one asked about. Reads the field
    dictionary the first time a message has such a word.
    """
    if word in lexicon.name_suffixes or word in lexicon.english or word in lexicon.stopwords:
        return False
    names = lexicon.drug_names
    if link_key(" ".join([*name, word])) in names.by_key or word in lexicon.finishing_words:
        return True
    return not (word in names.names or lexicon.is_term(word))


_vocabulary: tuple[Lexicon | None, frozenset[str]] = (None, frozenset())


def _question_words(lexicon: Lexicon) -> frozenset[str]:
    """Words of the lexicon's phrases ("dose", "side", "pregnancy"): what a question glues onto a name."""
    global _vocabulary
    if _vocabulary[0] is not lexicon:
        _vocabulary = (lexicon, frozenset(lexicon.vocabulary))
    return _vocabulary[1]


# A run of letters and digits, hyphens inside kept: "T-DXd1", "DS-8201", "covid-19", "x-ray".
_TOKEN = re.compile(r"[^\W_]+(?:[-‐‑][^\W_]+)*")
_RUNS = re.compile(r"[a-z]+|\d+")
# dosing intervals and counts written as letters and digits: "q12h", "q3w", "x2", "x10d"
_INTERVAL = re.compile(r"[qx]\d+[a-z]{0,3}")


def code_names(text: str, names: NameIndex, lexicon: Lexicon) -> list[str]:
    """Code-like words of a message that name no loaded drug, folded and joined ("tdxd1" for "T-DXd1").

    A word is code-like when it mixes letters and digits ("T-DXd1", "DS-8201", "md1") or joins letter groups with
    a hyphen ("T-Dx", "t-dm"), and none of its letter groups is an ordinary word: a stop word (not one letter), or
    an English word of three letters ("x-ray", "t-cell"), four beside digits ("covid-19"; "SYD985" is a code).
    Strengths, intervals and the codes listed in `ordinary_codes.txt` (b12, cyp3a4, hba1c...) are not names.
    """
    found: list[str] = []
    for token in _TOKEN.findall(text):
        parts = fold(token).split()
        compact = "".join(parts)
        if not compact or compact[0].isdigit() or (len(parts) < 2 and compact.isalpha()):
            continue
        if compact in names.exact or " ".join(parts) in names.exact or compact in lexicon.ordinary_codes:
            continue
        if _INTERVAL.fullmatch(compact) or is_qualifier(compact, lexicon):
            continue
        if all(is_qualifier(p, lexicon) for p in parts):
            continue
        # an ordinary word among the letters: "x-ray", "t-cell", "covid-19", "her2"; a drug code's letters are a
        # sponsor's initials, so beside digits only a stop word or a longer word counts ("syd985" is a code)
        shortest = 3 if compact.isalpha() else 4
        letters = [run for part in parts for run in _RUNS.findall(part) if run.isalpha()]
        ordinary = (run for run in letters if len(run) >= 2)
        if any(run in lexicon.stopwords or (len(run) >= shortest and run in lexicon.english) for run in ordinary):
            continue
        if compact not in found:
            found.append(compact)
    return found
