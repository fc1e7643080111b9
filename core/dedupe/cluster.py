"""Clustering sure matches into groups without chaining two different customers.

Sure pairs are joined greedily, strongest first. Joining two groups is refused when any record
of one *conflicts* with any record of the other (a veto such as a different contact person, a
pair a person rejected, two customers already stored, or a pair whose own evidence says
"different"). Plain connected components would let A=B and B=C merge A and C even when A and
C are clearly two customers; the check on every cross pair is what prevents that.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


def constrained_groups(
    n: int,
    edges: Sequence[tuple[float, int, int]],
    conflict: Callable[[int, int], bool],
    *,
    max_checks: int = 10_000,
) -> tuple[list[list[int]], list[tuple[int, int]]]:
    """Greedy single-link clustering of ``edges`` (score, i, j) with cannot-link constraints.

    Returns the groups (each of two indices or more, sorted) and the edges that were refused
    because they would have joined conflicting records. ``conflict(x, y)`` is asked for the
    cross pairs of two groups about to join; when there are more than ``max_checks`` of them the
    join is refused outright, since a group that large is more likely a bad chain than one
    customer entered a hundred times.
    """
    parent = list(range(n))
    members: dict[int, list[int]] = {}

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    refused: list[tuple[int, int]] = []
    for _score, i, j in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        left = members.get(ri, [ri])
        right = members.get(rj, [rj])
        if len(left) * len(right) > max_checks or any(conflict(x, y) for x in left for y in right):
            refused.append((i, j))
            continue
        if len(left) < len(right):
            ri, rj, left, right = rj, ri, right, left
        parent[rj] = ri
        members[ri] = left + right
        members.pop(rj, None)
    groups = [sorted(group) for group in members.values() if len(group) >= 2]
    groups.sort()
    return groups, refused
