"""What a reply must never be, for the fuzz tests and `python -m bench.fuzz`: invalid UTF-8, markup Telegram
rejects, a message over Telegram's limit, text of a banned monograph, or a line that leaves a right-to-left
control open."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from bot.telegram.render import MESSAGE_LIMIT, to_html_messages
from intents.answering.models import Reply
from intents.common.text import fold
from intents.library.corpus import Corpus
from intents.library.models import Monograph, Section
from testkit.fakebotapi import ApiError, parse_html, utf16_len


def _section_texts(section: Section) -> Iterator[str]:
    yield section.heading
    stack = list(section.blocks)
    while stack:
        block = stack.pop()
        yield block.text
        stack.extend(block.children)
    for child in section.children:
        yield from _section_texts(child)


def monograph_texts(mono: Monograph) -> set[str]:
    """Every heading, paragraph, bullet and FAQ pair of a monograph (what an answer from it would show)."""
    texts = {mono.description}
    for section in mono.sections:
        texts.update(_section_texts(section))
    for pair in mono.faqs:
        texts.update((pair.question, pair.answer))
    return {t for t in texts if len(t) >= 12}


def _more_than_names(texts: set[str], names: Iterable[str]) -> set[str]:
    """Lines that say something: a banned drug's bare name may be said (a refusal, another drug's interactions)."""
    folded = {fold(n) for n in names}
    return {t for t in texts if fold(t) not in folded}


def banned_texts(corpus: Corpus, ids: Iterable[str] | None = None) -> set[str]:
    """Text that only banned monographs hold: none of it may ever reach a user.

    With `ids` (a large corpus, where reading every file is too slow) only those monographs are read, and only
    their lines that name their own drug and say more than its name count — those belong to no other monograph.
    """
    if ids is not None:
        found: set[str] = set()
        for drug_id in ids:
            info, document = corpus.get(drug_id), corpus.document(drug_id)
            if info is not None and document is not None:
                own = {t for t in monograph_texts(document) if fold(info.title) in fold(t)}
                found |= _more_than_names(own, info.names)
        return found
    banned: set[str] = set()
    served: set[str] = set()
    names: list[str] = []
    for info in corpus.entries.values():
        document = corpus.document(info.id)
        if document is not None:
            (banned if info.is_banned else served).update(monograph_texts(document))
            names += info.names
    return _more_than_names(banned - served, names)


_EMBEDDINGS = {"\u202a": 0, "\u202d": 0, "\u202b": 1, "\u202e": 1}  # LRE, LRO: next even level; RLE, RLO: odd
_ISOLATES = {"\u2066": 0, "\u2068": 0, "\u2067": 1}  # LRI, FSI (taken as left-to-right), RLI
_PDF, _PDI = "\u202c", "\u2069"
_MAX_LEVEL = 125


def open_bidi(text: str) -> int:
    """How many embeddings, overrides and isolates `text` leaves open at its end, by the explicit rules of the
    Unicode bidi algorithm (UAX #9, X1-X8, with its depth limit and overflow counts) — except that a line break
    is not taken to close them, so a renderer that carries them over lines is covered too. Zero means whatever
    follows `text` is laid out as if it were not there."""
    stack = [(0, False)]  # (level, is an isolate)
    overflow_isolates = overflow_embeddings = valid_isolates = 0
    for char in text:
        if char in _EMBEDDINGS or char in _ISOLATES:
            isolate = char in _ISOLATES
            odd = (_ISOLATES if isolate else _EMBEDDINGS)[char]
            level = stack[-1][0] + 1
            level += (level % 2) != odd
            if level <= _MAX_LEVEL and not overflow_isolates and not overflow_embeddings:
                stack.append((level, isolate))
                valid_isolates += isolate
            elif isolate:
                overflow_isolates += 1
            elif not overflow_isolates:
                overflow_embeddings += 1
        elif char == _PDI:
            if overflow_isolates:
                overflow_isolates -= 1
            elif valid_isolates:
                overflow_embeddings = 0
                while not stack[-1][1]:
                    stack.pop()
                stack.pop()
                valid_isolates -= 1
        elif char == _PDF and not overflow_isolates:
            if overflow_embeddings:
                overflow_embeddings -= 1
            elif not stack[-1][1] and len(stack) > 1:
                stack.pop()
    return len(stack) - 1 + overflow_isolates + overflow_embeddings


def open_bidi_lines(text: str) -> list[str]:
    """The lines of `text` that leave a bidi control open for the text after them."""
    return [line for line in text.split("\n") if open_bidi(line)]


def reply_problem(reply: Reply, corpus: Corpus, forbidden: set[str]) -> str | None:
    """Why a user must not see this reply, or None: it is valid UTF-8, valid Telegram HTML under the length
    limit, and neither answers from a banned monograph nor holds any of its text."""
    text = reply.text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "reply text is not valid UTF-8 (a lone surrogate)"
    info = corpus.get(reply.drug_id) if reply.drug_id else None
    if info is not None and info.is_banned and reply.sourced:
        return f"answered from banned {info.title}"
    leaked = next((t for t in forbidden if t in text), None)
    if leaked is not None:
        return f"banned monograph text served: {leaked[:80]!r}"
    for message in to_html_messages(reply, MESSAGE_LIMIT):
        try:
            visible = parse_html(message)
        except ApiError as exc:
            return f"Telegram would reject the HTML: {exc.description}"
        if utf16_len(visible) > 4096:
            return f"a message of {utf16_len(visible)} UTF-16 units (Telegram's limit is 4,096)"
        left_open = open_bidi_lines(visible)
        if left_open:
            return f"a line leaves a right-to-left control open for the text after it: {left_open[0][:80]!r}"
    return None
