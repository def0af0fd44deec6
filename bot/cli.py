"""The command-line front end: `ask`, `chat` and `check`, on the same engine as the Telegram bot."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from bot.progress import ConsoleProgress
from intents import ChatContext, Corpus, Engine, Lexicon, Reply, load_corpus, require_monographs, with_source

EXIT_OK, EXIT_BAD_FILES, EXIT_USAGE = 0, 1, 2
MAX_LINE_BYTES = 64 * 1024  # an `ask --jsonl` line longer than this is answered with an error, not read whole
QUERY_PREVIEW = 200  # characters of an over-long line shown as its error's `query`
_SURROGATE = re.compile("[\ud800-\udfff]")

log = logging.getLogger(__name__)


def reply_for_console(reply: Reply, lexicon: Lexicon) -> str:
    """The reply as a person reads it, naming its dated source."""
    return with_source(reply, lexicon).text


def clean_text(text: str) -> str:
    """Text that can be written as UTF-8: lone surrogates (a JSON `\\ud800`, an undecodable argument) replaced."""
    return _SURROGATE.sub("\ufffd", text)


@dataclass(frozen=True)
class LongLine:
    """A batch line longer than may be read: only its start is kept."""

    head: bytes

    def preview(self) -> str:
        """The line's first QUERY_PREVIEW characters and "…", as valid UTF-8 (bytes that are not replaced)."""
        text = clean_text(self.head.decode("utf-8", "replace"))[:QUERY_PREVIEW]
        return text + "…"


def read_lines(stream: BinaryIO, limit: int = MAX_LINE_BYTES) -> Iterator[bytes | LongLine]:
    """The lines of a byte stream, each read whole only up to `limit` bytes: a longer line is skipped to its end
    and stands as a `LongLine` holding its start, so one endless line cannot take the memory."""
    while line := stream.readline(limit + 1):
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := stream.readline(limit)) and not rest.endswith(b"\n"):
                pass
            yield LongLine(line[: 4 * (QUERY_PREVIEW + 1)])  # enough bytes for QUERY_PREVIEW characters
        else:
            yield line


def _message(line: str) -> tuple[str, str]:
    """(chat, text) of one batch line: plain text, or a `{"chat": ..., "text": ...}` object.
    Raises ValueError with the reason when an object line is not one."""
    if not line.lstrip().startswith("{"):
        return "", line
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not a valid JSON object: {exc.msg} at column {exc.colno}") from None
    if not isinstance(data, dict) or "text" not in data:
        raise ValueError('a JSON line needs a "text" field')
    if not isinstance(data["text"], str):
        raise ValueError(f'"text" must be a string, not {type(data["text"]).__name__}')
    return clean_text(str(data.get("chat", ""))), clean_text(data["text"])


def ask_batch(engine: Engine, lines: Iterable[str | bytes | LongLine | None], out: TextIO) -> int:
    """The batch contract: one message per input line, one JSON object per output line, in order.

    A line that cannot be a message (malformed JSON, no string `text`, too long) gets an object with `line`,
    `query` (a long line's start, cut short) and `error` instead; bytes that are not UTF-8 and lone surrogates
    are replaced, so every line is answered and the output is valid UTF-8. A blank line is an empty message:
    answered, but it leaves the chat's context as it was (a follow-up after it reads the question before it).
    """
    contexts: dict[str, ChatContext] = {}
    count = 0
    for number, raw in enumerate(lines, 1):
        if raw is None or isinstance(raw, LongLine):
            answer: dict[str, object] = {"line": number}
            if raw is not None:
                answer["query"] = raw.preview()
            answer["error"] = f"line longer than {MAX_LINE_BYTES:,} bytes"
        else:
            # a blank line too is answered (as the empty message it is), so answers stay lined up with lines
            line = clean_text(raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw).rstrip("\r\n")
            try:
                chat, text = _message(line)
                reply, context = engine.respond(text, contexts.get(chat))
                if text.strip():  # a blank message is answered but changes nothing a follow-up reads
                    contexts[chat] = context
                answer = reply.to_contract()
            except ValueError as exc:
                answer = {"line": number, "query": line, "error": str(exc)}
            except Exception as exc:  # one message must never end the batch
                log.exception("ask --jsonl: line %d could not be answered", number)
                answer = {"line": number, "query": line, "error": f"could not be answered ({type(exc).__name__})"}
        out.write(clean_text(json.dumps(answer, ensure_ascii=False)) + "\n")
        out.flush()
        count += 1
    return count


def date_listing(corpus: Corpus) -> list[str]:
    """One line per monograph with its `lastModified` date, undated and oldest first: what editors update next."""
    infos = sorted(corpus.entries.values(), key=lambda m: (m.updated or "", m.title.casefold()))
    labels = [m.title + (" (banned)" if m.is_banned else "") for m in infos]
    width = min(40, max(map(len, labels), default=0))
    return [
        f"{m.updated or 'no date':<10}  {label:<{width}}  {m.source}" for m, label in zip(infos, labels, strict=True)
    ]


def run_check(folders: list[Path], out: TextIO = sys.stdout, dates: bool = False) -> int:
    """Validate monograph folders: one line per bad file, a summary, non-zero exit when any is bad; with
    `dates`, first each monograph's last-modified date.

    Raises `CorpusError` (a one-line error, exit 2) when a folder is missing or nothing in it can be served.
    """
    started = time.perf_counter()
    corpus = load_corpus(folders, progress=ConsoleProgress("Checking monographs"), cut_units=False)
    if dates:
        out.writelines(line + "\n" for line in date_listing(corpus))
    for issue in corpus.issues:
        out.write(f"BAD  {issue.file}: {issue.reason}\n")
    warnings = [(r.path, w) for r in corpus.files.values() for w in r.warnings]
    for path, warning in warnings:
        out.write(f"WARN {path}: {warning}\n")
    banned = sum(1 for m in corpus.entries.values() if m.is_banned)
    elapsed = time.perf_counter() - started
    if corpus.files:
        out.write(
            f"{len(corpus.entries)} monograph(s) loaded ({banned} banned, never served), "
            f"{len(corpus.issues)} bad file(s), {len(warnings)} warning(s), in {elapsed:.2f}s\n"
        )
    require_monographs(corpus)
    return EXIT_BAD_FILES if corpus.issues else EXIT_OK


def skipped_summary(engine: Engine) -> str | None:
    """One line for the console when bad files were skipped (`check` names them; the log has each)."""
    count = len(engine.corpus.issues)
    return f"drugbot: {count} bad monograph file(s) skipped; python -m bot check names them" if count else None
