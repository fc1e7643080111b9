"""Every exception tablesync raises, grouped by what the caller should do about it.

::

    TablesyncError
    ├── ConfigError            fix the configuration or the command line (exit 2)
    ├── RetryableError         try again later: rate limits, timeouts, 5xx (the run may retry)
    ├── FatalError             stop this table or run; a person must look (exit 3)
    │   ├── TargetError        the remote table is not what we expect (missing/duplicate columns...)
    │   ├── StoreError         the local store cannot be read or written
    │   └── AuthError          credentials rejected
    ├── DataError              one row or value is bad: quarantine it, keep going
    │   └── InputFileError     a whole input file cannot be read (empty, bad encoding, bad header)
    └── NotBuiltError          the command exists in the contract but is not implemented yet

Messages never contain secrets: callers pass names and excerpts, never tokens.
"""

from __future__ import annotations


class TablesyncError(Exception):
    """Root of every error tablesync raises on purpose."""


class ConfigError(TablesyncError):
    """The configuration or the command line is wrong; nothing was done."""


class RetryableError(TablesyncError):
    """A transient failure (rate limit, timeout, server error); the same call may succeed later."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class FatalError(TablesyncError):
    """The run (or one table of it) cannot go on; a person must look."""


class TargetError(FatalError):
    """The remote table does not have the shape we need (columns, ids, permissions)."""


class StoreError(FatalError):
    """The local store cannot be opened, migrated, read or written."""


class AuthError(FatalError):
    """The platform rejected our credentials."""


class DataError(TablesyncError, ValueError):
    """One value or row is unusable; the row is quarantined and the run goes on."""


class InputFileError(DataError):
    """A whole input file cannot be used (empty, undecodable, unusable header)."""


class NotBuiltError(TablesyncError):
    """A command of the contract that this version does not implement yet."""
