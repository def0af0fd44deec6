"""Keep the bot token out of every log line: a filter on the log handlers that blanks it wherever it appears.

The token is in every Bot API URL (`/bot<token>/getMe`), so httpx's request lines, PTB's debug output and the
text of exceptions raised from a request would all show it; a leaked log would then be a leaked bot.
"""

from __future__ import annotations

import logging

MASK = "<token>"


class RedactToken(logging.Filter):
    """Replace the secret in a record's message and traceback (the formatter then uses the cleaned text)."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secret:
            return True
        message = record.getMessage()
        if self.secret in message:
            record.msg, record.args = message.replace(self.secret, MASK), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.secret in record.exc_text:
            record.exc_text = record.exc_text.replace(self.secret, MASK)
        if record.stack_info and self.secret in record.stack_info:
            record.stack_info = record.stack_info.replace(self.secret, MASK)
        return True


def redact_token(secret: str, logger: logging.Logger | None = None) -> RedactToken:
    """Install the filter on every handler of `logger` (the root logger: all records end there)."""
    redactor = RedactToken(secret)
    for handler in (logger or logging.getLogger()).handlers:
        handler.addFilter(redactor)
    return redactor
