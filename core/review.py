"""Decisions a person makes on the duplicate review queue (``sync.py duplicates merge|reject``)."""

from __future__ import annotations

from core.dedupe import DedupeRecord, merge_records
from core.errors import ConfigError
from core.settings import DedupeSettings
from core.store import DuplicateCandidate, Store


def _pending(store: Store, candidate_id: int) -> DuplicateCandidate:
    candidate = store.duplicate_candidate(candidate_id)
    if candidate is None:
        raise ConfigError(f"no duplicate candidate {candidate_id}; see `sync.py duplicates list`")
    if candidate.status != "pending":
        raise ConfigError(f"duplicate candidate {candidate_id} was already {candidate.status}")
    return candidate


def merge_candidate(store: Store, candidate_id: int, settings: DedupeSettings) -> str:
    """Merge the pair into one customer; returns the surviving customer_id."""
    candidate = _pending(store, candidate_id)
    stored = [store.get(candidate.key_a), store.get(candidate.key_b)]
    present = [item for item in stored if item is not None]
    if len(present) < 2:
        store.decide_duplicate(candidate_id, "merged")
        raise ConfigError(
            f"duplicate candidate {candidate_id}: one of {candidate.key_a}, {candidate.key_b} "
            "no longer exists (merged or removed since)"
        )
    records = [
        DedupeRecord(
            key=item.customer.customer_id or "",
            customer=item.customer,
            table=item.source_table,
            modified_at=item.customer.updated_at or item.updated_at,
        )
        for item in present
    ]
    outcome = merge_records(records, settings)
    survivor = outcome.survivor
    survivor_id = survivor.customer_id
    assert survivor_id is not None
    provenance = {name: table or "" for name, table in outcome.provenance_tables.items()}
    run_id = store.start_run("merge")
    folded = [item for item in present if item.customer.customer_id != survivor_id]
    merged_from = {mid for item in present for mid in item.merged_from}
    merged_from.update(str(item.customer.customer_id) for item in folded)
    # The survivor is saved before the other record goes, so a failure in between leaves a
    # duplicate, never a lost customer.
    kept_table = next(
        (item.source_table for item in present if item.customer.customer_id == survivor_id), None
    )
    store.save_customers(
        [(survivor, provenance, kept_table)], merged_from={survivor_id: sorted(merged_from)}
    )
    for item in folded:
        folded_id = str(item.customer.customer_id)
        store.record_merge(survivor_id, item, provenance, run_id)
        store.reassign_followups(folded_id, survivor_id)
        store.delete_customers([folded_id])
    store.decide_duplicate(candidate_id, "merged")
    store.finish_run(
        run_id, "ok", {"merged": 1, "candidate": candidate_id, "survivor": survivor_id}
    )
    return survivor_id


def reject_candidate(store: Store, candidate_id: int) -> None:
    """Two different customers: remembered, never proposed again."""
    _pending(store, candidate_id)
    store.decide_duplicate(candidate_id, "rejected")
