"""TLS to a real server over TCP: verify-full by default checks the certificate against
a CA the workstation trusts and the server's name; a certificate from another CA is
refused with a plain message, and nothing is sent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from privdesk.store.server import ServerUnavailableError
from privdesk.store.team import create_team_store, open_team_store
from tests.pg_server import SUPERUSER, PgServer, start_server
from tests.team.tls_certs import make_ca, make_server_cert

PASS = "tls team passphrase"


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PgServer, Path, Path]]:
    folder = tmp_path_factory.mktemp("tls")
    ca, ca_key, ca_cert = make_ca(folder, "office-ca")
    stranger, _, _ = make_ca(folder, "some-other-ca")
    crt, key = make_server_cert(folder, ca_key, ca_cert)
    server = start_server(tls=(crt, key))
    yield server, ca, stranger
    server.stop()


def _url(server: PgServer, database: str, ca: Path, host: str = "localhost") -> str:
    return f"postgresql://{SUPERUSER}@{host}:{server.port}/{database}?sslrootcert={ca}"


def test_verify_full_over_tcp_with_the_office_ca(tls_server: tuple[PgServer, Path, Path]) -> None:
    server, ca, _ = tls_server
    database = server.create_database()
    store = create_team_store(_url(server, database, ca), "Ann Admin", PASS)
    try:
        assert store.address.url.query["sslmode"] == "verify-full"
        with store.engine.connect() as c:
            assert c.exec_driver_sql("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
                                     ).scalar_one() is True
    finally:
        store.close()
    open_team_store(_url(server, database, ca), "Ann Admin", PASS).close()


def test_a_certificate_from_another_ca_is_refused(tls_server: tuple[PgServer, Path, Path]) -> None:
    server, _, stranger = tls_server
    database = server.create_database()
    with pytest.raises(ServerUnavailableError, match="secure \\(TLS\\) connection was refused"):
        open_team_store(_url(server, database, stranger), "Ann Admin", PASS)


def test_a_name_that_is_not_on_the_certificate_is_refused(
        tls_server: tuple[PgServer, Path, Path]) -> None:
    server, ca, _ = tls_server
    database = server.create_database()
    # The connection goes to this machine (hostaddr), but under a name the certificate
    # does not carry: verify-full refuses it.
    url = _url(server, database, ca, host="db.wrong.example") + "&hostaddr=127.0.0.1"
    with pytest.raises(ServerUnavailableError, match="secure \\(TLS\\) connection was refused"):
        open_team_store(url, "Ann Admin", PASS)
