"""Plain data of the engine: monographs as parsed, and the replies the engine gives.

Pydantic models (and slotted dataclasses for the many small parts) so that front ends, the index cache and the
JSON contract all share one validated shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# The body of a monograph is made of many small parts; they are slotted dataclasses (plain data that pydantic
# still validates inside `Monograph`), because building pydantic models for them was half of parse time.


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph or a bullet of a section; a labelled bullet (`- **Label:** text`) keeps its label apart."""

    kind: Literal["paragraph", "bullet"]
    text: str
    label: str | None = None
    children: tuple[Block, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    """A `##`, `###` or `####` heading with what stands under it before the next heading of its level."""

    heading: str
    level: int
    blocks: tuple[Block, ...] = ()
    children: tuple[Section, ...] = ()


@dataclass(frozen=True, slots=True)
class FaqPair:
    question: str
    answer: str
    # 0-based index in the front matter's `faqs`; None for a pair found only in the body's FAQ section.
    frontmatter_index: int | None = None


class Monograph(BaseModel):
    """One drug monograph file, cleaned of its debris."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="stable short id (slug of the title), used in button data")
    title: str
    description: str = ""
    is_banned: bool = False
    last_modified: str | None = None
    names: tuple[str, ...] = Field(default=(), description="title, INN, brands, aliases; display forms")
    brands: tuple[str, ...] = ()
    faqs: tuple[FaqPair, ...] = ()
    sections: tuple[Section, ...] = ()
    faq_heading: str | None = Field(default=None, description="heading of the body's FAQ section, if any")
    source: str = ""


class LoadIssue(BaseModel):
    """A file that could not be served, and why: what `check` prints and `/reload` reports."""

    file: str
    reason: str


class Kind(StrEnum):
    FAQ = "faq"
    SECTION = "section"
    LISTING = "listing"
    CLARIFY = "clarify"
    REFUSE = "refuse"
    UNKNOWN = "unknown"
    SMALLTALK = "smalltalk"


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a reply body, styled by role so each front end can render it (HTML, plain text).

    A slotted dataclass rather than a model: an answer has dozens of lines, made on every question, and
    this is plain data either way (pydantic validates it as a field of `Reply`).
    """

    role: Literal["title", "heading", "text", "bullet", "question", "note"]
    text: str
    label: str | None = None
    depth: int = 0


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
        from intents.render import plain_text

        return plain_text(self.lines)

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
    topic: str | None = None
    updated_at: float = 0.0
    pending: str | None = Field(default=None, description="question awaiting a drug pick (clarify/unknown)")
