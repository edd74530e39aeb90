"""At most N automatic replies per sender in a sliding window, shared by every classifier replica (Redis).

A loop breaker of last resort: if a robot slips past every header and content rule, it still gets only N
replies. The check is one Lua script, so two replicas cannot both take the last place; the member is the
email id, so a redelivered email does not count twice.
"""
from __future__ import annotations

from redis.asyncio import Redis

_ALLOW = """
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


class SenderCap:
    def __init__(self, redis: Redis, cap: int, window_seconds: float, prefix: str = "replyflow:sender-cap:"):
        self.redis = redis
        self.cap = cap
        self.window_seconds = window_seconds
        self.prefix = prefix
        self._script = redis.register_script(_ALLOW)

    async def allow(self, sender: str, email_id: int) -> bool:
        """Take one of the sender's places for this email; False when the sender is over the cap."""
        allowed = await self._script(keys=[self.prefix + sender.lower()],
                                     args=[str(email_id), self.window_seconds, self.cap])
        return bool(allowed)
