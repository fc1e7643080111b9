"""客户编号 (customer_id): the C-YYYYMMDD-N format and its generator."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from core.models import CUSTOMER_ID_PATTERN


def format_customer_id(day: date, number: int) -> str:
    """``C-YYYYMMDD-N``: the N-th customer created on ``day`` (N starts at 1).

    >>> format_customer_id(date(2024, 5, 10), 3)
    'C-20240510-3'
    """
    if number < 1:
        raise ValueError("customer numbers start at 1")
    return f"C-{day:%Y%m%d}-{number}"


def parse_customer_id(value: str) -> tuple[date, int] | None:
    """The (day, number) of a generated id, or ``None`` when ``value`` is not in that format
    or names an impossible day (C-20241340-1)."""
    match = CUSTOMER_ID_PATTERN.match(value)
    if match is None:
        return None
    try:
        digits = match.group(1)  # exactly 8 digits; date() is ~10x cheaper than strptime
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
    return day, int(match.group(2))


def next_customer_id(day: date, existing: Iterable[str]) -> str:
    """The next free id of ``day`` given the ids already in use (of any day or format)."""
    highest = 0
    for value in existing:
        parsed = parse_customer_id(value)
        if parsed is not None and parsed[0] == day:
            highest = max(highest, parsed[1])
    return format_customer_id(day, highest + 1)


class CustomerIdAllocator:
    """Hands out fresh ids for one run, never repeating one already used or handed out."""

    def __init__(self, existing: Iterable[str] = ()) -> None:
        self._highest: dict[date, int] = {}
        for value in existing:
            self.reserve(value)

    def reserve(self, value: str) -> None:
        """Mark ``value`` as taken (ids arriving from tables)."""
        parsed = parse_customer_id(value)
        if parsed is not None:
            day, number = parsed
            self._highest[day] = max(self._highest.get(day, 0), number)

    def allocate(self, day: date) -> str:
        number = self._highest.get(day, 0) + 1
        self._highest[day] = number
        return format_customer_id(day, number)
