"""One LLM budget and one circuit breaker for every responder replica, kept in Redis.

The budget models Groq's limits the way Groq (and `replyflow fake-groq`) enforce them: per model, four buckets
(requests/minute, requests/day, tokens/minute, tokens/day) that start full and refill continuously. A call
is admitted only when all four hold its charge (1 request, prompt tokens + max_tokens), and the unused part
of max_tokens goes back once the answer's `usage` is known. As long as our buckets are never fuller than
Groq's, Groq never refuses us. We charge before Groq does and give back after it does, which keeps ours the
emptier, with one exception: a bucket that is full stops refilling, so when Groq charges a call some
milliseconds after we did, its bucket may have wasted that much refill while ours did not. Each reservation
therefore also leaves what refills in `LATENCY_ALLOWANCE_SECONDS` in the bucket. What else could make the
two differ (another user of the same key, a Redis that lost its data, an estimate below Groq's count) is
corrected by the `x-ratelimit-remaining-*` headers of every answer, which pull our state down.

Everything is one Lua script run atomically on the Redis server, on the Redis server's clock: replicas'
clocks may disagree, and two replicas must never both take the last tokens. The script also holds the pause
a 429 imposes on every replica. The breaker is a second small script.

Why not a library: Redis rate limiters such as `limits` count requests in windows (fixed, moving, sliding),
one limit per call, with no continuously refilling bucket to match Groq's and no way to give unused tokens
back; pybreaker's Redis storage uses the synchronous client, which would block the event loop.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from redis.asyncio import Redis

MINUTE = 60.0
DAY = 86_400.0
# Groq admits a call some time after we reserved it (our code, the network, a new TLS connection). A bucket
# that was full meanwhile stops refilling at its capacity, so Groq's can lag ours by up to that delay's worth
# of refill. A reservation therefore also needs what refills in this many seconds to be left in the bucket:
# a constant amount, not a rate, so it costs a fraction of one window once, not a share of the throughput.
LATENCY_ALLOWANCE_SECONDS = 0.5
AXES = ("rpm", "rpd", "tpm", "tpd")
DAILY = frozenset({"rpd", "tpd"})


@dataclass(frozen=True)
class Limits:
    rpm: int  # requests per minute
    rpd: int  # requests per day
    tpm: int  # tokens per minute
    tpd: int  # tokens per day


# Groq's published free-tier limits per model and organisation (GROQ_LIMIT_* override them, e.g. paid tiers).
KNOWN_MODELS: dict[str, Limits] = {
    "llama-3.3-70b-versatile": Limits(rpm=30, rpd=1_000, tpm=12_000, tpd=100_000),
    "llama-3.1-8b-instant": Limits(rpm=30, rpd=14_400, tpm=6_000, tpd=500_000),
}


class UnknownLimits(ValueError):
    """GROQ_MODEL has no known limits and not all four GROQ_LIMIT_* are set."""


def limits_for(model: str, rpm: int | None = None, rpd: int | None = None, tpm: int | None = None,
               tpd: int | None = None) -> Limits:
    """The model's published limits, each overridden when given."""
    given = {"rpm": rpm, "rpd": rpd, "tpm": tpm, "tpd": tpd}
    known = KNOWN_MODELS.get(model)
    if known is None and None in given.values():
        missing = ", ".join(f"GROQ_LIMIT_{axis.upper()}" for axis, value in given.items() if value is None)
        raise UnknownLimits(f"GROQ_MODEL {model!r} has no known limits: set {missing}")
    return Limits(**{axis: value if value is not None else getattr(known, axis) for axis, value in given.items()})


# KEYS[1]: the model's budget (a hash). ARGV[1]: the operation; ARGV[2..9]: capacity and period in seconds
# of rpm, rpd, tpm, tpd (periods already divided by the time scale); ARGV[10..]: the operation's arguments.
# Numbers go back as strings: Redis would truncate a Lua number to an integer.
_BUDGET = """
local key, op = KEYS[1], ARGV[1]
local axes = {'rpm', 'rpd', 'tpm', 'tpd'}
local cap, rate, longest = {}, {}, 0
for i, axis in ipairs(axes) do
  cap[axis] = tonumber(ARGV[2 * i])
  local period = tonumber(ARGV[2 * i + 1])
  rate[axis] = cap[axis] / period
  longest = math.max(longest, period)
end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local function num(x) return string.format('%.17g', x) end

-- Refill every bucket up to now. A bucket we have never seen (or that expired) is full, as Groq's are.
local saved = redis.call('HMGET', key, 'rpm', 'rpd', 'tpm', 'tpd', 'at', 'paused_until')
local elapsed = math.max(0, now - (tonumber(saved[5]) or now))
local level = {}
for i, axis in ipairs(axes) do
  level[axis] = math.min(cap[axis], (tonumber(saved[i]) or cap[axis]) + elapsed * rate[axis])
end
local paused_until = tonumber(saved[6]) or 0

local function save()
  redis.call('HSET', key, 'rpm', num(level.rpm), 'rpd', num(level.rpd), 'tpm', num(level.tpm),
             'tpd', num(level.tpd), 'at', num(now), 'paused_until', num(paused_until))
  -- Idle for the longest period, every bucket is full again: forgetting the key is then exact.
  redis.call('PEXPIRE', key, math.ceil((longest + math.max(0, paused_until - now)) * 1000) + 1000)
end

if op == 'reserve' then
  -- ARGV[10]: tokens to charge; ARGV[11]: the latency allowance in seconds (see Budget).
  local tokens, allowance = tonumber(ARGV[10]), tonumber(ARGV[11])
  local charge = {rpm = 1, rpd = 1, tpm = tokens, tpd = tokens}
  for _, axis in ipairs(axes) do
    if charge[axis] > cap[axis] then return {'too_large', axis, '0', num(now)} end
  end
  if paused_until > now then return {'wait', 'pause', num(paused_until - now), num(now)} end
  local worst, wait = '', 0
  for _, axis in ipairs(axes) do
    -- Admit only when the bucket also holds what refills during the allowance (never more than it holds).
    local need = math.min(cap[axis], charge[axis] + rate[axis] * allowance)
    local deficit = need - level[axis]
    if deficit > 0 and deficit / rate[axis] > wait then worst, wait = axis, deficit / rate[axis] end
  end
  if wait > 0 then return {'wait', worst, num(wait), num(now)} end
  for _, axis in ipairs(axes) do level[axis] = level[axis] - charge[axis] end
  save()
  return {'ok', '', '0', num(now)}

elseif op == 'settle' then
  -- ARGV[10]: tokens to give back (negative: to charge more); ARGV[11]: '1' to give the request back;
  -- ARGV[12..15]: what Groq says is left of rpm, rpd, tpm, tpd, or '' (its rate headers give rpd and tpm,
  -- a 429's message the limit it names); ARGV[16]: seconds since the call was sent; ARGV[17]: the latency
  -- allowance.
  local refund = tonumber(ARGV[10])
  level.tpm = math.min(cap.tpm, level.tpm + refund)
  level.tpd = math.min(cap.tpd, level.tpd + refund)
  if ARGV[11] == '1' then
    level.rpm = math.min(cap.rpm, level.rpm + 1)
    level.rpd = math.min(cap.rpd, level.rpd + 1)
  end
  -- Recalibrate: only ever down (our reservations in flight are not in Groq's numbers yet), and only when
  -- Groq's number is lower by more than its rounding, what refilled since Groq computed it, and the lag the
  -- latency allowance already keeps in reserve for: a real disagreement (another user of the key, a Redis
  -- that lost its data, an estimate below Groq's count), not the noise of timing.
  local slack_seconds = (tonumber(ARGV[16]) or 0) + (tonumber(ARGV[17]) or 0)
  local lowered = {}
  for i, axis in ipairs(axes) do
    local remaining = tonumber(ARGV[11 + i])
    lowered[i] = '0'
    if remaining and level[axis] > remaining + 1 + rate[axis] * slack_seconds then
      lowered[i] = num(level[axis] - remaining)
      level[axis] = remaining
    end
  end
  save()
  return {lowered[1], lowered[2], lowered[3], lowered[4], num(now)}

elseif op == 'pause' then
  -- ARGV[10]: seconds every replica must wait (a 429's retry-after). A longer pause already set stays.
  paused_until = math.max(paused_until, now + tonumber(ARGV[10]))
  save()
  return num(paused_until - now)

elseif op == 'levels' then
  return {num(level.rpm), num(level.rpd), num(level.tpm), num(level.tpd), num(math.max(0, paused_until - now))}
end
return redis.error_reply('unknown operation ' .. tostring(op))
"""


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


@dataclass(frozen=True)
class Grant:
    """The answer to a reservation."""
    admitted: bool
    wait: float  # seconds until it could be admitted (math.inf: never, the request is too large)
    limit: str  # what binds: "rpm", "rpd", "tpm", "tpd" or "pause" ("" when admitted)
    at: float  # the Redis server's time of the decision

    @property
    def too_large(self) -> bool:
        return math.isinf(self.wait)

    @property
    def daily(self) -> bool:
        return self.limit in DAILY


@dataclass(frozen=True)
class Settlement:
    lowered: dict[str, float]  # per axis, how far it was pulled down to what Groq said is left (0: not at all)
    at: float


class Budget:
    """The shared budget of one model. `time_scale` > 1 only against the simulator's `--time-scale`."""

    def __init__(self, redis: Redis, model: str, limits: Limits, *, time_scale: float = 1.0,
                 latency_allowance: float = LATENCY_ALLOWANCE_SECONDS,
                 prefix: str = "replyflow:llm-budget:") -> None:
        self.model = model
        self.limits = limits
        self.time_scale = time_scale
        self.latency_allowance = latency_allowance
        self.key = prefix + model
        self._script = redis.register_script(_BUDGET)
        minute, day = MINUTE / time_scale, DAY / time_scale
        self._config = [limits.rpm, minute, limits.rpd, day, limits.tpm, minute, limits.tpd, day]

    async def _run(self, op: str, *args) -> list | bytes:
        return await self._script(keys=[self.key], args=[op, *self._config, *args])

    async def reserve(self, tokens: int) -> Grant:
        """Take 1 request and `tokens` tokens from all four buckets, or nothing and say how long to wait."""
        outcome, limit, wait, at = map(_text, await self._run("reserve", tokens, self.latency_allowance))
        if outcome == "ok":
            return Grant(True, 0.0, "", float(at))
        return Grant(False, math.inf if outcome == "too_large" else float(wait), limit, float(at))

    async def settle(self, refund_tokens: int, *, refund_request: bool = False,
                     remaining: dict[str, int] | None = None, elapsed: float = 0.0) -> Settlement:
        """Give back what a call did not use (negative: charge what it used beyond the reservation), and pull
        each bucket down to what Groq says is `remaining` of it (by axis) when that is less than we think."""
        remaining = remaining or {}
        *lowered, at = map(_text, await self._run(
            "settle", refund_tokens, "1" if refund_request else "0",
            *("" if remaining.get(axis) is None else remaining[axis] for axis in AXES),
            elapsed, self.latency_allowance))
        return Settlement(dict(zip(AXES, map(float, lowered), strict=True)), float(at))

    async def pause(self, seconds: float) -> float:
        """Make every replica wait `seconds` (real) before its next call; returns the pause left."""
        return float(_text(await self._run("pause", seconds)))

    async def levels(self) -> dict[str, float]:
        """What is left in each bucket now, and the pause left (for tests and diagnostics)."""
        values = [float(_text(x)) for x in await self._run("levels")]
        return dict(zip((*AXES, "pause"), values, strict=True))


# KEYS[1]: the breaker (a hash: state, failures, until). ARGV: op, failures to open, cool-down seconds,
# probe lease seconds. `until` is the end of the cool-down (open) or of the probe's lease (half-open).
_BREAKER = """
local key, op = KEYS[1], ARGV[1]
local threshold, cooldown, lease = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local saved = redis.call('HMGET', key, 'state', 'failures', 'until')
local state, failures, till = saved[1] or 'closed', tonumber(saved[2]) or 0, tonumber(saved[3]) or 0
local function num(x) return string.format('%.17g', x) end
local function save()
  redis.call('HSET', key, 'state', state, 'failures', failures, 'until', num(till))
  -- A count of failures that stopped long ago is forgotten; an open breaker outlives its cool-down.
  redis.call('PEXPIRE', key, math.ceil((cooldown + lease) * 2000))
end

if op == 'allow' then
  if state == 'closed' then return {state, '0'} end
  if now < till then return {state, num(till - now)} end
  -- Cool-down over (or the last probe's lease ran out): this caller is the one probe; the rest wait.
  state, till = 'half_open', now + lease
  save()
  return {'probe', '0'}
elseif op == 'success' then
  redis.call('DEL', key)
  return {'closed', '0'}
elseif op == 'failure' then
  failures = failures + 1
  if state == 'half_open' or (state == 'closed' and failures >= threshold) then
    state, till = 'open', now + cooldown
  end
  save()
  return {state, num(math.max(0, till - now))}
elseif op == 'state' then
  return {state, num(math.max(0, till - now))}
end
return redis.error_reply('unknown operation ' .. tostring(op))
"""


class Breaker:
    """A circuit breaker shared by every replica: closed (calls go through), open (no calls until the
    cool-down ends), half-open (one probe call; its success closes, its failure opens again)."""

    def __init__(self, redis: Redis, model: str, *, failures: int = 5, cooldown_seconds: float = 30.0,
                 probe_seconds: float = 60.0, prefix: str = "replyflow:llm-breaker:") -> None:
        self.key = prefix + model
        self._script = redis.register_script(_BREAKER)
        # The probe's lease: if the replica making the probe call dies, another may probe after this long.
        self._args = [failures, cooldown_seconds, probe_seconds]

    async def _run(self, op: str) -> tuple[str, float]:
        state, wait = map(_text, await self._script(keys=[self.key], args=[op, *self._args]))
        return state, float(wait)

    async def allow(self) -> float:
        """0 when a call may go (closed, or this caller is the half-open probe), else seconds to wait."""
        state, wait = await self._run("allow")
        return 0.0 if state in ("closed", "probe") else max(wait, 0.001)

    async def success(self) -> None:
        await self._run("success")

    async def failure(self) -> str:
        """Count a 5xx or time-out; returns the state after it."""
        return (await self._run("failure"))[0]

    async def state(self) -> str:
        return (await self._run("state"))[0]
