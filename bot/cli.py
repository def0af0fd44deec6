"""The command-line front end: `ask`, `chat` and `check`, on the same engine as the Telegram bot."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from bot.loading import require_monographs
from bot.progress import ConsoleProgress
from intents.corpus import load_corpus
from intents.engine import Engine
from intents.lexicon import Lexicon
from intents.models import ChatContext, Reply
from intents.render import with_source

EXIT_OK, EXIT_BAD_FILES, EXIT_USAGE = 0, 1, 2


def reply_for_console(reply: Reply, lexicon: Lexicon, numbered: bool = False) -> str:
    """The reply as a person reads it, naming its dated source; in `chat`, options are numbered so a number
    picks one."""
    text = with_source(reply, lexicon).text
    if numbered and reply.options:
        picks = "  ".join(f"[{i}] {o.label}" for i, o in enumerate(reply.options, 1))
        text += f"\n\n{picks}"
    return text


def ask_batch(engine: Engine, lines: Iterable[str], out: TextIO) -> int:
    """The batch contract: one message per input line, one JSON object per output line, in order."""
    contexts: dict[str, ChatContext] = {}
    count = 0
    for raw in lines:
        line = raw.rstrip("\n")
        if not line.strip():
            continue
        chat, text = "", line
        if line.lstrip().startswith("{"):
            try:
                data = json.loads(line)
            except json.JSONDecodeError:
                data = None
            if isinstance(data, dict) and isinstance(data.get("text"), str):
                chat, text = str(data.get("chat", "")), data["text"]
        reply, contexts[chat] = engine.respond(text, contexts.get(chat))
        out.write(json.dumps(reply.to_contract(), ensure_ascii=False) + "\n")
        out.flush()
        count += 1
    return count


def run_chat(engine: Engine, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> None:
    """An interactive console chat with context and numbered buttons; `/quit` or end of input leaves."""
    interactive = stdin.isatty()
    context = ChatContext()
    last: Reply | None = None
    out.write(f"drugbot console: {len(engine.drugs())} monograph(s). {engine.disclaimer()}\n")
    out.write("Ask a question; type a number to pick an option, /drugs for the list, /quit to leave.\n")
    while True:
        if interactive:
            out.write("you> ")
            out.flush()
        line = stdin.readline()
        if not line:
            break
        text = line.strip()
        if not text:
            continue
        if text in ("/quit", "/exit", "quit", "exit"):
            break
        if text == "/drugs":
            out.write("\n".join(m.title for m in engine.drugs()) + "\n")
            continue
        now = time.time()
        if text.isdigit() and last and 1 <= int(text) <= len(last.options):
            option = last.options[int(text) - 1]
            if option.part:
                last, context = engine.part(option.drug_id, option.part, context, now)
            else:
                last, context = engine.pick(option.drug_id, context, now)
        else:
            last, context = engine.respond(text, context, now)
        out.write(reply_for_console(last, engine.lexicon, numbered=True) + "\n\n")
        out.flush()


def run_check(folders: list[Path], out: TextIO = sys.stdout) -> int:
    """Validate monograph folders: one line per bad file, a summary, non-zero exit when any is bad.

    Raises `CorpusError` (a one-line error, exit 2) when a folder is missing or nothing in it can be served.
    """
    started = time.perf_counter()
    corpus = load_corpus(folders, progress=ConsoleProgress("Checking monographs"), cut_units=False)
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
