"""A local fake Telegram Bot API server for end-to-end tests and benchmarks (aiohttp, 127.0.0.1, random port).

It speaks the Bot API's HTTP shape (`/bot<token>/<method>`, form or JSON parameters, `{"ok": ...}` answers),
implements the methods drugbot calls, validates their parameters the way Telegram does (text length after
entity parsing, HTML entities, callback data size, inline results), queues updates for `getUpdates` long
polling, records every call, and can inject faults (429 with retry_after, 500) and latency.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiohttp import web
from aiohttp.web_request import FileField

BOT_ID = 777000111
BOT_USERNAME = "drug_test_bot"
TELEGRAM_SERVICE_ID = 777000  # the account automatic forwards into discussion groups come from
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "span",
    "blockquote",
    "tg-emoji",
}
_TOKEN = re.compile(r"<(/?)([a-zA-Z-]+)((?:\s[^>]*)?)>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|[<>&]")
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_START_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> str:
    """The visible text of a Telegram-HTML message, or ApiError 400 as Telegram answers bad markup."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        out.append(text[pos : match.start()])
        pos = match.end()
        closing, tag, _, entity = match.group(1), match.group(2), match.group(3), match.group(4)
        if tag:
            tag = tag.lower()
            if tag not in ALLOWED_TAGS:
                raise ApiError(400, f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"')
            if closing:
                if not stack or stack[-1] != tag:
                    raise ApiError(400, f'Bad Request: can\'t parse entities: Unexpected end tag "{tag}"')
                stack.pop()
            else:
                stack.append(tag)
        elif entity:
            names = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
            if entity.startswith("#"):
                out.append("?")
            elif entity in names:
                out.append(names[entity])
            else:
                raise ApiError(400, f'Bad Request: can\'t parse entities: Unsupported entity "&{entity};"')
        else:
            char = match.group(0)
            if char in "<&":
                raise ApiError(400, f"Bad Request: can't parse entities: unescaped '{char}' in message text")
            out.append(char)
    out.append(text[pos:])
    if stack:
        raise ApiError(400, f"Bad Request: can't parse entities: Can't find end tag corresponding to \"{stack[-1]}\"")
    return "".join(out)


def _valid_button_url(url: str) -> bool:
    """An http(s) or tg URL; a t.me deep link's `start` payload is 1-64 of A-Z, a-z, 0-9, _ and -."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "tg") or not (parts.netloc or parts.scheme == "tg"):
        return False
    start = parse_qs(parts.query).get("start")
    return start is None or all(_START_PAYLOAD.fullmatch(p) for p in start)


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    method: str
    status: int
    retry_after: int | None = None
    times: int = 1
    body: str | None = None  # a raw (non-JSON) answer, as a broken proxy in front of the server gives
    after: int = 0  # calls of the method let through before the fault starts


class FakeBotApi:
    """Start with `await api.start()`; point PTB at `api.base_url`; push updates; read `api.calls`."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        latency: dict[str, float] | None = None,
        validate: bool = True,
        port: int = 0,
    ) -> None:
        self.token = token
        self.validate = validate  # benchmarks may switch off the (costly) parameter checks
        self.latency = latency or {}
        self.calls: list[Call] = []
        self.faults: list[Fault] = []
        self.webhook: dict[str, Any] | None = None
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.sent: list[dict[str, Any]] = []  # messages the bot sent, as Message dicts
        self.documents: list[dict[str, Any]] = []  # files the bot sent: chat, file name, caption, content bytes
        self.sent_count = 0
        self._updates: list[dict[str, Any]] = []
        self._pushed: dict[int, dict[str, Any]] = {}
        self.fetched_up_to = 0  # the highest update id getUpdates has returned
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._new_update = asyncio.Event()
        self._call_event = asyncio.Event()
        self._chat_kinds: dict[int, str] = {}
        self.user_names: dict[int, str] = {}  # first names of the users who send updates (default "Ana")
        self._runner: web.AppRunner | None = None
        self.port = port  # 0: any free port
        self.record = True
        self.handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "sendDocument": self._send_document,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": lambda p: True,
            "getMyCommands": lambda p: [],
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "close": lambda p: True,
            "logOut": lambda p: True,
        }

    # --- life cycle -----------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        app.router.add_post("/control/push_texts", self._control_push)
        app.router.add_get("/control/stats", self._control_stats)
        app.router.add_post("/control/reset", self._control_reset)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        self._new_update.set()
        if self._runner:
            await self._runner.cleanup()

    # --- test helpers ---------------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        status: int,
        retry_after: int | None = None,
        times: int = 1,
        body: str | None = None,
        after: int = 0,
    ) -> None:
        """Make `times` calls of `method` fail with `status` (429 carries retry_after), answering `body` as raw
        text when given (an unparseable answer); the first `after` calls still succeed."""
        self.faults.append(Fault(method, status, retry_after, times, body, after))

    def drop_method(self, method: str) -> None:
        """Answer `method` as a server without it does (404 "method not found"), e.g. setMyCommands."""
        self.handlers.pop(method, None)

    def user(self, user_id: int = 42, name: str = "Ana") -> dict[str, Any]:
        name = self.user_names.get(user_id, name)
        return {"id": user_id, "is_bot": False, "first_name": name, "username": name.lower()}

    def chat(self, chat_id: int, kind: str | None = None) -> dict[str, Any]:
        """A chat as updates carry it; its kind is remembered, so the bot's messages to it say the same."""
        kind = kind or self._chat_kinds.get(chat_id) or ("private" if chat_id > 0 else "supergroup")
        self._chat_kinds[chat_id] = kind
        if kind == "private":
            return {"id": chat_id, "type": "private", "first_name": self.user_names.get(chat_id, "Ana")}
        return {"id": chat_id, "type": kind, "title": "Oncology News" if kind == "channel" else "Ward 7"}

    def push(self, update: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **update})
        if self.record:
            self._pushed[update_id] = self._updates[-1]
        self._new_update.set()
        return update_id

    def redeliver(self, message: dict[str, Any]) -> None:
        """Queue again the update that carried `message`, with its old id, as Telegram does when the bot died
        before its next getUpdates confirmed it."""
        update_id = next(i for i, u in self._pushed.items() if u.get("message") is message)
        self._updates = sorted([*self._updates, self._pushed[update_id]], key=lambda u: u["update_id"])
        self._new_update.set()

    def push_text(
        self,
        text: str,
        chat_id: int = 42,
        chat_type: str = "private",
        user_id: int = 42,
        reply_to: dict[str, Any] | None = None,
        sender_chat: dict[str, Any] | None = None,
        automatic_forward: bool = False,
        entities: bool = True,
    ) -> dict[str, Any]:
        """Queue a text message as Telegram would deliver it (commands and mentions get their entities;
        `entities=False` drops them, as some clients and forwarded texts do).

        `sender_chat` posts it on behalf of a chat (a channel, or a group's anonymous admin);
        `automatic_forward` makes it a channel post that Telegram copied into the linked discussion group
        (sent by the "Telegram" service account on behalf of the channel)."""
        message = self._text_message(text, self.chat(chat_id, chat_type))
        message["from"] = self.user(user_id)
        if not entities:
            message.pop("entities", None)
        if automatic_forward:
            message["from"] = {"id": TELEGRAM_SERVICE_ID, "is_bot": False, "first_name": "Telegram"}
            message["is_automatic_forward"] = True
        if sender_chat is not None:
            message["sender_chat"] = sender_chat
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        self.push({"message": message})
        return message

    def push_channel_post(self, text: str, channel_id: int = -100500600) -> dict[str, Any]:
        """Queue a post in a channel (where the bot is an admin): no sender user, the channel as sender_chat."""
        chat = self.chat(channel_id, "channel")
        message = self._text_message(text, chat)
        message["sender_chat"] = chat
        self.push({"channel_post": message})
        return message

    def _text_message(self, text: str, chat: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "text": text,
        }
        entities = []
        for match in re.finditer(r"(?<!\S)/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text):
            if match.start() == 0:
                entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))})
        for match in re.finditer(r"(?<![A-Za-z0-9_])@[A-Za-z0-9_]{5,32}", text):
            if not any(e["offset"] <= utf16_len(text[: match.start()]) < e["offset"] + e["length"] for e in entities):
                entities.append(
                    {"type": "mention", "offset": utf16_len(text[: match.start()]), "length": utf16_len(match.group(0))}
                )
        if entities:
            message["entities"] = entities
        return message

    def push_callback(self, data: str, message: dict[str, Any], user_id: int = 42) -> str:
        """Queue a press of a button with `data` under `message`; the callback query's id."""
        query_id = str(next(self._message_ids))
        self.push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.user(user_id),
                    "chat_instance": "ci-1",
                    "data": data,
                    "message": message,
                }
            }
        )
        return query_id

    def push_inline(self, query: str, user_id: int = 42) -> str:
        query_id = f"iq{next(self._message_ids)}"
        self.push({"inline_query": {"id": query_id, "from": self.user(user_id), "query": query, "offset": ""}})
        return query_id

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(
        self, method: str, count: int = 1, predicate: Callable[[Call], bool] | None = None, timeout: float = 10.0
    ) -> list[Call]:
        """Wait until `count` calls of `method` (matching `predicate`) have arrived; return them."""
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.calls_of(method) if predicate is None or predicate(c)]
            if len(found) >= count:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                seen = [(c.method, str(c.params)[:200]) for c in self.calls[-10:]]
                raise AssertionError(f"timed out waiting for {count} x {method}; last calls: {seen}")
            self._call_event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._call_event.wait(), timeout=min(remaining, 0.5))

    async def quiet(self, seconds: float = 0.5) -> None:
        """Let the bot work for a moment (to check that it sent nothing)."""
        await asyncio.sleep(seconds)

    # --- control routes (for benchmarks driving a server in another process) ------------------------------

    async def _control_push(self, request: web.Request) -> web.Response:
        """Queue private-chat text messages: {"texts": [...], "chats": N} spreads them over N chats."""
        body = await request.json()
        chats = int(body.get("chats", 100))
        for index, text in enumerate(body["texts"]):
            self.push_text(text, chat_id=1000 + index % chats, user_id=1000 + index % chats)
        return web.json_response({"queued": len(body["texts"])})

    async def _control_stats(self, request: web.Request) -> web.Response:
        counts: dict[str, int] = {}
        for call in self.calls:
            counts[call.method] = counts.get(call.method, 0) + 1
        return web.json_response({"calls": counts, "sent": self.sent_count})

    async def _control_reset(self, request: web.Request) -> web.Response:
        self.calls.clear()
        self.sent.clear()
        self.sent_count = 0
        self._updates.clear()
        self._pushed.clear()
        body = await request.json() if request.can_read_body else {}
        self.latency = {k: float(v) for k, v in (body.get("latency") or {}).items()}
        self.record = bool(body.get("record", self.record))
        return web.json_response({"ok": True})

    # --- HTTP -----------------------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"]
        if token != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        params = await self._params(request)
        if self.record and method != "getUpdates":
            self.calls.append(Call(method, params))
            self._call_event.set()
        delay = self.latency.get(method, 0.0)
        if delay:
            await asyncio.sleep(delay)
        for fault in self.faults:
            if fault.method == method and fault.times > 0:
                if fault.after > 0:
                    fault.after -= 1
                    break
                fault.times -= 1
                if fault.body is not None:
                    return web.Response(text=fault.body, status=fault.status, content_type="text/html")
                body: dict[str, Any] = {
                    "ok": False,
                    "error_code": fault.status,
                    "description": "Too Many Requests" if fault.status == 429 else "Internal",
                }
                if fault.retry_after is not None:
                    body["parameters"] = {"retry_after": fault.retry_after}
                    body["description"] = f"Too Many Requests: retry after {fault.retry_after}"
                return web.json_response(body, status=fault.status)
        handler = self.handlers.get(method)
        if handler is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found: method not found"}, status=404
            )
        try:
            result = handler(params)
            if asyncio.iscoroutine(result):
                result = await result
        except ApiError as exc:
            body = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
            return web.json_response(body, status=exc.code)
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return dict(await request.json())
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, FileField):  # an uploaded file: its name and bytes
                params[key] = {"filename": value.filename, "content": value.file.read()}
                continue
            if isinstance(value, str) and value[:1] in "[{":
                try:
                    params[key] = json.loads(value)
                    continue
                except json.JSONDecodeError:
                    pass
            params[key] = value
        params.update(request.query)
        return params

    # --- methods ----------------------------------------------------------------------------------------

    def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "DrugBot",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset", 0) or 0)
        timeout = float(params.get("timeout", 0) or 0)
        limit = int(params.get("limit", 100) or 100)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while not self._updates:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), timeout=remaining)
            except TimeoutError:
                return []
        batch = self._updates[:limit]
        self.fetched_up_to = max(self.fetched_up_to, batch[-1]["update_id"])
        return batch

    def _check_text(self, text: Any, parse_mode: Any) -> str:
        if not self.validate and isinstance(text, str):
            return text
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        visible = parse_html(text) if parse_mode == "HTML" else text
        if not visible.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(visible) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return visible

    def _check_markup(self, markup: Any) -> None:
        if not markup or not self.validate:
            return
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        for row in markup["inline_keyboard"]:
            for button in row:
                if not button.get("text"):
                    raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                url = button.get("url")
                if url is not None and not _valid_button_url(url):
                    raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        visible = self._check_text(params.get("text"), params.get("parse_mode"))
        self._check_markup(params.get("reply_markup"))
        chat_id = int(params["chat_id"])
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self._get_me({}),
            "text": visible,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        reply = params.get("reply_parameters") or {}
        if reply or params.get("reply_to_message_id"):
            message["reply_to_message_id"] = int(reply.get("message_id") or params.get("reply_to_message_id"))
        self.sent_count += 1
        if self.record:
            self.sent.append(message)
        return message

    def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        """A file uploaded in the request (in `document`, or in the part an `attach://name` names)."""
        upload = params.get("document")
        if isinstance(upload, str) and upload.startswith("attach://"):
            upload = params.get(upload[len("attach://") :])
        if not isinstance(upload, dict) or not upload.get("content"):
            raise ApiError(400, "Bad Request: there is no document in the request")
        if len(upload["content"]) > 50 * 1024 * 1024:
            raise ApiError(413, "Request Entity Too Large")
        caption = str(params.get("caption") or "")
        if utf16_len(caption) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        chat_id = int(params["chat_id"])
        self.documents.append(
            {"chat_id": chat_id, "filename": upload["filename"], "caption": caption, "content": upload["content"]}
        )
        file_id = f"doc{next(self._message_ids)}"
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self._get_me({}),
            "document": {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_name": upload["filename"],
                "file_size": len(upload["content"]),
            },
            **({"caption": caption} if caption else {}),
        }

    def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        visible = self._check_text(params.get("text"), params.get("parse_mode"))
        self._check_markup(params.get("reply_markup"))
        if params.get("inline_message_id"):
            return True
        return {
            "message_id": int(params["message_id"]),
            "date": int(time.time()),
            "chat": self.chat(int(params["chat_id"])),
            "from": self._get_me({}),
            "text": visible,
        }

    def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        self._check_markup(params.get("reply_markup"))
        if params.get("inline_message_id"):
            return True
        if not params.get("chat_id") or not params.get("message_id"):
            raise ApiError(400, "Bad Request: message identifier is not specified")
        message = {
            "message_id": int(params["message_id"]),
            "date": int(time.time()),
            "chat": self.chat(int(params["chat_id"])),
            "from": self._get_me({}),
            "text": "(edited)",
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        if not params.get("callback_query_id"):
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        if self.validate and utf16_len(str(params.get("text") or "")) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    def _answer_inline_query(self, params: dict[str, Any]) -> bool:
        results = params.get("results") or []
        if len(results) > 50:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        ids = [r.get("id", "") for r in results]
        if len(set(ids)) != len(ids) or any(not 1 <= len(i.encode()) <= 64 for i in ids):
            raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
        for result in results:
            if result.get("type") != "article" or not result.get("title"):
                raise ApiError(400, "Bad Request: RESULT_TITLE_EMPTY")
            content = result.get("input_message_content") or {}
            self._check_text(content.get("message_text"), content.get("parse_mode"))
            self._check_markup(result.get("reply_markup"))
        return True

    def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands") or []
        if not 0 < len(commands) <= 100:
            raise ApiError(400, "Bad Request: commands list is invalid")
        for command in commands:
            if not _COMMAND_NAME.fullmatch(command.get("command", "")):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        scope = params.get("scope") or {}
        kind = scope.get("type", "default")
        if kind in ("chat", "chat_administrators", "chat_member"):
            if "chat_id" not in scope:
                raise ApiError(400, "Bad Request: chat_id is required in the scope")
            kind = f"{kind}:{scope['chat_id']}"
        self.commands[kind] = commands
        return True

    def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = params.get("url", "")
        if url and not url.startswith(("https://", "http://")):
            raise ApiError(400, "Bad Request: bad webhook: invalid URL")
        secret = params.get("secret_token")
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ApiError(400, "Bad Request: bad webhook: secret token contains unallowed characters")
        self.webhook = {"url": url, "secret_token": secret} if url else None
        return True

    def _delete_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
