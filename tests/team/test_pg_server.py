"""The throwaway PostgreSQL the team-store tests run against is a real server."""

from __future__ import annotations

import psycopg

from tests.pg_server import PgServer


def test_throwaway_server_answers_on_its_socket_only(pg_server: PgServer, pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        version = conn.execute("SELECT current_setting('server_version_num')::int").fetchone()
        listen = conn.execute("SELECT current_setting('listen_addresses')").fetchone()
    assert version is not None and version[0] >= 150000
    assert listen == ("",)  # no TCP: the tests' server is reachable through its socket only
    assert str(pg_server.socket_dir) in pg_url
