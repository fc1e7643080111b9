"""The sandbox HTTP server: one loopback port serving Sheets, Airtable and Feishu plus ``/_sandbox``.

The server owns what is common to the three clouds: sockets and threads, the control API of
DESIGN.md, fault injection (errors, latency, dropped connections, timeouts; reproducible with a
seed) and the request counters. Everything cloud-specific lives in the cloud modules.

Use it from Python::

    with SandboxServer() as sandbox:          # binds 127.0.0.1 on a free port
        print(sandbox.url)                    # http://127.0.0.1:PORT
        sandbox.sheets.seed({...})            # or POST /_sandbox/sheets/spreadsheets
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sandbox.airtable import AirtableApp
from sandbox.feishu import FeishuApp
from sandbox.http import CloudApp, SandboxClock, SandboxRequest, SandboxResponse
from sandbox.sheets import SheetsApp

log = logging.getLogger("tablesync.sandbox")

APIS = ("sheets", "airtable", "feishu")


@dataclass
class FaultPlan:
    """What to inject into one API's traffic. Rates are fractions of requests (0..1)."""

    error_rate: float = 0.0
    statuses: tuple[int, ...] = (500,)
    latency_ms: float = 0.0
    drop_rate: float = 0.0
    timeout_rate: float = 0.0
    timeout_s: float = 30.0
    seed: int | None = None
    rng: random.Random = field(default_factory=random.Random)

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> FaultPlan:
        statuses = body.get("statuses") or [500]
        if not isinstance(statuses, list) or not all(isinstance(s, int) for s in statuses):
            raise ValueError("statuses must be a list of HTTP status numbers")
        plan = cls(
            error_rate=_rate(body, "error_rate"),
            statuses=tuple(statuses),
            latency_ms=float(body.get("latency_ms", 0) or 0),
            drop_rate=_rate(body, "drop_rate"),
            timeout_rate=_rate(body, "timeout_rate"),
            timeout_s=float(body.get("timeout_s", 30) or 30),
            seed=body.get("seed"),
        )
        # Checked here: a negative sleep would raise inside every faulted request's handler.
        if plan.latency_ms < 0 or plan.timeout_s < 0:
            raise ValueError("latency_ms and timeout_s must not be negative")
        plan.rng = random.Random(plan.seed)
        return plan

    def draw(self) -> str | None:
        """Decide this request's fate: "drop", "timeout", "error" or ``None`` (serve normally).

        Exactly one random number per request, so a seed replays the same sequence of faults.
        """
        roll = self.rng.random()
        if roll < self.drop_rate:
            return "drop"
        roll -= self.drop_rate
        if roll < self.timeout_rate:
            return "timeout"
        roll -= self.timeout_rate
        if roll < self.error_rate:
            return "error"
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "error_rate": self.error_rate,
            "statuses": list(self.statuses),
            "latency_ms": self.latency_ms,
            "drop_rate": self.drop_rate,
            "timeout_rate": self.timeout_rate,
            "timeout_s": self.timeout_s,
            "seed": self.seed,
        }


def _rate(body: dict[str, Any], key: str) -> float:
    value = float(body.get(key, 0) or 0)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{key} must be between 0 and 1")
    return value


class Stats:
    """Request counters per API and endpoint template."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.requests: Counter[str] = Counter()
            self.by_endpoint: dict[str, Counter[str]] = {api: Counter() for api in APIS}
            self.rate_limited: Counter[str] = Counter()
            self.faults: Counter[str] = Counter()

    def count(self, api: str, endpoint: str) -> None:
        with self._lock:
            self.requests[api] += 1
            self.by_endpoint[api][endpoint] += 1

    def count_rate_limited(self, api: str) -> None:
        with self._lock:
            self.rate_limited[api] += 1

    def count_fault(self, api: str) -> None:
        with self._lock:
            self.faults[api] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                api: {
                    "requests": self.requests[api],
                    "by_endpoint": dict(self.by_endpoint[api]),
                    "rate_limited": self.rate_limited[api],
                    "faults": self.faults[api],
                }
                for api in APIS
            }


class Sandbox:
    """The three clouds, the control API and fault/stat bookkeeping, without any socket."""

    def __init__(self) -> None:
        self.clock = SandboxClock()
        self.sheets = SheetsApp(self.clock)
        self.airtable = AirtableApp(self.clock)
        self.feishu = FeishuApp(self.clock)
        self.apps: dict[str, CloudApp] = {
            "sheets": self.sheets,
            "airtable": self.airtable,
            "feishu": self.feishu,
        }
        self.stats = Stats()
        self.faults: dict[str, FaultPlan] = {}
        self._fault_lock = threading.Lock()

    def app_for(self, path: str) -> CloudApp | None:
        for app in self.apps.values():
            if app.owns(path):
                return app
        return None

    def reset(self) -> None:
        for app in self.apps.values():
            app.reset()
            app.limits.enabled, app.limits.scale = True, 1.0
        self.clock.reset()
        self.stats.reset()
        with self._fault_lock:
            self.faults.clear()

    def draw_fault(self, api: str) -> tuple[str | None, FaultPlan | None]:
        with self._fault_lock:
            plan = self.faults.get(api)
            if plan is None:
                return None, None
            return plan.draw(), plan

    # -- control API -------------------------------------------------------------------------

    def control(self, request: SandboxRequest) -> SandboxResponse:
        """Answer ``/_sandbox/...``; errors are ``{"error": "..."}`` with status 400 or 404."""
        parts = [p for p in request.path.split("/") if p][1:]
        try:
            body = request.json() if request.method in ("POST", "PUT") else None
            result = self._control(request.method, parts, body)
        except LookupError as exc:
            return SandboxResponse.json(404, {"error": str(exc)})
        except (ValueError, TypeError, KeyError) as exc:
            return SandboxResponse.json(400, {"error": f"{type(exc).__name__}: {exc}"})
        return SandboxResponse.json(200, result)

    def _control(self, method: str, parts: list[str], body: Any) -> Any:
        key = (method, "/".join(parts))
        if key == ("POST", "reset"):
            self.reset()
            return {"ok": True}
        if key == ("GET", "health"):
            return {"ok": True, "apis": list(APIS)}
        if key == ("GET", "stats"):
            return self.stats.snapshot()
        if key == ("DELETE", "stats"):
            self.stats.reset()
            return {"ok": True}
        if key == ("POST", "faults"):
            return self._set_faults(_object(body))
        if key == ("DELETE", "faults"):
            with self._fault_lock:
                self.faults.clear()
            return {"ok": True}
        if key == ("GET", "faults"):
            with self._fault_lock:
                return {api: plan.as_dict() for api, plan in self.faults.items()}
        if key == ("POST", "limits"):
            return self._set_limits(_object(body))
        if key == ("DELETE", "limits"):
            for app in self.apps.values():
                app.limits.enabled, app.limits.scale = True, 1.0
            return self._limits()
        if key == ("GET", "limits"):
            return self._limits()
        if key == ("POST", "clock"):
            advance = float(_object(body).get("advance_s", 0))
            self.clock.advance(advance)
            return {"now": self.clock.now()}
        if key == ("GET", "clock"):
            return {"now": self.clock.now()}
        if len(parts) >= 2 and parts[0] in self.apps:
            app = self.apps[parts[0]]
            if method == "POST" and len(parts) == 2:
                with app.lock:
                    return app.seed(_object(body))
            if method == "GET" and len(parts) == 3:
                with app.lock:
                    return app.inspect(parts[2])
        raise LookupError(f"no control endpoint {method} /_sandbox/{'/'.join(parts)}")

    def _apis(self, body: dict[str, Any]) -> list[str]:
        api = body.get("api", "*")
        if api == "*":
            return list(APIS)
        if api not in APIS:
            raise ValueError(f"api must be one of {', '.join(APIS)} or *")
        return [api]

    def _set_faults(self, body: dict[str, Any]) -> dict[str, Any]:
        apis = self._apis(body)
        with self._fault_lock:
            for api in apis:
                # Each API gets its own generator so a seed is reproducible per API.
                self.faults[api] = FaultPlan.from_body(body)
            return {api: self.faults[api].as_dict() for api in apis}

    def _set_limits(self, body: dict[str, Any]) -> dict[str, Any]:
        scale = float(body.get("scale", 1.0))
        if scale <= 0:
            raise ValueError("scale must be positive")
        for api in self._apis(body):
            limits = self.apps[api].limits
            limits.enabled = bool(body.get("enabled", True))
            limits.scale = scale
        return self._limits()

    def _limits(self) -> dict[str, Any]:
        return {
            api: {"enabled": app.limits.enabled, "scale": app.limits.scale}
            for api, app in self.apps.items()
        }

    # -- dispatch ------------------------------------------------------------------------------

    def dispatch(self, request: SandboxRequest) -> tuple[str, SandboxResponse | None, float]:
        """Serve one request. Returns (fate, response, seconds to stall before hanging up):
        fate "ok" comes with a response, "drop" and "timeout" with none."""
        if request.path.startswith("/_sandbox/") or request.path == "/_sandbox":
            return "ok", self.control(request), 0.0
        app = self.app_for(request.path)
        if app is None:
            return "ok", SandboxResponse.json(404, {"error": f"no API serves {request.path}"}), 0.0
        self.stats.count(app.api, app.endpoint_name(request.method, request.path))
        fate, plan = self.draw_fault(app.api)
        if plan is not None and plan.latency_ms:
            time.sleep(plan.latency_ms / 1000.0)
        if fate is not None and plan is not None:
            self.stats.count_fault(app.api)
            if fate == "drop":
                return fate, None, 0.0
            if fate == "timeout":
                # The plan's own delay, decided now: a later POST /_sandbox/faults must not
                # change what this request already drew.
                return fate, None, plan.timeout_s
            status = (
                plan.statuses[plan.rng.randrange(len(plan.statuses))]
                if len(plan.statuses) > 1
                else plan.statuses[0]
            )
            return "ok", app.error_response(status, "Injected fault"), 0.0
        try:
            response = app.handle(request)
        except Exception:  # a bug in the stand-in must not kill the server thread
            log.exception("sandbox %s failed on %s %s", app.api, request.method, request.path)
            response = app.error_response(500, "Internal error")
        if response.status == 429:
            self.stats.count_rate_limited(app.api)
        return "ok", response, 0.0


def _object(body: Any) -> dict[str, Any]:
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, a keep-alive client (gspread's
    # session, pyairtable's) waits for a delayed ACK, about 40 ms per request.
    disable_nagle_algorithm = True
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        body = self._read_body()
        request = SandboxRequest.build(self.command, self.path, dict(self.headers.items()), body)
        fate, response, stall_s = self.server.sandbox.dispatch(request)
        if fate == "drop":
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fate == "timeout":
            time.sleep(stall_s)
            self.close_connection = True
            return
        assert response is not None
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The stand-ins serve many keep-alive clients in tests and benchmarks.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        super().__init__(address, _Handler)
        self.sandbox = sandbox


class SandboxServer:
    """The sandbox on a loopback port, served from a background thread."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, sandbox: Sandbox | None = None
    ) -> None:
        self.sandbox = sandbox or Sandbox()
        self._server = _HTTPServer((host, port), self.sandbox)
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def sheets(self) -> SheetsApp:
        return self.sandbox.sheets

    @property
    def airtable(self) -> AirtableApp:
        return self.sandbox.airtable

    @property
    def feishu(self) -> FeishuApp:
        return self.sandbox.feishu

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="tablesync-sandbox", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (``python sync.py sandbox``)."""
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def control_json(response: SandboxResponse) -> Any:
    """Decode a control-API response body (handy in tests that call ``Sandbox`` directly)."""
    return json.loads(response.body)
