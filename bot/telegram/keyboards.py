"""Inline keyboards and their callback data: short stable ids (drug slug, part key), never titles.

Callback data formats (all under Telegram's 64-byte limit):
  p|<drug_id>|<part>          answer a part of a drug (section, FAQ, FAQ list, listing)
  d|<drug_id>                 pick a drug offered by a clarify/unknown reply
  g|<page>                    a page of the /drugs list
  l|<drug_id>|<part>|<page>   a page of the buttons under a drug's listing or FAQ list
  v|<drug_id>|<part>|<u|d>    a vote on an answer: 👍 (u) or 👎 (d), under confident answers in private chats

An answer shows its drug's other sections, the last button "All sections…" when they do not all fit; the
listing that button opens (and the FAQ list) shows every one of its buttons, a page at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.render import escape
from intents import FAQ_LIST_KEY, LISTING_KEY, Kind, Lexicon, MonographInfo, Option, Reply, human_date, isolate_bidi

MAX_DATA_BYTES = 64
BUTTON_TEXT = 40
DRUGS_PER_PAGE = 10
MAX_BUTTONS = 10
BUTTONS_PER_PAGE = 12
LIST_PARTS = (LISTING_KEY, FAQ_LIST_KEY)


def _short(text: str) -> str:
    """A button's text: cut to fit, and in its own run (see `isolate_bidi`), as every monograph text shown."""
    return isolate_bidi(text) if len(text) <= BUTTON_TEXT else isolate_bidi(text[: BUTTON_TEXT - 1]) + "…"


def option_data(option: Option) -> str:
    data = f"p|{option.drug_id}|{option.part}" if option.part else f"d|{option.drug_id}"
    if len(data.encode()) > MAX_DATA_BYTES:  # ids are at most 32 characters, so this cannot happen
        raise ValueError(f"callback data too long: {data!r}")
    return data


# The whole of the data, strictly: drug ids are slugs (no "|", no spaces), part keys short ASCII, pages ASCII
# digits ("²" passes str.isdigit() but not int()). Anything else is an old or forged button.
_DATA = re.compile(
    r"p\|(?P<part_drug>[^|\s]{1,40})\|(?P<part>[a-z0-9]{1,16})"
    r"|d\|(?P<pick_drug>[^|\s]{1,40})"
    r"|g\|(?P<page>[0-9]{1,6})"
    r"|l\|(?P<list_drug>[^|\s]{1,40})\|(?P<list_part>" + "|".join(map(re.escape, LIST_PARTS)) + r")"
    r"\|(?P<list_page>[0-9]{1,6})"
    r"|v\|(?P<vote_drug>[^|\s]{1,40})\|(?P<vote_part>[a-z0-9]{1,16})\|(?P<vote>[ud])",
    re.ASCII,
)
VOTES = {"u": "👍", "d": "👎"}


@dataclass(frozen=True, slots=True)
class Press:
    """A button press: a part of a drug, a drug picked from a list, a page of the drug list, a page of the
    buttons under a listing, or a vote on an answer (`up`)."""

    action: Literal["part", "pick", "page", "list", "vote"]
    drug_id: str = ""
    part: str = ""
    page: int = 0
    up: bool = False


def parse_data(data: str | None) -> Press | None:
    """The press a button's callback data stands for; None for old or forged data."""
    match = _DATA.fullmatch(data or "")
    if match is None:
        return None
    if match["part_drug"]:
        return Press("part", match["part_drug"], match["part"])
    if match["pick_drug"]:
        return Press("pick", match["pick_drug"])
    if match["list_drug"]:
        return Press("list", match["list_drug"], match["list_part"], int(match["list_page"]))
    if match["vote_drug"]:
        return Press("vote", match["vote_drug"], match["vote_part"], up=match["vote"] == "u")
    return Press("page", page=int(match["page"]))


def options_markup(
    reply: Reply, lexicon: Lexicon, page: int = 0, per_row: int = 2, feedback: bool = False
) -> dict[str, Any] | None:
    """The Bot API `reply_markup` for a reply's options, as the JSON object Telegram takes.

    Built as plain data (not PTB objects) because it is sent with every answer: serialising PTB's objects
    cost more CPU than answering the question. An answer's long list of sections ends with "All sections…";
    a listing or FAQ list shows all of its options, `page` by page. With `feedback`, a confident answer's
    keyboard ends with 👍 / 👎.
    """
    options = reply.options
    votes = vote_row(reply) if feedback else None
    if not options:
        return {"inline_keyboard": [votes]} if votes else None
    nav: list[dict[str, str]] = []
    if reply.drug_id and reply.part in LIST_PARTS:
        pages = -(-len(options) // BUTTONS_PER_PAGE)
        page = min(max(page, 0), pages - 1)
        shown = options[page * BUTTONS_PER_PAGE : (page + 1) * BUTTONS_PER_PAGE]
        turn = f"l|{reply.drug_id}|{reply.part}|"
        if page > 0:
            nav.append({"text": lexicon.reply("previous"), "callback_data": f"{turn}{page - 1}"})
        if page < pages - 1:
            nav.append({"text": lexicon.reply("next"), "callback_data": f"{turn}{page + 1}"})
    elif len(options) > MAX_BUTTONS and reply.drug_id:
        more = Option(label=lexicon.reply("all_sections"), drug_id=reply.drug_id, part=LISTING_KEY)
        shown = [*options[: MAX_BUTTONS - 1], more]
    else:
        shown = options[:MAX_BUTTONS]
    buttons = [{"text": _short(o.label), "callback_data": option_data(o)} for o in shown]
    rows = [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    return {"inline_keyboard": [*rows, *(row for row in (nav, votes) if row)]}


def vote_row(reply: Reply) -> list[dict[str, str]] | None:
    """👍 / 👎 under a confident answer (an FAQ answer or a part), naming its drug and part; None otherwise."""
    if reply.kind not in (Kind.FAQ, Kind.SECTION) or not reply.drug_id or not reply.part:
        return None
    data = f"v|{reply.drug_id}|{reply.part}|"
    return [{"text": mark, "callback_data": data + key} for key, mark in VOTES.items()]


def drugs_page(
    drugs: list[MonographInfo], page: int, lexicon: Lexicon, dated: bool = False
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of the drug list: a header line and a keyboard of drugs plus previous/next buttons; `dated`
    (for admins, who keep the monographs current) lists when each drug on the page was last updated."""
    pages = max(1, -(-len(drugs) // DRUGS_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    chunk = drugs[page * DRUGS_PER_PAGE : (page + 1) * DRUGS_PER_PAGE]
    rows = [[InlineKeyboardButton(_short(m.title), callback_data=f"p|{m.id}|list")] for m in chunk]
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton(lexicon.reply("previous"), callback_data=f"g|{page - 1}"))
    if page < pages - 1:
        nav.append(InlineKeyboardButton(lexicon.reply("next"), callback_data=f"g|{page + 1}"))
    if nav:
        rows.append(nav)
    header = escape(lexicon.reply("drugs_header", count=f"{len(drugs):,}", page=str(page + 1), pages=str(pages)))
    if dated:
        dates = [
            lexicon.reply("drugs_dated", drug=m.title, date=human_date(m.updated))
            if m.updated
            else lexicon.reply("drugs_undated", drug=m.title)
            for m in chunk
        ]
        header += "\n\n" + "\n".join(f"• {escape(line)}" for line in dates)
    return header, (InlineKeyboardMarkup(rows) if rows else None)
