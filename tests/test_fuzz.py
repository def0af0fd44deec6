"""Fuzzing: any message, any monograph file and any button press is handled — never a traceback, never banned text.

Hypothesis property tests, derandomized (the same examples on every run) and bounded so that the file runs in
seconds. `python -m bench.fuzz` runs the long campaigns by hand (10,000 monographs, subprocesses, kill -9).
Timing is never asserted here (see bench/).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import io
import logging
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.cli import run_check
from intents.answering.models import ChatContext, Reply
from intents.engine import Engine
from intents.language.lexicon import Lexicon
from intents.library.corpus import Corpus, load_corpus
from testkit.checks import banned_texts, reply_problem
from testkit.fakebotapi import BOT_USERNAME, FakeBotApi
from tests.conftest import FICTIONAL, SEEDS, STUBS

FUZZ = settings(derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_sane(reply: Reply, corpus: Corpus, forbidden: set[str]) -> None:
    problem = reply_problem(reply, corpus, forbidden)
    assert problem is None, problem


@pytest.fixture(scope="module")
def fuzz_engine(lexicon: Lexicon) -> Engine:
    """The seed, the fictional drugs (banned Plumbazole) and, when beside the project, the shared stubs (banned
    Zelvorimab, one letter from served Velorimab)."""
    folders = [SEEDS, FICTIONAL] + ([STUBS] if STUBS.is_dir() else [])
    return Engine(load_corpus(folders), lexicon)


@pytest.fixture(scope="module")
def forbidden(fuzz_engine: Engine) -> set[str]:
    found = banned_texts(fuzz_engine.corpus)
    assert any("must never be shown" in t for t in found)  # Plumbazole's dosage, so the check has teeth
    return found


# --- messages ---------------------------------------------------------------------------------------------------

NAMES = [
    "kadcyla",
    "Trastuzumab Emtansine",
    "T-DM1",
    "velorimab",
    "VLR-12",
    "Velorimab Vedotin",
    "plumbazole",
    "Plumbex",
    "zelvorimab",
    "zelorimab",
    "Banoxa",
    "kadycla",
    "kаdcyla",  # Cyrillic а
    "T-DXd1",
]
PHRASES = [
    "dose",
    "dose of",
    "side effects",
    "and side effects?",
    "in pregnancy",
    "breastfeeding",
    "with ketoconazole",
    "for children",
    "kidney",
    "how does it work",
    "what is it for",
    "price",
    "faq",
    "help",
    "hi",
    "/start",
    "/drug",
    "?",
    "and",
    "what about",
]
ODDITIES = [
    "<b>",
    "</i>",
    "&amp;",
    "&#x27;",
    "**",
    "`code`",
    "[x](http://a)",
    "@drug_test_bot",
    "\u202e",  # right-to-left override
    "\u200b\u200d",
    "\ufeff",
    "\x00",
    "\x1b[31m",
    "\r\n",
    "\t",
    "💊" * 5,
    "👩‍⚕️",
    "🇬🇧",
    "עברית",
    "العربية",
    "中文药",
    "Ｋａｄｃｙｌａ",  # full-width
    "İİİ",
    "ß",
    "\ud800",  # a lone surrogate (Python allows it in str)
    "\udcff",
    "e\u0301",
]
any_char = st.characters(exclude_categories=())  # every code point, surrogates included
token = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(PHRASES),
    st.sampled_from(ODDITIES),
    st.text(any_char, max_size=12),
    st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz-"), min_size=1, max_size=120),  # long made-up words
    st.integers().map(str),
)


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """A real question with a few characters dropped, doubled, swapped or replaced by anything."""
    chars = list(text)
    for _ in range(draw(st.integers(0, 3))):
        if not chars:
            break
        i = draw(st.integers(0, len(chars) - 1))
        op = draw(st.sampled_from(["drop", "double", "swap", "replace"]))
        if op == "drop":
            del chars[i]
        elif op == "double":
            chars.insert(i, chars[i])
        elif op == "swap" and i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        else:
            chars[i] = draw(any_char)
    return "".join(chars)


QUESTIONS = [
    "dose of Kadcyla?",
    "kadcyla side effects",
    "T-DM1 in pregnancy?",
    "can I take velorimab with ketoconazole",
    "zelvorimab dose",
    "what is the dose of plumbazole",
    "velorimab vedotin breastfeeding",
    "kadcyla dose and price",
]
message = st.one_of(
    st.text(any_char, max_size=200),
    st.lists(token, max_size=12).map(" ".join),
    st.lists(token, max_size=12).map("".join),
    st.sampled_from(QUESTIONS).flatmap(mutated),
)


@settings(FUZZ, max_examples=200)
@given(conversation=st.lists(message, min_size=1, max_size=4))
def test_any_message_gets_a_sane_reply_and_never_banned_text(fuzz_engine, forbidden, conversation):
    """Any text, as a conversation with follow-ups: a reply (or none), never an exception or a banned line."""
    context = ChatContext()
    for now, text in enumerate(conversation, start=1_000):
        reply, context = fuzz_engine.respond(text, context, now=float(now))
        assert_sane(reply, fuzz_engine.corpus, forbidden)
        if reply.drug_id:
            assert not fuzz_engine.corpus.entries[reply.drug_id].is_banned
        for option in reply.options[:3]:  # pressing the reply's buttons is fine too
            if option.part:
                picked, _ = fuzz_engine.part(option.drug_id, option.part, context, now=float(now))
            else:
                picked, _ = fuzz_engine.pick(option.drug_id, context, now=float(now))
            assert_sane(picked, fuzz_engine.corpus, forbidden)


@settings(FUZZ, max_examples=2)
@given(word=st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=1000, max_size=3000))
def test_a_very_long_word_gets_a_sane_reply(fuzz_engine, forbidden, word):
    for text in (f"kadcyla {word}", word):
        reply, _ = fuzz_engine.respond(text)
        assert_sane(reply, fuzz_engine.corpus, forbidden)


# --- monograph files --------------------------------------------------------------------------------------------

BAN_LOOKALIKES = ["isBanned", "banned", "is-banned", "Is_Banned", "is_baned", "is_banned ", "IS_BANNED", "isbanned"]
scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["true", "yes", "on", "1", "false", "no", "~", "", "null"]),
)
yaml_value = st.recursive(
    scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
words = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)
title = st.one_of(st.sampled_from(["Fuzzimab", "Velorimab", "Plumbazole", "Kadcyla", "", " ", "**", "A"]), words)
faq = st.fixed_dictionaries({"q": yaml_value, "a": yaml_value}) | yaml_value
front_matter = st.fixed_dictionaries(
    {},
    optional={
        "title": title | yaml_value,
        "description": words | yaml_value,
        "is_banned": st.booleans() | yaml_value,
        "lastModified": st.just("2025-03-01T10:00:00.000Z") | yaml_value,
        "aliases": st.lists(words, max_size=4) | yaml_value,
        "faqs": st.lists(faq, max_size=3) | yaml_value,
    },
).flatmap(
    lambda base: st.dictionaries(st.sampled_from(BAN_LOOKALIKES) | st.text(max_size=10), yaml_value, max_size=3).map(
        lambda extra: {**extra, **base}
    )
)
HEADINGS = ["Usage", "Alternate Names", "Dosage", "Side Effects", "FAQs", "Pregnancy", "Drug Interactions", "**Bold:**"]


@st.composite
def body(draw: st.DrawFn) -> str:
    """Markdown in the monographs' shape: headings, labelled and nested bullets, FAQ pairs, stray markup."""
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 5))):
        level = draw(st.integers(2, 5))
        lines.append("#" * level + " " + draw(st.sampled_from(HEADINGS) | words))
        for _ in range(draw(st.integers(0, 6))):
            kind = draw(st.sampled_from(["bullet", "labelled", "paragraph", "faq", "raw"]))
            depth = draw(st.integers(0, 40))
            if kind == "bullet":
                lines.append("  " * depth + draw(st.sampled_from("-*+•")) + " " + draw(words))
            elif kind == "labelled":
                lines.append("  " * depth + f"- **{draw(words)}:** {draw(words)}")
            elif kind == "faq":
                lines += [f"### Q{draw(st.integers(0, 9))}: {draw(words)}", f"**A:** {draw(words)}"]
            elif kind == "paragraph":
                lines.append(draw(words))
            else:
                lines.append(draw(st.text(st.characters(exclude_categories=("Cs",)), max_size=60)))
    return "\n".join(lines)


def _dump(data: dict[str, object]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@st.composite
def monograph_bytes(draw: st.DrawFn) -> bytes:
    """A whole monograph file: mostly well formed, sometimes damaged by hand, sometimes random bytes."""
    shape = draw(st.sampled_from(["good", "good", "damaged", "raw-front-matter", "bytes", "no-front-matter"]))
    if shape == "bytes":
        return draw(st.binary(max_size=600))
    text = f"---\n{_dump(draw(front_matter))}---\n{draw(body())}\n"
    if shape == "raw-front-matter":
        text = "---\n" + draw(st.text(max_size=200)) + "\n---\n" + draw(body())
    elif shape == "no-front-matter":
        text = draw(body())
    data = text.encode("utf-8")
    if shape == "damaged" and data:
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at + draw(st.integers(0, 3)) :]
    return data


@contextlib.contextmanager
def folder_with(data: bytes) -> Iterator[tuple[Path, Path]]:
    """A monograph folder with a good fictional file and the fuzzed one (named last, so a duplicate title is
    always the fuzzed file's)."""
    folder = Path(tempfile.mkdtemp(prefix="drugbot-fuzz-"))
    try:
        shutil.copy(FICTIONAL / "velorimab.md", folder / "aa-velorimab.md")
        fuzzed = folder / "zz-fuzzed.md"
        fuzzed.write_bytes(data)
        yield folder, fuzzed
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def check(folder: Path) -> tuple[int, str]:
    """`python -m bot check` on the folder: its exit code and what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stderr(out):
        code = run_check([folder], out=out)
    return code, out.getvalue()


@settings(FUZZ, max_examples=120)
@given(data=monograph_bytes())
def test_any_monograph_file_is_served_or_named_bad(fuzz_engine, data):
    with folder_with(data) as (folder, fuzzed):
        corpus = load_corpus([folder])
        served = [m for m in corpus.entries.values() if m.source == str(fuzzed)]
        named = [i for i in corpus.issues if i.file == str(fuzzed)]
        assert len(served) + len(named) == 1, (served, named)
        assert all(i.reason.strip() for i in named)

        code, output = check(folder)
        assert code == (1 if named else 0), output
        if named:
            assert str(fuzzed) in output

        engine = Engine(corpus, fuzz_engine.lexicon)
        forbidden = banned_texts(corpus)
        for mono in served:
            for text in (mono.title, f"{mono.title} dose", f"side effects of {mono.title}", *mono.names[:3]):
                reply, _ = engine.respond(text)
                assert_sane(reply, corpus, forbidden)
                if mono.is_banned:
                    assert reply.drug_id != mono.id
            if not mono.is_banned:  # every part of it can be shown
                listing, _ = engine.part(mono.id, "list")
                for option in listing.options:
                    part, _ = engine.part(option.drug_id, option.part or "list")
                    assert_sane(part, corpus, forbidden)


ban_key_file = st.builds(
    lambda key, value, spelling: (
        f"---\ntitle: Fuzzbanimab\n{spelling.format(key=key, value=value)}\n---\n"
        "## Dosage\n\n- Fuzzbanimab text that must never be served.\n"
    ),
    st.sampled_from([*BAN_LOOKALIKES, "is_banned"]),
    st.sampled_from(["true", "yes", "True", "on"]),
    st.sampled_from(
        [
            "{key}: {value}",
            '"{key}": {value}',
            "is_banned: {value}\nis_banned: false",  # duplicated key, last wins
            "extra:\n  {key}: {value}",  # indented under another key
        ]
    ),
)


@settings(FUZZ, max_examples=40)
@given(text=ban_key_file)
def test_a_file_that_tries_to_ban_its_drug_is_never_served(fuzz_engine, text):
    """Any spelling of `is_banned: true` either bans the drug or makes the file bad; it never serves it."""
    with folder_with(text.encode()) as (folder, fuzzed):
        corpus = load_corpus([folder])
        served = [m for m in corpus.entries.values() if m.source == str(fuzzed) and not m.is_banned]
        assert not served, text
        reply, _ = Engine(corpus, fuzz_engine.lexicon).respond("fuzzbanimab dose")
        assert "must never be served" not in reply.text


# --- button data through the Telegram front end -----------------------------------------------------------------


class BotThread:
    """The real bot polling the fake Bot API in an event loop on its own thread, so that a synchronous
    hypothesis test can send one update per example and see what the bot did with it."""

    SENTINEL_CHAT = 4242

    def __init__(self, state: Path) -> None:
        from tests.bot.telegram.test_telegram_e2e import running_bot

        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.api = FakeBotApi()
        self.sentinels = 0
        self.errors: list[logging.LogRecord] = []
        self._bot = running_bot(self.api, state, folders=[SEEDS, FICTIONAL], DRUGBOT_CONCURRENT_UPDATES="1")
        self.run(self._start())

    def run(self, coro, timeout: float = 30.0):  # type: ignore[no-untyped-def]
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _start(self) -> None:
        await self.api.start()
        self.service = await self._bot.__aenter__()
        self.api.push_text("kadcyla")
        await self.api.wait_for("sendMessage")
        self.message = self.api.sent[0]  # an answer with buttons, as the pressed buttons' message

    async def handled(self, push: Callable[[FakeBotApi], object]) -> list[dict]:
        """Push an update (`push(api)`); returns the calls the bot made for it, once it has finished with it."""
        before = len(self.api.calls)
        push(self.api)
        self.api.push_text("hi", chat_id=self.SENTINEL_CHAT, user_id=self.SENTINEL_CHAT)
        self.sentinels += 1  # updates are handled one at a time: when "hi" is answered, the button was handled
        await self.api.wait_for(
            "sendMessage",
            count=self.sentinels,
            predicate=lambda c: int(c.params["chat_id"]) == self.SENTINEL_CHAT,
        )
        return [c.params for c in self.api.calls[before:] if int(c.params.get("chat_id", 0)) != self.SENTINEL_CHAT]

    async def _stop(self) -> None:
        await self._bot.__aexit__(None, None, None)
        await self.api.stop()

    def close(self) -> None:
        try:
            self.run(self._stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)


class _Errors(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def bot_thread() -> Iterator[BotThread]:
    state = Path(tempfile.mkdtemp(prefix="drugbot-fuzz-state-"))
    bot = BotThread(state)
    handler = _Errors(bot.errors)
    logging.getLogger().addHandler(handler)
    try:
        yield bot
    finally:
        logging.getLogger().removeHandler(handler)
        bot.close()
        shutil.rmtree(state, ignore_errors=True)


def _fits(data: str) -> str:
    """Telegram's callback data is 1 to 64 bytes of UTF-8."""
    while len(data.encode()) > 64:
        data = data[:-1]
    return data or "x"


printable = st.characters(exclude_categories=("Cs",))
data_part = st.one_of(
    st.sampled_from(
        ["trastuzumab-emtansine", "velorimab", "plumbazole", "p0", "p1", "f0", "faq", "list", "0", "99999", ""]
    ),
    st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=3),  # digits of every script
    st.integers(-(10**20), 10**20).map(str),
    st.text(printable, max_size=10),
)
callback_data = st.one_of(
    st.text(printable, min_size=1, max_size=64),
    st.builds(
        lambda head, parts: "|".join([head, *parts]),
        st.sampled_from(["p", "d", "g", "l", "P", "x", "", " p"]),
        st.lists(data_part, max_size=4),
    ),
).map(_fits)


def assert_handled(bot: BotThread, sent: list[dict], errors_before: int) -> None:
    """What the bot sent for one update: no apology, no banned text, and nothing Telegram rejected (logged)."""
    apology = bot.service.engine.lexicon.reply("error")
    texts = [html.unescape(str(p.get("text", ""))) for p in sent]
    assert not [t for t in texts if apology in t]
    forbidden = banned_texts(bot.service.engine.corpus)
    assert not [t for t in texts for f in forbidden if f in t]
    assert bot.errors[errors_before:] == [], [r.getMessage()[:200] for r in bot.errors[errors_before:]]


@settings(FUZZ, max_examples=60)
@given(data=callback_data)
@example(data="g|²")  # issue 8's forged button: passes isdigit(), not int()
@example(data="p|plumbazole|p0")  # a banned drug's part
def test_any_button_data_is_handled_without_error(bot_thread, data):
    """A forged or stale button: the bot answers the press and sends a sane message or nothing, never an apology."""
    errors_before = len(bot_thread.errors)
    sent = bot_thread.run(bot_thread.handled(lambda api: api.push_callback(data, bot_thread.message)))
    assert_handled(bot_thread, sent, errors_before)
    assert any(p.get("callback_query_id") for p in sent)  # the press itself was answered (no endless spinner)


def _as_telegram_text(text: str) -> str:
    """Telegram delivers UTF-8 (no lone surrogates) and no empty message."""
    return "".join(c for c in text if not 0xD800 <= ord(c) < 0xE000).strip() or "?"


@settings(FUZZ, max_examples=45)
@given(text=message.map(_as_telegram_text), where=st.sampled_from(["private", "group", "mention", "inline"]))
def test_any_text_in_any_chat_or_inline_is_handled_without_error(bot_thread, text, where):
    """Any text in a private chat, a group (addressed to the bot or not) or an inline query: answered with what
    Telegram accepts, or ignored — never an error, an apology or banned text."""

    def push(api: FakeBotApi) -> None:
        if where == "inline":
            api.push_inline(text[:256])
        elif where == "private":
            api.push_text(text)
        else:
            mention = f"@{BOT_USERNAME} " if where == "mention" else ""
            api.push_text(mention + text, chat_id=-100777, chat_type="supergroup")

    errors_before = len(bot_thread.errors)
    sent = bot_thread.run(bot_thread.handled(push))
    assert_handled(bot_thread, sent, errors_before)
    if where == "inline":
        assert any("results" in p for p in sent)  # every keystroke gets results (at least a hint)
