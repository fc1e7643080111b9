"""Blocking, constrained clustering and the EM-fitted scorer, on their own."""

from __future__ import annotations

import random

from core.dedupe.blocking import candidate_pairs
from core.dedupe.cluster import constrained_groups
from core.dedupe.engine import resolve
from core.dedupe.fs import Comparison, FSJudge, FSModel, fit_em


def test_blocking_pairs_records_sharing_a_key_only() -> None:
    keys = [["x"], ["x", "y"], ["y"], ["z"]]
    pairs = candidate_pairs(
        range(4), lambda i: keys[i], str, existing=[False] * 4, max_block=10, window=2
    )
    assert pairs == [(0, 1), (1, 2)]


def test_blocking_never_pairs_two_existing_records() -> None:
    pairs = candidate_pairs(
        range(3), lambda i: ["k"], str, existing=[True, True, False], max_block=10, window=2
    )
    assert pairs == [(0, 2), (1, 2)]


def test_oversized_blocks_use_a_sorted_window_so_cost_stays_linear() -> None:
    n = 1000
    pairs = candidate_pairs(
        range(n),
        lambda i: ["everyone"],
        lambda i: f"{i:05d}",
        existing=[False] * n,
        max_block=50,
        window=3,
    )
    assert len(pairs) == 3 * n - 6  # each record with its next three, not n*(n-1)/2
    assert (0, 1) in pairs and (0, 4) not in pairs


def test_clustering_refuses_to_chain_conflicting_records() -> None:
    edges = [(0.99, 0, 1), (0.98, 1, 2), (0.97, 2, 3)]
    groups, refused = constrained_groups(4, edges, lambda x, y: {x, y} == {0, 2})
    assert groups == [[0, 1], [2, 3]]
    assert refused == [(1, 2)]


def test_clustering_joins_the_strongest_first() -> None:
    edges = [(0.93, 0, 1), (0.99, 1, 2)]
    groups, refused = constrained_groups(3, edges, lambda x, y: {x, y} == {0, 1})
    assert groups == [[1, 2]]
    assert refused == [(0, 1)]


def _toy(seed: int) -> tuple[list[tuple[str, str, str]], set[frozenset[int]]]:
    """Records (name, city, year) where duplicates copy a record with an occasional typo."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    people = []
    truth: set[frozenset[int]] = set()
    for _ in range(300):
        person = (
            "".join(rng.choice(letters) for _ in range(6)),
            rng.choice(["north", "south", "east", "west"]),
            str(rng.randrange(1940, 2000)),
        )
        people.append(person)
        if rng.random() < 0.4:
            name = list(person[0])
            if rng.random() < 0.3:
                name[rng.randrange(6)] = rng.choice(letters)
            people.append(("".join(name), person[1], person[2]))
            truth.add(frozenset((len(people) - 2, len(people) - 1)))
    return people, truth


def _level(x: str, y: str) -> int:
    if x == y:
        return 0
    return 1 if sum(a != b for a, b in zip(x, y, strict=False)) <= 1 else 2


Toy = tuple[str, str, str]
COMPARISONS: tuple[Comparison[Toy], ...] = (
    Comparison("name", ("exact", "one typo", "different"), lambda a, b: _level(a[0], b[0])),
    Comparison("city", ("exact", "different"), lambda a, b: int(a[1] != b[1])),
    Comparison("year", ("exact", "different"), lambda a, b: int(a[2] != b[2])),
)


def test_em_learns_weights_without_labels_and_the_engine_uses_them() -> None:
    people, truth = _toy(3)
    blocks = lambda p: [p[0][:2], p[0][-2:]]  # noqa: E731 - a tiny key function
    existing = [False] * len(people)
    pairs = candidate_pairs(people, blocks, str, existing=existing, max_block=50, window=5)
    start = FSModel.start(COMPARISONS)
    model = fit_em(start, [start.vector(people[i], people[j]) for i, j in pairs])
    weights = model.weights()
    assert weights["name"]["exact"] > 0 > weights["name"]["different"]
    assert weights["year"]["exact"] > 0 > weights["year"]["different"]
    result = resolve(
        people,
        record_keys=[str(i) for i in range(len(people))],
        existing=existing,
        keys=blocks,
        order=str,
        judge=FSJudge(model).judge,
        max_block=50,
        window=5,
    )
    found = {frozenset(int(k) for k in pair) for g in result.groups for pair in [g] if len(g) == 2}
    assert len(found & truth) >= 0.9 * len(truth)
    assert len(found - truth) <= 0.02 * len(truth) + 1


def test_missing_values_weigh_nothing() -> None:
    model = FSModel.start(COMPARISONS)
    assert model.bits((0, None, None)) == model.bits((0, None, None))
    with_city = model.bits((0, 0, None))
    assert with_city > model.bits((0, None, None))
