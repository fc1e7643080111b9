"""Typed configuration: the YAML of DESIGN.md as Pydantic models, loaded with ``${VAR}`` expansion."""

from config.loader import DEFAULT_CONFIG_PATH, load_config, parse_config
from config.models import (
    AirtableTableConfig,
    ExcelTableConfig,
    FeishuTableConfig,
    GSheetsTableConfig,
    SyncConfig,
    TableConfig,
)

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "AirtableTableConfig",
    "ExcelTableConfig",
    "FeishuTableConfig",
    "GSheetsTableConfig",
    "SyncConfig",
    "TableConfig",
    "load_config",
    "parse_config",
]
