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
class StoreLockedError(StoreError):
    def __init__(self) -> None:
        super().__init__("The store is locked: unlock it to carry on.")


class NetworkShareError(StoreError):
    def __init__(self, path: object, fs_type: str) -> None:
        super().__init__(
            f"{path} is on a network share ({fs_type}). privdesk refuses to open a store "
            "there: SQLite's file locking is not reliable over a network, and two officers "
            "writing at once could corrupt the store. Copy it to a local disk first.")
        self.fs_type = fs_type


class DamagedStoreError(UnlockError):
    """The officer's slot opened, so the passphrase is right, yet the file does not."""

    MESSAGE = ("The passphrase is right, but the store does not open with its key: the file "
               "is damaged or was replaced. Restore it from a backup.")


class MissingKeyFileError(UnlockError):
    """No key slots beside the store, and the passphrase does not open it directly.

    That is either an older store (no officers yet) and a wrong passphrase, or a store
    whose key file went missing: the message leads with the plain one and names both."""

    def __init__(self, key_file: str) -> None:
        super().__init__(None)
        self.args = (f"{UnlockError.MESSAGE} If officers were set up for this store, its key "
                     f"file ({key_file}) is missing: put it back beside the store (every backup "
                     "has a copy).",)
