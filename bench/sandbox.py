"""How many requests per second the sandbox serves, per cloud, with rate limits disabled.

The server runs in its own process (as ``python sync.py sandbox`` would), so the measuring
clients do not share its interpreter lock. For each cloud it times a cheap read endpoint, first
from one keep-alive client in sequence, then from several clients at once, and checks the
sandbox's own counters against the requests sent::

    python bench/sandbox.py                  # 2 s per measurement, 4 concurrent clients
    python bench/sandbox.py --seconds 5 --clients 8
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]

#: Started in a child process; prints the URL, then serves until its stdin closes. The child runs
#: from the repository root because this file is itself named ``sandbox.py``: run as a script,
#: ``import sandbox`` here would import this file rather than the package.
SERVER_SCRIPT = """
import sys
from sandbox import SandboxServer
server = SandboxServer().start()
print(server.url, flush=True)
sys.stdin.read()
server.stop()
"""

ROWS = 10


@dataclass
class Target:
    """One cheap read endpoint: what to call and with which headers."""

    api: str
    endpoint: str
    url: str
    headers: dict[str, str]


@dataclass
class Result:
    requests: int
    errors: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@contextmanager
def sandbox_process() -> Iterator[str]:
    """A sandbox in a child process; yields its base URL."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    child = subprocess.Popen(
        [sys.executable, "-c", SERVER_SCRIPT],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        url = child.stdout.readline().strip()
        if not url.startswith("http"):
            raise RuntimeError("the sandbox process did not start")
        yield url
    finally:
        assert child.stdin is not None
        child.stdin.close()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()


def control(url: str, method: str, path: str, body: Any = None) -> Any:
    response = requests.request(method, f"{url}/_sandbox/{path}", json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def feishu_target(url: str) -> Target:
    fields = [{"field_name": "客户名称", "type": 1}, {"field_name": "金额", "type": 2}]
    rows = [{"客户名称": f"客户{i}", "金额": i} for i in range(ROWS)]
    seeded = control(
        url,
        "POST",
        "feishu/apps",
        {"name": "bench", "tables": [{"name": "客户", "fields": fields, "records": rows}]},
    )
    table = seeded["tables"][0]
    credentials = {"app_id": "cli_sandbox", "app_secret": "sandbox-secret"}
    token = requests.post(
        f"{url}/open-apis/auth/v3/tenant_access_token/internal", json=credentials, timeout=10
    ).json()
    path = f"/open-apis/bitable/v1/apps/{seeded['app_token']}/tables/{table['table_id']}/records/{table['record_ids'][0]}"
    return Target(
        "feishu",
        "GET .../records/{record_id}",
        url + path,
        {"Authorization": f"Bearer {token['tenant_access_token']}"},
    )


def sheets_target(url: str) -> Target:
    rows = [["客户名称", "金额"], *[[f"客户{i}", i] for i in range(ROWS)]]
    seeded = control(
        url, "POST", "sheets/spreadsheets", {"title": "bench", "sheets": {"客户": rows}}
    )
    path = f"/v4/spreadsheets/{seeded['spreadsheetId']}/values/%E5%AE%A2%E6%88%B7!A1:B{ROWS + 1}"
    return Target("sheets", "GET .../values/{range}", url + path, {"Authorization": "Bearer bench"})


def airtable_target(url: str) -> Target:
    fields = [
        {"name": "Name", "type": "singleLineText"},
        {"name": "Amount", "type": "number", "options": {"precision": 0}},
    ]
    rows = [{"Name": f"customer {i}", "Amount": i} for i in range(ROWS)]
    seeded = control(
        url,
        "POST",
        "airtable/bases",
        {"name": "bench", "tables": [{"name": "Customers", "fields": fields, "records": rows}]},
    )
    path = f"/v0/{seeded['id']}/{seeded['tables'][0]['id']}?pageSize={ROWS}"
    return Target(
        "airtable", "GET /v0/{base}/{table}", url + path, {"Authorization": "Bearer patSANDBOX"}
    )


def hammer(target: Target, seconds: float, clients: int) -> Result:
    """``clients`` keep-alive sessions calling ``target`` back to back for ``seconds``."""
    counts = [0] * clients
    errors = [0] * clients
    deadline = time.perf_counter() + seconds

    def client(index: int) -> None:
        with requests.Session() as session:
            session.headers.update(target.headers)
            while time.perf_counter() < deadline:
                if session.get(target.url, timeout=10).status_code != 200:
                    errors[index] += 1
                counts[index] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(sum(counts), sum(errors), time.perf_counter() - started)


def measure(url: str, make: Callable[[str], Target], seconds: float, clients: int) -> str:
    try:
        target = make(url)
    except (requests.RequestException, KeyError, IndexError) as exc:
        return f"{make.__name__.removesuffix('_target'):<9} unavailable: {exc}"
    if hammer(target, 0.2, 1).errors:  # warm-up, and a check that the endpoint answers 200
        return f"{target.api:<9} {target.endpoint:<32} endpoint did not answer 200"
    control(url, "DELETE", "stats")
    sequential = hammer(target, seconds, 1)
    concurrent = hammer(target, seconds, clients)
    counted = control(url, "GET", "stats")[target.api]["requests"]
    sent = sequential.requests + concurrent.requests
    check = "ok" if counted == sent else f"MISMATCH {counted} counted / {sent} sent"
    errors = sequential.errors + concurrent.errors
    return (
        f"{target.api:<9} {target.endpoint:<32} {sequential.per_second:>10,.0f} {concurrent.per_second:>14,.0f}"
        f"   {sent:>7,} requests, {errors} errors, stats {check}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--seconds", type=float, default=2.0, help="duration of each measurement (default 2)"
    )
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    args = parser.parse_args(argv)

    with sandbox_process() as url:
        control(url, "POST", "limits", {"api": "*", "enabled": False})
        print(
            f"sandbox at {url} (separate process), rate limits disabled, {args.seconds:g} s per measurement"
        )
        print(f"{'api':<9} {'endpoint':<32} {'1 client/s':>10} {f'{args.clients} clients/s':>14}")
        for make in (feishu_target, sheets_target, airtable_target):
            print(measure(url, make, args.seconds, args.clients), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
