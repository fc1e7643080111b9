"""Finding duplicates: blocking -> scoring -> decisions -> constrained clustering.

:func:`resolve` is the engine and knows nothing about customers: it takes profiles, their
blocking keys and a judge. :func:`find_duplicates` runs it on customer records; the benchmark
runs the same engine on the FEBRL person records through its own small field mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Protocol, TypeVar

from core.dedupe.blocking import candidate_pairs
from core.dedupe.cluster import constrained_groups
from core.dedupe.scoring import CustomerJudge, blocking_keys, build_profile, sort_key
from core.dedupe.types import CandidatePair, Decision, DedupeRecord, DedupeResult
from core.models import Customer
from core.settings import DedupeSettings

P = TypeVar("P")


class Judgement(Protocol):
    """What the engine needs to know about one compared pair."""

    @property
    def score(self) -> float: ...
    @property
    def decision(self) -> Decision | None: ...
    @property
    def reasons(self) -> tuple[str, ...]: ...
    @property
    def conflict(self) -> bool: ...


#: Reason added to a sure pair whose merge was refused by the clustering constraints.
CHAIN_REASON = "not merged automatically: its group holds a record that conflicts with the other"


def resolve(
    profiles: Sequence[P],
    *,
    record_keys: Sequence[str],
    existing: Sequence[bool],
    keys: Callable[[P], Iterable[str]],
    order: Callable[[P], str],
    judge: Callable[[P, P], Judgement],
    max_block: int,
    window: int,
    rejected: Collection[frozenset[str]] = (),
) -> DedupeResult:
    """Run blocking, scoring and clustering over ``profiles``.

    ``record_keys[i]`` names profile ``i`` in the result. Pairs of two ``existing`` profiles
    are never compared and never grouped; ``rejected`` pairs are never compared, never
    proposed and never put in one group.
    """
    n = len(profiles)
    position = {key: i for i, key in enumerate(record_keys)}
    if len(position) != n:
        raise ValueError("record keys must be unique within one call")
    banned: set[tuple[int, int]] = set()
    for pair in rejected:
        if len(pair) != 2:
            continue
        x, y = (position.get(k) for k in pair)
        if x is not None and y is not None:
            banned.add((min(x, y), max(x, y)))

    verdicts: dict[tuple[int, int], Judgement] = {}
    for i, j in candidate_pairs(
        profiles, keys, order, existing=existing, max_block=max_block, window=window
    ):
        if (i, j) not in banned:
            verdicts[(i, j)] = judge(profiles[i], profiles[j])

    def conflict(x: int, y: int) -> bool:
        pair = (x, y) if x < y else (y, x)
        if pair in banned or (existing[x] and existing[y]):
            return True
        verdict = verdicts.get(pair)
        if verdict is None:
            # Not a candidate pair, but about to share a group: judge it now.
            verdict = verdicts[pair] = judge(profiles[pair[0]], profiles[pair[1]])
        return verdict.conflict

    edges = [(v.score, i, j) for (i, j), v in verdicts.items() if v.decision == "auto"]
    groups, refused = constrained_groups(n, edges, conflict)
    refused_set = set(refused)
    group_of: dict[int, int] = {}
    for number, members in enumerate(groups):
        for member in members:
            group_of[member] = number

    result = DedupeResult()
    for (i, j), verdict in verdicts.items():
        if verdict.decision is None:
            continue
        decision: Decision = verdict.decision
        reasons = verdict.reasons
        if (i, j) in refused_set:
            decision = "review"
            reasons = (*reasons, CHAIN_REASON)
        a, b = sorted((record_keys[i], record_keys[j]))
        candidate = CandidatePair(a=a, b=b, score=verdict.score, reasons=reasons, decision=decision)
        result.pairs.append(candidate)
        same_group = group_of.get(i, -1) == group_of.get(j, -2)
        if decision == "review" and not same_group:
            result.review.append(candidate)
    result.pairs.sort(key=lambda p: (-p.score, p.a, p.b))
    result.review.sort(key=lambda p: (-p.score, p.a, p.b))
    result.groups = sorted(sorted(record_keys[m] for m in members) for members in groups)
    return result


def find_duplicates(
    records: Sequence[DedupeRecord],
    settings: DedupeSettings = DedupeSettings(),  # noqa: B008 - immutable in practice, per contract
    *,
    existing: Sequence[DedupeRecord] = (),
    rejected: Collection[frozenset[str]] = (),
) -> DedupeResult:
    """Find the duplicates among ``records`` and between them and ``existing`` ones.

    New records are compared with each other and with ``existing`` (already stored) ones;
    existing records are never compared with each other. Sure matches come back as ``groups``
    to merge automatically, uncertain ones as ``review`` pairs; a pair in ``rejected`` (a person
    said "not a duplicate") is never proposed again.

    >>> from core.models import Customer
    >>> a = DedupeRecord("C-20240101-1", Customer(company_name="北京星辰科技有限公司",
    ...     contact_name="王伟", phone=("13812345678",)))
    >>> b = DedupeRecord("sheet:7", Customer(company_name="星辰科技(北京)有限公司",
    ...     contact_name="王偉", phone=("+86 138-1234-5678",)))
    >>> find_duplicates([b], existing=[a]).groups
    [['C-20240101-1', 'sheet:7']]
    """
    all_records = [*records, *existing]
    flags = [False] * len(records) + [True] * len(existing)
    profiles = [build_profile(record) for record in all_records]
    judge = CustomerJudge(settings)
    return resolve(
        profiles,
        record_keys=[record.key for record in all_records],
        existing=flags,
        keys=blocking_keys,
        order=sort_key,
        judge=judge.judge,
        max_block=settings.max_block,
        window=settings.window,
        rejected=rejected,
    )


def match_keys(customer: Customer) -> list[str]:
    """The blocking keys of one customer, to keep beside it in the store.

    With them the store hands an import (or a pull) only the stored customers that share a
    key with an arriving record, so matching costs grow with what arrives, not with the store.
    """
    record = DedupeRecord(key=customer.customer_id or "", customer=customer)
    return sorted(set(blocking_keys(build_profile(record))))
