"""Caps on automatic replies, shared by every classifier replica (Redis): per sender, and on new senders.

- `SenderCap`: at most N replies per sender in a sliding window. A loop breaker of last resort: if a robot slips
  past every header and content rule, it still gets only N replies. The address counts without its `+tag`, so an
  autoresponder that rotates `bounce+1@`, `bounce+2@`, ... is still one sender.
- `NewSenderCap`: at most N first-time senders get a reply per hour, across the whole shop. Anyone can forge any
  From, so without it a flood of forged senders would make the shop mail thousands of strangers.

Each check is one Lua script, so two replicas cannot both take the last place; a place is taken once per member
(the email id, or the sender), so a redelivered email does not count twice.
"""

from __future__ import annotations

from redis.asyncio import Redis

from shared.headers import mailbox_of

_TAKE_PLACE = """
local key, member = KEYS[1], ARGV[1]
local window, cap = tonumber(ARGV[2]), tonumber(ARGV[3])
local clock = redis.call('TIME')  -- the server's clock: replicas' clocks may disagree
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZSCORE', key, member) then return 1 end
if redis.call('ZCARD', key) >= cap then return 0 end
redis.call('ZADD', key, now, member)
redis.call('EXPIRE', key, math.ceil(window))
return 1
"""


class _SlidingWindow:
    def __init__(self, redis: Redis, cap: int, window_seconds: float) -> None:
        self.redis = redis
        self.cap = cap
        self.window_seconds = window_seconds
        self._script = redis.register_script(_TAKE_PLACE)

    async def _take(self, key: str, member: str) -> bool:
        return bool(await self._script(keys=[key], args=[member, self.window_seconds, self.cap]))


class SenderCap(_SlidingWindow):
    def __init__(self, redis: Redis, cap: int, window_seconds: float, prefix: str = "replyflow:sender-cap:"):
        super().__init__(redis, cap, window_seconds)
        self.prefix = prefix

    async def allow(self, sender: str, email_id: int) -> bool:
        """Take one of the sender's places for this email; False when the sender is over the cap."""
        return await self._take(self.prefix + mailbox_of(sender), str(email_id))


class NewSenderCap(_SlidingWindow):
    def __init__(self, redis: Redis, cap: int, window_seconds: float = 3600.0, key: str = "replyflow:new-senders"):
        super().__init__(redis, cap, window_seconds)
        self.key = key

    async def allow(self, sender: str) -> bool:
        """Take a place for a sender we never answered; False when this hour's places are taken."""
        return await self._take(self.key, mailbox_of(sender))
