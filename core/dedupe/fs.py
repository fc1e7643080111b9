"""Fellegi–Sunter scoring with weights learned by EM, for records without hand-set weights.

The customer scorer (:mod:`core.dedupe.scoring`) uses hand-set weights and domain rules. Other
record shapes — the FEBRL person records the benchmark checks the engine on, or a table a
team maps in with its own columns — need weights too, and usually have no labelled pairs.
This module estimates them unsupervised: every compared pair gets a vector of agreement
levels, and expectation–maximisation splits the pairs into a "match" and a "non-match"
population under the usual conditional-independence assumption, giving per level the
probabilities m (among matches) and u (among non-matches). A level weighs log2(m/u) bits.

Identical vectors are counted once, so EM runs over a few hundred patterns, not over every
pair: it takes milliseconds even for a million pairs.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from core.dedupe.scoring import Verdict
from core.dedupe.types import Decision
from core.settings import DedupeSettings

P = TypeVar("P")
Vector = tuple[int | None, ...]

#: Probabilities are kept away from 0 and 1 so that no level weighs infinitely much.
_FLOOR = 1e-6


@dataclass(frozen=True)
class Comparison(Generic[P]):
    """One field comparison: ``compare`` gives the index of the level two records reach
    (``levels`` best first, the last meaning "different"), or ``None`` when either side has
    no value — a missing value is no evidence either way."""

    name: str
    levels: tuple[str, ...]
    compare: Callable[[P, P], int | None]


@dataclass(frozen=True)
class FSModel(Generic[P]):
    """Comparisons with their m and u probabilities and the share of matches (lambda)."""

    comparisons: tuple[Comparison[P], ...]
    m: tuple[tuple[float, ...], ...]
    u: tuple[tuple[float, ...], ...]
    match_share: float

    @classmethod
    def start(cls, comparisons: Sequence[Comparison[P]], match_share: float = 0.1) -> FSModel[P]:
        """A neutral starting point for EM: agreement likely among matches, rare otherwise."""
        m: list[tuple[float, ...]] = []
        u: list[tuple[float, ...]] = []
        for comparison in comparisons:
            k = len(comparison.levels)
            if k < 2:
                raise ValueError(f"{comparison.name}: a comparison needs two levels or more")
            m.append((0.9, *([0.1 / (k - 1)] * (k - 1))))
            u.append((*([0.1 / (k - 1)] * (k - 1)), 0.9))
        return cls(tuple(comparisons), tuple(m), tuple(u), match_share)

    def vector(self, a: P, b: P) -> Vector:
        return tuple(c.compare(a, b) for c in self.comparisons)

    def bits(self, vector: Vector) -> float:
        """The match weight of a vector: prior log-odds plus every level's log2(m/u)."""
        total = math.log2(self.match_share / (1.0 - self.match_share))
        for k, level in enumerate(vector):
            if level is not None:
                total += math.log2(self.m[k][level] / self.u[k][level])
        return total

    def probability(self, vector: Vector) -> float:
        bits = self.bits(vector)
        if bits > 60:
            return 1.0
        return 1.0 / (1.0 + 2.0 ** (-bits))

    def weights(self) -> dict[str, dict[str, float]]:
        """Per comparison and level, the weight in bits (for reports and debugging)."""
        return {
            c.name: {
                level: round(math.log2(self.m[k][i] / self.u[k][i]), 2)
                for i, level in enumerate(c.levels)
            }
            for k, c in enumerate(self.comparisons)
        }


def fit_em(
    model: FSModel[P],
    vectors: Iterable[Vector],
    *,
    iterations: int = 200,
    tolerance: float = 1e-7,
) -> FSModel[P]:
    """Estimate m, u and the match share from unlabelled comparison vectors."""
    patterns = Counter(vectors)
    if not patterns:
        return model
    items = list(patterns.items())
    sizes = [len(c.levels) for c in model.comparisons]
    m = [list(row) for row in model.m]
    u = [list(row) for row in model.u]
    share = model.match_share
    for _ in range(iterations):
        # E step: the probability that each pattern is a match.
        posts: list[float] = []
        for vector, _count in items:
            log_m = math.log(share)
            log_u = math.log(1.0 - share)
            for k, level in enumerate(vector):
                if level is not None:
                    log_m += math.log(m[k][level])
                    log_u += math.log(u[k][level])
            top = max(log_m, log_u)
            pm, pu = math.exp(log_m - top), math.exp(log_u - top)
            posts.append(pm / (pm + pu))
        # M step: re-estimate from the expected counts; a missing value counts for nothing.
        total = sum(count for _vector, count in items)
        matched = sum(post * count for post, (_v, count) in zip(posts, items, strict=True))
        new_share = min(max(matched / total, _FLOOR), 1.0 - _FLOOR)
        new_m = [[0.0] * size for size in sizes]
        new_u = [[0.0] * size for size in sizes]
        for post, (vector, count) in zip(posts, items, strict=True):
            for k, level in enumerate(vector):
                if level is not None:
                    new_m[k][level] += post * count
                    new_u[k][level] += (1.0 - post) * count
        change = abs(new_share - share)
        for k in range(len(sizes)):
            for row, old in ((new_m[k], m[k]), (new_u[k], u[k])):
                mass = sum(row)
                for i in range(len(row)):
                    value = row[i] / mass if mass > 0 else old[i]
                    row[i] = min(max(value, _FLOOR), 1.0)
                    change = max(change, abs(row[i] - old[i]))
        m, u, share = new_m, new_u, new_share
        if change < tolerance:
            break
    return FSModel(
        model.comparisons,
        tuple(tuple(row) for row in m),
        tuple(tuple(row) for row in u),
        share,
    )


class FSJudge(Generic[P]):
    """Turns an :class:`FSModel` into the engine's judgements: a pair at or above ``auto`` is a
    sure match, at or above ``review`` goes to a person, below ``conflict_below`` it may never
    be joined with the other record through a third one."""

    def __init__(
        self,
        model: FSModel[P],
        *,
        auto: float = 0.92,
        review: float = 0.7,
        conflict_below: float = 0.2,
    ) -> None:
        self.model = model
        self.auto = auto
        self.review = review
        self.conflict_below = conflict_below

    @classmethod
    def from_settings(cls, model: FSModel[P], settings: DedupeSettings) -> FSJudge[P]:
        """The thresholds of the customer dedupe settings, applied to this model."""
        return cls(
            model,
            auto=settings.auto_merge_threshold,
            review=settings.review_threshold,
            conflict_below=settings.chain_min_probability,
        )

    def judge(self, a: P, b: P) -> Verdict:
        vector = self.model.vector(a, b)
        probability = self.model.probability(vector)
        decision: Decision | None = None
        if probability >= self.auto:
            decision = "auto"
        elif probability >= self.review:
            decision = "review"
        reasons: tuple[str, ...] = ()
        if decision is not None:
            reasons = tuple(
                f"{c.name}: {c.levels[level]}"
                for c, level in zip(self.model.comparisons, vector, strict=True)
                if level is not None
            )
        return Verdict(
            probability=probability,
            score=round(probability, 4),
            decision=decision,
            reasons=reasons,
            conflict=probability < self.conflict_below,
        )
