"""Team stores for the faces: telling a server address from a file path, the form of an
address that may be shown and remembered (never a password), and opening or creating a
store of either kind (store.vault for files, store.team for PostgreSQL servers).

Only the light address helpers are imported at module load: the unlock dialog asks them
before the store machinery (SQLAlchemy, Alembic) has been loaded off the UI thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from privdesk.store.errors import StoreError as StoreError
from privdesk.store.server_url import parse

if TYPE_CHECKING:
    from privdesk.store.engine import Store

Location = Path | str  # a store file, or a team server's URL


def shown_address(url: str) -> str:
    """The address as shown and remembered: checked, and without its password."""
    return parse(url).display()


def server_title(shown: str) -> str:
    """A short name for a team server in a list: its database and host."""
    rest = shown.split("://", 1)[-1]
    where, _, database = rest.partition("/")
    host = where.rsplit("@", 1)[-1] or "this machine"
    return f"{database.split('?', 1)[0]} on {host} (team server)"


def is_team_store(store: Store) -> bool:
    from privdesk.store.server import ServerStore

    return isinstance(store, ServerStore)


def tidy_search_windows(store: Store) -> None:
    """After a write that adds many contacts (an import) to a team store: close the search's
    open id window into full ones now, rather than at the next unlock, so the new people are
    found as fast as the rest. Its own transaction, after the import's has committed."""
    from privdesk.store.server import ServerStore
    from privdesk.store.team import maintain_search_windows

    if isinstance(store, ServerStore):
        maintain_search_windows(store)


def location_of(store: Store) -> Location:
    from privdesk.store.server import ServerStore

    return store.display() if isinstance(store, ServerStore) else store.path


def open_location(location: Location, officer: str, passphrase: str, create: bool = False) -> Store:
    from privdesk.store import team, vault

    if isinstance(location, str):
        if create:
            return team.create_team_store(location, officer, passphrase)
        return team.open_team_store(location, officer, passphrase)
    if create:
        return vault.create_store(location, officer, passphrase)
    return vault.open_store(location, officer, passphrase)


def reopen(store: Store, officer: str, passphrase: str) -> None:
    """Unlock the same store object again after an auto-lock, whichever kind it is."""
    from privdesk.store import team, vault
    from privdesk.store.server import ServerStore

    if isinstance(store, ServerStore):
        team.reopen_team_store(store, officer, passphrase)
    else:
        vault.reopen_store(store, officer, passphrase)
