"""Plain data of the monograph library: monographs as parsed, the files that could not be, and the lines of text
that a monograph's parts are shown as.

Pydantic models (and slotted dataclasses for the many small parts) so that front ends, the index cache and the
JSON contract all share one validated shape.
"""

from __future__ import annotations

from dataclasses import dataclass
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


LineRole = Literal["title", "heading", "text", "bullet", "question", "note"]


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a reply body, styled by role so each front end can render it (HTML, plain text).

    A slotted dataclass rather than a model: an answer has dozens of lines, made on every question, and
    this is plain data either way (pydantic validates it as a field of `Reply`).
    """

    role: LineRole
    text: str
    label: str | None = None
    depth: int = 0
