"""Right-to-left controls kept inside the run of text that holds them.

A monograph (or a message quoted back) may hold Unicode bidi controls: an override such as U+202E that is never
closed reverses everything after it — the bot's own words on the line ("…monograph, updated 22 Sep 2025"), and
in renderers that do not end embeddings at a line break, the next lines too. So each run of outside text that
leaves a control open, or closes one it did not open, is wrapped in FIRST STRONG ISOLATE … POP DIRECTIONAL
ISOLATE (U+2068 … U+2069), as UAX #9 and the W3C advise for inserted text, rather than closed control by control:

- one PDI closes every embedding, override and isolate opened after its FSI, however many (the bidi algorithm
  ignores openers past its depth limit of 125 but still counts them, so closing them one by one could take
  thousands of closers);
- the run keeps the direction its own first strong letter gives it, and the bot's text around it keeps its own;
- nothing visible is added or removed: only a PDI the run never opened is dropped (it would close our FSI early
  and let what follows it leak out). Stripping the controls instead would change how a right-to-left passage of
  the monograph reads.

A run without controls, or one that closes all it opens (a bot's line made of isolated runs), is returned
unchanged, so ordinary text and the JSON contract's `text` stay the same byte for byte, and isolating twice is
isolating once.
"""

from __future__ import annotations

import re

FSI = "\u2068"
PDI = "\u2069"
PDF = "\u202c"
_ISOLATE_OPENERS = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI
_EMBEDDING_OPENERS = frozenset("\u202a\u202b\u202d\u202e")  # LRE, RLE, LRO, RLO
# Unicode's Bidi_Control characters: ALM, LRM, RLM, the embeddings and overrides (LRE RLE PDF LRO RLO), the
# isolates (LRI RLI FSI PDI). Marks open nothing and are left alone.
_BIDI_CONTROL = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def has_bidi_controls(text: str) -> bool:
    return not text.isascii() and _BIDI_CONTROL.search(text) is not None


def _balanced(text: str) -> tuple[str, int, bool]:
    """The text without the PDIs that close nothing, how many isolates it leaves open, and whether it is
    self-contained: everything it opens closed, nothing closed it did not open.

    Counting is enough: a PDI always closes the last isolate still open, with every embedding opened inside it,
    and a PDF the last embedding opened in the same isolate (UAX #9, X6a and X7, depth limit included).
    """
    kept: list[str] = []
    embeddings = [0]  # open embeddings and overrides, per isolate level (the run itself first)
    stray = False
    for char in text:
        if char in _ISOLATE_OPENERS:
            embeddings.append(0)
        elif char in _EMBEDDING_OPENERS:
            embeddings[-1] += 1
        elif char == PDF:
            if embeddings[-1]:
                embeddings[-1] -= 1
            elif len(embeddings) == 1:
                stray = True  # inside an isolate the algorithm ignores it; in the run it could close what came before
        elif char == PDI:
            if len(embeddings) == 1:
                stray = True
                continue  # a closer of nothing in this run
            embeddings.pop()
        kept.append(char)
    open_isolates = len(embeddings) - 1
    return "".join(kept), open_isolates, not (stray or open_isolates or embeddings[0])


def isolate_bidi(text: str) -> str:
    """`text` unchanged when it leaves no bidi control open and closes none it did not open (nearly always: it
    holds none); else wrapped in FSI … PDI, with one PDI more for each isolate it leaves open and without the PDIs
    that close nothing, so that nothing it opens reaches the text after it."""
    if not has_bidi_controls(text):
        return text
    kept, open_isolates, contained = _balanced(text)
    if contained:
        return text
    return f"{FSI}{kept}{PDI * (open_isolates + 1)}"
