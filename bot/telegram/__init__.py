"""The Telegram front end (python-telegram-bot v22)."""

import os

# Opt in to PTB's timedelta durations now (RetryAfter.retry_after), as the next major version will require.
os.environ.setdefault("PTB_TIMEDELTA", "1")
