"""Typed options of the pure pipeline stages (quality, tagging, dedupe).

They live in ``core`` because the stages take them as arguments; ``config`` embeds them in the
YAML model. Every option has a default, so an empty config gives the documented behaviour.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SensitivePolicy = Literal["mask", "quarantine"]
#: Fields a dedupe rule may name.
DedupeRuleField = Literal[
    "company_name", "contact_name", "phone", "email", "customer_id", "address", "industry"
]
DedupeVeto = Literal[
    "different_contact", "different_company", "different_branch", "different_region"
]


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

    #: Fields a row must have; default: the dictionary's required fields. 客户名称 and
    #: 联系人姓名 are required even when left out here (a customer needs them).
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


def _default_dedupe_rules() -> list[list[DedupeRuleField]]:
    return [
        ["contact_name", "phone"],
        ["company_name", "contact_name"],
        ["company_name", "phone"],
        ["contact_name", "email"],
        ["customer_id"],
    ]


def _default_dedupe_vetoes() -> list[DedupeVeto]:
    return ["different_contact", "different_company", "different_branch", "different_region"]


class DedupeSettings(BaseModel):
    """How duplicates are found and merged (see ``core.dedupe``)."""

    model_config = ConfigDict(extra="forbid")

    #: Pairs scoring at least this merge automatically.
    auto_merge_threshold: float = 0.92
    #: Pairs scoring at least this (and below auto) go to the review queue.
    review_threshold: float = 0.70
    #: Survivorship per field: "newest" (newest non-empty by modified time) or "most_complete".
    survivorship: dict[str, Literal["newest", "most_complete"]] = Field(default_factory=dict)
    default_survivorship: Literal["newest", "most_complete"] = "newest"
    #: Sure-match rules: records whose listed fields are all the same (after normalization) are
    #: one customer. The first is the source documents' rule "姓名+联系方式相同判定为重复客户".
    #: A veto (below) still sends such a pair to review instead.
    rules: list[list[DedupeRuleField]] = Field(default_factory=_default_dedupe_rules)
    #: Conflicts that forbid an automatic merge; such a pair goes to review.
    vetoes: list[DedupeVeto] = Field(default_factory=_default_dedupe_vetoes)
    #: Pairs sharing a company, a phone or an e-mail are shown for review even when the rest of
    #: the evidence is weak (same company, another contact person).
    review_related: bool = True
    #: Evidence weights in bits (log2 m/u) overriding the defaults in core.dedupe.scoring,
    #: e.g. ``{"phone.same": 12, "prior": -5}``.
    weights: dict[str, float] = Field(default_factory=dict)
    #: Blocking: a block larger than this is paired by sorted neighbourhood, ``window`` wide.
    max_block: int = Field(default=60, ge=2)
    window: int = Field(default=12, ge=1)
    #: Two records whose own evidence gives a match probability below this are never put in
    #: one group through a third record.
    chain_min_probability: float = Field(default=0.2, ge=0, le=1)

    @model_validator(mode="after")
    def _thresholds_ordered(self) -> DedupeSettings:
        if not 0 < self.review_threshold <= self.auto_merge_threshold <= 1:
            raise ValueError("need 0 < review_threshold <= auto_merge_threshold <= 1")
        return self
