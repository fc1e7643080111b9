"""The pipeline works column by column over batches, remembering each distinct cell's effect.

Whatever it remembers, its outcomes must be exactly those of the staged functions run on each
row in turn (normalize -> validate -> protect -> tag -> Customer): same customer, same issues
in the same order, same masked count, same added tags. The reference below composes those
public functions by hand and every test compares against it.
"""

from __future__ import annotations

import gc
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import core.effects
from bench.pipeline import HEADER_TO_FIELD, RULES, generate
from core.effects import Flagged
from core.fields import FIELDS
from core.issues import Severity
from core.normalize import RowNormalizer
from core.pipeline import (
    BATCH_ROWS,
    PipelineOptions,
    RowOutcome,
    SourceRow,
    build_customer,
    process_row,
    process_rows,
)
from core.protect import SCANNED_FIELDS, protect
from core.settings import QualitySettings, TagRule
from core.tag import compile_rules, rule_tags
from core.validate import required_fields, validate

TODAY = date(2025, 6, 1)
MINIMAL = {"company_name": "甲公司", "contact_name": "王伟", "phone": "13812345678"}


def reference(row: SourceRow, options: PipelineOptions) -> RowOutcome:
    """One row through the staged functions, the way the pipeline is specified."""
    quality = options.quality
    normalizer = RowNormalizer(quality, options.timezone)
    today = options.today or TODAY
    normalized = normalizer(row.values)
    issues = validate(
        normalized.values,
        normalized.problems,
        quality=quality,
        today=today,
        table=row.table,
        row=row.row,
        required=required_fields(quality),
        choices={name: table.choices for name, table in normalizer.enum_tables.items()},
        unknown=normalized.unknown,
        raw=row.values,
    )
    guarded = protect(
        normalized.values,
        policy=quality.sensitive,
        table=row.table,
        row=row.row,
        fields=SCANNED_FIELDS,
    )
    issues.extend(guarded.issues)
    if any(issue.severity is Severity.ERROR for issue in issues):
        return RowOutcome(row, None, issues, guarded.masked)
    values = dict(guarded.values)
    rules = compile_rules(options.tagging, normalizer.enum_tables)
    new_tags = rule_tags(values, rules, today)
    added: tuple[str, ...] = ()
    if new_tags:
        manual = values.get("tags") or ()
        added = tuple(tag for tag in dict.fromkeys(new_tags) if tag not in manual)
        values["tags"] = tuple(sorted({*manual, *new_tags}))
    return RowOutcome(row, build_customer(values), issues, guarded.masked, added)


def same(got: RowOutcome, want: RowOutcome) -> None:
    assert got.source is want.source
    assert got.issues == want.issues, got.source.row
    assert (got.masked, got.added_tags) == (want.masked, want.added_tags), got.source.row
    if want.customer is None:
        assert got.customer is None, got.source.row
        return
    assert got.customer is not None, (got.source.row, got.issues)
    assert got.customer.model_dump() == want.customer.model_dump(), got.source.row
    assert got.customer.model_fields_set == want.customer.model_fields_set


def bench_rows(count: int, seed: int) -> list[SourceRow]:
    return [
        SourceRow("bench", str(number), {HEADER_TO_FIELD[h]: v for h, v in raw.items()})
        for number, raw in enumerate(generate(count, seed), start=2)
    ]


@pytest.mark.parametrize("sensitive", ["mask", "quarantine"])
def test_generated_messy_rows_match_the_staged_functions(sensitive: str) -> None:
    options = PipelineOptions(
        quality=QualitySettings(sensitive=sensitive), tagging=RULES, today=TODAY
    )
    rows = bench_rows(3 * BATCH_ROWS + 17, seed=11)  # several batches and a partial one
    outcomes = list(process_rows(rows, options))
    assert len(outcomes) == len(rows)
    for got, row in zip(outcomes, rows, strict=True):
        same(got, reference(row, options))
    # The set is messy enough to exercise every kind of outcome.
    assert any(o.quarantined for o in outcomes)
    assert any(o.masked for o in outcomes)
    assert any(o.added_tags for o in outcomes)
    assert any(o.issues and not o.quarantined for o in outcomes) == (sensitive == "mask")


def test_rules_sharing_a_tag_and_tags_people_entered() -> None:
    rules = (
        *RULES,
        TagRule(tag="华东", when={"city": {"in": ["南京市", "苏州市"]}}),
        TagRule(tag="高意向", when={"level": "重点客户"}),
    )
    options = PipelineOptions(tagging=rules, today=TODAY)
    rows = bench_rows(400, seed=8)
    outcomes = list(process_rows(rows, options))
    for got, row in zip(outcomes, rows, strict=True):
        same(got, reference(row, options))
    # Some rows already had the tag a rule adds, some had none: both ways were taken.
    assert any(
        o.customer and "高意向" in o.customer.tags and "高意向" not in o.added_tags
        for o in outcomes
    )
    assert any(o.customer and "高意向" in o.added_tags for o in outcomes)


def test_rules_on_fields_that_are_empty_left_out_or_not_a_column_at_all() -> None:
    """Rules are tested a column at a time, with defaults standing in for empty cells and
    for fields no column fills in: every kind of rule must answer as it does on one row."""
    rules = (
        TagRule(tag="无电话", when={"phone": {"empty": True}}),
        TagRule(tag="有标签", when={"tags": {"empty": False}}),
        TagRule(tag="非重点", when={"level": {"not_equals": "重点客户"}}),
        TagRule(tag="无区县", when={"district": {"empty": True}}),
        TagRule(tag="无计划日", when={"next_follow_up_date": {"empty": True}}),
        TagRule(tag="大额", when={"total_amount": {"gte": 500_000}, "source": {"contains": "展"}}),
        TagRule(tag="编号", when={"customer_id": {"regex": "^C-2024"}}),
    )
    options = PipelineOptions(tagging=rules, today=TODAY)
    base = bench_rows(300, seed=11)
    rows: list[SourceRow] = []
    for index, row in enumerate(base):
        values: dict[str, Any] = dict(row.values)
        if index < 100:  # a table without these columns at all
            for name in ("tags", "level", "address", "next_follow_up", "total_amount"):
                values.pop(name, None)
        elif index % 4 == 0:  # records that leave empty fields out
            values = {k: v for k, v in values.items() if v not in ("", None)}
        elif index % 4 == 1:
            values["tags"] = ""
            values["address"] = "某地某路1号"  # no division found: None parts
        rows.append(SourceRow(row.table, row.row, values))
    outcomes = list(process_rows(rows, options))
    for got, row in zip(outcomes, rows, strict=True):
        same(got, reference(row, options))
    added = {tag for outcome in outcomes for tag in outcome.added_tags}
    assert {"有标签", "非重点", "无区县", "无计划日", "大额", "编号"} <= added


def test_sparse_rows_unknown_columns_and_unhashable_cells() -> None:
    """Rows with different columns (Airtable leaves empty fields out), columns that are not
    customer fields, and cells holding lists or dicts, mixed in one batch."""
    options = PipelineOptions(tagging=RULES, today=TODAY)
    base = bench_rows(60, seed=3)
    rows: list[SourceRow] = []
    for index, row in enumerate(base):
        values: dict[str, Any] = dict(row.values)
        if index % 3 == 0:
            values = {k: v for k, v in values.items() if v not in ("", None)}
        if index % 5 == 0:
            values["微信号"] = "wx_123"
        if index % 7 == 0:
            values["tags"] = ["高意向", "VIP"]
            values["company_name"] = [{"type": "text", "text": "上海蓝海贸易有限公司"}]
        if index % 11 == 0:
            values = {}
        rows.append(SourceRow(row.table, row.row, values))
    for got, row in zip(process_rows(rows, options), rows, strict=True):
        same(got, reference(row, options))


def test_typed_cells_do_not_share_remembered_effects() -> None:
    """1, 1.0 and True are equal in Python but different cells; a tuple cell must never meet
    the key a typed cell is remembered under."""
    options = PipelineOptions(today=TODAY)
    cells: list[Any] = [1, 1.0, True, "1", 45139, 45139.0, "45139", date(2024, 5, 10), (int, 1)]
    rows = [
        SourceRow("t", str(n), {**MINIMAL, "total_amount": cell, "last_follow_up": cell})
        for n, cell in enumerate(cells * 2)
    ]
    for got, row in zip(process_rows(rows, options), rows, strict=True):
        same(got, reference(row, options))


def test_fields_whose_values_never_repeat_stop_being_remembered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(core.effects, "CACHE_CHECK", 64)
    options = PipelineOptions(tagging=RULES, today=TODAY)
    rows = bench_rows(2 * BATCH_ROWS, seed=5)
    outcomes = list(process_rows(rows, options))
    for got, row in zip(outcomes, rows, strict=True):
        same(got, reference(row, options))
    fields = options._plan().effects(TODAY)._fields
    assert fields["company_name"].memo is None  # nearly every company is new
    assert fields["phone"].memo is None  # phones are never remembered
    assert fields["level"].memo is not None  # a dropdown repeats
    assert len(fields["level"].memo) < 64


def test_clean_values_that_never_repeat_stop_being_remembered_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cells a column's fast form reads (clean text, plain dates) are remembered on the way
    too; a column of them that never repeats must be let go like any other."""
    monkeypatch.setattr(core.effects, "CACHE_CHECK", 64)
    effects = PipelineOptions(today=TODAY)._plan().effects(TODAY)
    first = date(2020, 1, 1)
    for batch in range(2):
        numbers = range(batch * 100, batch * 100 + 100)
        names, flagged_names = effects.column("contact_name", [f"王伟{n}" for n in numbers])
        days, flagged_days = effects.column(
            "last_follow_up", [(first + timedelta(days=n)).isoformat() for n in numbers]
        )
        assert flagged_names == flagged_days == []
        assert names[-1] == (("contact_name", f"王伟{numbers[-1]}"),)
        assert days[-1] == (("last_follow_up", first + timedelta(days=numbers[-1])),)
    fields = effects._fields
    assert fields["contact_name"].memo is None
    assert fields["last_follow_up"].memo is None


def test_a_column_says_where_its_cells_with_issues_are() -> None:
    """Cells with issues are remembered apart from the others; their positions come back
    with the column, the first time a value is met and every time after."""
    effects = PipelineOptions(today=TODAY)._plan().effects(TODAY)
    for cells in (["重点", "D级", "", "D级", "VIP"], ["D级", "普通", None, "D级"]):
        column, flagged = effects.column("level", cells)
        assert flagged == [at for at, effect in enumerate(column) if type(effect) is Flagged]
        assert flagged == [at for at, cell in enumerate(cells) if cell == "D级"]
    phones, flagged = effects.column("phone", ["13812345678", "138****5678", 13812345678])
    assert flagged == [1]
    assert phones[2] == (("phone", ("13812345678",)),)


def test_remembered_date_checks_follow_the_year() -> None:
    """The sane range of years moves with today; effects worked out under last year's range
    are not reused."""
    options = PipelineOptions(quality=QualitySettings(future_years=0), today=date(2024, 12, 31))
    row = SourceRow(
        "t",
        "2",
        {**MINIMAL, "last_follow_up": "2025-01-02"},
    )
    assert process_row(row, options).quarantined
    options.today = date(2025, 1, 1)
    assert not process_row(row, options).quarantined


def test_issue_order_matches_the_stages() -> None:
    """Problems in column order, then required, bounds, dropdowns, unknown columns, and
    sensitive numbers last: the order a person reads in the quarantine report."""
    options = PipelineOptions(quality=QualitySettings(sensitive="quarantine"), today=TODAY)
    row = SourceRow(
        "t",
        "9",
        {
            "remarks": "身份证11010519491231002X",
            "微信": "x",
            "level": "D级",
            "updated_at": "1900-01-01 10:00",
            "phone": "138****5678",
            "email": "not-an-email",
            "company_name": "",
        },
    )
    got = process_row(row, options)
    same(got, reference(row, options))
    assert [issue.field for issue in got.issues] == [
        "level",
        "phone",
        "email",
        "company_name",
        "contact_name",
        "updated_at",
        "微信",
        "remarks",
    ]


_cell = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789０１２３４５６７８９-/.年月日: +万¥,()转", max_size=24),
    st.integers(min_value=-(10**14), max_value=10**14),
    st.floats(allow_nan=False),
    st.dates(),
    st.none(),
    st.lists(st.text(max_size=8), max_size=3),
)
_names = [spec.name for spec in FIELDS] + ["备用列"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.dictionaries(st.sampled_from(_names), _cell, max_size=12), max_size=25))
def test_arbitrary_rows_match_the_staged_functions(rows: list[dict[str, Any]]) -> None:
    options = PipelineOptions(tagging=RULES, today=TODAY)
    sources = [SourceRow("t", str(n), values) for n, values in enumerate(rows)]
    # A batch repeats cells across rows, the way tables do.
    sources += sources[: len(sources) // 2]
    for got, row in zip(process_rows(sources, options), sources, strict=True):
        same(got, reference(row, options))


def test_date_rules_answer_anew_when_the_day_changes() -> None:
    rules = (TagRule(tag="跟进逾期", when={"next_follow_up": {"overdue": True}}),)
    options = PipelineOptions(tagging=rules, today=date(2024, 5, 20))
    row = SourceRow("t", "2", {**MINIMAL, "next_follow_up": "2024-05-21:回访"})
    assert process_row(row, options).added_tags == ()
    options.today = date(2024, 5, 22)
    assert process_row(row, options).added_tags == ("跟进逾期",)


def test_the_garbage_collector_is_left_as_it_was_found() -> None:
    rows = bench_rows(BATCH_ROWS + 5, seed=2)
    assert gc.isenabled()
    list(process_rows(rows, PipelineOptions(today=TODAY)))
    assert gc.isenabled()
    gc.disable()
    try:
        list(process_rows(rows, PipelineOptions(today=TODAY)))
        assert not gc.isenabled()  # switched off by the caller: stays off
    finally:
        gc.enable()
