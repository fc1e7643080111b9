"""Dedupe: find the records that are one customer, merge the sure ones, queue the rest.

Public API::

    find_duplicates(records, settings, *, existing=(), rejected=()) -> DedupeResult
    merge_records(records, settings) -> MergeOutcome

Layout: ``keys`` (normalized matching keys: company key, pinyin, phone key ...), ``blocking``
(which pairs are compared), ``scoring`` (field evidence, rules, vetoes), ``cluster`` (groups
that never chain two different customers), ``engine`` (the pipeline), ``merge``
(survivorship and provenance).
"""

from __future__ import annotations

from core.dedupe.engine import find_duplicates, match_keys, resolve
from core.dedupe.merge import choose_customer_id, merge_records
from core.dedupe.types import CandidatePair, Decision, DedupeRecord, DedupeResult, MergeOutcome

__all__ = [
    "CandidatePair",
    "Decision",
    "DedupeRecord",
    "DedupeResult",
    "MergeOutcome",
    "choose_customer_id",
    "find_duplicates",
    "match_keys",
    "merge_records",
    "resolve",
]
