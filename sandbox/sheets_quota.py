"""Per-minute read and write quotas of the Google Sheets stand-in.

Google's published quotas (developers.google.com/sheets/api/limits): 300 read and 300 write
requests per minute per project, and 60 of each per minute per user per project; a request over
quota gets HTTP 429 ``RESOURCE_EXHAUSTED`` and "after 1 minute, you can execute requests again".
Here the user is the bearer token and the project is the whole sandbox.

The window slides (the last minute before each request) rather than resetting on the clock's
minute, so a burst behaves the same whenever a test starts. ``LimitSettings.scale`` speeds time
up: the allowance per window stays at Google's figures while the window shrinks to
``60 / scale`` seconds, so scale 30 allows 60 reads per user every 2 seconds, which gspread's
``BackOffHTTPClient`` (first retry after 2 s) rides out the way it does against Google.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

#: Requests per minute: (per user, per project), for reads and for writes alike.
PER_USER = 60
PER_PROJECT = 300
WINDOW_SECONDS = 60.0
#: The project number Google names in quota messages; any stable number will do.
PROJECT_NUMBER = "100000000001"
SERVICE = "sheets.googleapis.com"


@dataclass(frozen=True)
class QuotaBreach:
    """Which quota a request went over, enough to write Google's 429 body."""

    kind: str  # "read" | "write"
    per_user: bool

    @property
    def limit(self) -> int:
        return PER_USER if self.per_user else PER_PROJECT

    def error(self) -> dict[str, Any]:
        metric = "Read requests" if self.kind == "read" else "Write requests"
        limit_name = f"{metric} per minute" + (" per user" if self.per_user else "")
        quota_limit = f"{metric.split()[0]}RequestsPerMinute" + ("PerUser" if self.per_user else "")
        message = (
            f"Quota exceeded for quota metric '{metric}' and limit '{limit_name}' of service "
            f"'{SERVICE}' for consumer 'project_number:{PROJECT_NUMBER}'."
        )
        return {
            "code": 429,
            "message": message,
            "status": "RESOURCE_EXHAUSTED",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "RATE_LIMIT_EXCEEDED",
                    "domain": "googleapis.com",
                    "metadata": {
                        "consumer": f"projects/{PROJECT_NUMBER}",
                        "quota_limit": quota_limit,
                        "quota_metric": f"{SERVICE}/{self.kind}_requests",
                        "quota_limit_value": str(self.limit),
                        "service": SERVICE,
                    },
                },
                {
                    "@type": "type.googleapis.com/google.rpc.Help",
                    "links": [
                        {
                            "description": "Request a higher quota limit.",
                            "url": "https://cloud.google.com/docs/quota#requesting_higher_quota",
                        }
                    ],
                },
            ],
        }


class QuotaBook:
    """Sliding-window request counts per (kind, user) and per kind for the project."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], deque[float]] = {}

    def reset(self) -> None:
        self._seen.clear()

    def charge(self, kind: str, user: str, now: float, scale: float) -> QuotaBreach | None:
        """Count one request, or return the quota it would break (then it is not counted)."""
        window = WINDOW_SECONDS / scale
        mine = self._window((kind, user), now, window)
        everyone = self._window((kind, "*"), now, window)
        if len(mine) >= PER_USER:
            return QuotaBreach(kind, per_user=True)
        if len(everyone) >= PER_PROJECT:
            return QuotaBreach(kind, per_user=False)
        mine.append(now)
        everyone.append(now)
        return None

    def _window(self, key: tuple[str, str], now: float, window: float) -> deque[float]:
        times = self._seen.setdefault(key, deque())
        while times and times[0] <= now - window:
            times.popleft()
        return times
