"""The synthetic customer generator: seeded, truthful about its duplicates, writes files."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import load_workbook

from bench.gen_customers import generate, main
from core.dedupe import find_duplicates
from core.fields import FIELD_BY_NAME


def test_same_seed_same_data() -> None:
    one, two = generate(300, seed=5), generate(300, seed=5)
    assert one.rows == two.rows
    assert one.true_pairs == two.true_pairs
    assert generate(300, seed=6).rows != one.rows


def test_truth_is_consistent() -> None:
    data = generate(1000, seed=2)
    assert len(data.records) == 1000
    keys = {r.key for r in data.records}
    assert len(keys) == 1000
    for pair in data.true_pairs:
        a, b = tuple(pair)
        assert data.entity_of[a] == data.entity_of[b]
    for kind, pairs in data.hard_negatives.items():
        assert pairs, kind
        for pair in pairs:
            a, b = tuple(pair)
            assert data.entity_of[a] != data.entity_of[b]
            assert pair not in data.true_pairs


def test_engine_on_two_thousand_generated_records() -> None:
    data = generate(2000, seed=11)
    result = find_duplicates(data.records)
    merged = {frozenset((a, b)) for g in result.groups for i, a in enumerate(g) for b in g[i + 1 :]}
    correct = len(merged & data.true_pairs)
    assert correct / len(merged) >= 0.995
    assert correct / len(data.true_pairs) >= 0.95
    hard = set().union(*data.hard_negatives.values())
    assert not hard & merged, "a look-alike of another customer was merged automatically"


def test_writes_xlsx_and_csv_with_the_dictionary_headers(tmp_path: Path) -> None:
    xlsx = tmp_path / "customers.xlsx"
    assert main(["-n", "40", "--seed", "3", "--out", str(xlsx)]) == 0
    sheet = load_workbook(xlsx).active
    assert sheet is not None
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert header[:3] == ["客户编号", "客户名称", "联系人姓名"]
    assert FIELD_BY_NAME["phone"].label in header
    assert sheet.max_row == 41
    phone_column = header.index("联系方式")
    phones = [row[phone_column] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert all(value is None or isinstance(value, str) for value in phones)

    path = tmp_path / "customers.csv"
    assert main(["-n", "40", "--seed", "3", "--out", str(path)]) == 0
    with path.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["客户编号", "客户名称", "联系人姓名"]
    assert len(rows) == 41
