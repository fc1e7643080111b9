"""tablesync command line. Thin: parses arguments, calls the library, prints, sets the exit code.

Exit status (for cron and CI): 0 success; 1 finished but a person is needed (quarantined rows,
pending duplicates, conflicts, held deletes); 2 bad configuration or usage; 3 the run failed.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from core.errors import ConfigError, DataError, FatalError, NotBuiltError, TablesyncError

EXIT_OK, EXIT_ATTENTION, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3

app = typer.Typer(
    name="tablesync",
    help="Keep one clean customer database (客户信息) in step with Feishu Bitable, Google Sheets, "
    "Airtable and Excel tables.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
conflicts_app = typer.Typer(
    help="List, show and resolve conflicts held for a person.", no_args_is_help=True
)
duplicates_app = typer.Typer(
    help="Review possible duplicate customers: list, merge, reject.", no_args_is_help=True
)
app.add_typer(conflicts_app, name="conflicts")
app.add_typer(duplicates_app, name="duplicates")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

ConfigOption = Annotated[
    str | None,
    typer.Option(
        "--config",
        "-c",
        help="Configuration file (default: $TABLESYNC_CONFIG or config/sync.yaml).",
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON document on stdout and nothing else.")
]
TableOption = Annotated[
    list[str] | None, typer.Option("--table", "-t", help="Only this table (repeatable).")
]


def fail(message: str, code: int) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


@contextmanager
def errors_to_exit_codes() -> Iterator[None]:
    """Turn tablesync's exception groups into the documented exit codes and clear messages."""
    try:
        yield
    except ConfigError as exc:
        fail(str(exc), EXIT_USAGE)
    except NotBuiltError as exc:
        fail(str(exc), EXIT_USAGE)
    except DataError as exc:
        fail(str(exc), EXIT_FAILED)
    except FatalError as exc:
        fail(str(exc), EXIT_FAILED)
    except TablesyncError as exc:
        fail(str(exc), EXIT_FAILED)


def not_built(command: str, issue: str) -> NoReturn:
    raise NotBuiltError(f"'{command}' is not available in this version yet ({issue}).")


def emit_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")


def _load(config: str | None) -> Any:
    from config import load_config

    return load_config(config)


def _store_url(config: str | None) -> str:
    """The store named by the configuration, or the default SQLite file when there is none."""
    from config.loader import config_path

    if config is None and not config_path(None).exists():
        return "sqlite:///tablesync.db"
    return str(_load(config).store)


def _open_store(config: str | None) -> Any:
    from core.store import Store

    return Store.open(_store_url(config))


def _pipeline_options(config: str | None) -> tuple[Any, Any]:
    from config.loader import config_path
    from config.models import SyncConfig
    from core.pipeline import PipelineOptions

    settings = SyncConfig() if config is None and not config_path(None).exists() else _load(config)
    options = PipelineOptions(
        quality=settings.quality, tagging=tuple(settings.tagging), timezone=settings.timezone
    )
    return options, settings


# -- commands that work today ------------------------------------------------------------------


@app.command()
def template(
    out_file: Annotated[
        Path, typer.Option("--out", "-o", help="Where to write the .xlsx template.")
    ],
    empty: Annotated[bool, typer.Option("--empty", help="Leave out the example rows.")] = False,
    config: ConfigOption = None,
) -> None:
    """Write the import template (批量导入模板): Chinese headers, 字段说明, dropdowns, examples."""
    from connectors.template import write_template

    with errors_to_exit_codes():
        if out_file.suffix.lower() != ".xlsx":
            raise ConfigError(f"{out_file}: the template is an .xlsx file")
        rows = write_template(out_file, with_examples=not empty)
    err.print(f"wrote {out_file} ({rows} example rows)")


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="An .xlsx or .csv file in the template's layout.")],
    sheet: Annotated[
        str | None, typer.Option(help="Worksheet to read (default: 客户信息 or the first).")
    ] = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import customers from a file: clean, validate, dedupe, store; report every problem row."""
    from connectors.excel import read_source_rows
    from core.importing import import_rows

    with errors_to_exit_codes():
        options, settings = _pipeline_options(config)
        table_name = file.name
        source = read_source_rows(file, table=table_name, sheet=sheet)
        with (
            _open_store(config) as store,
            _progress(len(source.rows), "importing", quiet=as_json) as tick,
        ):
            report = import_rows(
                store,
                source.rows,
                table=table_name,
                options=options,
                dedupe=settings.dedupe,
                blank_rows=source.blank_rows,
                progress=tick,
            )
    columns = {issue.field: source.plan.column_of(issue.field) for issue in report.issues}
    if as_json:
        document = report.as_dict()
        for issue in document["issues"]:
            issue["column"] = columns.get(issue["field"])
        emit_json(document)
    else:
        _print_import(report, columns)
    raise typer.Exit(EXIT_ATTENTION if report.needs_attention else EXIT_OK)


@app.command()
def export(
    out_file: Annotated[Path, typer.Option("--out", "-o", help="Where to write the export.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="xlsx or csv.")] = "xlsx",
    password: Annotated[
        str | None,
        typer.Option(
            "--password",
            help="Encrypt the .xlsx with this password (or set TABLESYNC_EXPORT_PASSWORD).",
            envvar="TABLESYNC_EXPORT_PASSWORD",
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Export every stored customer in the template's layout (.xlsx or .csv)."""
    from connectors.export import export_rows
    from core.cells import customer_cells

    with errors_to_exit_codes():
        if fmt not in ("xlsx", "csv"):
            raise ConfigError(f"--format must be xlsx or csv, not {fmt!r}")
        if out_file.suffix.lower() != f".{fmt}":
            raise ConfigError(f"{out_file}: the file name must end in .{fmt} for --format {fmt}")
        with _open_store(config) as store:
            rows = [customer_cells(item.customer) for item in store.iter_customers()]
        count = export_rows(out_file, rows, fmt, password)  # type: ignore[arg-type]
    err.print(f"exported {count} customers to {out_file}" + (" (encrypted)" if password else ""))


@app.command()
def runs(
    limit: Annotated[int, typer.Option(help="How many runs to show, newest first.")] = 20,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the history of runs and imports."""
    with errors_to_exit_codes(), _open_store(config) as store:
        history = store.list_runs(limit)
    if as_json:
        emit_json(
            [
                {
                    "run_id": r.run_id,
                    "kind": r.kind,
                    "status": r.status,
                    "started_at": r.started_at,
                    "finished_at": r.finished_at,
                    "summary": {k: v for k, v in r.summary.items() if k != "issues"},
                }
                for r in history
            ]
        )
        return
    table = Table(
        "run", "kind", "status", "started", "rows", "created", "updated", "merged", "quarantined"
    )
    for r in history:
        s = r.summary
        table.add_row(
            r.run_id,
            r.kind,
            r.status,
            f"{r.started_at:%Y-%m-%d %H:%M:%S}",
            *(str(s.get(k, "")) for k in ("rows", "created", "updated", "merged", "quarantined")),
        )
    out.print(table)


@app.command()
def sandbox(
    host: Annotated[str, typer.Option(help="Address to bind; keep it on loopback.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8765,
) -> None:
    """Serve the local stand-ins for Google Sheets, Airtable and Feishu until interrupted."""
    from sandbox import SandboxServer

    try:
        server = SandboxServer(host, port)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port} ({exc.strerror})", EXIT_USAGE)
    err.print(f"sandbox serving Sheets, Airtable and Feishu on {server.url} (Ctrl-C to stop)")
    err.print("  control API: POST /_sandbox/reset, GET /_sandbox/stats ...")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        err.print("stopped")
    finally:
        server.stop()


@duplicates_app.command("list")
def duplicates_list(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Pairs of customers that may be the same one, waiting for a decision."""
    with errors_to_exit_codes(), _open_store(config) as store:
        pending = store.duplicate_candidates("pending")
        names = {c.id: _pair_names(store, c.key_a, c.key_b) for c in pending}
    if as_json:
        emit_json(
            [
                {
                    "id": c.id,
                    "customer_ids": [c.key_a, c.key_b],
                    "score": round(c.score, 4),
                    "reason": "; ".join(c.reasons),
                    "reasons": c.reasons,
                    "companies": names[c.id],
                }
                for c in pending
            ]
        )
        return
    if not pending:
        out.print("no duplicates waiting for review")
        return
    table = Table("id", "customers", "companies", "score", "why")
    for c in pending:
        table.add_row(
            str(c.id),
            f"{c.key_a}\n{c.key_b}",
            "\n".join(names[c.id]),
            f"{c.score:.2f}",
            "; ".join(c.reasons),
        )
    out.print(table)


def _pair_names(store: Any, a: str, b: str) -> list[str]:
    names = []
    for cid in (a, b):
        item = store.get(cid)
        names.append(
            f"{item.customer.company_name} / {item.customer.contact_name}" if item else "(gone)"
        )
    return names


@duplicates_app.command("merge")
def duplicates_merge(
    candidate: Annotated[int, typer.Argument(help="Id from `duplicates list`.")],
    config: ConfigOption = None,
) -> None:
    """Merge a pair: the two customers become one, values chosen by the survivorship rules."""
    from core.review import merge_candidate

    with errors_to_exit_codes():
        _, settings = _pipeline_options(config)
        with _open_store(config) as store:
            survivor = merge_candidate(store, candidate, settings.dedupe)
    err.print(f"merged into {survivor}")


@duplicates_app.command("reject")
def duplicates_reject(
    candidate: Annotated[int, typer.Argument(help="Id from `duplicates list`.")],
    config: ConfigOption = None,
) -> None:
    """Mark a pair as two different customers; it is never proposed again."""
    from core.review import reject_candidate

    with errors_to_exit_codes(), _open_store(config) as store:
        reject_candidate(store, candidate)
    err.print(f"pair {candidate} rejected: kept as two customers")


# -- commands of the contract that later work fills in ------------------------------------------


@app.command()
def demo(config: ConfigOption = None) -> None:
    """Start the sandbox in-process with sample team tables, run a full sync, print what happened."""
    with errors_to_exit_codes():
        not_built("demo", "it arrives with the sync engine; try `template` then `import`")


@app.command()
def check(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Check configuration, credentials, targets and columns of every table."""
    with errors_to_exit_codes():
        not_built("check", "it arrives with the connectors")


@app.command()
def plan(
    table: TableOption = None, config: ConfigOption = None, as_json: JsonOption = False
) -> None:
    """Dry run: what a run would create, update, delete and hold, and the API calls it needs."""
    with errors_to_exit_codes():
        not_built("plan", "it arrives with the sync engine")


@app.command()
def run(
    table: TableOption = None,
    full: Annotated[
        bool, typer.Option("--full", help="Full sweep instead of an incremental pull.")
    ] = False,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """One sync run over every configured table."""
    with errors_to_exit_codes():
        not_built("run", "it arrives with the sync engine")


@app.command()
def undo(
    run_id: Annotated[str, typer.Argument(help="A run id from `runs`.")],
    config: ConfigOption = None,
) -> None:
    """Apply a run's journal backwards."""
    with errors_to_exit_codes():
        not_built("undo", "it arrives with the sync engine")


@app.command()
def report(
    out_file: Annotated[Path, typer.Option("--out", "-o", help="Where to write the HTML report.")],
    config: ConfigOption = None,
) -> None:
    """Write an HTML report with charts and tables for people."""
    with errors_to_exit_codes():
        not_built("report", "it arrives with the reports work")


@app.command()
def schedule(config: ConfigOption = None) -> None:
    """Run syncs on the configured cron schedule (APScheduler daemon)."""
    with errors_to_exit_codes():
        not_built("schedule", "it arrives with the scheduler")


@conflicts_app.command("list")
def conflicts_list(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Conflicts held for a person."""
    with errors_to_exit_codes():
        not_built("conflicts list", "it arrives with the sync engine")


@conflicts_app.command("show")
def conflicts_show(conflict: Annotated[str, typer.Argument()], config: ConfigOption = None) -> None:
    """One conflict with both sides and the base."""
    with errors_to_exit_codes():
        not_built("conflicts show", "it arrives with the sync engine")


@conflicts_app.command("resolve")
def conflicts_resolve(
    conflict: Annotated[str, typer.Argument()],
    take: Annotated[str | None, typer.Option("--take", help="local or remote")] = None,
    value: Annotated[str | None, typer.Option("--value", help="A value of your own.")] = None,
    config: ConfigOption = None,
) -> None:
    """Resolve a conflict by taking one side or giving a value."""
    with errors_to_exit_codes():
        not_built("conflicts resolve", "it arrives with the sync engine")


# -- output helpers ----------------------------------------------------------------------------


@contextmanager
def _progress(total: int, label: str, *, quiet: bool) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr for long work; silent for small inputs, --json and non-terminals."""
    if quiet or total < 200 or not err.is_terminal:
        yield lambda _n: None
        return
    from rich.progress import Progress

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def _print_import(report: Any, columns: dict[str, str | None]) -> None:
    out.print(
        f"[bold]{report.table}[/]: {report.rows} rows -> {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.merged} merged as duplicates, "
        f"{report.quarantined} quarantined"
        + (f"; {report.blank_rows} blank rows skipped" if report.blank_rows else ""),
        highlight=False,
    )
    if report.masked_sensitive:
        out.print(f"masked {report.masked_sensitive} sensitive number(s) (ID / bank card)")
    if report.duplicates_pending:
        out.print(
            f"{report.duplicates_pending} possible duplicate pair(s) wait for review: `sync.py duplicates list`"
        )
    problems = list(report.issues)
    if problems:
        table = Table("row", "column", "value", "problem", "action", title="problems")
        for issue in problems:
            from core.fields import FIELD_BY_NAME

            spec = FIELD_BY_NAME.get(issue.field)
            table.add_row(
                issue.row,
                columns.get(issue.field) or (spec.label if spec else issue.field),
                issue.value,
                issue.reason,
                "quarantined" if issue.severity.value == "error" else "kept",
            )
        out.print(table)
    out.print(f"run {report.run_id}", style="dim")


def main() -> None:
    """Entry point of the ``tablesync`` console script and ``python sync.py``."""
    logging.basicConfig(
        level=os.environ.get("TABLESYNC_LOG", "WARNING"),
        format="%(levelname)s %(name)s: %(message)s",
    )
    # Standalone mode: usage errors exit 2 with click's message, typer.Exit carries our codes.
    app()


if __name__ == "__main__":
    main()
