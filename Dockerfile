# drugbot: the Telegram bot, installed with the README's install command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DRUGBOT_SEEDS_DIR=/app/seeds \
    DRUGBOT_STATE_PATH=/data/drugbot-state.sqlite3 \
    DRUGBOT_HEALTH_FILE=/data/heartbeat \
    DRUGBOT_CACHE_DIR=/data/cache

WORKDIR /app
COPY pyproject.toml README.md ./
COPY intents ./intents
COPY bot ./bot
COPY tests ./tests
COPY testkit ./testkit
RUN python -m pip install --no-cache-dir -e ".[test]"
COPY seeds ./seeds

RUN useradd --create-home --uid 10001 drugbot && mkdir -p /data && chown drugbot /data
USER drugbot
VOLUME ["/data"]

CMD ["python", "-m", "bot", "telegram"]
