"""Typed options of the pure pipeline stages (quality, tagging, dedupe).

They live in ``core`` because the stages take them as arguments; ``config`` embeds them in the
YAML model. Every option has a default, so an empty config gives the documented behaviour.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SensitivePolicy = Literal["mask", "quarantine"]


class TagCondition(BaseModel):
    """A test on one field's normalized value; every operator given must hold.

    ``in`` is spelled ``in_`` in Python and ``in`` in YAML.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    equals: Any = None
    not_equals: Any = None
    contains: str | None = None
    in_: list[Any] | None = Field(default=None, alias="in")
    regex: str | None = None
    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None
    empty: bool | None = None
    #: date fields: the date is before today (``true``) — e.g. 下次跟进 overdue.
    overdue: bool | None = None
    #: date fields: the date is within the next N days (N >= 0) or the last -N days.
    within_days: int | None = None
    #: date fields: the date is more than N days ago.
    older_than_days: int | None = None

    @model_validator(mode="after")
    def _at_least_one(self) -> TagCondition:
        if not self.model_fields_set:
            raise ValueError("a condition needs at least one operator")
        return self


class TagRule(BaseModel):
    """Add ``tag`` when every condition in ``when`` holds (field name -> condition).

    A bare value is shorthand for ``equals``: ``when: {source: 展会}``.
    """

    model_config = ConfigDict(extra="forbid")

    tag: str = Field(min_length=1)
    when: dict[str, TagCondition]

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("when"), dict):
            data = dict(data)
            data["when"] = {
                key: value if isinstance(value, dict) else {"equals": value}
                for key, value in data["when"].items()
            }
        return data


class QualitySettings(BaseModel):
    """How values are cleaned and judged."""

    model_config = ConfigDict(extra="forbid")

    #: Fields a row must have; default: the dictionary's required fields.
    required: list[str] | None = None
    #: Extra value synonyms per enum field: ``{level: {A: 重点客户}}``.
    enum_aliases: dict[str, dict[str, str]] = Field(default_factory=dict)
    #: Extra allowed values for enum fields marked extensible (跟进状态, 需求类型).
    enum_choices: dict[str, list[str]] = Field(default_factory=dict)
    #: Extra industry synonyms: ``{电商: 零售业}``.
    industry_aliases: dict[str, str] = Field(default_factory=dict)
    #: What to do with an ID-card or bank-card number found in a text field.
    sensitive: SensitivePolicy = "mask"
    #: How to read an all-numeric date like 5/10/2024 when both readings are valid dates:
    #: "reject" (a validation issue), "mdy" or "dmy".
    ambiguous_dates: Literal["reject", "mdy", "dmy"] = "reject"
    #: Dates before this year or after (this year + future_years) are a validation issue.
    earliest_year: int = 1950
    future_years: int = 30


class DedupeSettings(BaseModel):
    """How duplicates are found and merged (see ``core.dedupe``)."""

    model_config = ConfigDict(extra="allow")

    #: Pairs scoring at least this merge automatically.
    auto_merge_threshold: float = 0.92
    #: Pairs scoring at least this (and below auto) go to the review queue.
    review_threshold: float = 0.70
    #: Survivorship per field: "newest" (newest non-empty by modified time) or "most_complete".
    survivorship: dict[str, Literal["newest", "most_complete"]] = Field(default_factory=dict)
    default_survivorship: Literal["newest", "most_complete"] = "newest"
