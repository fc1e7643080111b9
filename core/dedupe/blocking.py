"""Blocking: which pairs of records are compared at all.

Comparing every record with every other grows with n²; a 100k-row table would need five billion
comparisons. Instead every record gets a few blocking keys (its phone, its company key, the
pinyin of its contact ...) and only records that share a key are compared. A key that many
records share (a common name like 王伟, a big district) would bring the n² back inside its block,
so a block larger than ``max_block`` is sorted by a second key and only neighbours within
``window`` are paired (sorted neighbourhood). The cost per record is then bounded and the
whole stays close to linear.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

P = TypeVar("P")


def candidate_pairs(
    profiles: Sequence[P],
    keys: Callable[[P], Iterable[str]],
    sort_key: Callable[[P], str],
    *,
    existing: Sequence[bool],
    max_block: int,
    window: int,
) -> list[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, that share at least one blocking key.

    A pair of two ``existing`` records is never produced: they were compared when they were
    stored, and a person may have decided they are two customers.
    """
    blocks: dict[str, list[int]] = {}
    for index, profile in enumerate(profiles):
        for key in set(keys(profile)):
            if key:
                blocks.setdefault(key, []).append(index)

    n = len(profiles)
    seen: set[int] = set()
    out: list[tuple[int, int]] = []

    def add(i: int, j: int) -> None:
        if i > j:
            i, j = j, i
        if existing[i] and existing[j]:
            return
        code = i * n + j
        if code not in seen:
            seen.add(code)
            out.append((i, j))

    sort_cache: dict[int, str] = {}

    def order(index: int) -> str:
        value = sort_cache.get(index)
        if value is None:
            value = sort_cache[index] = sort_key(profiles[index])
        return value

    for members in blocks.values():
        size = len(members)
        if size < 2:
            continue
        if all(existing[m] for m in members):
            continue
        if size <= max_block:
            for x in range(size):
                for y in range(x + 1, size):
                    add(members[x], members[y])
        else:
            ranked = sorted(members, key=order)
            for x in range(size):
                for y in range(x + 1, min(size, x + 1 + window)):
                    add(ranked[x], ranked[y])
    out.sort()
    return out
