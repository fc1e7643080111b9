"""Reading the YAML file: ``${VAR}`` expansion and errors that name the file and the key.

Error messages never echo values: a value may be a secret that was just expanded.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from config.models import SyncConfig
from core.errors import ConfigError

DEFAULT_CONFIG_PATH = Path("config/sync.yaml")
CONFIG_ENV = "TABLESYNC_CONFIG"

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def config_path(explicit: str | Path | None) -> Path:
    """Which file to read: ``--config``, else ``$TABLESYNC_CONFIG``, else config/sync.yaml."""
    if explicit:
        return Path(explicit)
    from_env = os.environ.get(CONFIG_ENV)
    return Path(from_env) if from_env else DEFAULT_CONFIG_PATH


def load_config(
    path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> SyncConfig:
    """Read, expand and validate a configuration file; raises :class:`ConfigError`."""
    file = config_path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{file}: configuration file not found (give --config PATH or set {CONFIG_ENV})"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{file}: cannot read the configuration file ({type(exc).__name__})"
        ) from None
    return parse_config(text, source=str(file), environ=environ)


def parse_config(
    text: str, *, source: str = "<config>", environ: Mapping[str, str] | None = None
) -> SyncConfig:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(
            f"{source}:{where} is not valid YAML ({getattr(exc, 'problem', exc)})"
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{source}: the top level must be a mapping of keys (store:, tables: ...)"
        )
    expanded = _expand(data, os.environ if environ is None else environ, source, ())
    try:
        return SyncConfig.model_validate(expanded)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, source, expanded)) from None


def _expand(
    value: Any, environ: Mapping[str, str], source: str, path: tuple[str | int, ...]
) -> Any:
    if isinstance(value, str):

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in environ:
                raise ConfigError(
                    f"{source}: {_dotted(path)}: environment variable {name} is not set"
                )
            return environ[name]

        return _VAR.sub(substitute, value)
    if isinstance(value, dict):
        return {
            key: _expand(item, environ, source, (*path, str(key))) for key, item in value.items()
        }
    if isinstance(value, list):
        return [_expand(item, environ, source, (*path, index)) for index, item in enumerate(value)]
    return value


def _dotted(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _describe(exc: ValidationError, source: str, data: dict[str, Any]) -> str:
    lines = [f"{source}: invalid configuration"]
    for error in exc.errors(include_input=False, include_url=False):
        loc = list(error["loc"])
        # A table's discriminated-union tag ("feishu") is noise in a key path; show its name.
        if (
            len(loc) >= 3
            and loc[0] == "tables"
            and isinstance(loc[1], int)
            and loc[2]
            in (
                "feishu",
                "gsheets",
                "airtable",
                "excel",
            )
        ):
            del loc[2]
        where = _dotted(tuple(loc))
        if loc[:1] == ["tables"] and len(loc) >= 2 and isinstance(loc[1], int):
            tables = data.get("tables") or []
            if (
                loc[1] < len(tables)
                and isinstance(tables[loc[1]], dict)
                and tables[loc[1]].get("name")
            ):
                where += f" (table {tables[loc[1]]['name']})"
        message = str(error["msg"]).removeprefix("Value error, ")
        lines.append(f"  {where}: {message}")
    return "\n".join(lines)
