"""Plumbing shared by the three cloud stand-ins: requests, responses, routing, clock, limits.

Each cloud module (``sheets``, ``airtable``, ``feishu``) is a :class:`CloudApp`: it declares its
routes with :meth:`Router.route` and answers :class:`SandboxRequest` objects with
:class:`SandboxResponse` objects. The server (``sandbox.server``) owns sockets, threads, the
control API, fault injection and the request counters, so a cloud module is pure request logic
over in-memory state and can be unit-tested without a socket.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass
class SandboxRequest:
    """One HTTP request as a cloud module sees it.

    ``path`` is percent-decoded; ``raw_path`` is as sent. ``query`` keeps repeated keys
    (``fields[]=a&fields[]=b``) as lists, in order.
    """

    method: str
    raw_path: str
    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    path_params: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> SandboxRequest:
        parts = urlsplit(target)
        return cls(
            method=method.upper(),
            raw_path=parts.path,
            path=unquote(parts.path),
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in headers.items()},
            body=body,
        )

    def q(self, name: str, default: str | None = None) -> str | None:
        """The first value of query parameter ``name``."""
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        """The body parsed as JSON (``None`` for an empty body); raises ``ValueError`` if invalid."""
        if not self.body:
            return None
        return json.loads(self.body.decode("utf-8"))

    def bearer(self) -> str | None:
        """The token of an ``Authorization: Bearer`` header, if any."""
        value = self.headers.get("authorization", "")
        if value.lower().startswith("bearer "):
            token = value[7:].strip()
            return token or None
        return None


@dataclass
class SandboxResponse:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(
        cls, status: int, payload: Any, headers: Mapping[str, str] | None = None
    ) -> SandboxResponse:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        merged = {"Content-Type": "application/json; charset=UTF-8"}
        if headers:
            merged.update(headers)
        return cls(status=status, body=data, headers=merged)


Handler = Callable[[SandboxRequest], SandboxResponse]

_PARAM = re.compile(r"\{(\w+)(?::([^}]+))?\}")


@dataclass
class Route:
    method: str
    template: str  # the endpoint name used in stats, e.g. "GET /v0/{base}/{table}"
    pattern: re.Pattern[str]
    handler: Handler


class Router:
    """Maps ``METHOD /path/{param}`` templates to handlers.

    A parameter matches one path segment unless it names its own regex: ``{rest:.+}``.
    Routes are tried in the order they were added, so add specific ones first.
    """

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def route(self, method: str, template: str) -> Callable[[Handler], Handler]:
        def decorator(handler: Handler) -> Handler:
            self.add(method, template, handler)
            return handler

        return decorator

    def add(self, method: str, template: str, handler: Handler) -> None:
        regex = ""
        pos = 0
        for match in _PARAM.finditer(template):
            regex += re.escape(template[pos : match.start()])
            regex += f"(?P<{match.group(1)}>{match.group(2) or '[^/]+'})"
            pos = match.end()
        regex += re.escape(template[pos:])
        self.routes.append(
            Route(method.upper(), f"{method.upper()} {template}", re.compile(f"^{regex}$"), handler)
        )

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        """The route for ``method`` and decoded ``path``, or ``None``.

        A path that matches some route under another method returns that route with the
        special parameter ``__method_not_allowed__`` so the app can answer 404/405 its own way.
        """
        other: tuple[Route, dict[str, str]] | None = None
        for route in self.routes:
            found = route.pattern.match(path)
            if found is None:
                continue
            if route.method == method.upper():
                return route, found.groupdict()
            other = other or (route, {"__method_not_allowed__": "1"})
        return other


class SandboxClock:
    """Wall clock plus an offset the control API can advance (token expiry, modified times)."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """Seconds since the epoch, as the sandbox sees them."""
        with self._lock:
            return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0


@dataclass
class LimitSettings:
    """Rate-limit switches for one API, set through ``/_sandbox/limits``.

    ``scale`` multiplies the allowed rate: 10 allows ten times the real platform's rate.
    """

    enabled: bool = True
    scale: float = 1.0


class CloudApp:
    """Base of the three cloud stand-ins.

    Subclasses set ``api`` ("sheets" | "airtable" | "feishu") and ``prefixes`` (the path
    prefixes they own), register routes on ``self.router`` and implement :meth:`seed`,
    :meth:`reset` and :meth:`error_response`.
    """

    api: str = ""
    prefixes: tuple[str, ...] = ()

    def __init__(self, clock: SandboxClock) -> None:
        self.clock = clock
        self.limits = LimitSettings()
        self.router = Router()
        # One lock per app: handlers mutate shared in-memory state from server threads.
        self.lock = threading.RLock()

    def owns(self, path: str) -> bool:
        return any(path.startswith(prefix) for prefix in self.prefixes)

    def endpoint_name(self, method: str, path: str) -> str:
        """The stats key of a request: its route template, or ``METHOD <unrouted>``."""
        found = self.router.match(method, path)
        if found is None or "__method_not_allowed__" in found[1]:
            return f"{method.upper()} <unrouted>"
        return found[0].template

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        found = self.router.match(request.method, request.path)
        if found is None or "__method_not_allowed__" in found[1]:
            return self.not_found(request)
        route, params = found
        request.path_params = params
        return route.handler(request)

    # -- to override -------------------------------------------------------------------------

    def not_found(self, request: SandboxRequest) -> SandboxResponse:
        return self.error_response(404, f"No route for {request.method} {request.path}")

    def error_response(self, status: int, message: str) -> SandboxResponse:
        """The platform's own error body for an HTTP status (used for injected faults too)."""
        raise NotImplementedError

    def reset(self) -> None:
        """Drop every table, token and counter of this cloud."""
        raise NotImplementedError

    def seed(self, body: Any) -> Any:
        """Create a spreadsheet / base / app from a control-API body; returns the ids."""
        raise NotImplementedError

    def inspect(self, object_id: str) -> Any:
        """The whole state of one spreadsheet / base / app, for tests (``GET /_sandbox/API/X/ID``)."""
        raise LookupError(f"{self.api} has no object {object_id}")
