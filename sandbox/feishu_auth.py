"""tenant_access_token issue/check and the per-endpoint rate limiter of the Feishu stand-in.

Tokens are signed rather than remembered: a token carries its expiry and an HMAC, so it stays
valid across ``/_sandbox/reset`` and across sandboxes in one process. That matters because
lark-oapi caches tokens process-wide by app_id (clients-on-loopback.md §5): a test that resets
the sandbox must not find its client holding a token the sandbox forgot. Expiry follows the
sandbox clock, so ``POST /_sandbox/clock`` makes tokens expire without waiting.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass

#: Signing key; fixed so tokens outlive resets (see the module docstring). Not a secret.
_KEY = b"tablesync-sandbox-feishu-tokens"

#: A token lives two hours (api-facts.md §3.2).
TOKEN_TTL_S = 7200
#: A token request returns the current token unless it has less than 30 minutes left.
REISSUE_BELOW_S = 1800


@dataclass
class Issued:
    token: str
    expires_at: int  # sandbox-clock seconds


class TokenIssuer:
    """Issues ``t-`` + 40 hex tokens: 8 hex nonce, 8 hex expiry, 24 hex HMAC over app and both."""

    def __init__(self, seed: int = 0) -> None:
        self._rng = random.Random(seed)
        self._current: dict[str, Issued] = {}

    def reset(self) -> None:
        self._current.clear()

    def issue(self, app_id: str, now: float) -> tuple[str, int]:
        """The token for ``app_id`` and its remaining seconds, following the reissue rule."""
        current = self._current.get(app_id)
        if current is not None and current.expires_at - now >= REISSUE_BELOW_S:
            return current.token, int(current.expires_at - now)
        expires_at = int(now) + TOKEN_TTL_S
        nonce = f"{self._rng.getrandbits(32):08x}"
        token = f"t-{nonce}{expires_at:08x}{_mac(app_id, nonce, expires_at)}"
        self._current[app_id] = Issued(token, expires_at)
        return token, TOKEN_TTL_S

    @staticmethod
    def check(token: str, app_ids: Iterable[str], now: float) -> str | None:
        """The app a valid, unexpired token belongs to, or ``None``."""
        if not token.startswith("t-") or len(token) != 42:
            return None
        nonce, expiry_hex, mac = token[2:10], token[10:18], token[18:]
        try:
            expires_at = int(expiry_hex, 16)
        except ValueError:
            return None
        if expires_at <= now:
            return None
        for app_id in app_ids:
            if hmac.compare_digest(mac, _mac(app_id, nonce, expires_at)):
                return app_id
        return None


def _mac(app_id: str, nonce: str, expires_at: int) -> str:
    message = f"{app_id}|{nonce}|{expires_at}".encode()
    return hmac.new(_KEY, message, hashlib.sha256).hexdigest()[:24]


class RateLimiter:
    """Token buckets per endpoint: ``rate`` requests per second with a burst of one second's worth.

    A bucket is close to the real per-second windows but does not let a burst straddle a window
    boundary, so tests see the limit at the same request count every run. Time is the sandbox
    clock: advancing it refills the buckets.
    """

    def __init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last refill)

    def reset(self) -> None:
        self._buckets.clear()

    def take(self, key: str, rate: float, now: float) -> int | None:
        """Spend one request; ``None`` if allowed, else whole seconds until one is available."""
        capacity = max(1.0, rate)
        tokens, last = self._buckets.get(key, (capacity, now))
        tokens = min(capacity, tokens + max(0.0, now - last) * rate)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            return None
        self._buckets[key] = (tokens, now)
        return max(1, math.ceil((1.0 - tokens) / rate))
