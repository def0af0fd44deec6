"""Hostile messages and `ask --jsonl` lines for the fuzz campaigns (a) and (b), deterministic from a seed.

Messages: random code points (controls and lone surrogates included), words up to 5,000 letters, real questions
mutated, mixed scripts, emoji, markup; grouped into short conversations so follow-ups meet a chat's context.
Lines: the same messages and worse as raw bytes — lone surrogates escaped in JSON, invalid UTF-8, malformed and
deeply nested JSON, odd field types — one line each, never a blank one (a blank line is skipped, not answered).
"""

from __future__ import annotations

import json
import random

TOPIC_WORDS = [
    "dose",
    "dosage",
    "side effects",
    "pregnancy",
    "breastfeeding",
    "interactions",
    "with alcohol",
    "children",
    "kidney",
    "how does it work",
    "what is it for",
    "half life",
    "contraindications",
    "price",
    "overdose",
    "and?",
    "what about",
]
SCRIPTS = [
    (0x0041, 0x007A),  # Latin
    (0x00C0, 0x024F),  # Latin with accents
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x0590, 0x05FF),  # Hebrew
    (0x0600, 0x06FF),  # Arabic
    (0x0900, 0x097F),  # Devanagari
    (0x0E00, 0x0E7F),  # Thai
    (0x3040, 0x30FF),  # Kana
    (0x4E00, 0x9FFF),  # CJK
    (0xAC00, 0xD7A3),  # Hangul
    (0xFF01, 0xFF5E),  # full-width forms
]
EMOJI = ["💊", "💉", "🤒", "😷", "👩‍⚕️", "🧑🏽‍🔬", "🇬🇧", "🏳️‍🌈", "1️⃣", "❤️", "🤷‍♂️", "🫠", "🧬"]
MARKUP = [
    "<b>",
    "</b>",
    "<i>x</i>",
    "<script>alert(1)</script>",
    "&amp;",
    "&lt;",
    "&#0;",
    "&bogus;",
    "**",
    "__",
    "`",
    "```",
    "[link](tg://user?id=1)",
    "<a href='x'>",
    "@drug_test_bot",
    "/drug",
    "/start payload",
    "\\",
    "%s",
    "{drug}",
    "{0}",
]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u202d", "\u00ad", "\u0301", "\u034f"]
LOOKALIKES = {"a": "а", "e": "е", "o": "о", "c": "с", "p": "р", "x": "х", "y": "у", "i": "і", "k": "κ", "v": "ν"}


def any_char(rng: random.Random) -> str:
    """A code point from anywhere: controls, lone surrogates, private use and unassigned ones included."""
    roll = rng.random()
    if roll < 0.1:
        return chr(rng.randrange(0x00, 0x20))
    if roll < 0.2:
        return chr(rng.randrange(0xD800, 0xE000))
    if roll < 0.4:
        low, high = rng.choice(SCRIPTS)
        return chr(rng.randrange(low, high + 1))
    return chr(rng.randrange(0x20, 0x110000))


def random_unicode(rng: random.Random) -> str:
    return "".join(any_char(rng) for _ in range(rng.choice([0, 1, 3, 20, 200, 1500])))


def long_word(rng: random.Random, name: str) -> str:
    size = rng.choice([100, 500, 990, 2000, 5000])
    alphabet = rng.choice(["abcdefghijklmnopqrstuvwxyz", "aeiou", "xz", "абвгдежз", "αβγδε", "0123456789-"])
    word = "".join(rng.choice(alphabet) for _ in range(size))
    return rng.choice([f"{name} {word}", f"{word} dose", f"{name}{word}", word, f"{name} {word} {word[:300]}"])


def mutate(rng: random.Random, text: str) -> str:
    """A real question with typos, look-alike letters, invisible characters or random code points."""
    chars = list(text)
    for _ in range(rng.randint(1, 6)):
        if not chars:
            break
        i = rng.randrange(len(chars))
        op = rng.randrange(7)
        if op == 0:
            del chars[i]
        elif op == 1:
            chars.insert(i, chars[i])
        elif op == 2 and i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif op == 3:
            chars[i] = LOOKALIKES.get(chars[i].lower(), chars[i])
        elif op == 4:
            chars.insert(i, rng.choice(INVISIBLE))
        elif op == 5:
            chars[i] = chars[i].upper() if rng.random() < 0.5 else chars[i].swapcase()
        else:
            chars[i] = any_char(rng)
    return "".join(chars)


def mixed_scripts(rng: random.Random, name: str) -> str:
    words = []
    for _ in range(rng.randint(1, 8)):
        low, high = rng.choice(SCRIPTS)
        words.append("".join(chr(rng.randrange(low, high + 1)) for _ in range(rng.randint(1, 12))))
    words.insert(rng.randrange(len(words) + 1), name)
    if rng.random() < 0.5:
        words.insert(rng.randrange(len(words) + 1), rng.choice(TOPIC_WORDS))
    return " ".join(words)


def emoji_text(rng: random.Random, name: str) -> str:
    parts = [rng.choice(EMOJI) * rng.choice([1, 1, 3, 50]) for _ in range(rng.randint(1, 6))]
    parts.insert(rng.randrange(len(parts) + 1), name)
    parts.insert(rng.randrange(len(parts) + 1), rng.choice(TOPIC_WORDS))
    return rng.choice([" ", "", "\u200d"]).join(parts)


def markup_text(rng: random.Random, name: str) -> str:
    parts = [rng.choice(MARKUP) for _ in range(rng.randint(1, 5))]
    parts.insert(rng.randrange(len(parts) + 1), name)
    parts.insert(rng.randrange(len(parts) + 1), rng.choice(TOPIC_WORDS))
    return rng.choice([" ", ""]).join(parts)


KINDS = ["unicode", "long", "mutated", "scripts", "emoji", "markup"]


def message(rng: random.Random, kind: str, names: list[str], questions: list[str]) -> str:
    name = rng.choice(names)
    if kind == "unicode":
        return random_unicode(rng)
    if kind == "long":
        return long_word(rng, name)
    if kind == "mutated":
        return mutate(rng, rng.choice(questions))
    if kind == "scripts":
        return mixed_scripts(rng, name)
    if kind == "emoji":
        return emoji_text(rng, name)
    return markup_text(rng, name)


def conversations(
    rng: random.Random, count: int, names: list[str], questions: list[str]
) -> list[list[tuple[str, str]]]:
    """At least `count` messages as conversations of 1 to 4 (kind, text), each chat's context carried along."""
    chats: list[list[tuple[str, str]]] = []
    made = 0
    while made < count:
        chat = []
        for _ in range(rng.randint(1, 4)):
            kind = KINDS[made % len(KINDS)]
            chat.append((kind, message(rng, kind, names, questions)))
            made += 1
        chats.append(chat)
    return chats


# --- ask --jsonl lines -------------------------------------------------------------------------------------------

INVALID_UTF8 = [b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80"]


def _visible(line: bytes) -> bytes:
    """One line, never blank: no line breaks inside (Python reads \\r as one too), something to read."""
    line = line.replace(b"\n", b" ").replace(b"\r", b" ")
    if not line.decode("utf-8", "replace").strip():
        line += b" q"
    return line


def jsonl_line(rng: random.Random, names: list[str], questions: list[str]) -> tuple[str, bytes]:
    """(kind, one input line without its line end)."""
    kind = rng.choice(
        ["surrogate-json", "invalid-utf8", "malformed-json", "odd-json", "deep-json", "huge", "message", "controls"]
    )
    name = rng.choice(names)
    text = message(rng, rng.choice(KINDS), names, questions)
    if kind == "surrogate-json":
        surrogate = f"\\u{rng.randrange(0xD800, 0xE000):04x}"
        body = json.dumps({"chat": str(rng.randrange(5)), "text": f"{name} {surrogate} dose"})
        line = body.replace("\\\\u", "\\u").encode()
    elif kind == "invalid-utf8":
        bad = rng.choice(INVALID_UTF8)
        raw = rng.choice([f"{name} dose".encode(), json.dumps({"text": f"{name} dose"}).encode()])
        at = rng.randrange(len(raw) + 1)
        line = raw[:at] + bad + raw[at:]
    elif kind == "malformed-json":
        line = rng.choice(
            [
                b'{"text": "' + name.encode() + b" dose",
                b"{",
                b'{"text": "a"}}',
                b"{'text': 'kadcyla dose'}",
                b'{"text": "x", "text": "y"',
                b'{"chat": "1", "text": }',
                b"{]",
                b'{"text":"\\x41"}',
                b'{"text":"\\ud800\\udc00\\udbff"}',
            ]
        )
    elif kind == "odd-json":
        line = json.dumps(
            rng.choice(
                [
                    {"text": None},
                    {"text": 5},
                    {"text": [name]},
                    {"text": {"a": 1}},
                    {"chat": [1, 2], "text": f"{name} dose"},
                    {"chat": None, "text": "and side effects?"},
                    {"chat": {"x": 1}, "text": f"{name} dose"},
                    {"chat": 1e308, "text": f"{name} dose"},
                    {"chat": "1", "text": ""},
                    {"chat": "1"},
                    {},
                    {"text": text},
                ]
            ),
            ensure_ascii=rng.random() < 0.5,
        ).encode("utf-8", "surrogatepass")
    elif kind == "deep-json":
        depth = rng.choice([100, 1000, 100_000])
        line = b'{"text": ' + b"[" * depth + b"]" * depth + b"}"
    elif kind == "huge":
        line = (f"{name} dose " + "x" * rng.choice([10_000, 200_000])).encode()
    elif kind == "controls":
        line = "".join(chr(rng.randrange(0x00, 0x20)) for _ in range(rng.randint(1, 40))).encode() + name.encode()
    else:
        line = text.encode("utf-8", "surrogatepass")
    return kind, _visible(line)
