"""The configuration file as typed models.

Secrets (tokens, app secrets) are ``SecretStr``: they print as ``**********`` and reach the
wire only through ``get_secret_value()`` inside a connector.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from core.fields import FIELD_BY_NAME
from core.settings import DedupeSettings, QualitySettings, TagRule

ConflictPolicy = Literal["manual", "local_wins", "remote_wins", "newest_wins"]
DeletePolicy = Literal["hold", "propagate", "ignore"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TableBase(_Strict):
    """What every table has, whatever its platform."""

    #: Unique; used in messages, plans and reports.
    name: str = Field(min_length=1, pattern=r"^[^\s/]+$")
    #: ``default``: the Chinese headers of the import template (and their synonyms); or a
    #: mapping of column name -> canonical field name.
    columns: Literal["default"] | dict[str, str] = "default"
    #: Pulled from, never written to.
    read_only: bool = False
    #: Only customers whose fields equal these values are pushed to this table.
    scope: dict[str, str] | None = None
    #: Show phone numbers with the middle four digits hidden (138****5678) in this table.
    mask_phone: bool = False

    @field_validator("columns")
    @classmethod
    def _columns_name_fields(
        cls, value: Literal["default"] | dict[str, str]
    ) -> Literal["default"] | dict[str, str]:
        if isinstance(value, dict):
            unknown = sorted({field for field in value.values() if field not in FIELD_BY_NAME})
            if unknown:
                raise ValueError(
                    f"unknown canonical field(s) {', '.join(unknown)}; "
                    f"known: {', '.join(FIELD_BY_NAME)}"
                )
            seen: dict[str, str] = {}
            for column, field in value.items():
                if field in seen:
                    raise ValueError(f"columns {seen[field]!r} and {column!r} both map to {field}")
                seen[field] = column
        return value

    @field_validator("scope")
    @classmethod
    def _scope_names_fields(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        for field in value or {}:
            if field not in FIELD_BY_NAME:
                raise ValueError(f"scope names unknown field {field!r}")
        return value


class FeishuTableConfig(TableBase):
    kind: Literal["feishu"]
    endpoint: str = "https://open.feishu.cn"
    app_id: str = Field(min_length=1)
    app_secret: SecretStr
    app_token: str = Field(min_length=1)
    table_id: str = Field(min_length=1)
    #: Records per batch write (the platform allows up to 1,000 creates/updates, 500 deletes).
    batch_size: int = Field(default=500, ge=1, le=1000)


class GSheetsTableConfig(TableBase):
    kind: Literal["gsheets"]
    endpoint: str = "https://sheets.googleapis.com"
    #: Path of a service-account JSON file.
    credentials: str | None = None
    #: A bearer token instead of a service account (tests, the sandbox).
    token: SecretStr | None = None
    spreadsheet_id: str = Field(min_length=1)
    worksheet: str = "客户信息"

    @model_validator(mode="after")
    def _one_credential(self) -> GSheetsTableConfig:
        if not self.credentials and self.token is None:
            raise ValueError("give either credentials (service-account JSON file) or token")
        return self


class AirtableTableConfig(TableBase):
    kind: Literal["airtable"]
    endpoint: str = "https://api.airtable.com"
    token: SecretStr
    base_id: str = Field(pattern=r"^app[A-Za-z0-9]{14}$")
    table: str = Field(min_length=1)


class ExcelTableConfig(TableBase):
    kind: Literal["excel"]
    #: An .xlsx or .csv file.
    path: Path
    #: Worksheet of an .xlsx file; default: 客户信息 if present, else the first sheet.
    sheet: str | None = None

    @field_validator("path")
    @classmethod
    def _xlsx_or_csv(cls, value: Path) -> Path:
        if value.suffix.lower() not in (".xlsx", ".csv"):
            raise ValueError(f"{value} must be an .xlsx or .csv file")
        return value


TableConfig = Annotated[
    FeishuTableConfig | GSheetsTableConfig | AirtableTableConfig | ExcelTableConfig,
    Field(discriminator="kind"),
]


class SyncConfig(_Strict):
    """The whole configuration file."""

    #: SQLAlchemy URL of the store: ``sqlite:///tablesync.db`` or ``postgresql+psycopg://...``.
    store: str = "sqlite:///tablesync.db"
    timezone: str = "Asia/Shanghai"
    conflict_policy: ConflictPolicy = "manual"
    delete_policy: DeletePolicy = "hold"
    #: Cron expression (five fields) for ``sync.py schedule``.
    schedule: str = "0 2 * * *"
    tables: list[TableConfig] = Field(default_factory=list)
    tagging: list[TagRule] = Field(default_factory=list)
    quality: QualitySettings = Field(default_factory=QualitySettings)
    dedupe: DedupeSettings = Field(default_factory=DedupeSettings)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown timezone {value!r} (use an IANA name such as Asia/Shanghai)"
            ) from None
        return value

    @field_validator("schedule")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value)
        except ValueError as exc:
            raise ValueError(f"not a cron expression ({exc})") from None
        return value

    @field_validator("store")
    @classmethod
    def _store_url(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql")):
            raise ValueError("store must be a sqlite:/// or postgresql+psycopg:// URL")
        return value

    @model_validator(mode="after")
    def _unique_table_names(self) -> SyncConfig:
        seen: set[str] = set()
        for table in self.tables:
            if table.name in seen:
                raise ValueError(f"table name {table.name!r} is used twice; names must be unique")
            seen.add(table.name)
        return self

    def table(self, name: str) -> TableConfig:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)
