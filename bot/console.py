"""`python -m bot chat`: the console chat, with follow-up context and numbered buttons.

A number picks one of the buttons listed with the last reply (or with the last /drugs list), and nothing else:
a number that was not listed there is said to be unknown rather than sent as a question. Under answers about
one drug, a section keeps the number it has in that drug's listing, so "4" is Dosage under every Kadcyla answer
(the answered section's own number is simply missing). Interactive sessions get line editing and history
(readline, kept in the cache folder when it is writable); Ctrl-D and Ctrl-C leave without a traceback.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.cli import reply_for_console
from intents import FAQ_LIST_KEY, LISTING_KEY, ChatContext, Engine, Option, Reply, default_cache_dir, isolate_bidi

QUIT = ("/quit", "/exit", "quit", "exit")
HISTORY_LENGTH = 1000
PROMPT = "you> "


class Console:
    """One console conversation: the chat's context and what each number stands for right now."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.lexicon = engine.lexicon
        self.context = ChatContext()
        self.buttons: dict[int, Option] = {}

    def numbered(self, reply: Reply) -> dict[int, Option]:
        """The reply's buttons by number: a drug's sections by their place in its listing, else 1, 2, 3…"""
        if not reply.options:
            return {}
        if reply.drug_id and reply.part != FAQ_LIST_KEY:
            listing = self.engine.part(reply.drug_id, LISTING_KEY)[0].options
            place = {o.part: number for number, o in enumerate(listing, 1)}
            if all(o.part in place for o in reply.options):
                return {place[o.part]: o for o in reply.options}
        return dict(enumerate(reply.options, 1))

    def show(self, reply: Reply) -> str:
        """The reply as printed, its buttons listed under it with their numbers (which now mean them)."""
        self.buttons = self.numbered(reply)
        text = reply_for_console(reply, self.lexicon)
        if self.buttons:
            text += "\n\n" + "  ".join(f"[{n}] {isolate_bidi(o.label)}" for n, o in self.buttons.items())
        return text

    def drug_list(self) -> str:
        """/drugs: every drug, numbered; a number then opens that drug's listing of sections."""
        drugs = self.engine.drugs()
        self.buttons = {n: Option(label=m.title, drug_id=m.id, part=LISTING_KEY) for n, m in enumerate(drugs, 1)}
        lines = [self.lexicon.reply("console_drugs", count=f"{len(drugs):,}")]
        lines += [f"[{n}] {isolate_bidi(o.label)}" for n, o in self.buttons.items()]
        return "\n".join(lines)

    def handle(self, text: str) -> str:
        """The console's answer to one line typed (a question, a number, /drugs)."""
        if text == "/drugs":
            return self.drug_list()
        now = time.time()
        if text.isdigit():
            option = self.buttons.get(int(text))
            if option is None:
                shown = _numbers(list(self.buttons))
                return self.lexicon.reply("console_no_button", number=text, shown=shown)
            if option.part:
                reply, self.context = self.engine.part(option.drug_id, option.part, self.context, now)
            else:
                reply, self.context = self.engine.pick(option.drug_id, self.context, now)
        else:
            reply, self.context = self.engine.respond(text, self.context, now)
        return self.show(reply)


def _numbers(numbers: list[int]) -> str:
    """`1–12` for a run, `1, 2, 4` otherwise, `none` for no buttons."""
    if not numbers:
        return "none"
    if numbers == list(range(numbers[0], numbers[-1] + 1)) and len(numbers) > 2:
        return f"{numbers[0]}–{numbers[-1]}"
    return ", ".join(map(str, numbers))


def _line_reader(stdin: TextIO, out: TextIO, interactive: bool) -> Callable[[], str | None]:
    """A function reading one line (None at end of input): `input()` with readline when interactive."""
    if not interactive:
        return lambda: stdin.readline() or None

    def read() -> str | None:
        try:
            return input(PROMPT)
        except EOFError:  # Ctrl-D: end the prompt's line so the shell's prompt starts on its own
            out.write("\n")
            return None

    return read


def _history() -> Path | None:
    """Line editing and history for an interactive chat; the history file, when there is a place for it."""
    try:
        import readline
    except ImportError:  # not every platform's Python has it; the chat works without
        return None
    path = default_cache_dir() / "chat_history"
    readline.set_history_length(HISTORY_LENGTH)
    with contextlib.suppress(OSError):
        readline.read_history_file(path)
    return path


def run_chat(engine: Engine, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> None:
    """An interactive console chat; `/quit`, end of input (Ctrl-D) or Ctrl-C leaves."""
    interactive = stdin.isatty() and stdin is sys.stdin
    history = _history() if interactive else None
    console = Console(engine)
    out.write(engine.lexicon.reply("console_intro", count=f"{len(engine.drugs()):,}", note=engine.disclaimer()))
    out.write("\n" + engine.lexicon.reply("console_usage") + "\n")
    read = _line_reader(stdin, out, interactive)
    try:
        while (line := read()) is not None:
            text = line.strip()
            if text in QUIT:
                break
            if text:
                out.write(console.handle(text) + "\n\n")
                out.flush()
    except KeyboardInterrupt:  # Ctrl-C: leave as quietly as Ctrl-D
        out.write("\n")
    finally:
        if history is not None:
            import readline

            with contextlib.suppress(OSError):
                history.parent.mkdir(parents=True, exist_ok=True)
                readline.write_history_file(history)
