# One image for every replyflow service: a container picks its service with its command, e.g.
# `run classifier` (compose `command:`, Kubernetes `args:`). Nothing in it needs the network at start: the
# language-identification model and the public-suffix list are inside their wheels.

# Exact tag of the slim base; a digest (python:3.11.14-slim-bookworm@sha256:...) can be pinned the same way.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

# --- build: installs replyflow and its dependencies into a virtual environment -----------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/replyflow
WORKDIR /src
COPY pyproject.toml ./
COPY shared/ shared/
COPY services/ services/
COPY replyflow/ replyflow/
# The project itself, by path: its dependencies' ranges are in pyproject.toml (every one ships a wheel for
# CPython 3.11 on Linux, so no compiler is needed here either).
RUN /opt/replyflow/bin/pip install --no-cache-dir . \
 && /opt/replyflow/bin/python -c "import ingestor.main, classifier.main, responder.main, sender.main, dlq_monitor.main"

# --- runtime: the virtual environment only, as a user without a shell or a home -----------------------------
FROM ${PYTHON_IMAGE}
RUN groupadd --system --gid 10001 replyflow \
 && useradd --system --uid 10001 --gid replyflow --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin replyflow
COPY --from=build /opt/replyflow /opt/replyflow
# The example shop and catalogue, for the demo; a real shop mounts its own file at SHOP_CONFIG.
COPY examples/shop.toml examples/catalog.csv /usr/share/replyflow/
ENV PATH=/opt/replyflow/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
# An empty working directory: replyflow reads an optional ./.env, and a container gets its settings from the
# environment instead. The root filesystem can be mounted read-only; only /tmp needs to be writable.
WORKDIR /app
USER 10001:10001
ENTRYPOINT ["replyflow"]
CMD ["--help"]
