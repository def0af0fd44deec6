"""Plain data of the replies the engine gives, and the per-chat context kept between messages.

Pydantic models (slotted dataclasses for the many small parts) so that front ends and the JSON contract share
one validated shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, Field

from intents.answering.plain import plain_text
from intents.library.models import Line


class Kind(StrEnum):
    FAQ = "faq"
    SECTION = "section"
    LISTING = "listing"
    CLARIFY = "clarify"
    REFUSE = "refuse"
    UNKNOWN = "unknown"
    SMALLTALK = "smalltalk"


# Replies made of a monograph's text: they name their source and date, and set the chat's drug.
SOURCED_KINDS = frozenset({Kind.FAQ, Kind.SECTION, Kind.LISTING})


@dataclass(frozen=True, slots=True)
class Option:
    """A follow-up the user can pick: a drug (clarify/unknown) or a part of the drug (section buttons).

    `part` is the key of a part of the drug ('p3', 'f2', 'faq', 'list'); None means the drug itself.
    A slotted dataclass, like `Line`: every answer carries a dozen.
    """

    label: str
    drug_id: str
    part: str | None = None


class Reply(BaseModel):
    """What the engine answers. `to_contract` gives the JSON contract of shared/eval/README.md."""

    query: str
    drug: str | None = None
    drug_id: str | None = None
    topic: str | None = None
    kind: Kind
    section: list[str] | None = None
    faq: int | None = None
    lines: list[Line] = Field(default_factory=list)
    candidates: list[str] = Field(default_factory=list)
    options: list[Option] = Field(default_factory=list)
    part: str | None = Field(default=None, description="key of the part answered, for front-end buttons")
    updated: str | None = Field(default=None, description="ISO date its monograph was last modified, if known")

    @property
    def text(self) -> str:
        return plain_text(self.lines)

    @property
    def sourced(self) -> bool:
        """Made of a monograph's text (an FAQ answer, a part, a listing): it names its source and date."""
        return self.kind in SOURCED_KINDS

    def to_contract(self) -> dict[str, object]:
        return {
            "query": self.query,
            "drug": self.drug,
            "topic": self.topic,
            "kind": self.kind.value,
            "section": self.section,
            "faq": self.faq,
            "text": self.text,
            "candidates": self.candidates,
            "updated": self.updated,
        }


class ChatContext(BaseModel):
    """Per-chat memory that lets "and side effects?" follow "dose of kadcyla?"."""

    drug_id: str | None = None
    updated_at: float = 0.0
    pending: str | None = Field(default=None, description="question awaiting a drug pick (clarify/unknown)")
