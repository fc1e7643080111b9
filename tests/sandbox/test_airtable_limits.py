"""Airtable's 5 requests per second per base, its 30-second penalty, and injected faults, as
pyairtable experiences them (its default retry: 5 retries on 429 with 0.1 s exponential backoff,
no Retry-After from Airtable)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import requests
from pyairtable import Table, retry_strategy

from sandbox import SandboxServer
from tests.sandbox.airtable_support import (
    advance,
    api,
    control,
    seed_customers,
    stats,
)

RATE_LIMITED = {
    "error": {
        "type": "RATE_LIMIT_REACHED",
        "message": "Rate limit exceeded. Please try again later",
    }
}


def table(sandbox: SandboxServer, **options: Any) -> Table:
    return api(sandbox, **options).table(seed_customers(sandbox, [{"Name": "a"}]), "Customers")


def burst(target: Table, count: int) -> None:
    for _ in range(count):
        target.all()


def test_the_sixth_request_in_a_second_gets_airtables_429(sandbox: SandboxServer) -> None:
    target = table(sandbox, retry_strategy=None)
    burst(target, 5)
    with pytest.raises(requests.HTTPError) as exc:
        target.all()
    response = exc.value.response
    assert response is not None and response.status_code == 429
    assert response.json() == RATE_LIMITED
    assert "Retry-After" not in response.headers  # Airtable sends none
    assert stats(sandbox)["rate_limited"] == 1


def test_the_penalty_lasts_thirty_seconds_of_sandbox_time(sandbox: SandboxServer) -> None:
    target = table(sandbox, retry_strategy=None)
    burst(target, 5)
    with pytest.raises(requests.HTTPError):
        target.all()
    advance(sandbox, 2)  # a fresh one-second window does not lift the penalty
    with pytest.raises(requests.HTTPError):
        target.all()
    advance(sandbox, 28.5)
    assert len(target.all()) == 1


def test_limits_are_per_base(sandbox: SandboxServer) -> None:
    first = table(sandbox, retry_strategy=None)
    second = table(sandbox, retry_strategy=None)
    burst(first, 5)
    with pytest.raises(requests.HTTPError):
        first.all()
    burst(second, 5)
    assert control(sandbox, "GET", "stats")["airtable"]["rate_limited"] == 1


def test_schema_reads_count_against_the_base(sandbox: SandboxServer) -> None:
    target = table(sandbox, retry_strategy=None)
    burst(target, 4)
    target.schema()
    with pytest.raises(requests.HTTPError) as exc:
        target.schema(force=True)
    assert exc.value.response is not None and exc.value.response.status_code == 429


def test_scale_multiplies_the_allowed_rate(sandbox: SandboxServer) -> None:
    target = table(sandbox, retry_strategy=None)
    control(sandbox, "POST", "limits", {"api": "airtable", "scale": 2})
    burst(target, 10)
    with pytest.raises(requests.HTTPError):
        target.all()


def test_limits_can_be_switched_off(sandbox: SandboxServer) -> None:
    target = table(sandbox, retry_strategy=None)
    control(sandbox, "POST", "limits", {"api": "airtable", "enabled": False})
    burst(target, 30)
    assert stats(sandbox)["rate_limited"] == 0


def test_pyairtable_retries_give_up_during_the_penalty(sandbox: SandboxServer) -> None:
    """Against the real service a client that ignores the 30 s wait exhausts its 5 retries."""
    target = table(sandbox)  # pyairtable's default retry strategy
    burst(target, 5)
    started = time.monotonic()
    with pytest.raises(requests.exceptions.RetryError):
        target.all()
    assert 2.5 < time.monotonic() - started < 10  # 0 + 0.2 + 0.4 + 0.8 + 1.6 s of backoff
    assert stats(sandbox)["rate_limited"] == 6


def test_pyairtable_retries_succeed_once_the_penalty_is_over(sandbox: SandboxServer) -> None:
    target = table(sandbox)
    burst(target, 5)
    stop = threading.Event()

    def end_penalty_after_first_429() -> None:
        while not stop.is_set():
            if sandbox.sandbox.stats.rate_limited["airtable"]:
                advance(sandbox, 31)
                return
            time.sleep(0.005)

    watcher = threading.Thread(target=end_penalty_after_first_429, daemon=True)
    watcher.start()
    try:
        assert len(target.all()) == 1
    finally:
        stop.set()
        watcher.join(timeout=5)
    assert 1 <= stats(sandbox)["rate_limited"] < 6


# -- faults ------------------------------------------------------------------------------------


def faults(sandbox: SandboxServer, **plan: Any) -> None:
    control(sandbox, "POST", "faults", {"api": "airtable", **plan})


@pytest.fixture
def quiet(sandbox: SandboxServer) -> Table:
    target = table(sandbox, retry_strategy=None)
    control(sandbox, "POST", "limits", {"api": "airtable", "enabled": False})
    return target


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (
            503,
            {
                "error": {
                    "type": "RETRIABLE_ERROR",
                    "message": "Server encountered an error while processing your request, and it is safe to retry the request",
                }
            },
        ),
        (429, RATE_LIMITED),
        (
            500,
            {
                "error": {
                    "type": "SERVER_ERROR",
                    "message": "Try again. If the problem persists, contact support.",
                }
            },
        ),
        (404, {"error": "NOT_FOUND"}),
    ],
)
def test_injected_errors_carry_airtables_bodies(
    sandbox: SandboxServer, quiet: Table, status: int, body: Any
) -> None:
    faults(sandbox, error_rate=1, statuses=[status])
    with pytest.raises(requests.HTTPError) as exc:
        quiet.all()
    assert exc.value.response is not None
    assert (exc.value.response.status_code, exc.value.response.json()) == (status, body)
    assert stats(sandbox)["faults"] == 1


def test_pyairtable_does_not_retry_server_errors(sandbox: SandboxServer) -> None:
    target = table(sandbox)
    control(sandbox, "POST", "limits", {"api": "airtable", "enabled": False})
    faults(sandbox, error_rate=1, statuses=[503])
    with pytest.raises(requests.HTTPError):
        target.create({"Name": "b"})
    assert stats(sandbox)["requests"] == 1


def seed_failing_first_then_passing(rate: float) -> int:
    """A fault seed whose first draw injects an error and whose second does not."""
    import random

    for seed in range(1000):
        rng = random.Random(seed)
        if rng.random() < rate <= rng.random():
            return seed
    raise AssertionError("no such seed")


def test_injected_429_is_retried_by_pyairtable(sandbox: SandboxServer) -> None:
    target = table(sandbox)
    control(sandbox, "POST", "limits", {"api": "airtable", "enabled": False})
    faults(sandbox, error_rate=0.5, statuses=[429], seed=seed_failing_first_then_passing(0.5))
    created = target.create({"Name": "b"})
    assert created["fields"]["Name"] == "b"
    assert (stats(sandbox)["faults"], stats(sandbox)["requests"]) == (1, 2)
    assert len(target.all()) == 2  # the retried POST created exactly one record


def test_always_429_exhausts_the_retries(sandbox: SandboxServer) -> None:
    target = table(sandbox, retry_strategy=retry_strategy(backoff_factor=0.001))
    faults(sandbox, error_rate=1, statuses=[429])
    with pytest.raises(requests.exceptions.RetryError):
        target.all()
    assert stats(sandbox)["faults"] == 6


def test_dropped_connections_surface_as_connection_errors(
    sandbox: SandboxServer, quiet: Table
) -> None:
    faults(sandbox, drop_rate=1)
    with pytest.raises(requests.ConnectionError):
        quiet.all()
    control(sandbox, "DELETE", "faults")
    assert len(quiet.all()) == 1


def test_latency_and_timeouts(sandbox: SandboxServer) -> None:
    control(sandbox, "POST", "limits", {"api": "airtable", "enabled": False})
    slow = table(sandbox, retry_strategy=None, timeout=(2, 0.3))
    faults(sandbox, latency_ms=150)
    started = time.monotonic()
    slow.all()
    assert time.monotonic() - started >= 0.15
    faults(sandbox, timeout_rate=1, timeout_s=0.6)
    with pytest.raises(requests.exceptions.ReadTimeout):
        slow.all()
