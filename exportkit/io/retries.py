"""Which failed calls are retried, and after how long (M7; M9 and A19 under the 2026 pages).

The rule set's settings choose (`retries_by_answer`), never its name. Under M7 every failure is
retried, up to three attempts, after a short wait the documentation does not give (`--retry-wait`,
doubled). Under M9 the answer decides: best effort aggregation retries the answers M9 lists twice,
15 s after the failed call and 30 s after the first retry (A19's reading); configurable
aggregation retries 420, 429 and any code above 500 once, about 30 minutes later. Any other
answer is not retried. A call with no answer in time counts as retried (as 408 would be).

A run does not wait the platform's minutes: its first retry waits `--retry-wait`, later ones in
proportion to the documented waits, and each retry's reason says when the platform would retry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..core.rulesets import RuleSet, settings_of

AggregationType = Literal["best_effort", "configurable"]

BEST_EFFORT_RETRIED = frozenset({403, 408, 409, 429, 500, 502, 503, 504})
"""M9: the answers best effort aggregation retries."""
BEST_EFFORT_WAITS = (15.0, 30.0)
"""M9, A19: the first retry 15 s after the failed call, the second 30 s after the first retry."""
CONFIGURABLE_RETRIED = frozenset({420, 429})
"""M9: the answers configurable aggregation retries, besides any code above 500."""
CONFIGURABLE_ABOVE = 500  # M9, A19: "above 500" leaves out 500 itself (the literal reading)
CONFIGURABLE_WAITS = (1800.0,)
"""M9: configurable aggregation retries once, about 30 minutes later."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Which failed calls are retried, and the waits before each retry.

    `waits` are this run's seconds before each retry (one per retry); `platform_waits` the
    documented ones they stand for (None under M7, which gives none). `retried` lists the answers
    that are retried (None: every failure, M7), and every code above `retried_above` is too."""

    rule: Literal["M7", "M9"]
    name: str  # how the reasons name the policy: "best effort aggregation"
    waits: tuple[float, ...]
    platform_waits: tuple[float, ...] | None = None
    retried: frozenset[int] | None = None
    retried_above: int | None = None

    @property
    def attempts(self) -> int:
        return 1 + len(self.waits)

    def retries(self, status: int | None) -> bool:
        """Whether a failed call answered `status` is retried (None: no answer in time, or none)."""
        if self.retried is None or status is None:
            return True
        return status in self.retried or (self.retried_above is not None and status > self.retried_above)

    def retried_text(self) -> str:
        """The answers retried, as the documentation lists them: "403, 408, ... or 504"."""
        codes = [str(c) for c in sorted(self.retried or ())]
        if self.retried_above is not None:
            codes.append(f"any code above {self.retried_above}")
        return ", ".join(codes[:-1]) + f" or {codes[-1]}" if len(codes) > 1 else "".join(codes)


def retry_policy(
    aggregation: AggregationType, rules: RuleSet, *, backoff: float, attempts: int = 3
) -> RetryPolicy:
    """The retries of a destination with this aggregation under `rules` (M7, or M9 where the
    rule set's `retries_by_answer` is on). Under M7, `attempts` calls with `backoff` doubled
    between them; under M9 the first retry waits `backoff`, later ones in proportion."""
    if not settings_of(rules).retries_by_answer:
        return m7_policy(backoff=backoff, attempts=attempts)
    documented: tuple[float, ...]
    if aggregation == "best_effort":
        documented, retried, above = BEST_EFFORT_WAITS, BEST_EFFORT_RETRIED, None
    else:
        documented, retried, above = CONFIGURABLE_WAITS, CONFIGURABLE_RETRIED, CONFIGURABLE_ABOVE
    waits = tuple(backoff * w / documented[0] for w in documented)
    name = aggregation.replace("_", " ") + " aggregation"
    return RetryPolicy("M9", name, waits, documented, retried, above)


def m7_policy(*, backoff: float, attempts: int) -> RetryPolicy:
    """M7: every failure retried, `attempts` calls in all, `backoff` doubled between them."""
    return RetryPolicy("M7", "M7", tuple(backoff * 2**k for k in range(max(attempts - 1, 0))))


__all__ = [
    "BEST_EFFORT_RETRIED",
    "CONFIGURABLE_RETRIED",
    "RetryPolicy",
    "m7_policy",
    "retry_policy",
]
