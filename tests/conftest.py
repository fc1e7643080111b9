"""Fixtures shared by the whole suite. Nothing here reaches the internet."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from sandbox import SandboxServer


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    """One sandbox on a free loopback port for the whole test session."""
    with SandboxServer() as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server: SandboxServer) -> SandboxServer:
    """The session's sandbox, reset to empty state, default limits, no faults, zero counters."""
    response = requests.post(f"{sandbox_server.url}/_sandbox/reset", timeout=10)
    response.raise_for_status()
    return sandbox_server
