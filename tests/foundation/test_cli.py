"""The command line, run as a real process: help, exit codes, not-yet-built commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DESIGN_COMMANDS = [
    "demo",
    "sandbox",
    "check",
    "plan",
    "run",
    "schedule",
    "conflicts",
    "duplicates",
    "runs",
    "undo",
    "import",
    "export",
    "template",
    "report",
]


def cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    import os

    environment = {k: v for k, v in os.environ.items() if k != "TABLESYNC_CONFIG"}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, str(ROOT / "sync.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )


def test_help_lists_every_command_of_the_design(tmp_path):
    result = cli("--help", cwd=tmp_path)
    assert result.returncode == 0
    listed = {
        line.split()[0]
        for line in result.stdout.splitlines()
        if line.startswith("  ") and line.split()
    }
    assert set(DESIGN_COMMANDS) <= listed


@pytest.mark.parametrize(
    "args",
    [
        ["demo"],
        ["check"],
        ["plan"],
        ["run"],
        ["undo", "R-1"],
        ["schedule"],
        ["report", "--out", "r.html"],
        ["conflicts", "list"],
    ],
)
def test_commands_not_built_yet_say_so_and_exit_2(tmp_path, monkeypatch, args):
    from typer.testing import CliRunner

    import sync

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(sync.app, args)
    assert result.exit_code == 2, result.output
    assert "not available in this version yet" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_unknown_command_and_bad_option_are_usage_errors(tmp_path):
    assert cli("frobnicate", cwd=tmp_path).returncode == 2
    assert cli("export", "--out", "x.txt", "--format", "pdf", cwd=tmp_path).returncode == 2


def test_missing_config_is_exit_2_with_the_path(tmp_path):
    result = cli("runs", "--config", "nope.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "nope.yaml: configuration file not found" in result.stderr


@pytest.mark.parametrize("command", DESIGN_COMMANDS)
def test_every_subcommand_has_help(command):
    from typer.testing import CliRunner

    import sync

    result = CliRunner().invoke(sync.app, [command, "--help"])
    assert result.exit_code == 0, command
    assert "Usage" in result.output


def test_template_import_export_round_trip(tmp_path):
    assert cli("template", "--out", "t.xlsx", cwd=tmp_path).returncode == 0
    result = cli("import", "t.xlsx", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert (report["rows"], report["created"], report["quarantined"]) == (3, 3, 0)
    assert cli("export", "--format", "xlsx", "--out", "out.xlsx", cwd=tmp_path).returncode == 0

    from openpyxl import load_workbook

    from connectors.template import EXAMPLE_ROWS
    from core.fields import FIELDS

    sheet = load_workbook(tmp_path / "out.xlsx")["客户信息"]
    exported = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    for example in EXAMPLE_ROWS:
        row = exported[example["company_name"]]
        for index, spec in enumerate(FIELDS):
            want = example.get(spec.name, "")
            got = row[index] or ""
            if spec.name == "customer_id" and not want:
                assert got.startswith("C-")  # generated
            elif spec.name == "tags":
                assert set(filter(None, (t.strip() for t in got.split(",")))) >= set(
                    filter(None, (t.strip() for t in want.split(",")))
                )
            else:
                assert got == want, (spec.name, got, want)

    again = json.loads(cli("import", "t.xlsx", "--json", cwd=tmp_path).stdout)
    assert again["created"] == 0 and again["merged"] + again["unchanged"] + again["updated"] == 3

    runs = json.loads(cli("runs", "--json", cwd=tmp_path).stdout)
    assert [r["kind"] for r in runs] == ["import", "import"]


def test_export_csv_and_encrypted_xlsx(tmp_path):
    cli("template", "--out", "t.xlsx", cwd=tmp_path)
    cli("import", "t.xlsx", cwd=tmp_path)
    assert cli("export", "-f", "csv", "--out", "o.csv", cwd=tmp_path).returncode == 0
    text = (tmp_path / "o.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf") and "北京星辰科技有限公司".encode() in text
    result = cli(
        "export", "--out", "s.xlsx", cwd=tmp_path, env={"TABLESYNC_EXPORT_PASSWORD": "pw-123"}
    )
    assert result.returncode == 0 and "pw-123" not in result.stderr + result.stdout
    import io

    import msoffcrypto
    from openpyxl import load_workbook

    office = msoffcrypto.OfficeFile((tmp_path / "s.xlsx").open("rb"))
    assert office.is_encrypted()
    office.load_key(password="pw-123")
    plain = io.BytesIO()
    office.decrypt(plain)
    rows = load_workbook(plain)["客户信息"].iter_rows(min_row=2, values_only=True)
    assert sum(1 for row in rows if any(row)) == 3
    assert (
        cli("export", "-f", "csv", "--out", "o.csv", "--password", "x", cwd=tmp_path).returncode
        == 2
    )


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("empty.csv", b"", "empty.csv: the file is empty"),
        (
            "nophone.csv",
            "客户名称,联系人\n甲,王\n".encode(),
            "required column 联系方式 (phone) is missing",
        ),
        (
            "dup.csv",
            "客户名称,客户名称,联系人,电话\n甲,甲,王,1\n".encode(),
            "duplicate header '客户名称'",
        ),
        ("bad.xlsx", b"not a workbook", "bad.xlsx: not a readable .xlsx workbook"),
        ("missing.xlsx", None, "missing.xlsx: file not found"),
    ],
)
def test_unusable_files_fail_clearly_and_store_nothing(
    tmp_path, monkeypatch, name, content, needle
):
    from typer.testing import CliRunner

    import sync
    from core.store import Store

    monkeypatch.chdir(tmp_path)
    if content is not None:
        (tmp_path / name).write_bytes(content)
    result = CliRunner().invoke(sync.app, ["import", name])
    assert result.exit_code == 3, result.output
    assert needle in result.output
    assert "Traceback" not in result.output
    if (tmp_path / "tablesync.db").exists():
        with Store.open("sqlite:///tablesync.db") as store:
            assert store.count_customers() == 0
