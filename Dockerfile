# syntax=docker/dockerfile:1
# drugbot: the Telegram bot, as a production image (docker compose up -d; see the README).
#
#   requirements  the runtime dependencies, listed from pyproject.toml
#   deps          those dependencies in a virtual environment: a cached layer, rebuilt only when the list
#                 changes, never for a code change
#   build         a wheel of the package (bot and intents, with their data)
#   runtime       the slim base, that environment, the wheel installed into it (not editable) and the seeds:
#                 no source tree, no tests, no test tools; a non-root user and a health check
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS requirements
WORKDIR /src
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt

FROM ${PYTHON_IMAGE} AS deps
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY --from=requirements /src/requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install -r /tmp/requirements.txt

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY intents ./intents
COPY bot ./bot
RUN pip wheel --no-deps --wheel-dir /wheels .

FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH \
    DRUGBOT_SEEDS_DIR=/app/seeds \
    DRUGBOT_STATE_PATH=/data/drugbot-state.sqlite3 \
    DRUGBOT_HEALTH_FILE=/data/heartbeat \
    DRUGBOT_CACHE_DIR=/data/cache

COPY --from=deps /opt/venv /opt/venv
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-deps /wheels/*.whl

WORKDIR /app
COPY seeds ./seeds
RUN useradd --create-home --uid 10001 drugbot && mkdir -p /data && chown drugbot /data
USER drugbot
VOLUME ["/data"]

HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 CMD ["python", "-m", "bot", "health"]
CMD ["python", "-m", "bot", "telegram"]
