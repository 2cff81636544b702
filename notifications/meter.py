"""What the process counts for /metrics: each message sent to a platform and how it
went, each turn's time, each scheduled job's runs. One `Meter` per process, built in the
composition root; its registry is the one /metrics reads (bot/health.py adds the counts
it takes from the database)."""

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Histogram

from notifications.delivery import ChatGone, ChatMigrated, Refused, RetryAfter, Throttled

# A turn is a few statements and one commit: milliseconds on SQLite, tens on a loaded
# PostgreSQL; past a second a resident notices.
TURN_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def send_outcome(exc: BaseException | None) -> str:
    """How a send went, as counted: a 429 (or Zalo's quota answer) is `rate_limited`."""
    if exc is None:
        return "sent"
    if isinstance(exc, RetryAfter | Throttled):
        return "rate_limited"
    if isinstance(exc, ChatGone):
        return "chat_gone"
    if isinstance(exc, ChatMigrated):
        return "chat_migrated"
    if isinstance(exc, Refused):
        return "refused"
    return "failed"


class Meter:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        self._sends = Counter(
            "ntvt_sends", "messages sent to a platform (turn replies and outbox), by how "
            "it went; outcome=rate_limited counts the platform's 429s",
            ["channel", "outcome"], registry=self.registry)
        self._turns = Histogram(
            "ntvt_turn_seconds", "time to run one turn: the dialog step and its commit",
            ["channel"], buckets=TURN_BUCKETS, registry=self.registry)
        self._jobs = Counter(
            "ntvt_scheduler_jobs", "scheduled jobs run (digest, reminders, tally), by outcome",
            ["job", "outcome"], registry=self.registry)

    @contextmanager
    def sending(self, channel: str) -> Iterator[None]:
        """Counts the send inside, however it ends; the error goes on to the caller."""
        try:
            yield
        except Exception as exc:
            self._sends.labels(channel, send_outcome(exc)).inc()
            raise
        self._sends.labels(channel, "sent").inc()

    @contextmanager
    def turn(self, channel: str) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            self._turns.labels(channel).observe(time.perf_counter() - began)

    def job_ran(self, name: str, *, ok: bool) -> None:
        self._jobs.labels(name, "ok" if ok else "failed").inc()
