"""Team-server addresses: TLS is required over TCP, a socket needs none, and the form
shown or remembered never carries a password."""

from __future__ import annotations

import pytest

from privdesk.store.errors import StoreError
from privdesk.store.server_url import is_server_url, parse


def test_tcp_defaults_to_verify_full() -> None:
    address = parse("postgresql://ann@db.office.example:5432/privdesk")
    assert address.url.query["sslmode"] == "verify-full"
    assert not address.over_socket


@pytest.mark.parametrize("mode", ["disable", "allow", "prefer"])
def test_tcp_without_tls_is_refused(mode: str) -> None:
    with pytest.raises(StoreError, match="without TLS"):
        parse(f"postgresql://ann@db.office.example/privdesk?sslmode={mode}")


def test_socket_needs_no_tls_and_display_hides_the_password() -> None:
    address = parse("postgresql://ann:s3cret@/privdesk?host=/run/postgresql")
    assert address.over_socket and "sslmode" not in address.url.query
    assert "s3cret" not in address.display()
    tcp = parse("postgres://ann:s3cret@db.example/privdesk")
    assert "s3cret" not in tcp.display() and tcp.url.drivername == "postgresql+psycopg"


@pytest.mark.parametrize("bad", ["postgresql://ann@db.example", "postgresql://ann@db.example/",
                                 "postgresql://[::1/x"])
def test_bad_addresses_say_what_is_wrong(bad: str) -> None:
    with pytest.raises(StoreError):
        parse(bad)


def test_paths_are_not_server_urls() -> None:
    assert is_server_url("postgresql://a@b/c")
    assert not is_server_url("/home/ann/team.privdesk")
    assert not is_server_url("postgresql.privdesk")
