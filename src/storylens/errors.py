"""One error vocabulary for the whole tool; the CLI translates it at the edge."""

from __future__ import annotations


class StorylensError(Exception):
    """Base of every error storylens raises on purpose."""


class InputFailure(StorylensError):
    """One input could not be used. The batch goes on; the exit code says 1."""

    def __init__(self, source: str, message: str):
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message


class UsageError(StorylensError):
    """The call itself is wrong (exit code 2)."""


class StoreError(StorylensError):
    """The store cannot be opened or is not a storylens database."""


class NotFound(StorylensError):
    """A story or article named by the user does not exist."""


class OutputError(StorylensError):
    """An output (report file, table folder) cannot be written (exit code 1)."""
