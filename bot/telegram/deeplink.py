"""Deep links from inline results to a private chat: `https://t.me/<bot>?start=<payload>`.

Telegram allows a `start` payload of at most 64 characters from A-Z, a-z, 0-9, _ and -, so the payload is
URL-safe base64 (no padding) behind a one-letter kind:
  q<question>         the question itself, when it fits: the private chat asks it (and keeps its context)
  a<drug_id>|<part>   the part of a monograph an inline result showed, when the question is too long or the
                      result is another section than the one asked about
Anything else (an old or hand-made link) decodes to None, and /start greets as usual.
"""

from __future__ import annotations

import base64
import binascii

from intents import Reply

MAX_PAYLOAD = 64


def _encode(kind: str, text: str) -> str | None:
    payload = kind + base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
    return payload if len(payload) <= MAX_PAYLOAD else None


def start_payload(question: str | None, reply: Reply) -> str | None:
    """The payload that opens the private chat on this result: its question if it fits, else its part."""
    if question:
        payload = _encode("q", question.strip())
        if payload:
            return payload
    if reply.drug_id and reply.part:
        return _encode("a", f"{reply.drug_id}|{reply.part}")
    return None


def read_payload(payload: str) -> tuple[str, str] | tuple[str, str, str] | None:
    """('q', question) | ('a', drug_id, part) | None for anything that is not one of our payloads."""
    if not 1 < len(payload) <= MAX_PAYLOAD or payload[0] not in "qa":
        return None
    body = payload[1:]
    try:
        text = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    except (binascii.Error, ValueError):
        return None
    if payload[0] == "q":
        return ("q", text) if text.strip() else None
    drug_id, _, part = text.partition("|")
    return ("a", drug_id, part) if drug_id and part else None


def start_link(username: str, payload: str) -> str:
    return f"https://t.me/{username}?start={payload}"
