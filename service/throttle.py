"""Guessing is slow: failed sign-ins and bad API tokens are counted, and past a limit refused
with 429 and ``Retry-After``, before the password or token is even checked.

Counting uses the ``limits`` library (moving windows, the same counting Flask-Limiter is built
on) in this process's memory by default, so nothing else needs running; set
``MOVEMAP_RATE_LIMIT_STORAGE`` to a storage URI it knows (e.g. ``redis://host:6379``) when
several server processes should share the counts. Only failures count: someone who signs in
right is never slowed by their own success.

| setting | default | what is counted |
| --- | --- | --- |
| ``MOVEMAP_RATE_SIGN_IN_ACCOUNT`` | ``5 per minute; 20 per hour`` | failed sign-ins to one email |
| ``MOVEMAP_RATE_SIGN_IN_ADDRESS`` | ``20 per minute; 100 per hour`` | failed sign-ins, an address |
| ``MOVEMAP_RATE_BAD_TOKEN`` | ``20 per minute; 100 per hour`` | bad API tokens from one address |
| ``MOVEMAP_RATE_LINK_ADDRESS`` | ``120 per minute; 1000 per hour`` | link requests, an address |
| ``MOVEMAP_RATE_LINK_USE`` | ``60 per minute; 500 per hour`` | requests with one private link |

Private links (``service.links``) count every request, not only failures: a link is a key that
anyone holding it may use, so its use is bounded too.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

__all__ = ["RULES", "Throttle"]

RULES: dict[str, str] = {
    "sign_in_account": "5 per minute; 20 per hour",
    "sign_in_address": "20 per minute; 100 per hour",
    "bad_token": "20 per minute; 100 per hour",
    "link_address": "120 per minute; 1000 per hour",
    "link_use": "60 per minute; 500 per hour",
}
"""Each rule's default; ``MOVEMAP_RATE_<RULE>`` replaces it."""


@dataclass
class Throttle:
    """Failure counts per rule and key (an email, an address)."""

    rules: Mapping[str, list[RateLimitItem]]
    limiter: MovingWindowRateLimiter

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Throttle:
        env = os.environ if environ is None else environ
        rules = {}
        for name, default in RULES.items():
            text = env.get(f"MOVEMAP_RATE_{name.upper()}", "").strip() or default
            try:
                rules[name] = list(parse_many(text))
            except ValueError as exc:
                raise ValueError(f"MOVEMAP_RATE_{name.upper()} is not a rate such as "
                                 f"'5 per minute; 20 per hour': {text!r}") from exc
        storage = env.get("MOVEMAP_RATE_LIMIT_STORAGE", "").strip() or "memory://"
        return cls(rules, MovingWindowRateLimiter(storage_from_string(storage)))

    def retry_after(self, rule: str, key: str) -> int | None:
        """Seconds to wait when ``key`` is over ``rule`` now, else ``None``."""
        waits = []
        for item in self.rules[rule]:
            if not self.limiter.test(item, rule, key):
                reset = self.limiter.get_window_stats(item, rule, key).reset_time
                waits.append(max(1, math.ceil(reset - time.time())))
        return max(waits) if waits else None

    def count(self, rule: str, key: str) -> int | None:
        """Count one use of ``key`` under ``rule``; seconds to wait when it is over already
        (the refused use is not counted), else ``None``."""
        wait = self.retry_after(rule, key)
        if wait is None:
            self.failed(rule, key)
        return wait

    def failed(self, rule: str, key: str) -> None:
        """Count one failure of ``key`` under ``rule``."""
        for item in self.rules[rule]:
            self.limiter.hit(item, rule, key)
