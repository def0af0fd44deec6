"""What the tests and the benchmarks both use to exercise the bot: a fake Telegram Bot API server over HTTP
(`fakebotapi`), the checks a reply must pass (`checks`) and the real bot run in a subprocess against that server
(`botprocess`). It imports neither `tests` nor `bench`."""
