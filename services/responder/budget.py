"""One LLM budget and one circuit breaker for every responder replica, kept in Redis.

The budget models Groq's limits the way Groq (and `replyflow fake-groq`) enforce them: per model, buckets that
start full and refill continuously: requests/minute, requests/day, tokens/minute, tokens/day, and where an
organisation has them, input tokens/minute and output tokens/minute. A call is admitted only when every bucket
holds its charge (1 request; prompt tokens + max_tokens; the prompt's tokens; max_tokens). As long as our
buckets are never fuller than Groq's, Groq never refuses us.

Groq does not document whether it gives back the unused part of max_tokens once an answer is known, so the
budget must hold under both accountings. What Groq surely never charged goes back at once (the part of our
prompt estimate above its count; everything of a call it refused). The unused part of max_tokens is only
*claimed*: it goes back when an answer's `x-ratelimit-remaining-tokens` shows Groq holds more than we do, and
only that much. The comparison must not mistake reservations Groq has not charged yet for a refund, so each
reservation is kept in flight until it settles, and a settlement discounts every reservation that was in flight
at any time since its own (see `confirm` in the script): Groq's number can then only confirm tokens it really
gave back. Groq's headers describe the minute's tokens only; the day's tokens and the output tokens follow what
the minute's confirm, and once an answer confirms a refund that nothing else explains (Groq refunds), the day's
and output tokens get the unused part at once. A 429 for the day's tokens takes that back.

Two more differences between our buckets and Groq's. A bucket that is full stops refilling, so when Groq
charges a call some milliseconds after we did, its bucket may have wasted that much refill while ours did not:
each reservation therefore also leaves what refills in `LATENCY_ALLOWANCE_SECONDS` in the bucket. And what
else could make the two differ (another user of the same key, a Redis that lost its data, an estimate below
Groq's count) is corrected by the `x-ratelimit-remaining-*` headers of every answer, which pull our state down.

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
# A reservation whose replica died before settling it stops counting as in flight after this long (real
# seconds): longer than any call (LLM_TIMEOUT_SECONDS) and its settlement.
IN_FLIGHT_SECONDS = 300.0
AXES = ("rpm", "rpd", "tpm", "tpd")
OPTIONAL_AXES = ("itpm", "otpm")  # input and output tokens per minute: only where the organisation has them
ALL_AXES = AXES + OPTIONAL_AXES
DAILY = frozenset({"rpd", "tpd"})


@dataclass(frozen=True)
class Limits:
    rpm: int  # requests per minute
    rpd: int  # requests per day
    tpm: int  # tokens per minute
    tpd: int  # tokens per day
    itpm: int | None = None  # input (prompt) tokens per minute; None: no such limit
    otpm: int | None = None  # output tokens per minute (max_tokens at admission); None: no such limit

    @property
    def axes(self) -> tuple[str, ...]:
        """The limits in force."""
        return tuple(axis for axis in ALL_AXES if getattr(self, axis) is not None)


# Groq's published free-tier limits per model and organisation (GROQ_LIMIT_* override them, e.g. paid tiers).
KNOWN_MODELS: dict[str, Limits] = {
    "llama-3.3-70b-versatile": Limits(rpm=30, rpd=1_000, tpm=12_000, tpd=100_000),
    "llama-3.1-8b-instant": Limits(rpm=30, rpd=14_400, tpm=6_000, tpd=500_000),
}


class UnknownLimits(ValueError):
    """GROQ_MODEL has no known limits and not all four GROQ_LIMIT_* are set."""


def limits_for(
    model: str,
    rpm: int | None = None,
    rpd: int | None = None,
    tpm: int | None = None,
    tpd: int | None = None,
    *,
    itpm: int | None = None,
    otpm: int | None = None,
) -> Limits:
    """The model's published limits, each overridden when given; ITPM and OTPM only when given."""
    given = {"rpm": rpm, "rpd": rpd, "tpm": tpm, "tpd": tpd}
    known = KNOWN_MODELS.get(model)
    if known is None and None in given.values():
        missing = ", ".join(f"GROQ_LIMIT_{axis.upper()}" for axis, value in given.items() if value is None)
        raise UnknownLimits(f"GROQ_MODEL {model!r} has no known limits: set {missing}")
    chosen = {axis: value if value is not None else getattr(known, axis) for axis, value in given.items()}
    return Limits(**chosen, itpm=itpm, otpm=otpm)


# KEYS[1]: the model's budget (a hash). ARGV[1]: the operation; ARGV[2..13]: capacity (0: no such limit) and
# period in seconds of rpm, rpd, tpm, tpd, itpm, otpm (periods already divided by the time scale); ARGV[14..]:
# the operation's arguments. Numbers go back as strings: Redis would truncate a Lua number to an integer.
# Besides the levels, the hash holds `unconfirmed` (unused max_tokens claimed back, not yet seen in Groq's
# numbers), `unconfirmed_day` (the same for the day's and output tokens), `refunds` ('1' once an answer showed
# that Groq gives unused tokens back), `reserved` (every token ever reserved, a running sum), `seq`, and one
# field `f:<id>` = '<tokens> <expiry>' per reservation in flight.
_BUDGET = """
local key, op = KEYS[1], ARGV[1]
local axes = {'rpm', 'rpd', 'tpm', 'tpd', 'itpm', 'otpm'}
local cap, rate, on, longest = {}, {}, {}, 0
for i, axis in ipairs(axes) do
  cap[axis] = tonumber(ARGV[2 * i])
  local period = tonumber(ARGV[2 * i + 1])
  on[axis] = cap[axis] > 0
  rate[axis] = on[axis] and cap[axis] / period or 0
  if on[axis] then longest = math.max(longest, period) end
end
local A = 14
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local function num(x) return string.format('%.17g', x) end

local saved = {}
local flat = redis.call('HGETALL', key)
for i = 1, #flat, 2 do saved[flat[i]] = flat[i + 1] end
-- Refill every bucket up to now. A bucket we have never seen (or that expired) is full, as Groq's are.
local elapsed = math.max(0, now - (tonumber(saved.at) or now))
local level = {}
for _, axis in ipairs(axes) do
  level[axis] = on[axis] and math.min(cap[axis], (tonumber(saved[axis]) or cap[axis]) + elapsed * rate[axis]) or 0
end
local paused_until = tonumber(saved.paused_until) or 0
local unconfirmed = tonumber(saved.unconfirmed) or 0
local unconfirmed_day = tonumber(saved.unconfirmed_day) or 0
local refunds = saved.refunds or '0'
local reserved = tonumber(saved.reserved) or 0
local seq = tonumber(saved.seq) or 0
-- Reservations in flight, less those whose replica never settled them.
local in_flight, charges, expired = 0, {}, {}
for field, value in pairs(saved) do
  if string.sub(field, 1, 2) == 'f:' then
    local tokens, expiry = string.match(value, '^(%S+) (%S+)$')
    if tonumber(expiry) < now then
      table.insert(expired, field)
    else
      charges[field] = tonumber(tokens)
      in_flight = in_flight + tonumber(tokens)
    end
  end
end
if #expired > 0 then redis.call('HDEL', key, unpack(expired)) end

local function give(axis, amount)
  if on[axis] then level[axis] = math.min(cap[axis], level[axis] + amount) end
end
local function save()
  local fields = {'at', num(now), 'paused_until', num(paused_until), 'unconfirmed', num(unconfirmed),
                  'unconfirmed_day', num(unconfirmed_day), 'refunds', refunds, 'reserved', num(reserved),
                  'seq', seq}
  for _, axis in ipairs(axes) do
    table.insert(fields, axis)
    table.insert(fields, num(level[axis]))
  end
  redis.call('HSET', key, unpack(fields))
  -- Idle for the longest period, every bucket is full again: forgetting the key is then exact.
  redis.call('PEXPIRE', key, math.ceil((longest + math.max(0, paused_until - now)) * 1000) + 1000)
end

if op == 'reserve' then
  -- ARGV[A]: prompt tokens; ARGV[A+1]: max_tokens; ARGV[A+2]: the latency allowance in seconds (see Budget);
  -- ARGV[A+3]: seconds a reservation may stay in flight.
  local prompt, output = tonumber(ARGV[A]), tonumber(ARGV[A + 1])
  local allowance, lifetime = tonumber(ARGV[A + 2]), tonumber(ARGV[A + 3])
  local charge = {rpm = 1, rpd = 1, tpm = prompt + output, tpd = prompt + output, itpm = prompt, otpm = output}
  for _, axis in ipairs(axes) do
    if on[axis] and charge[axis] > cap[axis] then return {'too_large', axis, '0', num(now)} end
  end
  if paused_until > now then return {'wait', 'pause', num(paused_until - now), num(now)} end
  local worst, wait = '', 0
  for _, axis in ipairs(axes) do
    if on[axis] then
      -- Admit only when the bucket also holds what refills during the allowance (never more than it holds).
      local need = math.min(cap[axis], charge[axis] + rate[axis] * allowance)
      local deficit = need - level[axis]
      if deficit > 0 and deficit / rate[axis] > wait then worst, wait = axis, deficit / rate[axis] end
    end
  end
  if wait > 0 then return {'wait', worst, num(wait), num(now)} end
  for _, axis in ipairs(axes) do
    if on[axis] then level[axis] = level[axis] - charge[axis] end
  end
  seq = seq + 1
  local before = reserved
  reserved = reserved + charge.tpm
  redis.call('HSET', key, 'f:' .. seq, num(charge.tpm) .. ' ' .. num(now + lifetime))
  save()
  -- The reservation: its id, every token reserved before it, and the tokens of the others then in flight.
  return {'ok', '', '0', num(now), tostring(seq), num(before), num(in_flight)}

elseif op == 'settle' then
  -- ARGV[A]: the reservation's id or ''; ARGV[A+1]: tokens reserved before it; ARGV[A+2]: tokens of the
  -- others then in flight; ARGV[A+3]: its tokens. ARGV[A+4]: prompt tokens to give back now (negative: to
  -- charge more); ARGV[A+5]: output tokens to give back now (a call Groq refused); ARGV[A+6]: unused output
  -- tokens, given back as far as Groq's numbers confirm; ARGV[A+7]: '1' to give the request back;
  -- ARGV[A+8..A+13]: what Groq says is left of rpm, rpd, tpm, tpd, itpm, otpm, or '' (its rate headers give
  -- rpd and tpm, a 429's message the limit it names); ARGV[A+14]: seconds since the call was sent;
  -- ARGV[A+15]: the latency allowance.
  local id = ARGV[A]
  if id ~= '' then
    local field = 'f:' .. id
    if charges[field] then
      in_flight = in_flight - charges[field]
      redis.call('HDEL', key, field)
    end
  end
  local prompt_back, output_back = tonumber(ARGV[A + 4]), tonumber(ARGV[A + 5])
  local unused = math.max(0, tonumber(ARGV[A + 6]))
  give('tpm', prompt_back + output_back)
  give('tpd', prompt_back + output_back)
  give('itpm', prompt_back)
  give('otpm', output_back)
  if ARGV[A + 7] == '1' then
    give('rpm', 1)
    give('rpd', 1)
  end
  unconfirmed = math.min(cap.tpm, unconfirmed + unused)
  if refunds == '1' then
    give('tpd', unused)
    give('otpm', unused)
  else
    unconfirmed_day = math.min(cap.tpd, unconfirmed_day + unused)
  end

  local function remaining(i) return tonumber(ARGV[A + 7 + i]) end
  -- Confirm: Groq's minute tokens, less every reservation that was in flight at any time since this one was
  -- made (those it may not have charged yet), above ours is what it gave back. Groq computed its number
  -- before we read ours, and ours only refilled since, so this never overstates the refund.
  local confirmed = 0
  local groq_tpm = remaining(3)
  if groq_tpm and id ~= '' and ARGV[A + 1] ~= '' then
    local since = reserved - tonumber(ARGV[A + 1]) - tonumber(ARGV[A + 3])
    local surplus = groq_tpm - tonumber(ARGV[A + 2]) - since - level.tpm
    confirmed = math.max(0, math.min(surplus, unconfirmed))
    if confirmed > 0 then
      level.tpm = math.min(cap.tpm, level.tpm + confirmed)
      unconfirmed = unconfirmed - confirmed
      local day = math.min(confirmed, unconfirmed_day)
      give('tpd', day)
      give('otpm', day)
      unconfirmed_day = unconfirmed_day - day
      -- At least half of this call's own unused tokens came back: Groq refunds. The day's and output
      -- tokens, which no header shows, then get what was held back, and from now on the unused part at once.
      if unused > 0 and confirmed >= unused / 2 and refunds ~= '1' then
        refunds = '1'
        give('tpd', unconfirmed_day)
        give('otpm', unconfirmed_day)
        unconfirmed_day = 0
      end
    end
  end

  -- Recalibrate: only ever down (our reservations in flight are not in Groq's numbers yet), and only when
  -- Groq's number is lower by more than its rounding, what refilled since Groq computed it, and the lag the
  -- latency allowance already keeps in reserve for: a real disagreement (another user of the key, a Redis
  -- that lost its data, an estimate below Groq's count), not the noise of timing.
  local slack_seconds = (tonumber(ARGV[A + 14]) or 0) + (tonumber(ARGV[A + 15]) or 0)
  local lowered = {}
  for i, axis in ipairs(axes) do
    local left = remaining(i)
    lowered[i] = '0'
    if on[axis] and left and level[axis] > left + 1 + rate[axis] * slack_seconds then
      lowered[i] = num(level[axis] - left)
      level[axis] = left
      -- Groq counts the day's tokens as spent that we gave back on the strength of its refunds: stop that.
      if axis == 'tpd' then refunds = '0' end
    end
  end
  save()
  return {lowered[1], lowered[2], lowered[3], lowered[4], lowered[5], lowered[6], num(confirmed), num(now)}

elseif op == 'pause' then
  -- ARGV[A]: seconds every replica must wait (a 429's retry-after). A longer pause already set stays.
  paused_until = math.max(paused_until, now + tonumber(ARGV[A]))
  save()
  return num(paused_until - now)

elseif op == 'levels' then
  return {num(level.rpm), num(level.rpd), num(level.tpm), num(level.tpd), num(level.itpm), num(level.otpm),
          num(math.max(0, paused_until - now)), num(unconfirmed), num(in_flight), refunds}
end
return redis.error_reply('unknown operation ' .. tostring(op))
"""


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


@dataclass(frozen=True)
class Reservation:
    """What a settlement needs to know of its reservation (opaque to callers)."""

    id: str
    tokens: int  # prompt + max_tokens
    reserved_before: str  # every token reserved before this one (a running sum), as the script wrote it
    in_flight_before: str  # the tokens of the other reservations then in flight


@dataclass(frozen=True)
class Grant:
    """The answer to a reservation."""

    admitted: bool
    wait: float  # seconds until it could be admitted (math.inf: never, the request is too large)
    limit: str  # what binds: an axis ("rpm", "tpm", "itpm", ...) or "pause" ("" when admitted)
    at: float  # the Redis server's time of the decision
    reservation: Reservation | None = None  # when admitted: to hand to `settle`

    @property
    def too_large(self) -> bool:
        return math.isinf(self.wait)

    @property
    def daily(self) -> bool:
        return self.limit in DAILY


@dataclass(frozen=True)
class Settlement:
    lowered: dict[str, float]  # per axis, how far it was pulled down to what Groq said is left (0: not at all)
    confirmed: float  # unused tokens given back because Groq's numbers showed it had given them back
    at: float


class Budget:
    """The shared budget of one model. `time_scale` > 1 only against the simulator's `--time-scale`."""

    def __init__(
        self,
        redis: Redis,
        model: str,
        limits: Limits,
        *,
        time_scale: float = 1.0,
        latency_allowance: float = LATENCY_ALLOWANCE_SECONDS,
        in_flight_seconds: float = IN_FLIGHT_SECONDS,
        prefix: str = "replyflow:llm-budget:",
    ) -> None:
        self.model = model
        self.limits = limits
        self.time_scale = time_scale
        self.latency_allowance = latency_allowance
        self.in_flight_seconds = in_flight_seconds
        self.key = prefix + model
        self._script = redis.register_script(_BUDGET)
        minute, day = MINUTE / time_scale, DAY / time_scale
        periods = {"rpm": minute, "rpd": day, "tpm": minute, "tpd": day, "itpm": minute, "otpm": minute}
        self._config: list[float] = []
        for axis in ALL_AXES:
            self._config += [getattr(limits, axis) or 0, periods[axis]]

    async def _run(self, op: str, *args: object) -> list | bytes:
        return await self._script(keys=[self.key], args=[op, *self._config, *args])

    async def reserve(self, prompt_tokens: int, max_tokens: int = 0) -> Grant:
        """Take 1 request, the prompt's tokens and max_tokens from every bucket, or nothing and say how long to
        wait."""
        reply = list(
            map(
                _text,
                await self._run("reserve", prompt_tokens, max_tokens, self.latency_allowance, self.in_flight_seconds),
            )
        )
        outcome, limit, wait, at = reply[:4]
        if outcome == "ok":
            reservation = Reservation(reply[4], prompt_tokens + max_tokens, reply[5], reply[6])
            return Grant(True, 0.0, "", float(at), reservation)
        return Grant(False, math.inf if outcome == "too_large" else float(wait), limit, float(at))

    async def settle(
        self,
        reservation: Reservation | None = None,
        *,
        prompt_back: int = 0,
        output_back: int = 0,
        unused_output: int = 0,
        refund_request: bool = False,
        remaining: dict[str, int] | None = None,
        elapsed: float = 0.0,
    ) -> Settlement:
        """End a reservation. `prompt_back`: prompt tokens Groq did not charge (our estimate's excess; negative:
        it charged more), given back now; `output_back`: output tokens it did not charge (a refused call), now;
        `unused_output`: max_tokens the answer did not use, given back only as far as Groq's numbers show it gave
        them back. Each bucket is pulled down to what Groq says is `remaining` of it (by axis) when that is
        less than we think."""
        remaining = remaining or {}
        r = reservation
        *lowered, confirmed, at = map(
            _text,
            await self._run(
                "settle",
                r.id if r else "",
                r.reserved_before if r else "",
                r.in_flight_before if r else "",
                r.tokens if r else "",
                prompt_back,
                output_back,
                unused_output,
                "1" if refund_request else "0",
                *("" if remaining.get(axis) is None else remaining[axis] for axis in ALL_AXES),
                elapsed,
                self.latency_allowance,
            ),
        )
        return Settlement(dict(zip(ALL_AXES, map(float, lowered), strict=True)), float(confirmed), float(at))

    async def pause(self, seconds: float) -> float:
        """Make every replica wait `seconds` (real) before its next call; returns the pause left."""
        return float(_text(await self._run("pause", seconds)))

    async def levels(self) -> dict[str, float]:
        """What is left in each bucket now, the pause left, the unused tokens claimed back but not confirmed,
        the tokens in flight, and `refunds` (1.0 once Groq was seen giving unused tokens back), for tests and
        diagnostics."""
        values = [float(_text(x)) for x in await self._run("levels")]
        return dict(zip((*ALL_AXES, "pause", "unconfirmed", "in_flight", "refunds"), values, strict=True))


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

    def __init__(
        self,
        redis: Redis,
        model: str,
        *,
        failures: int = 5,
        cooldown_seconds: float = 30.0,
        probe_seconds: float = 60.0,
        prefix: str = "replyflow:llm-breaker:",
    ) -> None:
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
