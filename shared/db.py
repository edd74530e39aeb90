"""PostgreSQL: the connection pool, schema migrations and the one state-transition helper every service uses."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib import resources
from types import TracebackType
from typing import Any

import asyncpg
import asyncpg.transaction

from shared import metrics
from shared.states import TERMINAL, check_transition

log = logging.getLogger(__name__)

TERMINAL_STATES = frozenset(str(state) for state in TERMINAL)


class SchemaError(Exception):
    """The database schema is not the one this replyflow needs."""


def _migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of every migration shipped with this package, in order."""
    folder = resources.files("shared") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def required_schema_version() -> int:
    return _migrations()[-1][0]


class _Transaction(asyncpg.transaction.Transaction):  # type: ignore[misc]
    """A transaction that, when the outermost one commits, runs what its connection was asked to do after the
    commit, and forgets it on a rollback (a savepoint's rollback forgets only what was asked inside it)."""

    async def __aenter__(self) -> None:
        self.pending_from = len(self._connection.after_commit)
        await super().__aenter__()

    async def __aexit__(
        self, extype: type[BaseException] | None, ex: BaseException | None, tb: TracebackType | None
    ) -> None:
        after_commit: list[Callable[[], None]] = self._connection.after_commit
        try:
            await super().__aexit__(extype, ex, tb)
        except BaseException:
            del after_commit[self.pending_from :]
            raise
        if extype is not None:
            del after_commit[self.pending_from :]
        elif not self._nested:
            done = after_commit[:]
            after_commit.clear()
            for step in done:
                step()


class Connection(asyncpg.Connection):  # type: ignore[misc]
    """The services' connection: it can run a step once what was written is committed (`after_commit`), so
    metrics count what the database kept, never a move rolled back."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.after_commit: list[Callable[[], None]] = []

    def transaction(
        self, *, isolation: str | None = None, readonly: bool = False, deferrable: bool = False
    ) -> _Transaction:
        self._check_open()
        return _Transaction(self, isolation, readonly, deferrable)


def after_commit(conn: asyncpg.Connection, step: Callable[[], None]) -> None:
    """Run `step` once the connection's current transaction commits (at once outside a transaction, or on a
    connection that is not a `Connection`: a command's own, which exports no metrics)."""
    pending: list[Callable[[], None]] | None = getattr(conn, "after_commit", None)
    if pending is not None and conn.is_in_transaction():
        pending.append(step)
    else:
        step()


async def create_pool(database_url: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        database_url,
        min_size=min_size,
        max_size=max_size,
        command_timeout=60,
        connection_class=Connection,
        reset=_nothing_more_to_reset,
    )


async def _nothing_more_to_reset(conn: asyncpg.Connection) -> None:
    """On its way back to the pool a connection's open transaction is always rolled back; asyncpg's default reset
    then also sends RESET ALL, UNLISTEN *, CLOSE ALL and releases advisory locks: a round trip more for every
    acquire. Pooled connections never change any of these (no SET, LISTEN, cursor or advisory lock: the
    migration's lock is taken on a connection of its own), so there is nothing more to undo."""


async def current_schema_version(conn: asyncpg.Connection) -> int:
    exists = await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
    if not exists:
        return 0
    return int(await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_migrations"))


async def migrate(conn: asyncpg.Connection) -> list[str]:
    """Apply the migrations this database lacks, each in its own transaction; returns the files applied."""
    await conn.execute("""CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())""")
    applied = []
    # An advisory lock, so two `replyflow migrate` at once (two pods starting) do not race.
    await conn.execute("SELECT pg_advisory_lock(7245001)")
    try:
        done = await current_schema_version(conn)
        for version, name, sql in _migrations():
            if version <= done:
                continue
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", version, name)
            applied.append(name)
    finally:
        await conn.execute("SELECT pg_advisory_unlock(7245001)")
    return applied


async def check_schema(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        have = await current_schema_version(conn)
    need = required_schema_version()
    if have < need:
        raise SchemaError(
            f"the database schema is at version {have}, this replyflow needs {need}: run `replyflow migrate`"
        )
    if have > need:
        raise SchemaError(
            f"the database schema is at version {have}, newer than this replyflow ({need}): upgrade replyflow"
        )


async def transition(
    conn: asyncpg.Connection,
    email_id: int,
    new_state: str,
    *,
    allowed_from: tuple[str, ...],
    reason: str | None = None,
    detail: str | None = None,
) -> bool:
    """Move an email to `new_state` if it is in one of `allowed_from`; record the event. False if it was not.

    Every state change goes through here, so `replyflow status` can show an email's whole history and no
    service can move an email backwards by accident (a redelivery finds the state already moved on). A move the
    state table (`shared.states.TRANSITIONS`) does not allow raises TransitionNotAllowed before anything is done.
    """
    check_transition(allowed_from, new_state)
    moved = await conn.fetchrow(
        # The reason belongs to the terminal states (`replied` has one when the reply promised a person); any
        # other move (a replay) clears it. The move and its event are one statement, one round trip (a
        # data-modifying WITH runs whether or not the query reads it).
        """WITH moved AS (
               UPDATE emails SET state = $2, updated_at = now(),
                      reason = CASE WHEN $2 IN ('ignored', 'dead_lettered', 'replied', 'drafted')
                                    THEN coalesce($4, reason) END
               WHERE id = $1 AND state = ANY($3::text[])
               RETURNING id, reason, coalesce(received_at, created_at) AS arrived),
           event AS (INSERT INTO email_events (email_id, state, detail) SELECT id, $2, $5 FROM moved)
           SELECT reason, arrived FROM moved""",
        email_id,
        new_state,
        list(allowed_from),
        reason,
        detail or reason,
    )
    if moved is None:
        return False
    # Every end state is reached here, and counted only once it is committed: the one count of outcomes.
    after_commit(conn, lambda: metrics.count_end_state(str(new_state), moved["reason"], moved["arrived"]))
    return True


# A lease is renewed every third of its length: a holder that is alive never loses it, one that dies lets go soon.
LEASE_SECONDS = 15.0


class Held(Exception):
    """Another worker holds the email's lease; it ends within `seconds_left` unless that worker renews it."""

    def __init__(self, seconds_left: float) -> None:
        super().__init__(f"held by another worker for {seconds_left:.1f}s more")
        self.seconds_left = seconds_left


@asynccontextmanager
async def lease(pool: asyncpg.Pool, email_id: int, state: str, seconds: float = LEASE_SECONDS) -> AsyncIterator[str]:
    """Hold the email, in `state`, while the body runs: two copies of one message never do the same work at once.
    Raises Held when another worker holds it. Yields the lease's token: the body proves with it that it still
    holds the lease before a step that must not happen twice. The lease is renewed while the body runs and
    released after it, whatever happens, each only by its holder; a worker killed mid-way stops renewing, so its
    lease ends within `seconds`, and one that lost it (a long database outage) can no longer touch it."""
    token = secrets.token_hex(8)
    row = await pool.fetchrow(
        """WITH taken AS (
               UPDATE emails SET claimed_until = now() + make_interval(secs => $3), claimed_by = $4
               WHERE id = $1 AND state = $2 AND (claimed_until IS NULL OR claimed_until <= now())
               RETURNING id)
           SELECT EXISTS (SELECT 1 FROM taken) AS taken,
                  greatest(extract(epoch FROM claimed_until - now()), 0)::float AS seconds_left
           FROM emails WHERE id = $1""",
        email_id,
        state,
        seconds,
        token,
    )
    if row is None or not row["taken"]:
        raise Held(row["seconds_left"] or 0.0 if row else 0.0)

    async def renew() -> None:
        while True:
            await asyncio.sleep(seconds / 3)
            try:
                await pool.execute(
                    "UPDATE emails SET claimed_until = now() + make_interval(secs => $2) "
                    "WHERE id = $1 AND claimed_by = $3",
                    email_id,
                    seconds,
                    token,
                )
            except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
                # A restarting database: keep trying, the holder is alive and must not lose its lease for good.
                log.warning("email %s: lease not renewed (%s); trying again", email_id, exc)

    renewing = asyncio.create_task(renew(), name=f"lease-{email_id}")
    try:
        yield token
    finally:
        renewing.cancel()
        await asyncio.gather(renewing, return_exceptions=True)
        try:
            await pool.execute(
                "UPDATE emails SET claimed_until = NULL, claimed_by = NULL WHERE id = $1 AND claimed_by = $2",
                email_id,
                token,
            )
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            # Not released: the next worker waits for the lease to run out, at most `seconds`.
            log.warning("email %s: lease not released (%s); it ends by itself", email_id, exc)
