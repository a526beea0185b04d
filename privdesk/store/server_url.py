"""Team-server addresses: which `--store` values are PostgreSQL URLs, the TLS rule, and the
form that may be shown or remembered (never a password).

Any libpq URL is taken: ``postgresql://USER@HOST:PORT/DB`` (TCP) or
``postgresql://USER@/DB?host=/socket/dir`` (a Unix socket). Over TCP, TLS is required and
the server's certificate is checked against its name (``sslmode=verify-full`` unless the
URL asks for ``verify-ca`` or ``require``); a URL that turns TLS off is refused. A Unix
socket never leaves the machine, so it needs no TLS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from privdesk.store.errors import StoreError

if TYPE_CHECKING:  # SQLAlchemy is imported on use: the GUI asks is_server_url at startup
    from sqlalchemy.engine import URL

SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
TLS_MODES = ("verify-full", "verify-ca", "require")


def is_server_url(value: object) -> bool:
    return isinstance(value, str) and value.strip().lower().startswith(SCHEMES)


@dataclass(frozen=True)
class ServerAddress:
    url: URL  # postgresql+psycopg, TLS settled

    @property
    def database(self) -> str:
        return self.url.database or ""

    @property
    def over_socket(self) -> bool:
        return _socket_host(self.url)

    def display(self) -> str:
        """The address without its password: safe to show, log and remember."""
        return safe_display(self.url)


def _socket_host(url: URL) -> bool:
    host = url.query.get("host")
    if isinstance(host, tuple):
        host = host[0] if host else None
    if host:
        return str(host).startswith("/")
    return not url.host  # libpq's default is its Unix socket


def safe_display(url: URL) -> str:
    """postgresql://USER@HOST:PORT/DB?k=v, never the password (written out by hand:
    SQLAlchemy's own rendering keeps a *** in its place and percent-encodes socket paths)."""
    user = f"{url.username}@" if url.username else ""
    port = f":{url.port}" if url.port else ""
    query = "&".join(f"{k}={v}" for k, values in sorted(url.query.items())
                     for v in ((values,) if isinstance(values, str) else values)
                     if k != "password")
    return f"postgresql://{user}{url.host or ''}{port}/{url.database}" + (f"?{query}" if query else "")


def parse(value: str) -> ServerAddress:
    """Check a team-server URL and settle its TLS mode; a plain-words StoreError if not."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    raw = value.strip()
    if not is_server_url(raw):
        raise StoreError(f"{raw!r} is not a team-server address (postgresql://USER@HOST/DB).")
    if raw.lower().startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://"):]
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError) as exc:
        raise StoreError(f"The team-server address is not a valid URL: {exc}") from None
    if not url.database:
        raise StoreError("The team-server address names no database: add /DBNAME after the host.")
    url = url.set(drivername="postgresql+psycopg")
    if not _socket_host(url):
        mode = url.query.get("sslmode", "verify-full")
        if mode not in TLS_MODES:
            raise StoreError(
                f"Refusing to connect to {url.host} without TLS (sslmode={mode}). A team "
                "server over the network must use TLS; leave sslmode out (verify-full) or "
                "use a Unix socket on the server machine itself.")
        url = url.update_query_dict({"sslmode": mode})
    return ServerAddress(url)
