"""批量导入: rows of a file into the store, cleaned, deduplicated, every row accounted for.

The file is read by a connector (I/O); this module takes its rows already mapped to canonical
fields and decides what happens to each one:

- quarantined: a value is invalid (the report names row, field, value and reason); the row
  is not stored;
- created: a new customer, with a generated 客户编号 when the row had none;
- updated: the row names a stored 客户编号; its non-empty values replace the stored ones
  (an import never erases a value with a blank cell);
- merged: dedupe found the row to be a customer already in the store or earlier in the file
  with certainty; it is merged with provenance kept;
- queued: dedupe is unsure; the row is stored as its own customer and the pair waits in the
  review queue (``sync.py duplicates list``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.dedupe import DedupeRecord, find_duplicates, match_keys, merge_records
from core.ids import CustomerIdAllocator
from core.issues import Issue
from core.models import Customer, FollowUp
from core.pipeline import PipelineCounts, PipelineOptions, SourceRow, process_rows
from core.settings import DedupeSettings
from core.store import Store, StoredCustomer


@dataclass
class ImportReport:
    """What an import did, row by row in aggregate; ``issues`` has every finding."""

    run_id: str
    table: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    quarantined: int = 0
    duplicates_pending: int = 0
    masked_sensitive: int = 0
    blank_rows: int = 0
    issues: list[Issue] = field(default_factory=list)
    customer_ids: dict[str, str] = field(default_factory=dict)  # row -> customer_id it went to

    @property
    def needs_attention(self) -> bool:
        return bool(self.quarantined or self.duplicates_pending)

    @property
    def status(self) -> str:
        return "needs_review" if self.needs_attention else "ok"

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "status": self.status,
            "table": self.table,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "merged": self.merged,
            "quarantined": self.quarantined,
            "duplicates_pending": self.duplicates_pending,
            "masked_sensitive": self.masked_sensitive,
            "blank_rows": self.blank_rows,
            "issues": [issue.as_dict() for issue in self.issues],
        }


def followup_of(customer: Customer, table: str) -> FollowUp | None:
    """The contact event a row records (最近跟进日期/方式/内容), if it records one."""
    if not (customer.last_follow_up or customer.follow_up_content):
        return None
    assert customer.customer_id is not None
    basis = "|".join(
        str(v or "")
        for v in (customer.last_follow_up, customer.follow_up_method, customer.follow_up_content)
    )
    return FollowUp(
        customer_id=customer.customer_id,
        entry_key=hashlib.sha1(basis.encode("utf-8")).hexdigest()[:20],
        happened_on=customer.last_follow_up,
        method=customer.follow_up_method,
        content=customer.follow_up_content,
        owner=customer.owner,
        feedback=customer.feedback,
        next_plan=customer.next_follow_up,
        source_table=table,
    )


def overlay(stored: Customer, incoming: Customer) -> Customer:
    """``stored`` with every non-empty value of ``incoming`` laid over it; tags unioned."""
    values = stored.model_dump()
    for name, value in incoming.model_dump().items():
        if name == "customer_id" or value in (None, "", ()):
            continue
        values[name] = value
    values["tags"] = tuple(sorted(set(stored.tags) | set(incoming.tags)))
    return Customer.model_validate(values)


def import_rows(
    store: Store,
    rows: Iterable[SourceRow],
    *,
    table: str,
    options: PipelineOptions,
    dedupe: DedupeSettings,
    blank_rows: int = 0,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Clean, dedupe and store ``rows``; records a run with its quarantine. Returns the report."""
    run_id = store.start_run("import")
    report = ImportReport(run_id=run_id, table=table, blank_rows=blank_rows)
    counts = PipelineCounts()
    try:
        clean: list[tuple[SourceRow, Customer]] = []
        for outcome in process_rows(rows, options):
            counts.add(outcome)
            report.rows += 1
            report.issues.extend(outcome.issues)
            if outcome.customer is None:
                report.quarantined += 1
            else:
                clean.append((outcome.source, outcome.customer))
            if progress is not None:
                progress(1)
        report.masked_sensitive = counts.masked_sensitive
        _store_clean_rows(store, clean, report, table=table, dedupe=dedupe, today=_today(options))
        store.add_quarantine(run_id, report.issues)
    except BaseException:
        store.finish_run(run_id, "failed", report.as_dict())
        raise
    store.finish_run(run_id, report.status, report.as_dict())
    return report


def _today(options: PipelineOptions) -> date:
    return options.today or datetime.now(ZoneInfo(options.timezone)).date()


def _store_clean_rows(
    store: Store,
    clean: Sequence[tuple[SourceRow, Customer]],
    report: ImportReport,
    *,
    table: str,
    dedupe: DedupeSettings,
    today: date,
) -> None:
    allocator = store.id_allocator()

    # Key every clean row: its own 客户编号 when it has one not used earlier in the file.
    incoming: dict[str, tuple[SourceRow, Customer]] = {}
    claimed: dict[str, str] = {}
    for source, customer in clean:
        key = customer.customer_id
        if key and key in claimed:
            key = None  # a second row claiming the same id: decided by dedupe below
        key = key or f"{table}:{source.row}"
        if customer.customer_id and customer.customer_id not in claimed:
            claimed[customer.customer_id] = key
        incoming[key] = (source, customer)

    # Only the stored customers the file names by id, or that share a blocking key with one of
    # its new rows, are loaded: the cost follows the file, not the size of the store.
    stored: dict[str, StoredCustomer] = store.get_many(claimed)
    unknown = [customer for key, (_, customer) in incoming.items() if key not in stored]
    candidates = store.candidate_ids(key for customer in unknown for key in match_keys(customer))
    stored.update(store.get_many(candidates - stored.keys()))

    new_records = [
        DedupeRecord(
            key=key,
            customer=customer,
            table=table,
            modified_at=source.modified_at or customer.updated_at,
        )
        for key, (source, customer) in incoming.items()
        if key not in stored
    ]
    existing_records = [
        DedupeRecord(
            key=cid,
            customer=item.customer,
            table=item.source_table,
            modified_at=item.customer.updated_at,
        )
        for cid, item in stored.items()
    ]
    result = find_duplicates(
        new_records, dedupe, existing=existing_records, rejected=store.rejected_pairs()
    )

    customer_of_key: dict[str, str] = {}
    to_save: list[tuple[Customer, dict[str, str], str | None]] = []
    merged_from: dict[str, list[str]] = {}
    grouped: set[str] = set()
    folds: list[tuple[str, str, dict[str, str]]] = []  # (survivor, folded stored id, provenance)

    # 1. Sure duplicates: one customer per group.
    by_key = {record.key: record for record in (*new_records, *existing_records)}
    for group in result.groups:
        records = [by_key[key] for key in group]
        outcome = merge_records(records, dedupe)
        survivor = outcome.survivor
        if not survivor.customer_id or survivor.customer_id not in stored:
            survivor = survivor.model_copy(
                update={"customer_id": _fresh_id(survivor, stored, allocator, today)}
            )
        survivor_id = survivor.customer_id
        assert survivor_id is not None
        provenance = {name: (tbl or table) for name, tbl in outcome.provenance_tables.items()}
        previous = stored.get(survivor_id)
        arriving = sum(1 for key in group if key in incoming)
        folded = [key for key in group if key in stored and key != survivor_id]
        for key in group:
            customer_of_key[key] = survivor_id
            grouped.add(key)
        if previous is not None and not folded and survivor == previous.customer:
            # Rows that only restate a stored customer (a file imported again): nothing merged.
            report.unchanged += arriving
            continue
        folds.extend((survivor_id, key, provenance) for key in folded)
        merged_from[survivor_id] = sorted(
            {*(previous.merged_from if previous else []), *(k for k in group if k != survivor_id)}
        )
        to_save.append((survivor, provenance, previous.source_table if previous else table))
        report.merged += arriving - (0 if previous else 1)
        if previous is None:
            report.created += 1

    # 2. Everything else: update by id, or create.
    for key, (source, customer) in incoming.items():
        if key in grouped:
            continue
        if key in stored:
            current = stored[key]
            updated = overlay(current.customer, customer)
            if updated == current.customer:
                report.unchanged += 1
            else:
                report.updated += 1
                provenance = {
                    **current.provenance,
                    **dict.fromkeys(_changed(current.customer, updated), table),
                }
                to_save.append((updated, provenance, current.source_table))
            customer_of_key[key] = key
            continue
        if customer.customer_id and claimed.get(customer.customer_id) != key:
            report.issues.append(
                Issue(
                    table=table,
                    row=source.row,
                    field="customer_id",
                    value=customer.customer_id,
                    reason=f"客户编号与第{incoming[claimed[customer.customer_id]][0].row}行相同,但两行不是同一客户;请修改其中一行的客户编号",
                )
            )
            report.quarantined += 1
            continue
        cid = customer.customer_id or _fresh_id(customer, stored, allocator, today)
        allocator.reserve(cid)
        fresh = customer.model_copy(update={"customer_id": cid})
        to_save.append((fresh, dict.fromkeys(_filled(fresh), table), table))
        customer_of_key[key] = cid
        report.created += 1

    store.save_customers(to_save, merged_from=merged_from)
    # Stored customers folded into another go only once the survivor is saved, so a failure
    # in between leaves a duplicate, never a lost customer.
    for survivor_id, folded_id, provenance in folds:
        store.record_merge(survivor_id, stored[folded_id], provenance, report.run_id)
        store.reassign_followups(folded_id, survivor_id)
        store.delete_customers([folded_id])
    # Every row's contact event joins the log of the customer it went to: merged rows too.
    store.add_followups(
        entry
        for key, (_, customer) in incoming.items()
        if key in customer_of_key
        for entry in [
            followup_of(customer.model_copy(update={"customer_id": customer_of_key[key]}), table)
        ]
        if entry is not None
    )

    # 3. Unsure pairs wait for a person, named by the ids they were stored under.
    pending = []
    saved_ids = set(customer_of_key.values())
    for pair in result.review:
        a, b = customer_of_key.get(pair.a, pair.a), customer_of_key.get(pair.b, pair.b)
        # A row quarantined above was never stored: there is nothing to review it against.
        if a != b and all(side in stored or side in saved_ids for side in (a, b)):
            pending.append((a, b, pair.score, pair.reasons))
    report.duplicates_pending = store.add_duplicate_candidates(pending, report.run_id)
    for key, cid in customer_of_key.items():
        if key in incoming:
            report.customer_ids[incoming[key][0].row] = cid


def _fresh_id(
    customer: Customer,
    stored: dict[str, StoredCustomer],
    allocator: CustomerIdAllocator,
    today: date,
) -> str:
    if customer.customer_id and customer.customer_id not in stored:
        return customer.customer_id
    return str(allocator.allocate(today))


def _filled(customer: Customer) -> list[str]:
    return [name for name, value in customer.model_dump().items() if value not in (None, "", ())]


def _changed(before: Customer, after: Customer) -> list[str]:
    old, new = before.model_dump(), after.model_dump()
    return [name for name in new if old.get(name) != new[name]]
