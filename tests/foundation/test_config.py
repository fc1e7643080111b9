"""Configuration: the YAML of DESIGN.md, ${VAR} from the environment, clear errors, no secrets shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import load_config, parse_config
from core.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
ENV = {
    "FEISHU_APP_ID": "cli_x",
    "FEISHU_APP_SECRET": "feishu-very-secret",
    "GOOGLE_APPLICATION_CREDENTIALS": "/etc/sa.json",
    "AIRTABLE_TOKEN": "patVerySecretToken",
    "SHEETS_TOKEN": "sheets-secret",
}


def test_example_config_loads_with_every_table_kind():
    config = load_config(ROOT / "config" / "example.yaml", environ=ENV)
    assert [t.kind for t in config.tables] == ["feishu", "gsheets", "airtable", "excel"]
    assert config.conflict_policy == "manual" and config.delete_policy == "hold"
    assert config.tagging[0].tag == "展会客户"
    feishu = config.table("sales-feishu")
    assert feishu.app_secret.get_secret_value() == "feishu-very-secret"


def test_sandbox_config_loads():
    config = load_config(ROOT / "config" / "sandbox.yaml", environ=ENV)
    assert all("127.0.0.1" in getattr(t, "endpoint", "127.0.0.1") for t in config.tables)


def test_secrets_never_print():
    config = load_config(ROOT / "config" / "example.yaml", environ=ENV)
    shown = repr(config) + str(config) + config.model_dump_json()
    for secret in ("feishu-very-secret", "patVerySecretToken"):
        assert secret not in shown


def test_missing_variable_names_file_key_and_variable(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(
        "tables:\n  - name: a\n    kind: airtable\n    token: ${NOPE}\n", encoding="utf-8"
    )
    with pytest.raises(
        ConfigError, match=r"c\.yaml: tables\[0\]\.token: environment variable NOPE is not set"
    ):
        load_config(path, environ={})


def test_validation_errors_name_key_and_table_but_not_the_value():
    text = """
tables:
  - name: g
    kind: airtable
    token: ${T}
    base_id: not-a-base
    table: Customers
  - name: g
    kind: excel
    path: data.txt
conflict_policy: sometimes
"""
    with pytest.raises(ConfigError) as info:
        parse_config(text, source="cfg.yaml", environ={"T": "patLeakMe"})
    message = str(info.value)
    assert "cfg.yaml" in message
    assert "tables[0].base_id (table g)" in message
    assert "conflict_policy" in message
    assert "data.txt must be an .xlsx or .csv file" in message
    assert "patLeakMe" not in message


def test_duplicate_table_names_and_bad_mappings_are_rejected():
    with pytest.raises(ConfigError, match="used twice"):
        parse_config(
            "tables: [{name: a, kind: excel, path: a.xlsx}, {name: a, kind: excel, path: b.csv}]"
        )
    with pytest.raises(ConfigError, match="unknown canonical field"):
        parse_config("tables: [{name: a, kind: excel, path: a.xlsx, columns: {X: nonsense}}]")
    with pytest.raises(ConfigError, match="both map to company_name"):
        parse_config(
            "tables: [{name: a, kind: excel, path: a.xlsx, columns: {X: company_name, Y: company_name}}]"
        )


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("timezone: Mars/Olympus", "unknown timezone"),
        ("schedule: every night", "not a cron expression"),
        ("store: mysql://x", "store must be"),
        ("tables: [1, 2", "not valid YAML"),
        ("- a\n- b", "top level must be a mapping"),
        ("tagging: [{tag: x, when: {source: {sorta: 1}}}]", "tagging[0].when.source.sorta"),
    ],
)
def test_bad_values_are_configuration_errors(text, needle):
    with pytest.raises(ConfigError, match=None) as info:
        parse_config(text)
    assert needle in str(info.value)


def test_missing_file_says_how_to_point_at_one(tmp_path):
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(tmp_path / "absent.yaml")


def test_environment_variable_names_the_default_file(tmp_path, monkeypatch):
    path = tmp_path / "x.yaml"
    path.write_text("timezone: UTC\n", encoding="utf-8")
    monkeypatch.setenv("TABLESYNC_CONFIG", str(path))
    assert load_config().timezone == "UTC"
