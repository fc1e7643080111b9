"""The local store: the hub that every table is synced against.

SQLAlchemy Core over SQLite by default (one file, zero setup) or PostgreSQL by URL. The
schema is versioned: :data:`MIGRATIONS` are applied in order on open and the version is kept
in ``meta``; nobody edits the tables by hand.

Canonical records are stored as JSON documents (``Customer.model_dump(mode="json")``) next to
a few columns used for lookups, so adding a dictionary field needs no migration.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError

from core.errors import StoreError
from core.ids import CustomerIdAllocator
from core.issues import Issue
from core.models import Customer, FollowUp

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

customers = Table(
    "customers",
    metadata,
    Column("customer_id", String(64), primary_key=True),
    Column("company_name", Text, nullable=False),
    Column("contact_name", Text, nullable=False),
    Column("data", JSON, nullable=False),
    #: field -> name of the table its current value came from.
    Column("provenance", JSON, nullable=False, default=dict),
    #: customer_ids folded into this one by dedupe merges.
    Column("merged_from", JSON, nullable=False, default=list),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("source_table", String(128)),
)

followups = Table(
    "followups",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("customer_id", String(64), nullable=False, index=True),
    Column("entry_key", String(128), nullable=False),
    Column("data", JSON, nullable=False),
    UniqueConstraint("customer_id", "entry_key", name="uq_followup_entry"),
)

runs = Table(
    "runs",
    metadata,
    Column("run_id", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("status", String(32), nullable=False),
    Column("summary", JSON, nullable=False, default=dict),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), ForeignKey("runs.run_id"), nullable=False, index=True),
    Column("table_name", String(128), nullable=False),
    Column("row_ref", String(128), nullable=False),
    Column("field", String(64), nullable=False),
    Column("value", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("severity", String(16), nullable=False),
)

duplicate_candidates = Table(
    "duplicate_candidates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key_a", String(64), nullable=False),
    Column("key_b", String(64), nullable=False),
    Column("score", Float, nullable=False),
    Column("reasons", JSON, nullable=False),
    #: pending (waits for a person) | merged | rejected (never proposed again)
    Column("status", String(16), nullable=False),
    Column("run_id", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    UniqueConstraint("key_a", "key_b", name="uq_duplicate_pair"),
)

links = Table(
    "links",
    metadata,
    Column("table_name", String(128), primary_key=True),
    Column("remote_id", String(256), primary_key=True),
    Column("customer_id", String(64), nullable=False, index=True),
    #: canonical values last agreed with that table (the three-way merge base).
    Column("base", JSON, nullable=False, default=dict),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

merges = Table(
    "merges",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("survivor_id", String(64), nullable=False, index=True),
    Column("merged_id", String(64), nullable=False),
    Column("run_id", String(64)),
    #: the merged-away record as it was, so a merge can be undone.
    Column("before", JSON, nullable=False),
    Column("provenance", JSON, nullable=False),
    Column("merged_at", DateTime(timezone=True), nullable=False),
)


customer_keys = Table(
    "customer_keys",
    metadata,
    Column("customer_id", String(64), nullable=False, index=True),
    #: a dedupe blocking key (phone, e-mail, company pinyin ...; see core.dedupe.match_keys)
    Column("key", String(256), nullable=False, index=True),
    UniqueConstraint("customer_id", "key", name="uq_customer_key"),
)

#: A key shared by more stored customers than this says little about any one of them; it is
#: not used to fetch candidates (the other keys of a record still are).
MAX_CUSTOMERS_PER_KEY = 500


def _migrate_1(connection: Connection) -> None:
    tables = [table for name, table in metadata.tables.items() if name != "customer_keys"]
    metadata.create_all(connection, tables=tables)


def _migrate_2(connection: Connection) -> None:
    """Blocking keys beside every customer, backfilled for stores made before them."""
    customer_keys.create(connection, checkfirst=True)
    rows = connection.execute(select(customers.c.customer_id, customers.c.data)).all()
    for customer_id, data in rows:
        _write_keys(connection, str(customer_id), Customer.model_validate(data))


#: Schema migrations in order; the store's version is the number applied.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_migrate_1, _migrate_2)


def _write_keys(connection: Connection, customer_id: str, customer: Customer) -> None:
    from core.dedupe import match_keys

    connection.execute(customer_keys.delete().where(customer_keys.c.customer_id == customer_id))
    keys = match_keys(customer)
    if keys:
        connection.execute(
            customer_keys.insert(), [{"customer_id": customer_id, "key": key} for key in keys]
        )


def _write_keys_bulk(connection: Connection, items: Sequence[tuple[str, Customer]]) -> None:
    from core.dedupe import match_keys

    ids = [customer_id for customer_id, _ in items]
    connection.execute(customer_keys.delete().where(customer_keys.c.customer_id.in_(ids)))
    rows = [
        {"customer_id": customer_id, "key": key}
        for customer_id, customer in items
        for key in match_keys(customer)
    ]
    if rows:
        connection.execute(customer_keys.insert(), rows)


def _chunks(items: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    # SQLite limits the number of bound parameters in one statement.
    for start in range(0, len(items), size):
        yield items[start : start + size]


SCHEMA_VERSION = len(MIGRATIONS)


def now_utc() -> datetime:
    return datetime.now(UTC)


def new_run_id(kind: str, when: datetime | None = None) -> str:
    """``R-20240510-143000-ab12``: sortable by time, unique without coordination."""
    stamp = (when or now_utc()).strftime("%Y%m%d-%H%M%S")
    return f"R-{stamp}-{secrets.token_hex(2)}"


@dataclass(frozen=True)
class StoredCustomer:
    customer: Customer
    provenance: dict[str, str]
    merged_from: list[str]
    source_table: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    kind: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    summary: dict[str, Any]


@dataclass(frozen=True)
class DuplicateCandidate:
    id: int
    key_a: str
    key_b: str
    score: float
    reasons: list[str]
    status: str
    run_id: str | None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets `sync.py runs` read while a run writes; foreign keys keep quarantine rows honest.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class Store:
    """The hub database. Open with :meth:`open`; every public method is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> Store:
        try:
            parsed = make_url(url)
            database = parsed.database
            if parsed.get_backend_name() == "sqlite" and database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, future=True)
            if parsed.get_backend_name() == "sqlite":
                event.listen(engine, "connect", _sqlite_pragmas)
            store = cls(engine)
            store.migrate()
        except SQLAlchemyError as exc:
            raise StoreError(
                f"cannot open the store {_safe_url(url)}: {type(exc).__name__}"
            ) from None
        except ModuleNotFoundError as exc:
            raise StoreError(
                f"cannot open the store {_safe_url(url)}: driver {exc.name} is not installed "
                "(pip install 'tablesync[postgres]')"
            ) from None
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ------------------------------------------------------------------------------

    def schema_version(self) -> int:
        with self.engine.connect() as connection:
            if not self.engine.dialect.has_table(connection, "meta"):
                return 0
            value = connection.execute(
                select(meta.c.value).where(meta.c.key == "schema_version")
            ).scalar()
            return int(value) if value is not None else 0

    def migrate(self) -> None:
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"the store has schema version {current}, newer than this tablesync ({SCHEMA_VERSION}); upgrade tablesync"
            )
        with self.engine.begin() as connection:
            for version in range(current, SCHEMA_VERSION):
                MIGRATIONS[version](connection)
            if current != SCHEMA_VERSION:
                meta.create(connection, checkfirst=True)
                connection.execute(meta.delete().where(meta.c.key == "schema_version"))
                connection.execute(
                    meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION))
                )

    # -- customers ---------------------------------------------------------------------------

    def customer_ids(self) -> set[str]:
        with self.engine.connect() as connection:
            return set(connection.execute(select(customers.c.customer_id)).scalars())

    def id_allocator(self) -> CustomerIdAllocator:
        return CustomerIdAllocator(self.customer_ids())

    def count_customers(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(customers)).scalar_one())

    def get(self, customer_id: str) -> StoredCustomer | None:
        with self.engine.connect() as connection:
            row = (
                connection.execute(select(customers).where(customers.c.customer_id == customer_id))
                .mappings()
                .first()
            )
        return _stored(row) if row is not None else None

    def iter_customers(self) -> Iterator[StoredCustomer]:
        with self.engine.connect() as connection:
            result = connection.execute(select(customers).order_by(customers.c.customer_id))
            for row in result.mappings():
                yield _stored(row)

    def save_customers(
        self,
        items: Iterable[tuple[Customer, dict[str, str], str | None]],
        *,
        merged_from: dict[str, list[str]] | None = None,
    ) -> int:
        """Insert or replace customers: (customer with an id, provenance, source table).

        Written in bulk (one statement per chunk and kind, not per customer): an import of
        thousands of rows spends its time on the data, not on round trips.
        """
        now = now_utc()
        rows: dict[str, dict[str, Any]] = {}
        for customer, provenance, table in items:
            if not customer.customer_id:
                raise StoreError("a customer must have a customer_id before it is stored")
            values: dict[str, Any] = {
                "customer_id": customer.customer_id,
                "company_name": customer.company_name,
                "contact_name": customer.contact_name,
                "data": customer.model_dump(mode="json"),
                "provenance": provenance,
                "updated_at": now,
                "source_table": table,
                "_customer": customer,
            }
            if merged_from and customer.customer_id in merged_from:
                values["merged_from"] = merged_from[customer.customer_id]
            rows[customer.customer_id] = values  # the last word on an id wins
        with self.engine.begin() as connection:
            for chunk in _chunks(list(rows)):
                existing_ids: Iterable[Any] = connection.execute(
                    select(customers.c.customer_id).where(customers.c.customer_id.in_(chunk))
                ).scalars()
                present = {str(found) for found in existing_ids}
                for customer_id in chunk:
                    values = rows[customer_id]
                    customer = values.pop("_customer")
                    if customer_id in present:
                        connection.execute(
                            customers.update()
                            .where(customers.c.customer_id == customer_id)
                            .values(**{k: v for k, v in values.items() if k != "customer_id"})
                        )
                    values["_customer"] = customer
                inserts = [
                    {
                        **{k: v for k, v in rows[cid].items() if k != "_customer"},
                        "created_at": now,
                        "merged_from": rows[cid].get("merged_from", []),
                    }
                    for cid in chunk
                    if cid not in present
                ]
                if inserts:
                    connection.execute(customers.insert(), inserts)
                _write_keys_bulk(connection, [(cid, rows[cid]["_customer"]) for cid in chunk])
        return len(rows)

    def delete_customers(self, customer_ids: Sequence[str]) -> None:
        with self.engine.begin() as connection:
            for chunk in _chunks(list(customer_ids)):
                connection.execute(customers.delete().where(customers.c.customer_id.in_(chunk)))
                connection.execute(
                    customer_keys.delete().where(customer_keys.c.customer_id.in_(chunk))
                )

    def get_many(self, customer_ids: Iterable[str]) -> dict[str, StoredCustomer]:
        """The stored customers among ``customer_ids`` (absent ids are left out)."""
        found: dict[str, StoredCustomer] = {}
        with self.engine.connect() as connection:
            for chunk in _chunks(sorted(set(customer_ids))):
                rows = connection.execute(
                    select(customers).where(customers.c.customer_id.in_(chunk))
                ).mappings()
                for row in rows:
                    found[row["customer_id"]] = _stored(row)
        return found

    def candidate_ids(self, keys: Iterable[str]) -> set[str]:
        """Stored customers sharing at least one blocking key with ``keys``.

        Keys held by more than :data:`MAX_CUSTOMERS_PER_KEY` customers are skipped: such a
        block is compared by its other keys, as the in-memory blocking does for big blocks.
        """
        by_key: dict[str, list[str]] = {}
        with self.engine.connect() as connection:
            for chunk in _chunks(sorted(set(keys))):
                rows = connection.execute(
                    select(customer_keys.c.key, customer_keys.c.customer_id).where(
                        customer_keys.c.key.in_(chunk)
                    )
                ).all()
                for key, customer_id in rows:
                    by_key.setdefault(str(key), []).append(str(customer_id))
        return {
            customer_id
            for ids in by_key.values()
            if len(ids) <= MAX_CUSTOMERS_PER_KEY
            for customer_id in ids
        }

    # -- follow-ups --------------------------------------------------------------------------

    def add_followups(self, entries: Iterable[FollowUp]) -> int:
        """Append follow-ups; an entry already recorded (same customer and key) is skipped."""
        fresh: dict[tuple[str, str], FollowUp] = {}
        for entry in entries:
            fresh.setdefault((entry.customer_id, entry.entry_key), entry)
        if not fresh:
            return 0
        with self.engine.begin() as connection:
            for chunk in _chunks(sorted({customer_id for customer_id, _ in fresh})):
                known = connection.execute(
                    select(followups.c.customer_id, followups.c.entry_key).where(
                        followups.c.customer_id.in_(chunk)
                    )
                ).all()
                for customer_id, entry_key in known:
                    fresh.pop((str(customer_id), str(entry_key)), None)
            if fresh:
                connection.execute(
                    followups.insert(),
                    [
                        {
                            "customer_id": entry.customer_id,
                            "entry_key": entry.entry_key,
                            "data": entry.model_dump(mode="json"),
                        }
                        for entry in fresh.values()
                    ],
                )
        return len(fresh)

    def followups_of(self, customer_id: str) -> list[FollowUp]:
        with self.engine.connect() as connection:
            rows: Iterable[Any] = connection.execute(
                select(followups.c.data)
                .where(followups.c.customer_id == customer_id)
                .order_by(followups.c.id)
            ).scalars()
            return [FollowUp.model_validate(row) for row in rows]

    def reassign_followups(self, from_id: str, to_id: str) -> None:
        """Move one customer's follow-ups to another (after a merge); duplicates collapse."""
        with self.engine.begin() as connection:
            moving = connection.execute(
                select(followups.c.id, followups.c.entry_key, followups.c.data).where(
                    followups.c.customer_id == from_id
                )
            ).all()
            for row_id, entry_key, stored_data in moving:
                data: dict[str, Any] = dict(cast(dict[str, Any], stored_data))
                clash = connection.execute(
                    select(followups.c.id).where(
                        followups.c.customer_id == to_id, followups.c.entry_key == entry_key
                    )
                ).first()
                if clash is not None:
                    connection.execute(followups.delete().where(followups.c.id == row_id))
                else:
                    connection.execute(
                        followups.update()
                        .where(followups.c.id == row_id)
                        .values(customer_id=to_id, data={**data, "customer_id": to_id})
                    )

    # -- runs and quarantine -----------------------------------------------------------------

    def start_run(self, kind: str) -> str:
        run_id = new_run_id(kind)
        with self.engine.begin() as connection:
            connection.execute(
                runs.insert().values(
                    run_id=run_id, kind=kind, started_at=now_utc(), status="running", summary={}
                )
            )
        return run_id

    def finish_run(self, run_id: str, status: str, summary: dict[str, Any]) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                runs.update()
                .where(runs.c.run_id == run_id)
                .values(finished_at=now_utc(), status=status, summary=_jsonable(summary))
            )

    def list_runs(self, limit: int = 50) -> list[RunRecord]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(runs).order_by(runs.c.started_at.desc()).limit(limit)
            ).mappings()
            return [
                RunRecord(
                    run_id=row["run_id"],
                    kind=row["kind"],
                    started_at=row["started_at"],
                    finished_at=row["finished_at"],
                    status=row["status"],
                    summary=row["summary"] or {},
                )
                for row in rows
            ]

    def add_quarantine(self, run_id: str, issues: Iterable[Issue]) -> int:
        rows = [
            {
                "run_id": run_id,
                "table_name": issue.table,
                "row_ref": issue.row,
                "field": issue.field,
                "value": issue.value,
                "reason": issue.reason,
                "severity": issue.severity.value,
            }
            for issue in issues
        ]
        if rows:
            with self.engine.begin() as connection:
                connection.execute(quarantine.insert(), rows)
        return len(rows)

    def quarantine_of(self, run_id: str) -> list[dict[str, str]]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(quarantine).where(quarantine.c.run_id == run_id).order_by(quarantine.c.id)
            ).mappings()
            return [
                {
                    "table": r["table_name"],
                    "row": r["row_ref"],
                    "field": r["field"],
                    "value": r["value"],
                    "reason": r["reason"],
                    "severity": r["severity"],
                }
                for r in rows
            ]

    # -- duplicates --------------------------------------------------------------------------

    def add_duplicate_candidates(
        self, pairs: Iterable[tuple[str, str, float, Sequence[str]]], run_id: str | None
    ) -> int:
        """Queue pairs for review; a pair already known (pending, merged or rejected) is kept as is."""
        added = 0
        now = now_utc()
        with self.engine.begin() as connection:
            for a, b, score, reasons in pairs:
                key_a, key_b = sorted((a, b))
                known = connection.execute(
                    select(duplicate_candidates.c.id).where(
                        duplicate_candidates.c.key_a == key_a, duplicate_candidates.c.key_b == key_b
                    )
                ).first()
                if known is None:
                    connection.execute(
                        duplicate_candidates.insert().values(
                            key_a=key_a,
                            key_b=key_b,
                            score=score,
                            reasons=list(reasons),
                            status="pending",
                            run_id=run_id,
                            created_at=now,
                        )
                    )
                    added += 1
        return added

    def duplicate_candidates(self, status: str | None = "pending") -> list[DuplicateCandidate]:
        query = select(duplicate_candidates).order_by(
            duplicate_candidates.c.score.desc(), duplicate_candidates.c.id
        )
        if status is not None:
            query = query.where(duplicate_candidates.c.status == status)
        with self.engine.connect() as connection:
            return [_candidate(row) for row in connection.execute(query).mappings()]

    def duplicate_candidate(self, candidate_id: int) -> DuplicateCandidate | None:
        with self.engine.connect() as connection:
            row = (
                connection.execute(
                    select(duplicate_candidates).where(duplicate_candidates.c.id == candidate_id)
                )
                .mappings()
                .first()
            )
        return _candidate(row) if row is not None else None

    def decide_duplicate(self, candidate_id: int, status: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                duplicate_candidates.update()
                .where(duplicate_candidates.c.id == candidate_id)
                .values(status=status, decided_at=now_utc())
            )

    def rejected_pairs(self) -> set[frozenset[str]]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(duplicate_candidates.c.key_a, duplicate_candidates.c.key_b).where(
                    duplicate_candidates.c.status == "rejected"
                )
            ).all()
        return {frozenset((str(a), str(b))) for a, b in rows}

    def record_merge(
        self,
        survivor_id: str,
        merged: StoredCustomer,
        provenance: dict[str, str],
        run_id: str | None,
    ) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                merges.insert().values(
                    survivor_id=survivor_id,
                    merged_id=merged.customer.customer_id,
                    run_id=run_id,
                    before=merged.customer.model_dump(mode="json"),
                    provenance=provenance,
                    merged_at=now_utc(),
                )
            )
            # Links of the merged-away record now point at the survivor: nothing is orphaned.
            connection.execute(
                links.update()
                .where(links.c.customer_id == merged.customer.customer_id)
                .values(customer_id=survivor_id)
            )


def _stored(row: Any) -> StoredCustomer:
    return StoredCustomer(
        customer=Customer.model_validate(row["data"]),
        provenance=dict(row["provenance"] or {}),
        merged_from=list(row["merged_from"] or []),
        source_table=row["source_table"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _candidate(row: Any) -> DuplicateCandidate:
    return DuplicateCandidate(
        id=row["id"],
        key_a=row["key_a"],
        key_b=row["key_b"],
        score=row["score"],
        reasons=list(row["reasons"]),
        status=row["status"],
        run_id=row["run_id"],
    )


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _safe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unparseable URL)"
