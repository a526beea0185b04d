"""Errors the store raises, worded for the officer who will read them."""

from __future__ import annotations


class StoreError(Exception):
    """Anything that stops a store from being created, opened or used."""


class UnlockError(StoreError):
    """Wrong key or damaged file. SQLCipher cannot tell the two apart, so neither do we."""

    MESSAGE = "Wrong passphrase, or the file is damaged."

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(self.MESSAGE)
        self.detail = detail


class NotEncryptedError(StoreError):
    def __init__(self, path: object) -> None:
        super().__init__(
            f"{path} is a plain, unencrypted SQLite file. privdesk only opens encrypted stores."
        )


class StoreMissingError(StoreError):
    def __init__(self, path: object) -> None:
        super().__init__(f"There is no store at {path}.")


class StoreExistsError(StoreError):
    def __init__(self, path: object) -> None:
        super().__init__(f"A file already exists at {path}; privdesk will not overwrite it.")


class DiskFullError(StoreError):
    """SQLite's SQLITE_FULL or the OS's ENOSPC: the transaction was rolled back."""

    MESSAGE = ("The disk that holds the store is full. The step that failed saved nothing; "
               "free some space and try again.")

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)
