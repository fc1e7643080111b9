"""The values that go in and out of the dedupe stage (the contract the store and CLI rely on)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from core.models import Customer

Decision = Literal["auto", "review"]


@dataclass(frozen=True)
class DedupeRecord:
    """One record to compare.

    ``key`` is unique within one call: a customer_id for a stored customer, or ``"table:row"``
    for a row that is not stored yet. ``table`` is where the values came from and
    ``modified_at`` when they were last changed there; both feed survivorship and provenance.
    """

    key: str
    customer: Customer
    table: str | None = None
    modified_at: datetime | None = None


@dataclass(frozen=True)
class CandidatePair:
    """Two records that may be one customer.

    ``score`` is the match probability (0..1) from the field evidence; ``reasons`` say in words
    what agreed and what did not; ``decision`` is ``auto`` for a sure match that is merged
    without asking and ``review`` for a pair a person must look at.
    """

    a: str
    b: str
    score: float
    reasons: tuple[str, ...]
    decision: Decision


@dataclass
class DedupeResult:
    """What :func:`core.dedupe.find_duplicates` found.

    ``pairs`` holds every pair at or above the review threshold; ``groups`` the clusters to merge
    automatically (each of two keys or more, never two different customers chained through a
    third); ``review`` the uncertain pairs for a person (never a pair already inside one group).
    """

    pairs: list[CandidatePair] = field(default_factory=list)
    groups: list[list[str]] = field(default_factory=list)
    review: list[CandidatePair] = field(default_factory=list)


@dataclass(frozen=True)
class MergeOutcome:
    """One customer made from several records.

    ``survivor.customer_id`` is the id of the oldest stored customer among them (see
    :func:`core.dedupe.merge.choose_customer_id`); ``merged_from`` the keys of the records folded
    into it (the store remaps their follow-ups and links); ``provenance`` names, per field with a
    value, the key of the record that value came from, and ``provenance_tables`` its table.
    """

    survivor: Customer
    merged_from: tuple[str, ...]
    provenance: dict[str, str]
    provenance_tables: dict[str, str | None]
