"""What the tests and the benchmarks both use to exercise the bot: a fake Telegram Bot API server over HTTP
(`fakebotapi`) and the checks a reply must pass (`checks`). It imports neither `tests` nor `bench`."""
