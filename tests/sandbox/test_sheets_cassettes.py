"""Replay real recorded Google Sheets traffic (gspread's vcrpy cassettes) against the stand-in.

For every cassette in ``../shared/reference/gspread-cassettes`` (beside the checkout):

* each spreadsheet the recording creates through Drive is seeded with the recorded id, title and
  first sheet, as the first recorded ``spreadsheets.get`` shows it;
* every recorded Sheets API request is sent as recorded (path, query, body), with sheet ids that
  the stand-in generated differently (``addSheet``) mapped both ways;
* the response is compared with the recorded one: same status, same members, same value types,
  same ranges, counts, titles, indexes and error texts. Cell values are compared by type
  ("structural" match) and also exactly ("exact" match, reported).

Drive calls (create, metadata, export, delete) are outside the Sheets stand-in and are counted
as skipped. A mismatch is accepted only with a stated reason: the request uses a
``batchUpdate`` kind outside the stand-in's scope (it answers Google's 400), or an earlier such
request changed the real spreadsheet in a way the stand-in did not follow. Anything else fails.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from sandbox import SandboxServer

REPO = Path(__file__).resolve().parents[2]
CASSETTES = REPO.parent / "shared" / "reference" / "gspread-cassettes"
SHEETS_HOST = "https://sheets.googleapis.com"
SUPPORTED_KINDS = {
    "addSheet",
    "deleteSheet",
    "updateSheetProperties",
    "insertDimension",
    "deleteDimension",
    "appendDimension",
}
# Where cell payloads live: compared by type for the structural match, by value for the exact one.
CELL_KEYS = {"values"}


def _cassette_files() -> list[Path]:
    if not CASSETTES.is_dir():
        return []
    return sorted(p for p in CASSETTES.glob("*.json") if p.name != "endpoint-digest.json")


def _require_cassettes() -> list[Path]:
    files = _cassette_files()
    if not files:
        pytest.fail(
            f"recorded Google traffic not found: {CASSETTES} is missing or has no cassettes; "
            "the checkout expects ../shared/reference/gspread-cassettes beside it"
        )
    return files


# -- outcomes ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    cassette: str
    index: int
    request: str
    verdict: str  # "exact" | "structural" | "explained" | "mismatch" | "skipped"
    reason: str = ""
    detail: str = ""


@dataclass
class Session:
    """Replay state for one cassette."""

    base: str
    http: requests.Session
    interactions: list[dict[str, Any]]
    seeded: set[str] = field(default_factory=set)
    created: dict[str, str] = field(default_factory=dict)  # spreadsheet id -> Drive name
    sheet_ids: dict[str, dict[int, int]] = field(default_factory=dict)  # recorded -> sandbox
    diverged: dict[str, tuple[str, int]] = field(default_factory=dict)  # id -> (kinds, interaction)


# -- the replay ----------------------------------------------------------------------------------


def replay(path: Path, base: str) -> list[Outcome]:
    requests.post(f"{base}/_sandbox/reset", timeout=10).raise_for_status()
    # Recorded traffic has no 429s (they are dropped when recording); quotas would only get in
    # the way of replaying a thousand calls in a few seconds.
    requests.post(
        f"{base}/_sandbox/limits", json={"api": "sheets", "enabled": False}, timeout=10
    ).raise_for_status()
    interactions = json.loads(path.read_text(encoding="utf-8"))["interactions"]
    session = Session(base, requests.Session(), interactions)
    try:
        return [_replay_one(session, path.name, i, it) for i, it in enumerate(interactions)]
    finally:
        session.http.close()


def _replay_one(
    session: Session, cassette: str, index: int, interaction: dict[str, Any]
) -> Outcome:
    request = interaction["request"]
    method, uri = request["method"], request["uri"]
    label = f"{method} {_short(uri)}"
    if not uri.startswith(SHEETS_HOST):
        _note_drive(session, interaction)
        return Outcome(
            cassette, index, label, "skipped", "Drive API call (not part of the Sheets stand-in)"
        )
    spreadsheet_id = urlsplit(uri).path.split("/")[3].split(":")[0]
    _seed_if_needed(session, spreadsheet_id)
    kinds = _batch_kinds(request)
    out_of_scope = sorted(kinds - SUPPORTED_KINDS)
    response = _send(session, spreadsheet_id, request)
    recorded = interaction["response"]
    if response.status_code == 200:
        _learn_sheet_ids(session, spreadsheet_id, request, response, recorded)
    verdict, difference = _compare(session, spreadsheet_id, recorded, response)
    if out_of_scope and recorded["status"]["code"] == 200:
        session.diverged.setdefault(spreadsheet_id, (", ".join(out_of_scope), index))
    if verdict != "mismatch":
        return Outcome(cassette, index, label, verdict)
    if out_of_scope:
        reason = f"batchUpdate kind {', '.join(out_of_scope)} is out of scope (the stand-in answers Google's 400)"
        return Outcome(cassette, index, label, "explained", reason, difference)
    if spreadsheet_id in session.diverged:
        changed_by, where = session.diverged[spreadsheet_id]
        reason = f"follows an out-of-scope {changed_by}, so the real spreadsheet had changed"
        return Outcome(
            cassette, index, label, "explained", reason, f"(after interaction {where}) {difference}"
        )
    return Outcome(cassette, index, label, "mismatch", difference)


def _short(uri: str) -> str:
    parts = urlsplit(uri)
    return parts.path.replace("/v4/spreadsheets/", "")[:90] + (
        f"?{parts.query[:60]}" if parts.query else ""
    )


def _note_drive(session: Session, interaction: dict[str, Any]) -> None:
    request = interaction["request"]
    if request["method"] == "POST" and urlsplit(request["uri"]).path == "/drive/v3/files":
        created = json.loads(interaction["response"]["body"]["string"])
        session.created[created["id"]] = created.get("name", "")


def _seed_if_needed(session: Session, spreadsheet_id: str) -> None:
    if spreadsheet_id in session.seeded or spreadsheet_id not in session.created:
        return
    session.seeded.add(spreadsheet_id)
    first = _first_metadata(session, spreadsheet_id)
    title = first["properties"]["title"] if first else session.created[spreadsheet_id]
    sheets: dict[str, Any] = {}
    listed: list[dict[str, Any]] = (
        first["sheets"] if first else [{"properties": {"sheetId": 0, "title": "Sheet1"}}]
    )
    for sheet in listed:
        props = sheet["properties"]
        grid = props.get("gridProperties", {})
        sheets[props["title"]] = {"sheetId": props["sheetId"], "rows": [], **grid}
    body = {"spreadsheetId": spreadsheet_id, "title": title, "sheets": sheets}
    requests.post(
        f"{session.base}/_sandbox/sheets/spreadsheets", json=body, timeout=10
    ).raise_for_status()
    session.sheet_ids[spreadsheet_id] = {s["sheetId"]: s["sheetId"] for s in sheets.values()}


def _first_metadata(session: Session, spreadsheet_id: str) -> dict[str, Any] | None:
    """The first full ``spreadsheets.get`` answer for the spreadsheet: its state when created."""
    for interaction in session.interactions:
        request, response = interaction["request"], interaction["response"]
        parts = urlsplit(request["uri"])
        if (
            request["method"] == "GET"
            and parts.path == f"/v4/spreadsheets/{spreadsheet_id}"
            and "fields" not in parse_qs(parts.query)
            and response["status"]["code"] == 200
        ):
            found: dict[str, Any] = json.loads(response["body"]["string"])
            return found
    return None


def _batch_kinds(request: dict[str, Any]) -> set[str]:
    path = urlsplit(request["uri"]).path
    if not path.endswith(":batchUpdate") or "/values" in path or not request["body"]:
        return set()
    return {kind for entry in json.loads(request["body"]).get("requests", []) for kind in entry}


def _send(session: Session, spreadsheet_id: str, request: dict[str, Any]) -> requests.Response:
    url = session.base + request["uri"][len(SHEETS_HOST) :]
    body = request["body"]
    headers = {"Authorization": "Bearer replay-token"}
    if body:
        mapping = session.sheet_ids.get(spreadsheet_id, {})
        body = json.dumps(_map_sheet_ids(json.loads(body), mapping))
        headers["Content-Type"] = "application/json"
    return session.http.request(
        request["method"], url, data=body.encode() if body else None, headers=headers, timeout=30
    )


def _map_sheet_ids(data: Any, mapping: dict[int, int]) -> Any:
    if isinstance(data, dict):
        return {
            k: (
                mapping.get(v, v)
                if k == "sheetId" and isinstance(v, int)
                else _map_sheet_ids(v, mapping)
            )
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_map_sheet_ids(v, mapping) for v in data]
    return data


def _learn_sheet_ids(
    session: Session,
    spreadsheet_id: str,
    request: dict[str, Any],
    response: requests.Response,
    recorded: dict[str, Any],
) -> None:
    """After ``addSheet``, remember which sandbox sheet id stands for the recorded one."""
    if "addSheet" not in _batch_kinds(request) or recorded["status"]["code"] != 200:
        return
    mine = response.json().get("replies", [])
    theirs = json.loads(recorded["body"]["string"]).get("replies", [])
    mapping = session.sheet_ids.setdefault(spreadsheet_id, {})
    for ours, real in zip(mine, theirs, strict=False):
        if "addSheet" in ours and "addSheet" in real:
            mapping[real["addSheet"]["properties"]["sheetId"]] = ours["addSheet"]["properties"][
                "sheetId"
            ]


# -- comparison ----------------------------------------------------------------------------------


def _compare(
    session: Session, spreadsheet_id: str, recorded: dict[str, Any], response: requests.Response
) -> tuple[str, str]:
    """("exact" | "structural" | "mismatch", first difference)."""
    if response.status_code != recorded["status"]["code"]:
        return (
            "mismatch",
            f"status {response.status_code} != recorded {recorded['status']['code']}: {response.text[:300]}",
        )
    text = recorded["body"]["string"]
    if not text:
        return "exact", ""
    expected = json.loads(text)
    reverse = {v: k for k, v in session.sheet_ids.get(spreadsheet_id, {}).items()}
    actual = _map_sheet_ids(response.json(), reverse)
    _drop_volatile(expected)
    structural = list(_differences(expected, actual, "", exact=False))
    if structural:
        return "mismatch", structural[0]
    return (
        ("exact", "")
        if not list(_differences(expected, actual, "", exact=True))
        else ("structural", "")
    )


def _drop_volatile(body: Any) -> None:
    """Recorded members the stand-in cannot know in advance: none so far beyond ids mapped above."""


def _differences(
    expected: Any, actual: Any, where: str, *, exact: bool, cells: bool = False
) -> Iterator[str]:
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            yield f"{where}: expected an object, got {_kind(actual)}"
            return
        if set(expected) != set(actual):
            missing, extra = (
                sorted(set(expected) - set(actual)),
                sorted(set(actual) - set(expected)),
            )
            yield f"{where}: members differ (missing {missing}, extra {extra})"
            return
        for key in expected:
            yield from _differences(
                expected[key],
                actual[key],
                f"{where}.{key}",
                exact=exact,
                cells=cells or key in CELL_KEYS,
            )
        return
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            yield f"{where}: expected {len(expected)} items, got {_kind(actual)} {_length(actual)}"
            return
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            yield from _differences(e, a, f"{where}[{i}]", exact=exact, cells=cells)
        return
    if _kind(expected) != _kind(actual):
        yield f"{where}: expected {_kind(expected)} {expected!r}, got {_kind(actual)} {actual!r}"
    elif (exact or not cells) and expected != actual:
        yield f"{where}: expected {expected!r}, got {actual!r}"


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if value is None:
        return "null"
    return type(value).__name__


def _length(value: Any) -> str:
    return f"of {len(value)}" if isinstance(value, list | dict | str) else ""


# -- tests ---------------------------------------------------------------------------------------


_RESULTS: dict[Path, list[Outcome]] = {}


def _replayed(path: Path, base: str) -> list[Outcome]:
    """Each cassette is replayed once per session; the summary reuses the per-cassette runs."""
    if path not in _RESULTS:
        _RESULTS[path] = replay(path, base)
    return _RESULTS[path]


def test_cassette_directory_is_present() -> None:
    files = _require_cassettes()
    assert len(files) >= 9


@pytest.mark.parametrize(
    "path", _cassette_files() or [None], ids=lambda p: p.stem if p else "missing"
)
def test_cassette_replays(path: Path | None, sandbox: SandboxServer) -> None:
    if path is None:
        _require_cassettes()
        return
    outcomes = _replayed(path, sandbox.url)
    failures = [f"[{o.index}] {o.request}: {o.reason}" for o in outcomes if o.verdict == "mismatch"]
    for outcome in outcomes:
        if outcome.verdict == "explained":
            print(
                f"{path.stem} [{outcome.index}] {outcome.request}: {outcome.reason} {outcome.detail}"
            )
    assert not failures, "unexplained differences from recorded Google traffic:\n" + "\n".join(
        failures
    )


def test_replay_summary(sandbox: SandboxServer) -> None:
    """All cassettes together: print the figures and check nothing in scope is left unmatched."""
    outcomes = [o for path in _require_cassettes() for o in _replayed(path, sandbox.url)]
    verdicts = Counter(o.verdict for o in outcomes)
    replayed = len(outcomes) - verdicts["skipped"]
    matched = verdicts["exact"] + verdicts["structural"]
    reasons = Counter(o.reason for o in outcomes if o.verdict == "explained")
    lines = [
        f"cassettes: {len(_cassette_files())}, interactions: {len(outcomes)}",
        f"replayed (Sheets API): {replayed}, matched: {matched} "
        f"(exact {verdicts['exact']}, structural {verdicts['structural']}), "
        f"explained differences: {verdicts['explained']}, unexplained: {verdicts['mismatch']}",
        f"skipped (Drive API): {verdicts['skipped']}",
        *[f"  explained x{count}: {reason}" for reason, count in sorted(reasons.items())],
        "every explained difference:",
        *[
            f"  {o.cassette} [{o.index}] {o.request}: {o.reason} {o.detail}"
            for o in outcomes
            if o.verdict == "explained"
        ],
    ]
    print("\n".join(lines))
    assert verdicts["mismatch"] == 0
    assert matched >= 0.9 * replayed
